package io.github.netspec.syntax;

import java.util.List;
import java.util.Optional;

/**
 * {@code [LABEL:] operation [-> [shape]]}: one line of a network or block.
 *
 * @param expectedShape the shape assertion after {@code ->}, if written
 * @param origin for a statement copied out of a block, the calls that put it here, innermost first;
 *     empty for a statement written in the network
 */
public record Statement(Optional<Label> label, Operation operation, Optional<ShapeLiteral> expectedShape,
                        List<CallSite> origin) {

    public Statement {
        origin = List.copyOf(origin);
    }

    public Statement(Optional<Label> label, Operation operation, Optional<ShapeLiteral> expectedShape) {
        this(label, operation, expectedShape, List.of());
    }


    public Position position() {
        return label.map(Label::position).orElse(operation.position());
    }
}
