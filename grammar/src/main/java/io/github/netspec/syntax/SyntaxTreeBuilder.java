package io.github.netspec.syntax;

import io.github.netspec.grammar.NetParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * Builds the record tree from ANTLR's parse tree, once. After error recovery the parse tree may lack
 * pieces; a statement with a missing piece is dropped here (the syntax error already describes it), so
 * the records never hold nulls.
 */
final class SyntaxTreeBuilder {

    private final String path;

    SyntaxTreeBuilder(String path) {
        this.path = path;
    }

    SourceFile file(NetParser.FileContext ctx) {
        List<Network> networks = ctx.network().stream().map(this::network).filter(Objects::nonNull).toList();
        List<Block> blocks = ctx.block().stream().map(this::block).filter(Objects::nonNull).toList();
        return new SourceFile(path, networks, blocks);
    }

    private Block block(NetParser.BlockContext ctx) {
        if (isMissing(ctx.keyword) || isMissing(ctx.name)) {
            return null;
        }
        List<Block.Parameter> parameters = new ArrayList<>();
        for (NetParser.BlockParameterContext parameter : ctx.blockParameter()) {
            if (isMissing(parameter.name)) {
                return null;
            }
            Optional<Value> defaultValue = Optional.empty();
            if (parameter.value() != null) {
                Value value = value(parameter.value());
                if (value == null) {
                    return null;
                }
                defaultValue = Optional.of(value);
            }
            parameters.add(new Block.Parameter(parameter.name.getText(), defaultValue, position(parameter.name)));
        }
        List<Statement> statements = ctx.statement().stream().map(this::statement).filter(Objects::nonNull).toList();
        return new Block(ctx.keyword.getText(), position(ctx.keyword), ctx.name.getText(), position(ctx.name), parameters,
                statements);
    }

    private Network network(NetParser.NetworkContext ctx) {
        if (isMissing(ctx.name)) {
            return null;
        }
        List<Statement> statements = ctx.statement().stream().map(this::statement).filter(Objects::nonNull).toList();
        int lastLine = ctx.stop != null && ctx.stop.getType() != Token.EOF ? ctx.stop.getLine() : Integer.MAX_VALUE;
        return new Network(ctx.name.getText(), position(ctx.name), weights(ctx.weightsClause()), statements,
                Math.max(lastLine, ctx.name.getLine()));
    }

    private Optional<WeightsClause> weights(NetParser.WeightsClauseContext ctx) {
        if (ctx == null || isMissing(ctx.keyword) || isMissing(ctx.path)) {
            return Optional.empty();
        }
        return Optional.of(new WeightsClause(ctx.keyword.getText(), unquote(ctx.path.getText()), span(ctx),
                position(ctx.path)));
    }

    /** The text between the quotes, each backslash escape ({@code \"} or {@code \\}) replaced by its character. */
    private static String unquote(String quoted) {
        StringBuilder text = new StringBuilder();
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            text.append(c == '\\' ? quoted.charAt(++i) : c);
        }
        return text.toString();
    }

    private Statement statement(NetParser.StatementContext ctx) {
        Operation operation = ctx.operation() == null ? null : operation(ctx.operation());
        if (operation == null) {
            return null;
        }
        Optional<Label> label = ctx.label == null || hasMissingToken(ctx.label) ? Optional.empty()
                : Optional.of(label(ctx.label));
        Optional<ShapeLiteral> expected = Optional.empty();
        if (ctx.shapeAssertion() != null) {
            ShapeLiteral shape = shape(ctx.shapeAssertion().shape());
            if (shape == null) {
                return null;
            }
            expected = Optional.of(shape);
        }
        return new Statement(label, operation, expected);
    }

    private Operation operation(NetParser.OperationContext ctx) {
        if (ctx instanceof NetParser.InputOperationContext input) {
            ShapeLiteral shape = shape(input.shape());
            return shape == null ? null : new Operation.Input(shape, span(input));
        }
        if (ctx instanceof NetParser.FromOperationContext from) {
            return from.target == null || hasMissingToken(from.target) ? null
                    : new Operation.From(label(from.target), span(from));
        }
        if (ctx instanceof NetParser.RepeatOperationContext repeat) {
            if (isMissing(repeat.keyword) || isMissing(repeat.count)) {
                return null;
            }
            List<Statement> body = repeat.statement().stream().map(this::statement).filter(Objects::nonNull).toList();
            return new Operation.Repeat(repeat.keyword.getText(), IntegerValue.parse(repeat.count.getText(), position(repeat.count)), body,
                    span(repeat));
        }
        if (!(ctx instanceof NetParser.LayerOperationContext layer) || isMissing(layer.layer)) {
            return null; // recovery left an operation with no alternative matched; the syntax error covers it
        }
        List<Argument> arguments = new ArrayList<>();
        if (layer.arguments() != null) {
            for (NetParser.ArgumentContext argument : layer.arguments().argument()) {
                Argument built = argument(argument);
                if (built == null) {
                    return null;
                }
                arguments.add(built);
            }
        }
        return new Operation.Layer(layer.layer.getText(), arguments, span(layer));
    }

    private Argument argument(NetParser.ArgumentContext ctx) {
        Value value = ctx.value() == null ? null : value(ctx.value());
        if (value == null) {
            return null;
        }
        Optional<String> key = isMissing(ctx.key) ? Optional.empty() : Optional.of(ctx.key.getText());
        return new Argument(key, value, span(ctx));
    }

    private Value value(NetParser.ValueContext ctx) {
        if (hasMissingToken(ctx)) {
            return null;
        }
        Position at = span(ctx);
        if (ctx instanceof NetParser.IntegerValueContext integer) {
            return IntegerValue.parse(signed(integer.getText()), at);
        }
        if (ctx instanceof NetParser.DecimalValueContext decimal) {
            String text = signed(decimal.getText());
            return new Value.Decimal(Double.parseDouble(text), text, at);
        }
        if (ctx instanceof NetParser.BooleanValueContext bool) {
            return new Value.Bool(bool.getText().equals("true"), at);
        }
        if (ctx instanceof NetParser.WordValueContext word) {
            return new Value.Word(word.getText(), at);
        }
        NetParser.TupleValueContext tuple = (NetParser.TupleValueContext) ctx;
        List<Value> elements = new ArrayList<>();
        for (NetParser.ValueContext element : tuple.value()) {
            Value built = value(element);
            if (built == null) {
                return null;
            }
            elements.add(built);
        }
        return new Value.Tuple(elements, at);
    }

    private ShapeLiteral shape(NetParser.ShapeContext ctx) {
        if (ctx == null || hasMissingToken(ctx) || ctx.dimension().isEmpty()) {
            return null;
        }
        List<IntegerValue> dimensions = new ArrayList<>();
        for (NetParser.DimensionContext dimension : ctx.dimension()) {
            if (dimension.INT() == null) {
                return null;
            }
            dimensions.add(IntegerValue.parse(signed(dimension.getText()), span(dimension)));
        }
        return new ShapeLiteral(dimensions, span(ctx));
    }

    private Label label(NetParser.LabelNameContext ctx) {
        return new Label(ctx.getText(), span(ctx));
    }

    /** ANTLR's getText() of {@code - 3} is "-3"; the sign and digits are all that remain. */
    private static String signed(String text) {
        StringBuilder kept = new StringBuilder(text.length());
        text.codePoints().filter(c -> !Character.isWhitespace(c)).forEach(kept::appendCodePoint);
        return kept.toString();
    }

    /** Where a token is, covering its text. */
    static Position position(Token token) {
        return new Position(Math.max(token.getLine(), 1), token.getCharPositionInLine() + 1, width(token, token));
    }

    /** Where a rule's text starts, covering it up to its last token when that is on the same line. */
    private static Position span(ParserRuleContext ctx) {
        Token start = ctx.start;
        Token stop = ctx.stop != null && ctx.stop.getLine() == start.getLine() ? ctx.stop : start;
        return new Position(Math.max(start.getLine(), 1), start.getCharPositionInLine() + 1, width(start, stop));
    }

    private static int width(Token start, Token stop) {
        boolean onOneLine = start.getText() != null && !start.getText().contains("\n") && stop.getStopIndex() >= start.getStartIndex();
        return onOneLine ? stop.getStopIndex() - start.getStartIndex() + 1 : 1;
    }

    /** A token the parser invented during recovery (it has no place in the source). */
    private static boolean isMissing(Token token) {
        return token == null || token.getTokenIndex() < 0;
    }

    private static boolean hasMissingToken(ParserRuleContext ctx) {
        if (ctx.exception != null) {
            return true;
        }
        for (int i = 0; i < ctx.getChildCount(); i++) {
            var child = ctx.getChild(i);
            if (child instanceof org.antlr.v4.runtime.tree.ErrorNode) {
                return true;
            }
            if (child instanceof ParserRuleContext rule && hasMissingToken(rule)) {
                return true;
            }
        }
        return false;
    }
}
