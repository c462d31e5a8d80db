package io.github.netspec.generator;

import io.github.netspec.syntax.Argument;
import io.github.netspec.syntax.Block;
import io.github.netspec.syntax.CallSite;
import io.github.netspec.syntax.Label;
import io.github.netspec.syntax.Network;
import io.github.netspec.syntax.Operation;
import io.github.netspec.syntax.Position;
import io.github.netspec.syntax.Statement;
import io.github.netspec.syntax.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes out a network's block calls and repeats as the plain statements they stand for, before any shape
 * is checked: the phase between the syntax tree and the {@link ShapeChecker}.
 *
 * <p>The naming rule, which makes PyTorch's nested {@code state_dict} names come out by themselves:
 * <ul>
 *   <li>A block called as {@code L: block(args)} puts its labels under {@code L}: its {@code conv1} is
 *       {@code L.conv1}, so its weights are {@code L.conv1.weight}. {@code L} itself names the block's output.
 *       Called without a label in a network, the prefix is the default name {@code BLOCK_N} (the N-th call of
 *       that block); called without a label inside a block or a repeat, it puts its labels directly under
 *       the caller's prefix, as if its statements were written there.</li>
 *   <li>{@code L: repeat N { ... }} writes its statements N times; copy {@code i}'s labels are {@code L.i.label},
 *       and a block called in it without a label is named {@code L.i} itself, so {@code layer1: repeat 2
 *       { basic(64) }} gives {@code layer1.0.conv1} and {@code layer1.1.conv1}, as torchvision names them.</li>
 *   <li>Inside a block or a repeated copy, {@code in} is the value it started from, a label names the
 *       block's own statement, and a parameter's name stands for the value the call passed.</li>
 * </ul>
 * Each copied statement remembers the calls that put it there, innermost first, so the checker's
 * diagnostics point at the line in the block and name every call site.
 */
final class BlockExpander {

    /** What names mean where statements are being copied to. */
    private record Scope(String prefix, Set<String> locals, Map<String, Value> arguments, String input,
                         List<CallSite> origin, List<String> activeBlocks, boolean repeatCopy, Scope parent) {

        static Scope network() {
            return new Scope("", Set.of(), Map.of(), null, List.of(), List.of(), false, null);
        }

        boolean insideBlockOrRepeat() {
            return input != null;
        }

        String qualify(String label) {
            return prefix.isEmpty() ? label : prefix + "." + label;
        }
    }

    private static final String IN = "in";

    private final Map<String, Block> blocks;
    private final Diagnostics diagnostics;
    private final Map<String, Integer> defaultCounters = new HashMap<>();

    private BlockExpander(Map<String, Block> blocks, Diagnostics diagnostics) {
        this.blocks = blocks;
        this.diagnostics = diagnostics;
    }

    /**
     * Checks the file's blocks as declarations (names, parameters) and reports the problems once.
     *
     * @return the blocks by name, the first of each name
     */
    static Map<String, Block> declare(List<Block> blocks, Diagnostics diagnostics) {
        Map<String, Block> byName = new LinkedHashMap<>();
        for (Block block : blocks) {
            if (!block.keyword().equals("block")) {
                diagnostics.error(block.keywordPosition(), "unknown declaration '" + block.keyword() + "'"
                        + Names.didYouMean(block.keyword(), List.of("network", "block")),
                        "a file declares networks (network NAME { ... }) and blocks (block NAME(params) { ... })");
                continue;
            }
            if (LayerCatalog.signature(block.name()).isPresent()) {
                diagnostics.error(block.position(), "block " + block.name() + " has the name of a layer",
                        "rename the block, for example " + block.name() + "_block");
                continue;
            }
            Block previous = byName.putIfAbsent(block.name(), block);
            if (previous != null) {
                diagnostics.error(block.position(), "block " + block.name() + " is also declared at line "
                        + previous.position().line(), "rename one of them");
            }
            Set<String> parameters = new HashSet<>();
            boolean defaults = false;
            for (Block.Parameter parameter : block.parameters()) {
                if (!parameters.add(parameter.name())) {
                    diagnostics.error(parameter.position(), "block " + block.name() + " has two parameters named "
                            + parameter.name(), "rename one of them");
                }
                if (parameter.name().equals(IN)) {
                    diagnostics.error(parameter.position(), "'in' cannot be a parameter: inside a block it names the"
                            + " value the block was called on", "rename the parameter");
                }
                if (defaults && parameter.defaultValue().isEmpty()) {
                    diagnostics.error(parameter.position(), "parameter " + parameter.name() + " of block " + block.name()
                            + " has no default but comes after one that has", "give it a default, or move it before "
                            + "the parameters with defaults");
                }
                defaults |= parameter.defaultValue().isPresent();
            }
            for (Statement statement : block.statements()) {
                statement.label().filter(label -> label.name().equals(IN)).ifPresent(label -> diagnostics.error(
                        label.position(), "'in' cannot label a statement of a block: it names the value the block was"
                                + " called on", "choose another label"));
                if (statement.operation() instanceof Operation.Input input) {
                    diagnostics.error(input.position(), "a block has no input statement: it starts from the value it"
                            + " is called on, named in", "remove the line");
                }
            }
        }
        return byName;
    }

    /** The network with every block call and repeat written out. */
    static Network expand(Network network, Map<String, Block> blocks, Diagnostics diagnostics) {
        BlockExpander expander = new BlockExpander(blocks, diagnostics);
        List<Statement> statements = expander.statements(network.statements(), Scope.network());
        return new Network(network.name(), network.position(), network.weights(), statements, network.lastLine());
    }

    private List<Statement> statements(List<Statement> statements, Scope scope) {
        List<Statement> out = new ArrayList<>();
        for (Statement statement : statements) {
            Operation operation = statement.operation();
            if (operation instanceof Operation.Input && scope.insideBlockOrRepeat() && !scope.repeatCopy()) {
                continue; // in a block's own body: reported where the block is declared, once however often it is called
            }
            if (operation instanceof Operation.Repeat repeat) {
                out.addAll(repeat(statement, repeat, scope));
            } else if (operation instanceof Operation.Layer layer && blocks.containsKey(layer.name())) {
                out.addAll(call(statement, layer, blocks.get(layer.name()), scope));
            } else {
                out.add(copy(statement, scope));
            }
        }
        return out;
    }

    /** A statement in the scope: its label qualified, its references resolved, its arguments substituted. */
    private Statement copy(Statement statement, Scope scope) {
        Optional<Label> label = statement.label().map(l -> new Label(scope.qualify(l.name()), l.position()));
        Operation operation = statement.operation();
        if (operation instanceof Operation.From from) {
            operation = new Operation.From(reference(from.target(), scope), from.position());
        } else if (operation instanceof Operation.Layer layer && scope.insideBlockOrRepeat()) {
            boolean takesLabels = LayerCatalog.signature(layer.name()).map(LayerCatalog.Signature::takesLabels).orElse(false);
            List<Argument> arguments = new ArrayList<>();
            for (Argument argument : layer.arguments()) {
                Value value = substitute(argument.value(), scope);
                if (takesLabels && value instanceof Value.Word word) {
                    Label target = reference(new Label(word.word(), word.position()), scope);
                    value = new Value.Word(target.name(), word.position());
                }
                arguments.add(new Argument(argument.key(), value, argument.position()));
            }
            operation = new Operation.Layer(layer.name(), arguments, layer.position());
        }
        return new Statement(label, operation, statement.expectedShape(), scope.origin());
    }

    /** A parameter's name becomes the value the call gave it, in tuples too. */
    private static Value substitute(Value value, Scope scope) {
        if (value instanceof Value.Word word && scope.arguments().containsKey(word.word())) {
            return scope.arguments().get(word.word());
        }
        if (value instanceof Value.Tuple tuple) {
            return new Value.Tuple(tuple.elements().stream().map(v -> substitute(v, scope)).toList(), tuple.position());
        }
        return value;
    }

    /**
     * A label used in the scope, as the network knows it: {@code in}, or a label of this scope or of the
     * scopes around it (a repeat sees the labels of the block or network it is in), qualified.
     */
    private Label reference(Label label, Scope scope) {
        if (!scope.insideBlockOrRepeat()) {
            return label;
        }
        if (label.name().equals(IN)) {
            return new Label(scope.input(), label.position());
        }
        for (Scope around = scope; around != null; around = around.repeatCopy() ? around.parent() : null) {
            if (around.locals().contains(label.name())) {
                return new Label(around.qualify(label.name()), label.position());
            }
            if (around.repeatCopy() && !around.parent().insideBlockOrRepeat()) {
                return label; // a repeat at network level sees the network's labels as they are
            }
        }
        diagnostics.error(label.position(), "'" + label.name() + "' is not a label of this block" + within(scope.origin()),
                "a block sees its own labels, and in for the value it was called on");
        return label;
    }

    private List<Statement> call(Statement statement, Operation.Layer call, Block block, Scope scope) {
        if (scope.activeBlocks().contains(block.name())) {
            List<String> cycle = new ArrayList<>(scope.activeBlocks().subList(scope.activeBlocks().indexOf(block.name()),
                    scope.activeBlocks().size()));
            cycle.add(block.name());
            diagnostics.error(call.position(), "block " + block.name() + " calls itself: " + String.join(" -> ", cycle),
                    "a block cannot contain itself; write the repetition with repeat");
            return List.of();
        }
        Optional<Map<String, Value>> arguments = bind(call, block, scope);
        if (arguments.isEmpty()) {
            return List.of();
        }
        String prefix = statement.label().map(l -> scope.qualify(l.name()))
                .orElseGet(() -> scope.insideBlockOrRepeat() ? scope.prefix() : defaultName(block.name()));
        List<CallSite> origin = new ArrayList<>();
        origin.add(new CallSite(block.name(), call.position()));
        origin.addAll(scope.origin());
        List<String> active = new ArrayList<>(scope.activeBlocks());
        active.add(block.name());
        // The input's name is unique even when the block is inlined under its caller's prefix.
        String input = prefix + "." + IN + "#" + block.name() + "@" + call.position();
        Scope inner = new Scope(prefix, locals(block.statements()), arguments.get(), input, origin, active, false, scope);

        List<Statement> out = new ArrayList<>();
        out.add(new Statement(Optional.of(new Label(input, call.position())), new Operation.Bind(call.position()),
                Optional.empty(), origin));
        out.addAll(statements(block.statements(), inner));
        // The call's own label names the block's output; its shape assertion checks it.
        out.add(new Statement(statement.label().map(l -> new Label(scope.qualify(l.name()), l.position())),
                new Operation.Bind(call.position()), statement.expectedShape(), scope.origin()));
        return out;
    }

    private List<Statement> repeat(Statement statement, Operation.Repeat repeat, Scope scope) {
        if (!repeat.keyword().equals("repeat")) {
            diagnostics.error(repeat.position(), "'" + repeat.keyword() + " " + repeat.count().text() + " { ... }' is not a"
                    + " statement" + within(scope.origin()), "to write statements several times, use repeat "
                    + repeat.count().text() + " { ... }");
            return List.of();
        }
        if (!repeat.count().fitsInt() || repeat.count().value() < 1 || repeat.count().value() > 1000) {
            diagnostics.error(repeat.count().position(), "repeat " + repeat.count().text() + " must be from 1 to 1000"
                    + within(scope.origin()), "write how many copies of the statements to make");
            return List.of();
        }
        String label = statement.label().map(Label::name).orElseGet(() -> defaultName("repeat"));
        List<Statement> out = new ArrayList<>();
        Set<String> locals = locals(repeat.body());
        for (int copy = 0; copy < repeat.count().value(); copy++) {
            String prefix = scope.qualify(label) + "." + copy;
            String input = prefix + "." + IN;
            Scope inner = new Scope(prefix, locals, scope.arguments(), input, scope.origin(), scope.activeBlocks(), true,
                    scope);
            out.add(new Statement(Optional.of(new Label(input, repeat.position())), new Operation.Bind(repeat.position()),
                    Optional.empty(), scope.origin()));
            out.addAll(statements(repeat.body(), inner));
        }
        out.add(new Statement(statement.label().map(l -> new Label(scope.qualify(l.name()), l.position())),
                new Operation.Bind(repeat.position()), statement.expectedShape(), scope.origin()));
        return out;
    }

    /** The call's arguments by parameter: positional first, then named, then the block's defaults. */
    private Optional<Map<String, Value>> bind(Operation.Layer call, Block block, Scope scope) {
        Map<String, Value> bound = new LinkedHashMap<>();
        List<Argument> positional = call.positional();
        int errorsBefore = diagnostics.errorCount();
        if (positional.size() > block.parameters().size()) {
            diagnostics.error(positional.get(block.parameters().size()).position(), "block " + block.name() + " takes "
                    + block.parameters().size() + " argument" + (block.parameters().size() == 1 ? "" : "s") + " but got "
                    + positional.size() + within(scope.origin()), "its parameters are (" + parameterList(block) + ")");
            return Optional.empty();
        }
        for (int i = 0; i < positional.size(); i++) {
            bound.put(block.parameters().get(i).name(), substitute(positional.get(i).value(), scope));
        }
        Set<String> names = new HashSet<>();
        block.parameters().forEach(p -> names.add(p.name()));
        for (Argument argument : call.arguments()) {
            if (argument.key().isEmpty()) {
                continue;
            }
            String key = argument.key().get();
            if (!names.contains(key)) {
                diagnostics.error(argument.position(), "block " + block.name() + " has no parameter '" + key + "'"
                        + Names.didYouMean(key, names) + within(scope.origin()), "its parameters are (" + parameterList(block) + ")");
            } else if (bound.putIfAbsent(key, substitute(argument.value(), scope)) != null) {
                diagnostics.error(argument.position(), "block " + block.name() + " parameter " + key + " is given twice"
                        + within(scope.origin()), "give it once, by position or by name");
            }
        }
        for (Block.Parameter parameter : block.parameters()) {
            if (!bound.containsKey(parameter.name())) {
                if (parameter.defaultValue().isPresent()) {
                    bound.put(parameter.name(), parameter.defaultValue().get());
                } else {
                    diagnostics.error(call.position(), "block " + block.name() + " needs its parameter " + parameter.name()
                            + within(scope.origin()), "write " + block.name() + "(" + parameterList(block) + ")");
                }
            }
        }
        return diagnostics.errorCount() > errorsBefore ? Optional.empty() : Optional.of(bound);
    }

    private static String parameterList(Block block) {
        return String.join(", ", block.parameters().stream()
                .map(p -> p.name() + p.defaultValue().map(v -> "=" + v.text()).orElse("")).toList());
    }

    private static Set<String> locals(List<Statement> statements) {
        Set<String> labels = new HashSet<>();
        statements.forEach(s -> s.label().ifPresent(l -> labels.add(l.name())));
        return labels;
    }

    private String defaultName(String kind) {
        return kind + "_" + defaultCounters.merge(kind, 1, Integer::sum);
    }

    private String within(List<CallSite> origin) {
        return within(origin, diagnostics.file());
    }

    /** " (in block basic called at resnet.net:41:9, ...)", innermost call first; nothing at network level. */
    static String within(List<CallSite> origin, String file) {
        StringBuilder text = new StringBuilder();
        for (CallSite call : origin) {
            text.append(text.length() == 0 ? " (" : ", ").append("in block ").append(call.block()).append(" called at ")
                    .append(file).append(':').append(call.position());
        }
        return text.length() == 0 ? "" : text.append(')').toString();
    }
}
