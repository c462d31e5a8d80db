package io.github.netspec.report;

import io.github.netspec.generator.CheckedNetwork;
import io.github.netspec.generator.LayerOp;
import io.github.netspec.generator.Node;
import io.github.netspec.generator.Plan;
import io.github.netspec.generator.Shape;
import io.github.netspec.generator.WeightTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Computes a network's {@link Summary} from its checked nodes and its buffer plan: the phase after planning
 * that the summary, diagram and report share.
 *
 * <p>Receptive fields follow the recurrence for a sliding window of kernel {@code k}, stride {@code s} and
 * dilation {@code d}: {@code rf_out = rf_in + (d*(k-1)) * jump_in} and {@code jump_out = jump_in * s}, per
 * spatial axis, starting from 1 and 1 at the input. A merge (add, concat) sees what any of its inputs sees,
 * so it takes the largest field and jump. A layer that mixes every position (dense, global pooling) sees the
 * union of the fields over the whole grid it reads: {@code rf_in + (positions-1) * jump_in}.
 */
public final class Summarizer {

    private static final int FLOAT_BYTES = Float.BYTES;

    /**
     * Where one value's elements come from in the input, per spatial axis of the input.
     *
     * @param grid how many positions the value has along each axis; flatten keeps its input's, so a dense
     *     layer after it still knows how many positions it mixes
     * @param spatial false once the positions are gone (after dense, flatten or global pooling): no jump to show
     */
    private record Field(double[] size, double[] jump, long[] grid, boolean spatial) {}

    private final CheckedNetwork network;
    private final List<Field> fields = new ArrayList<>();

    private Summarizer(CheckedNetwork network) {
        this.network = network;
    }

    public static Summary summarize(Plan plan) {
        return new Summarizer(plan.network()).run(plan);
    }

    private Summary run(Plan plan) {
        List<Summary.Row> rows = new ArrayList<>();
        long macs = 0;
        long buffers = 0;
        long activationBytes = 0;
        for (Node node : network.nodes()) {
            Field field = field(node);
            fields.add(field);
            Summary.Row row = row(node, field);
            rows.add(row);
            macs += row.macs();
            activationBytes += row.activationBytes();
            buffers += node.weights().stream().filter(w -> !w.trainable()).mapToLong(w -> w.shape().size()).sum();
        }
        Summary.Totals totals = new Summary.Totals(network.parameterCount(), buffers, macs, activationBytes,
                (long) plan.arenaSize() * FLOAT_BYTES, plan.naiveSize() * FLOAT_BYTES,
                network.inputShape().size() * FLOAT_BYTES, network.outputShape().size() * FLOAT_BYTES);
        return new Summary(network.name(), network.file(), network.position().line(),
                network.inputShape().dimensions(), network.outputShape().dimensions(), rows, totals);
    }

    private Summary.Row row(Node node, Field field) {
        List<String> inputs = node.inputs().stream().map(id -> network.nodes().get(id).name()).toList();
        return new Summary.Row(node.name(), node.layer(), node.position().line(), node.position().column(), inputs,
                edges(node), node.shape().dimensions(), padding(node.op()), node.parameterCount(), macs(node),
                field == null ? null : roundedUp(field.size()), field == null || !field.spatial() ? null : boxed(field.jump()),
                node.shape().size() * FLOAT_BYTES);
    }

    /** The first input flows from the statement above unless a {@code from} made another value current. */
    private static List<Summary.Edge> edges(Node node) {
        List<Summary.Edge> edges = new ArrayList<>();
        for (int i = 0; i < node.inputs().size(); i++) {
            if (i > 0) {
                edges.add(node.op() instanceof LayerOp.Concat ? Summary.Edge.CONCAT : Summary.Edge.ADD);
            } else {
                edges.add(node.inputs().get(0) == node.id() - 1 ? Summary.Edge.FLOW : Summary.Edge.FROM);
            }
        }
        return edges;
    }

    /** (top, bottom, left, right) for 2-D, (left, right) for 1-D: the order PyTorch's F.pad takes reversed. */
    private static List<Integer> padding(LayerOp op) {
        if (op instanceof LayerOp.Conv conv) {
            return sides(conv.padBefore(), conv.padAfter());
        }
        if (op instanceof LayerOp.Separable separable) {
            return sides(separable.depthwise().padBefore(), separable.depthwise().padAfter());
        }
        if (op instanceof LayerOp.Pool pool) {
            return sides(pool.padding(), pool.padding());
        }
        if (op instanceof LayerOp.TransposedConv conv) {
            return sides(conv.padding(), conv.padding()); // what the output is cropped by, as PyTorch's padding means
        }
        return null;
    }

    private static List<Integer> sides(int[] before, int[] after) {
        List<Integer> sides = new ArrayList<>();
        for (int axis = 0; axis < before.length; axis++) {
            sides.add(before[axis]);
            sides.add(after[axis]);
        }
        return sides;
    }

    /** Each output value costs (input channels per group) x (kernel area) multiply-adds; a dense one, in x out. */
    private long macs(Node node) {
        Shape in = node.inputs().isEmpty() ? null : network.nodes().get(node.inputs().get(0)).shape();
        if (node.op() instanceof LayerOp.Conv conv) {
            return convMacs(conv, in.channels(), node.shape());
        }
        if (node.op() instanceof LayerOp.Separable separable) {
            LayerOp.Conv depthwise = separable.depthwise();
            List<Integer> between = new ArrayList<>(node.shape().dimensions());
            between.set(0, depthwise.outChannels());
            return convMacs(depthwise, in.channels(), new Shape(between)) + convMacs(separable.pointwise(), depthwise.outChannels(),
                    node.shape());
        }
        if (node.op() instanceof LayerOp.Dense) {
            return in.size() * node.shape().size();
        }
        if (node.op() instanceof LayerOp.TransposedConv conv) {
            // Every input value meets every tap of its group's output channels once.
            long window = Arrays.stream(conv.kernel()).asLongStream().reduce(1, (a, b) -> a * b);
            return in.size() * (conv.outChannels() / conv.groups()) * window;
        }
        return 0;
    }

    private static long convMacs(LayerOp.Conv conv, int inChannels, Shape out) {
        long window = Arrays.stream(conv.kernel()).asLongStream().reduce(1, (a, b) -> a * b);
        return out.size() * (inChannels / conv.groups()) * window;
    }

    /** The receptive field of the node's values, or null when the network's input has no spatial axis. */
    private Field field(Node node) {
        int axes = network.inputShape().rank() - 1;
        if (axes == 0) {
            return null;
        }
        if (node.op() instanceof LayerOp.Input) {
            double[] ones = new double[axes];
            Arrays.fill(ones, 1);
            long[] grid = node.shape().spatial().stream().mapToLong(Integer::longValue).toArray();
            return new Field(ones, ones, grid, true);
        }
        Field in = fields.get(node.inputs().get(0));
        LayerOp op = node.op();
        if (op instanceof LayerOp.Conv conv) {
            return window(in, conv.kernel(), conv.stride(), conv.dilation(), node.shape());
        }
        if (op instanceof LayerOp.Separable separable) {
            LayerOp.Conv depthwise = separable.depthwise();
            return window(in, depthwise.kernel(), depthwise.stride(), depthwise.dilation(), node.shape());
        }
        if (op instanceof LayerOp.Pool pool) {
            int[] ones = new int[axes];
            Arrays.fill(ones, 1);
            return window(in, pool.kernel(), pool.stride(), ones, node.shape());
        }
        if (op instanceof LayerOp.TransposedConv conv) {
            return spread(in, conv, node.shape());
        }
        if (op instanceof LayerOp.Upsample upsample) {
            return upsampled(in, upsample, node.shape());
        }
        if (op instanceof LayerOp.GlobalPool) {
            return everywhere(in, true);
        }
        if (op instanceof LayerOp.Dense) {
            return everywhere(in, false);
        }
        if (op instanceof LayerOp.Flatten) {
            return new Field(in.size(), in.jump(), in.grid(), false);
        }
        if (op instanceof LayerOp.Add || op instanceof LayerOp.Concat) {
            return merge(node);
        }
        return in; // element-wise layers, batch norm and dropout see what their input sees
    }

    private static Field window(Field in, int[] kernel, int[] stride, int[] dilation, Shape out) {
        double[] size = new double[kernel.length];
        double[] jump = new double[kernel.length];
        for (int axis = 0; axis < kernel.length; axis++) {
            size[axis] = in.size()[axis] + (long) dilation[axis] * (kernel[axis] - 1) * in.jump()[axis];
            jump[axis] = in.jump()[axis] * stride[axis];
        }
        return new Field(size, jump, grid(out), true);
    }

    /**
     * A transposed convolution of stride s: neighbouring outputs are 1/s of an input step apart, and one
     * output gathers the taps of the inputs within {@code dilation*(kernel-1)/s} input steps of it.
     */
    private static Field spread(Field in, LayerOp.TransposedConv conv, Shape out) {
        double[] size = new double[conv.kernel().length];
        double[] jump = new double[conv.kernel().length];
        for (int axis = 0; axis < size.length; axis++) {
            double reach = (double) conv.dilation()[axis] * (conv.kernel()[axis] - 1) / conv.stride()[axis];
            size[axis] = in.size()[axis] + reach * in.jump()[axis];
            jump[axis] = in.jump()[axis] / conv.stride()[axis];
        }
        return new Field(size, jump, grid(out), true);
    }

    /** Upsampling by s: outputs 1/s of an input step apart; bilinear blends two neighbours, nearest copies one. */
    private static Field upsampled(Field in, LayerOp.Upsample upsample, Shape out) {
        double[] size = in.size().clone();
        double[] jump = new double[size.length];
        for (int axis = 0; axis < size.length; axis++) {
            size[axis] += upsample.bilinear() ? in.jump()[axis] : 0;
            jump[axis] = in.jump()[axis] / upsample.scale()[axis];
        }
        return new Field(size, jump, grid(out), true);
    }

    private static long[] grid(Shape shape) {
        return shape.spatial().stream().mapToLong(Integer::longValue).toArray();
    }

    /**
     * Every position of the input's grid mixed into one value: a window as large as the grid. Global pooling
     * keeps a 1x1 grid, whose jump is the whole grid's; a dense layer's output has no positions at all.
     */
    private static Field everywhere(Field in, boolean spatial) {
        double[] size = new double[in.size().length];
        double[] jump = new double[in.size().length];
        long[] one = new long[in.size().length];
        for (int axis = 0; axis < size.length; axis++) {
            size[axis] = in.size()[axis] + (in.grid()[axis] - 1) * in.jump()[axis];
            jump[axis] = in.jump()[axis] * in.grid()[axis];
            one[axis] = 1;
        }
        return new Field(size, jump, one, spatial);
    }

    private Field merge(Node node) {
        Field first = fields.get(node.inputs().get(0));
        double[] size = first.size().clone();
        double[] jump = first.jump().clone();
        for (int id : node.inputs()) {
            Field other = fields.get(id);
            for (int axis = 0; axis < size.length; axis++) {
                size[axis] = Math.max(size[axis], other.size()[axis]);
                jump[axis] = Math.max(jump[axis], other.jump()[axis]);
            }
        }
        return new Field(size, jump, first.grid(), first.spatial());
    }

    private static List<Double> boxed(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }

    /**
     * Whole input positions: after upsampling a field can cover part of a position, and a value that
     * depends on part of a position depends on it.
     */
    private static List<Long> roundedUp(double[] values) {
        return Arrays.stream(values).mapToLong(v -> (long) Math.ceil(v - 1e-9)).boxed().toList();
    }
}
