package io.github.netspec.generator;

import io.github.netspec.runtime.ConvGeometry;
import io.github.netspec.runtime.PoolGeometry;
import java.util.List;

/**
 * A checked network lowered to the kernel calls {@code predict} makes, in order, with the buffers they
 * read and write and the weights they need. The emitter turns each step into a line or two of Java and
 * makes no decisions of its own.
 *
 * @param output the buffer {@code predict} returns
 * @param outputIsInput the network's output is the caller's input array (only flatten/dropout between),
 *     so {@code predict} must return a copy
 */
public record Plan(CheckedNetwork network, List<Parameter> parameters, List<Step> steps, Buffer output,
                   boolean outputIsInput) {

    public Plan {
        parameters = List.copyOf(parameters);
        steps = List.copyOf(steps);
    }

    /** A float buffer of {@code size} elements, named for the layer that writes it. */
    public record Buffer(String name, int size) {}

    /** A field of the generated class filled at load time. */
    public sealed interface Parameter {
        Node node();
    }

    /** One tensor read as is. */
    public record TensorField(String field, WeightTensor tensor, Node node) implements Parameter {}

    /** A batch norm's four tensors, folded at load time into one scale and shift per channel. */
    public record BatchNormField(String field, String prefix, int channels, double eps, Node node) implements Parameter {}

    /** One kernel call. */
    public sealed interface Step {
        Node node();
    }

    /** @param bias the bias field, or null */
    public record ConvStep(Node node, String geometryName, ConvGeometry geometry, String weight, String bias,
                           Buffer in, Buffer out) implements Step {}

    public record PoolStep(Node node, String geometryName, PoolGeometry geometry, boolean max, Buffer in, Buffer out)
            implements Step {}

    public record GlobalPoolStep(Node node, boolean max, int channels, int spatial, Buffer in, Buffer out) implements Step {}

    public record DenseStep(Node node, int inFeatures, int outFeatures, String weight, String bias, Buffer in, Buffer out)
            implements Step {}

    /** Copies {@code in} to {@code out} unless they are the same buffer, then normalizes {@code out} in place. */
    public record BatchNormStep(Node node, String field, int spatial, Buffer in, Buffer out) implements Step {}

    /** Copies {@code in} to {@code out} unless they are the same buffer, then activates {@code out} in place. */
    public record ActivationStep(Node node, Activation activation, double alpha, int channels, int spatial,
                                 Buffer in, Buffer out) implements Step {}

    public record AddStep(Node node, List<Buffer> in, Buffer out) implements Step {}

    public record ConcatStep(Node node, List<Buffer> in, Buffer out) implements Step {}
}
