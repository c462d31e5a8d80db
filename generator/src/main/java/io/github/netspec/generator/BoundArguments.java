package io.github.netspec.generator;

import io.github.netspec.syntax.Label;
import io.github.netspec.syntax.Position;
import java.util.List;
import java.util.Map;

/**
 * A layer's arguments after binding: every parameter has a value of its declared type (written or
 * default), and the position to blame when a later check fails because of it.
 */
record BoundArguments(Map<String, Object> values, Map<String, Position> positions, List<Label> labels,
                      Position layerPosition) {

    /** An int or a tuple, as written: expanded to the layer's rank only once the input shape is known. */
    record Ints(List<Integer> values) {
        int[] expand(int rank) {
            int[] expanded = new int[rank];
            for (int i = 0; i < rank; i++) {
                expanded[i] = values.size() == 1 ? values.get(0) : values.get(i);
            }
            return expanded;
        }

        boolean fits(int rank) {
            return values.size() == 1 || values.size() == rank;
        }

        @Override
        public String toString() {
            return values.size() == 1 ? values.get(0).toString()
                    : values.toString().replace('[', '(').replace(']', ')');
        }
    }

    /** A padding word, as written. */
    enum PaddingWord { SAME, VALID, CAUSAL }

    Object get(String name) {
        return values.get(name);
    }

    int count(String name) {
        return (Integer) values.get(name);
    }

    Ints ints(String name) {
        return (Ints) values.get(name);
    }

    boolean bool(String name) {
        return (Boolean) values.get(name);
    }

    double number(String name) {
        return ((Number) values.get(name)).doubleValue();
    }

    String word(String name) {
        return (String) values.get(name);
    }

    /** Whether the user wrote this argument rather than leaving its default. */
    boolean written(String name) {
        return positions.containsKey(name);
    }

    /** Where the user wrote this argument, or the layer's position when it took its default. */
    Position position(String name) {
        return positions.getOrDefault(name, layerPosition);
    }
}
