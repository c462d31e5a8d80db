package io.github.netspec.generator;

import io.github.netspec.syntax.CallSite;
import io.github.netspec.syntax.Position;
import java.util.List;

/**
 * One value of a checked network: the input, or a layer applied to earlier values.
 *
 * @param name the label, or the default name ({@code conv2d_1}) that weights are found under
 * @param layer the layer's name as written ({@code conv2d}), or {@code input}
 * @param inputs the ids of the nodes this one reads, the current value first
 * @param source the statement as written, for comments and messages
 * @param origin for a layer written in a block, the calls that put it in the network, innermost first, so
 *     later phases' messages name them as the checker's do
 */
public record Node(int id, String name, boolean labelled, String layer, Position position, LayerOp op,
                   List<Integer> inputs, Shape shape, List<WeightTensor> weights, String source, List<CallSite> origin) {

    public Node {
        inputs = List.copyOf(inputs);
        weights = List.copyOf(weights);
        origin = List.copyOf(origin);
    }

    public long parameterCount() {
        return weights.stream().filter(WeightTensor::trainable).mapToLong(w -> w.shape().size()).sum();
    }

    /** How messages and load errors name this layer: "conv1: conv2d at mnist.net:3:5". */
    public String describe(String file) {
        return name + ": " + layer + " at " + file + ":" + position;
    }
}
