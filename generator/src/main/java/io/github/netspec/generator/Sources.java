package io.github.netspec.generator;

import io.github.netspec.syntax.Argument;
import io.github.netspec.syntax.Operation;
import io.github.netspec.syntax.Statement;
import java.util.stream.Collectors;

/** Writes a statement back as canonical source text, for comments in generated code and for messages. */
final class Sources {

    private Sources() {}

    static String describe(Statement statement) {
        String label = statement.label().map(l -> l.name() + ": ").orElse("");
        String assertion = statement.expectedShape().map(s -> " -> " + s).orElse("");
        return label + operation(statement.operation()) + assertion;
    }

    private static String operation(Operation operation) {
        if (operation instanceof Operation.Input input) {
            return "input " + input.shape();
        }
        if (operation instanceof Operation.From from) {
            return "from " + from.target().name();
        }
        Operation.Layer layer = (Operation.Layer) operation;
        if (layer.arguments().isEmpty()) {
            return layer.name();
        }
        return layer.name() + layer.arguments().stream().map(Sources::argument).collect(Collectors.joining(", ", "(", ")"));
    }

    private static String argument(Argument argument) {
        return argument.key().map(k -> k + "=").orElse("") + argument.value().text();
    }
}
