package io.github.netspec.syntax;

import java.util.Optional;

/**
 * {@code [LABEL:] operation [-> [shape]]}: one line of a network.
 *
 * @param expectedShape the shape assertion after {@code ->}, if written
 */
public record Statement(Optional<Label> label, Operation operation, Optional<ShapeLiteral> expectedShape) {

    public Position position() {
        return label.map(Label::position).orElse(operation.position());
    }
}
