package io.github.netspec.generator;

import io.github.netspec.runtime.ConvGeometry;
import io.github.netspec.runtime.ConvKernel;
import io.github.netspec.runtime.PoolGeometry;
import io.github.netspec.runtime.TransposedConvGeometry;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A checked network lowered to the kernel calls {@code predict} makes, in order, with the buffers they read
 * and write, the weights they load, and where every buffer lives. The emitter turns each step into a line or
 * two of Java and makes no decisions of its own.
 *
 * @param input the caller's input array
 * @param output the buffer {@code predict} writes its result to: the caller's output array
 * @param outputIsInput the network's output is its input (only flatten or dropout between), so {@code predict}
 *     copies one to the other
 * @param offsets where each intermediate buffer starts in the arena, in floats per sample (a batch of n keeps
 *     its n samples of a buffer together, from n times the offset)
 * @param arenaSize the arena's floats per sample: the peak of live intermediate tensors under the plan
 * @param naiveSize the floats per sample if every intermediate tensor had its own array
 * @param samplesPerPass samples a batch runs through the network at a time, or 0 for the whole batch at once
 *     (see {@link Planner#samplesPerPass})
 */
public record Plan(CheckedNetwork network, List<Step> steps, Buffer input, Buffer output, boolean outputIsInput,
                   Map<Buffer, Integer> offsets, int arenaSize, long naiveSize, int samplesPerPass) {

    public Plan {
        steps = List.copyOf(steps);
        offsets = Map.copyOf(offsets);
    }

    /** A tensor of {@code size} floats per sample, named for the layer that writes it. */
    public record Buffer(String name, int size) {}

    /** Batch norm's four tensors under {@code prefix}, folded at load time into a scale and a shift per channel. */
    public record NormWeights(String prefix, int channels, double eps, Node node) {}

    /** One kernel call; {@link #nodes} are the statements it computes (several when layers are fused). */
    public sealed interface Step {
        List<Node> nodes();

        /** The buffers this step reads. */
        List<Buffer> reads();

        /** The buffer this step writes (it may also be one it reads, for steps that work in place). */
        Buffer out();

        default Node node() {
            return nodes().get(0);
        }
    }

    /** A step that reads one buffer. */
    public sealed interface SingleInputStep extends Step {
        Buffer in();

        @Override
        default List<Buffer> reads() {
            return List.of(in());
        }
    }

    /**
     * A convolution with whatever followed it fused in: a batch norm folded into its weights, then an
     * element-wise activation applied as each output tile is written.
     *
     * @param bias the bias tensor, or null
     * @param norm the folded batch norm, or null
     * @param inputChannelsLast {@code in} is laid out {@code [pixel][channel]} (see {@link LayoutPlanner})
     * @param outputChannelsLast {@code out} is laid out {@code [pixel][channel]}
     */
    public record ConvStep(List<Node> nodes, String field, String geometryName, ConvGeometry geometry,
                           ConvKernel.Algorithm algorithm, WeightTensor weight, WeightTensor bias, NormWeights norm,
                           Activation activation, double alpha, Buffer in, Buffer out, boolean inputChannelsLast,
                           boolean outputChannelsLast) implements SingleInputStep {

        /** This step with the layouts {@link LayoutPlanner} chose for its buffers. */
        ConvStep withLayouts(boolean inputLast, boolean outputLast) {
            return new ConvStep(nodes, field, geometryName, geometry, algorithm, weight, bias, norm, activation, alpha,
                    in, out, inputLast, outputLast);
        }
    }

    /** A transposed convolution, its activation applied once the output is complete. */
    public record TransposedConvStep(List<Node> nodes, String field, String geometryName, TransposedConvGeometry geometry,
                                     WeightTensor weight, WeightTensor bias, Activation activation, double alpha,
                                     Buffer in, Buffer out) implements SingleInputStep {}

    /**
     * Upsampling by whole factors; a bilinear one keeps its precomputed source positions in a constant.
     *
     * @param constant the name of the bilinear tables' constant, or null for nearest
     */
    public record UpsampleStep(List<Node> nodes, String constant, int channels, int inHeight, int inWidth,
                               int scaleHeight, int scaleWidth, boolean bilinear, boolean alignCorners, Buffer in,
                               Buffer out) implements SingleInputStep {}

    public record DenseStep(List<Node> nodes, String field, int inFeatures, int outFeatures, WeightTensor weight,
                            WeightTensor bias, Activation activation, double alpha, Buffer in, Buffer out)
            implements SingleInputStep {}

    /**
     * A pooling; a max pooling may also apply {@code activation}, one that never decreases moved past it from
     * the convolution before (the runtime activates each plane as it is pooled).
     *
     * @param constant the name of the pooling kernel's constant
     */
    public record PoolStep(List<Node> nodes, String constant, PoolGeometry geometry, boolean max,
                           Activation activation, double alpha, Buffer in, Buffer out) implements SingleInputStep {}

    /** @param channelsLast {@code in} is laid out {@code [pixel][channel]} (see {@link LayoutPlanner}) */
    public record GlobalPoolStep(List<Node> nodes, boolean max, int channels, int spatial, Buffer in, Buffer out,
                                 boolean channelsLast) implements SingleInputStep {

        /** This step reading the layout {@link LayoutPlanner} chose for its input. */
        GlobalPoolStep withChannelsLast(boolean inputLast) {
            return new GlobalPoolStep(nodes, max, channels, spatial, in, out, inputLast);
        }
    }

    /** Copies {@code in} to {@code out} unless they are the same buffer, then normalizes {@code out} in place. */
    public record BatchNormStep(List<Node> nodes, String field, NormWeights norm, int spatial, Buffer in, Buffer out)
            implements SingleInputStep {}

    /** Copies {@code in} to {@code out} unless they are the same buffer, then activates {@code out} in place. */
    public record ActivationStep(List<Node> nodes, Activation activation, double alpha, int channels, int spatial,
                                 Buffer in, Buffer out) implements SingleInputStep {}

    /**
     * {@code out = activation(in[0] + in[1] + ...)}; out may be in[0] itself. The activation is that of an
     * element-wise layer that alone reads the sum, fused in.
     *
     * @param constant the name of the add kernel's constant, for a sum of two that accumulates into one of them
     */
    public record AddStep(List<Node> nodes, String constant, List<Buffer> in, Buffer out, Activation activation,
                          double alpha) implements Step {
        @Override
        public List<Buffer> reads() {
            return in;
        }

        /** The input added into the other, when this sums two and writes over one of them; else empty. */
        public Optional<Buffer> accumulated() {
            if (in.size() != 2 || (out != in.get(0) && out != in.get(1))) {
                return Optional.empty();
            }
            return Optional.of(out == in.get(0) ? in.get(1) : in.get(0));
        }
    }

    public record ConcatStep(List<Node> nodes, List<Buffer> in, Buffer out) implements Step {
        @Override
        public List<Buffer> reads() {
            return in;
        }
    }
}
