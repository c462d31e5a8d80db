package io.github.netspec.generator;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The shape of one sample (batch excluded): {@code [C, H, W]}, {@code [C, L]} or {@code [N]}. The first
 * axis is always the channel axis.
 */
public record Shape(List<Integer> dimensions) {

    public Shape {
        dimensions = List.copyOf(dimensions);
    }

    public static Shape of(int... dimensions) {
        return new Shape(java.util.Arrays.stream(dimensions).boxed().toList());
    }

    public int rank() {
        return dimensions.size();
    }

    public boolean isFlat() {
        return rank() == 1;
    }

    public int channels() {
        return dimensions.get(0);
    }

    /** The dimensions after the channel axis. */
    public List<Integer> spatial() {
        return dimensions.subList(1, rank());
    }

    /** Elements per channel: the product of the spatial dimensions (1 for a flat shape). */
    public long spatialSize() {
        return spatial().stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
    }

    /** The element count, as a long because a checked shape may still exceed a Java array. */
    public long size() {
        return dimensions.stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
    }

    public int[] toArray() {
        return dimensions.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String toString() {
        return dimensions.stream().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
    }
}
