package io.github.netspec.syntax;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A written shape such as {@code [1, 28, 28]}. Dimensions are kept exactly as written (even negative or
 * out of range) so the checker can report them; the literal never silently changes a number.
 */
public record ShapeLiteral(List<IntegerValue> dimensions, Position position) {
    public ShapeLiteral {
        dimensions = List.copyOf(dimensions);
    }

    @Override
    public String toString() {
        return dimensions.stream().map(IntegerValue::text).collect(Collectors.joining(", ", "[", "]"));
    }
}
