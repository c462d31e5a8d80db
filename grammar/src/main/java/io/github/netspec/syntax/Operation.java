package io.github.netspec.syntax;

import java.util.List;
import java.util.Optional;

/** What a statement does: declare the input, switch to an earlier value, or apply a layer. */
public sealed interface Operation {

    Position position();

    /** {@code input [C, H, W]}. */
    record Input(ShapeLiteral shape, Position position) implements Operation {}

    /** {@code from LABEL}: makes the labelled value current again. */
    record From(Label target, Position position) implements Operation {}

    /** {@code name} or {@code name(args)}. Arguments keep their source order: positional ones first. */
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
