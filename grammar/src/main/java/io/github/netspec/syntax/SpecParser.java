package io.github.netspec.syntax;

import io.github.netspec.grammar.NetLexer;
import io.github.netspec.grammar.NetParser;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.Vocabulary;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Parses {@code .net} source text into the immutable syntax tree. This class and the records of this
 * package are the grammar module's whole API: no ANTLR type leaves it.
 */
public final class SpecParser {

    private SpecParser() {}

    /**
     * Parses one file. Never throws for bad input: every syntax error becomes a diagnostic, and the parser
     * recovers to report later ones too.
     *
     * @param path the file's path as it should appear in diagnostics
     */
    public static ParseResult parse(String path, String text) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        SyntaxErrorCollector collector = new SyntaxErrorCollector(path, diagnostics);

        NetLexer lexer = new NetLexer(CharStreams.fromString(text, path));
        lexer.removeErrorListeners();
        lexer.addErrorListener(collector);
        NetParser parser = new NetParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(collector);

        NetParser.FileContext tree = parser.file();
        SourceFile file = new SyntaxTreeBuilder(path).file(tree);
        return new ParseResult(file, diagnostics);
    }

    /** Turns ANTLR's reports into diagnostics, at most one per source position. */
    private static final class SyntaxErrorCollector extends BaseErrorListener {
        private final String path;
        private final List<Diagnostic> diagnostics;

        SyntaxErrorCollector(String path, List<Diagnostic> diagnostics) {
            this.path = path;
            this.diagnostics = diagnostics;
        }

        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
                                String antlrMessage, RecognitionException e) {
            Position position = blame(recognizer, offendingSymbol, reported(offendingSymbol, line, charPositionInLine));
            if (!diagnostics.isEmpty() && diagnostics.get(diagnostics.size() - 1).position().line() == position.line()) {
                return; // one bad line, one error: the rest of the line is the parser recovering
            }
            diagnostics.add(describe(recognizer, offendingSymbol, position, antlrMessage, e));
        }

        /** Where ANTLR says the error is, covering the offending token when there is one. */
        private static Position reported(Object offendingSymbol, int line, int charPositionInLine) {
            if (offendingSymbol instanceof Token token && token.getType() != Token.EOF) {
                return SyntaxTreeBuilder.position(token);
            }
            return new Position(Math.max(line, 1), charPositionInLine + 1);
        }

        /**
         * When the unexpected token starts a later line than the last good token, the mistake is almost
         * always at the end of that earlier line (a missing ')' or ','), so point just after it, as javac does.
         */
        private static Position blame(Recognizer<?, ?> recognizer, Object offendingSymbol, Position reported) {
            if (!(recognizer instanceof org.antlr.v4.runtime.Parser parser) || !(offendingSymbol instanceof Token token)
                    || token.getType() == NetLexer.UNTERMINATED_COMMENT || token.getType() == NetLexer.UNTERMINATED_STRING
                    || token.getType() == NetLexer.UNEXPECTED) {
                return reported;
            }
            Token previous = parser.getTokenStream().LT(-1);
            if (previous == null || previous.getLine() >= token.getLine() || previous.getType() == Token.EOF) {
                return reported;
            }
            String text = previous.getText();
            if (text.contains("\n")) {
                return reported;
            }
            return new Position(previous.getLine(), previous.getCharPositionInLine() + text.length() + 1);
        }

        private Diagnostic describe(Recognizer<?, ?> recognizer, Object offendingSymbol, Position position,
                                    String antlrMessage, RecognitionException e) {
            if (offendingSymbol instanceof Token token) {
                if (token.getType() == NetLexer.UNTERMINATED_COMMENT) {
                    return Diagnostic.error(path, position, "unterminated block comment", "close it with */");
                }
                if (token.getType() == NetLexer.UNTERMINATED_STRING) {
                    return Diagnostic.error(path, position, "unterminated string", "close it with \" on the same line");
                }
                if (token.getType() == NetLexer.UNEXPECTED) {
                    return Diagnostic.error(path, position, "unexpected character '" + token.getText() + "'",
                            "remove it; comments start with // or /*");
                }
                if (recognizer instanceof org.antlr.v4.runtime.Parser parser) {
                    IntervalSet expected = expectedTokens(parser, e);
                    if (expected != null && !expected.isNil()) {
                        String found = token.getType() == Token.EOF ? "the file ends" : "found '" + token.getText() + "'";
                        boolean closable = expected.toList().stream().anyMatch(t -> "'}'".equals(parser.getVocabulary().getDisplayName(t)));
                        String hint = token.getType() == Token.EOF && closable ? "close the network with }" : "";
                        return Diagnostic.error(path, position, "syntax error: expected " + describe(expected, parser.getVocabulary())
                                + ", but " + found, hint);
                    }
                }
            }
            return Diagnostic.error(path, position, "syntax error: " + antlrMessage.replace("<EOF>", "end of file"));
        }

        /** What the parser could have accepted where it stopped; null if ANTLR cannot say. */
        private static IntervalSet expectedTokens(org.antlr.v4.runtime.Parser parser, RecognitionException e) {
            try {
                return e != null && e.getExpectedTokens() != null ? e.getExpectedTokens() : parser.getExpectedTokens();
            } catch (RuntimeException stateUnknown) {
                return null; // the ATN state was not available for this report; fall back to ANTLR's text
            }
        }

        /** The expected tokens in words: "',' or ')'", "a value", "a name or '}'". */
        private static String describe(IntervalSet expected, Vocabulary vocabulary) {
            Set<String> words = new LinkedHashSet<>();
            boolean value = expected.contains(NetLexer.INT) && expected.contains(NetLexer.DECIMAL) && expected.contains(NetLexer.IDENT);
            if (value) {
                words.add("a value (a number, true, false, a word or a tuple)");
            }
            for (int type : expected.toArray()) {
                if (value && VALUE_TOKENS.contains(vocabulary.getDisplayName(type))) {
                    continue;
                }
                if ("'-'".equals(vocabulary.getDisplayName(type)) && expected.contains(NetLexer.INT)) {
                    continue; // the sign is part of a number; "an integer" already says it
                }
                words.add(switch (type) {
                    case Token.EOF -> "the end of the file";
                    case NetLexer.IDENT, NetLexer.DOTTED -> "a name";
                    case NetLexer.INT -> "an integer";
                    case NetLexer.DECIMAL -> "a decimal number";
                    default -> vocabulary.getDisplayName(type);
                });
            }
            List<String> list = List.copyOf(words);
            if (list.size() == 1) {
                return list.get(0);
            }
            return String.join(", ", list.subList(0, list.size() - 1)) + " or " + list.get(list.size() - 1);
        }

        /** The tokens that can start a value, folded into "a value" when all of them are expected. */
        private static final Set<String> VALUE_TOKENS = Set.of("INT", "DECIMAL", "IDENT", "'-'", "'('", "'true'", "'false'");
    }
}
