package io.github.netspec.syntax;

import java.util.List;
import java.util.Optional;

/**
 * What a statement does: declare the input, switch to an earlier value, apply a layer or a block, or
 * repeat statements.
 */
public sealed interface Operation {

    Position position();

    /** {@code input [C, H, W]}. */
    record Input(ShapeLiteral shape, Position position) implements Operation {}

    /** {@code from LABEL}: makes the labelled value current again. */
    record From(Label target, Position position) implements Operation {}

    /**
     * {@code repeat N { statements }}: the statements N times over. Labelled {@code L: repeat N}, copy i's
     * labels are {@code L.i.label}, and a block called in it without a label is named {@code L.i}.
     */
    record Repeat(String keyword, IntegerValue count, List<Statement> body, Position position) implements Operation {
        public Repeat {
            body = List.copyOf(body);
        }
    }

    /**
     * Gives the current value the statement's label without computing anything. Never parsed: block
     * expansion writes it to name a block's input {@code in}.
     */
    record Bind(Position position) implements Operation {}

    /** {@code name} or {@code name(args)}: a layer, or a block. Arguments keep their source order: positional ones first. */
    record Layer(String name, List<Argument> arguments, Position position) implements Operation {
        public Layer {
            arguments = List.copyOf(arguments);
        }

        public List<Argument> positional() {
            return arguments.stream().filter(a -> a.key().isEmpty()).toList();
        }

        public Optional<Argument> named(String key) {
            return arguments.stream().filter(a -> a.key().filter(key::equals).isPresent()).findFirst();
        }
    }
}
