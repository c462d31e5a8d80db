package io.github.netspec.generator;

import com.palantir.javapoet.NameAllocator;
import io.github.netspec.generator.Plan.Buffer;
import io.github.netspec.runtime.ConvGeometry;
import io.github.netspec.runtime.ConvKernel;
import io.github.netspec.runtime.PoolGeometry;
import io.github.netspec.runtime.TransposedConvGeometry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Lowers a checked network to kernel calls. The rules, one per layer:
 * <ul>
 *   <li>conv1d/conv2d/depthwise: one convolution kernel, its algorithm chosen here from the geometry; 1-D
 *       runs as 2-D with height 1</li>
 *   <li>separable: a depthwise convolution into its own buffer, then a 1x1 convolution</li>
 *   <li>a batchnorm that only reads a convolution's output, which nothing else reads: folded into that
 *       convolution's weights at load time</li>
 *   <li>an element-wise activation (the layer's own {@code activation=}, or a standalone one that alone reads
 *       it) after a convolution or dense layer: applied by that kernel as it writes; but when a max pooling
 *       alone reads the result and the activation never decreases (relu, relu6, sigmoid, tanh, leaky_relu with
 *       alpha > 0, elu with alpha ≥ 0), applied in place to the pooling's output instead, to a quarter of the values or
 *       fewer. {@code max(f(a), f(b)) = f(max(a, b))} exactly for such an f, NaN included.</li>
 *   <li>a standalone activation, batchnorm or add whose (first) input nobody reads afterwards: in place</li>
 *   <li>an element-wise activation that alone reads an add: applied by the add as it writes</li>
 *   <li>flatten and dropout: no step; the output is the input buffer under a new shape</li>
 * </ul>
 * Then {@link LayoutPlanner} picks the buffers kept channels-last, {@link BufferPlanner} places the
 * intermediate buffers in one arena by liveness, and {@link #samplesPerPass} picks how many samples of a
 * batch go through the layers at a time.
 */
public final class Planner {

    /** Activations a pass keeps in cache ({@link #samplesPerPass}): a quarter of the build machine's L3. */
    static final long PASS_ACTIVATION_BYTES = 8L << 20;

    /** Weights per float of a sample's activations up to which a batch runs in passes. */
    static final long PASS_WEIGHTS_PER_ACTIVATION = 4;

    private final CheckedNetwork network;
    private final NameAllocator names = new NameAllocator();
    private final NameAllocator constants = new NameAllocator();
    private final Map<Integer, Buffer> buffers = new HashMap<>();
    /** Nodes computed by an earlier step they were fused into. */
    private final Set<Integer> fused = new HashSet<>();
    private final List<Plan.Step> steps = new ArrayList<>();
    /** Max pooling nodes that apply the activation of the convolution they read, by node id. */
    private final Map<Integer, SunkActivation> sunkActivations = new HashMap<>();

    private record SunkActivation(Activation activation, double alpha) {}

    private Planner(CheckedNetwork network) {
        this.network = network;
        // The generated class's own fields, parameters and locals; a layer's field must not take them.
        for (String reserved : List.of("input", "output", "batch", "weights", "network", "safetensors", "arena",
                "scratch", "workspace", "workspaces", "team", "samples", "inputOffset", "outputOffset", "first",
                "count")) {
            names.newName(reserved, reserved);
        }
        // The public constants every generated class has; a label such as input_size must not take them.
        for (String reserved : List.of("INPUT_SIZE", "OUTPUT_SIZE", "PARAMETER_COUNT", "INPUT_SHAPE", "OUTPUT_SHAPE",
                "ARENA_SIZE", "SAMPLES_PER_PASS")) {
            constants.newName(reserved, reserved);
        }
    }

    public static Plan plan(CheckedNetwork network) {
        return new Planner(network).run();
    }

    private Plan run() {
        Node inputNode = network.nodes().get(0);
        Buffer input = new Buffer("input", size(inputNode));
        buffers.put(inputNode.id(), input);
        for (Node node : network.nodes().subList(1, network.nodes().size())) {
            if (!fused.contains(node.id())) {
                lower(node);
            }
        }
        Buffer output = buffers.get(network.output());
        List<Plan.Step> laidOut = LayoutPlanner.plan(steps, input, output);
        BufferPlanner.Placement placement = BufferPlanner.place(laidOut, input, output);
        return new Plan(network, laidOut, input, output, output == input, placement.offsets(), placement.arenaSize(),
                placement.naiveSize(), samplesPerPass(placement.arenaSize(), network.parameterCount()));
    }

    /**
     * Samples a batch runs through the network at a time, or 0 for the whole batch: passes of as many samples
     * as {@link #PASS_ACTIVATION_BYTES} of activations hold, when the weights are at most
     * {@link #PASS_WEIGHTS_PER_ACTIVATION} times one sample's activations. Every layer of a batch run at once
     * writes its output for all the samples before the next layer reads it; once that is more than the caches
     * hold, each layer reads its input back from memory. Passes keep a pass's activations in cache and read
     * the weights once a pass instead of once a batch, which pays where the weights are few. On one core of the
     * build machine (Zen 3, 32 MB L3), fastest of 8-second runs at batch 8, one sample at a time against the
     * whole batch (the sample networks called a sample at a time, before passes existed): MobileNetV2 (3.5M
     * weights, 1.5M floats of activations a sample) 86.7 and 91.2 ms against 100.8 and 99.4; ResNet-18 (11.7M
     * and 1.0M) 268 against 257; VggLike (67M and 0.8M) 133 against 88.
     */
    static int samplesPerPass(int arenaFloats, long parameterCount) {
        if (arenaFloats == 0 || parameterCount > PASS_WEIGHTS_PER_ACTIVATION * arenaFloats) {
            return 0;
        }
        return (int) Math.max(1, PASS_ACTIVATION_BYTES / ((long) arenaFloats * Float.BYTES));
    }

    private void lower(Node node) {
        Buffer in = buffers.get(node.inputs().get(0));
        LayerOp op = node.op();
        if (op instanceof LayerOp.Flatten || op instanceof LayerOp.Dropout) {
            buffers.put(node.id(), in);
            return;
        }
        Shape inShape = network.nodes().get(node.inputs().get(0)).shape();
        if (op instanceof LayerOp.Conv conv) {
            convolution(List.of(node), node.name(), conv, inShape, in);
        } else if (op instanceof LayerOp.Separable separable) {
            Shape middleShape = separable.depthwise().outputShape(inShape);
            Buffer middle = new Buffer(names.newName(camel(node.name()) + "DepthwiseOut", node.name() + ".depthwise"),
                    Math.toIntExact(middleShape.size()));
            steps.add(convStep(List.of(node), node.name() + ".depthwise", separable.depthwise(), inShape, null,
                    Activation.NONE, 0.0, in, middle));
            convolution(List.of(node), node.name() + ".pointwise", separable.pointwise(), middleShape, middle);
        } else if (op instanceof LayerOp.TransposedConv conv) {
            Buffer out = newBuffer(node);
            boolean softmax = conv.activation() == Activation.SOFTMAX;
            steps.add(transposedConvStep(node, conv, softmax ? Activation.NONE : conv.activation(), inShape, in, out));
            if (softmax) {
                steps.add(softmax(node, out));
            }
        } else if (op instanceof LayerOp.Upsample upsample) {
            int[] d = planeOf(inShape);
            String constant = upsample.bilinear() ? constant(node.name()) : null;
            steps.add(new Plan.UpsampleStep(List.of(node), constant, inShape.channels(), d[0], d[1],
                    height(upsample.scale(), 1), last(upsample.scale()), upsample.bilinear(), upsample.alignCorners(),
                    in, newBuffer(node)));
        } else if (op instanceof LayerOp.Pool pool) {
            int[] d = planeOf(inShape);
            int[] o = planeOf(node.shape());
            PoolGeometry geometry = new PoolGeometry(inShape.channels(), d[0], d[1], o[0], o[1],
                    height(pool.kernel(), 1), last(pool.kernel()),
                    height(pool.stride(), 1), last(pool.stride()),
                    height(pool.padding(), 0), last(pool.padding()));
            SunkActivation sunk = sunkActivations.getOrDefault(node.id(), new SunkActivation(Activation.NONE, 0.0));
            steps.add(new Plan.PoolStep(List.of(node), constant(node.name()), geometry, pool.max(), sunk.activation(),
                    sunk.alpha(), in, newBuffer(node)));
        } else if (op instanceof LayerOp.GlobalPool global) {
            steps.add(new Plan.GlobalPoolStep(List.of(node), global.max(), inShape.channels(),
                    (int) inShape.spatialSize(), in, newBuffer(node), false));
        } else if (op instanceof LayerOp.BatchNorm norm) {
            String field = names.newName(camel(node.name()), node.name() + ".norm");
            steps.add(new Plan.BatchNormStep(List.of(node), field, normWeights(node, norm),
                    (int) inShape.spatialSize(), in, inPlaceOrNew(node, in)));
        } else if (op instanceof LayerOp.Dense dense) {
            dense(node, dense, inShape, in);
        } else if (op instanceof LayerOp.Elementwise elementwise) {
            steps.add(new Plan.ActivationStep(List.of(node), elementwise.activation(), elementwise.alpha(),
                    node.shape().channels(), (int) node.shape().spatialSize(), in, inPlaceOrNew(node, in)));
        } else if (op instanceof LayerOp.Add) {
            add(node, in);
        } else if (op instanceof LayerOp.Concat) {
            steps.add(new Plan.ConcatStep(List.of(node), node.inputs().stream().map(buffers::get).toList(),
                    newBuffer(node)));
        } else {
            throw new IllegalStateException("no lowering for " + op);
        }
    }

    /** An add, with the element-wise activation that alone reads it fused in, in place where the rules allow. */
    private void add(Node node, Buffer in) {
        List<Buffer> inputs = node.inputs().stream().map(buffers::get).toList();
        Buffer out = inPlaceOrNew(node, in);
        Node next = soleReader(node);
        LayerOp.Elementwise elementwise = fusableActivation(next);
        if (elementwise == null) {
            steps.add(new Plan.AddStep(List.of(node), constant(node.name()), inputs, out, Activation.NONE, 0.0));
            return;
        }
        fused.add(next.id());
        buffers.put(next.id(), out);
        steps.add(new Plan.AddStep(List.of(node, next), constant(node.name()), inputs, out, elementwise.activation(),
                elementwise.alpha()));
    }

    /** A convolution, with the batch norm and activation that follow it fused in where the rules allow. */
    private void convolution(List<Node> nodes, String prefix, LayerOp.Conv conv, Shape inShape, Buffer in) {
        List<Node> computed = new ArrayList<>(nodes);
        Plan.NormWeights norm = null;
        Activation activation = conv.activation();
        double alpha = activation.defaultAlpha();
        if (activation == Activation.NONE) {
            Node next = soleReader(nodes.get(0));
            if (next != null && next.op() instanceof LayerOp.BatchNorm batchNorm) {
                norm = normWeights(next, batchNorm);
                computed.add(next);
                next = soleReader(next);
            }
            LayerOp.Elementwise elementwise = fusableActivation(next);
            if (elementwise != null) {
                activation = elementwise.activation();
                alpha = elementwise.alpha();
                computed.add(next);
            }
        }
        Node pool = soleReader(computed.get(computed.size() - 1));
        if (pool != null && pool.op() instanceof LayerOp.Pool p && p.max() && neverDecreases(activation, alpha)) {
            sunkActivations.put(pool.id(), new SunkActivation(activation, alpha));
            activation = Activation.NONE;
        }
        Buffer out = fuse(computed);
        boolean softmax = activation == Activation.SOFTMAX;
        steps.add(convStep(computed, prefix, conv, inShape, norm, softmax ? Activation.NONE : activation, alpha, in, out));
        if (softmax) {
            steps.add(softmax(nodes.get(0), out));
        }
    }

    private Plan.ConvStep convStep(List<Node> nodes, String prefix, LayerOp.Conv conv, Shape inShape,
                                   Plan.NormWeights norm, Activation activation, double alpha, Buffer in, Buffer out) {
        int[] d = planeOf(inShape);
        int[] o = planeOf(conv.outputShape(inShape));
        ConvGeometry geometry = new ConvGeometry(
                inShape.channels(), d[0], d[1],
                conv.outChannels(), o[0], o[1],
                height(conv.kernel(), 1), last(conv.kernel()),
                height(conv.stride(), 1), last(conv.stride()),
                height(conv.dilation(), 1), last(conv.dilation()),
                height(conv.padBefore(), 0), last(conv.padBefore()),
                conv.groups(), conv.paddingMode());
        Node node = nodes.get(0);
        return new Plan.ConvStep(nodes, names.newName(camel(prefix), "kernel " + prefix), constant(prefix), geometry,
                ConvKernel.algorithmFor(geometry), tensor(node, prefix + ".weight"),
                conv.bias() ? tensor(node, prefix + ".bias") : null, norm, activation, alpha, in, out, false, false);
    }

    private Plan.TransposedConvStep transposedConvStep(Node node, LayerOp.TransposedConv conv, Activation activation,
                                                       Shape inShape, Buffer in, Buffer out) {
        int[] d = planeOf(inShape);
        int[] o = planeOf(node.shape());
        TransposedConvGeometry geometry = new TransposedConvGeometry(inShape.channels(), d[0], d[1],
                conv.outChannels(), o[0], o[1], conv.kernel()[0], conv.kernel()[1], conv.stride()[0], conv.stride()[1],
                conv.dilation()[0], conv.dilation()[1], conv.padding()[0], conv.padding()[1], conv.groups());
        return new Plan.TransposedConvStep(List.of(node), names.newName(camel(node.name()), "kernel " + node.name()),
                constant(node.name()), geometry, tensor(node, node.name() + ".weight"),
                conv.bias() ? tensor(node, node.name() + ".bias") : null, activation, activation.defaultAlpha(), in, out);
    }

    private void dense(Node node, LayerOp.Dense dense, Shape inShape, Buffer in) {
        List<Node> computed = new ArrayList<>(List.of(node));
        Activation activation = dense.activation();
        double alpha = activation.defaultAlpha();
        Node next = activation == Activation.NONE ? soleReader(node) : null;
        LayerOp.Elementwise elementwise = fusableActivation(next);
        if (elementwise != null) {
            activation = elementwise.activation();
            alpha = elementwise.alpha();
            computed.add(next);
        }
        Buffer out = fuse(computed);
        boolean softmax = activation == Activation.SOFTMAX;
        steps.add(new Plan.DenseStep(computed, names.newName(camel(node.name()), "kernel " + node.name()), inShape.channels(),
                dense.outFeatures(), tensor(node, node.weights().get(0).name()),
                dense.bias() ? tensor(node, node.weights().get(1).name()) : null,
                softmax ? Activation.NONE : activation, alpha, in, out));
        if (softmax) {
            steps.add(softmax(node, out));
        }
    }

    /**
     * Whether {@code a <= b} implies {@code f(a) <= f(b)} for the runtime's kernels, so that f commutes with
     * max pooling (the runtime's {@code ActivationOrderTest} checks it). Not gelu, silu or hardswish, which dip
     * below zero before rising.
     */
    private static boolean neverDecreases(Activation activation, double alpha) {
        return switch (activation) {
            case RELU, RELU6, SIGMOID, TANH -> true;
            case LEAKY_RELU -> alpha > 0; // with alpha 0 it maps -∞ to 0·-∞ = NaN
            case ELU -> alpha >= 0;
            default -> false;
        };
    }

    /** The element-wise activation {@code node} applies, if a kernel can apply it as it writes; else null. */
    private static LayerOp.Elementwise fusableActivation(Node node) {
        return node != null && node.op() instanceof LayerOp.Elementwise elementwise
                && elementwise.activation() != Activation.SOFTMAX ? elementwise : null;
    }

    /** One buffer for a kernel and the nodes fused into it, named for the last; the others get no step. */
    private Buffer fuse(List<Node> computed) {
        computed.subList(1, computed.size()).forEach(n -> fused.add(n.id()));
        Buffer out = newBuffer(computed.get(computed.size() - 1));
        computed.forEach(n -> buffers.put(n.id(), out));
        return out;
    }

    /** A layer's own {@code activation=softmax}: not element-wise, so a step of its own, in place. */
    private Plan.ActivationStep softmax(Node node, Buffer out) {
        return new Plan.ActivationStep(List.of(node), Activation.SOFTMAX, 0.0, node.shape().channels(),
                (int) node.shape().spatialSize(), out, out);
    }

    /**
     * The one node that reads {@code node}'s value, when exactly one does, it reads nothing else, and the value
     * is not the network's output; otherwise null. Only then may that reader be fused into {@code node}.
     */
    private Node soleReader(Node node) {
        if (node.id() == network.output()) {
            return null;
        }
        List<Node> readers = network.nodes().stream().filter(n -> n.inputs().contains(node.id())).toList();
        return readers.size() == 1 && readers.get(0).inputs().size() == 1 ? readers.get(0) : null;
    }

    /**
     * The buffer an element-wise step writes: its input's own, when no later step reads that buffer and it is not
     * the caller's input array or the network's result; otherwise a fresh one.
     */
    private Buffer inPlaceOrNew(Node node, Buffer in) {
        boolean readLater = network.nodes().stream()
                .filter(n -> n.id() > node.id())
                .flatMap(n -> n.inputs().stream())
                .anyMatch(id -> id != node.id() && buffers.get(id) == in);
        boolean isResult = network.output() != node.id() && buffers.get(network.output()) == in;
        if (readLater || isResult || in == buffers.get(0)) {
            return newBuffer(node);
        }
        buffers.put(node.id(), in);
        return in;
    }

    private Buffer newBuffer(Node node) {
        Buffer buffer = new Buffer(names.newName(camel(node.name()) + "Out", node), size(node));
        buffers.put(node.id(), buffer);
        return buffer;
    }

    private Plan.NormWeights normWeights(Node node, LayerOp.BatchNorm norm) {
        return new Plan.NormWeights(node.name(), node.shape().channels(), norm.eps(), node);
    }

    private static WeightTensor tensor(Node node, String tensorName) {
        return node.weights().stream().filter(w -> w.name().equals(tensorName)).findFirst().orElseThrow();
    }

    private String constant(String name) {
        return constants.newName(name.replace('.', '_').toUpperCase(Locale.ROOT), name);
    }

    /** Height and width of a [C, H, W] or [C, L] shape, a sequence being one row. */
    private static int[] planeOf(Shape shape) {
        return shape.rank() == 3 ? new int[] {shape.dimensions().get(1), shape.dimensions().get(2)}
                : new int[] {1, shape.dimensions().get(1)};
    }

    /**
     * The height entry of a per-axis parameter. A 1-D layer runs as 2-D with height 1, where the height
     * entry takes the value that changes nothing ({@code neutral}: 1 for sizes, 0 for padding).
     */
    private static int height(int[] values, int neutral) {
        return values.length == 1 ? neutral : values[0];
    }

    private static int last(int[] values) {
        return values[values.length - 1];
    }

    private static int size(Node node) {
        return Math.toIntExact(node.shape().size());
    }

    /** {@code layer1.conv_a} becomes {@code layer1Conv_a}: dots split words, anything else is kept. */
    static String camel(String name) {
        String[] parts = name.split("\\.");
        StringBuilder out = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].isEmpty()) {
                out.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
            }
        }
        return out.toString();
    }
}
