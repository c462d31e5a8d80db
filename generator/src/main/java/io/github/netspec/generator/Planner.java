package io.github.netspec.generator;

import com.palantir.javapoet.NameAllocator;
import io.github.netspec.generator.Plan.Buffer;
import io.github.netspec.runtime.ConvGeometry;
import io.github.netspec.runtime.PoolGeometry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lowers a checked network to kernel calls. The rules, one per layer:
 * <ul>
 *   <li>conv1d/conv2d/depthwise: one convolution; 1-D runs as 2-D with height 1</li>
 *   <li>separable: a depthwise convolution into a scratch buffer, then a 1x1 convolution</li>
 *   <li>an {@code activation=} on a layer: an in-place activation of that layer's output</li>
 *   <li>flatten and dropout: no step; the output is the input buffer under a new shape</li>
 *   <li>batchnorm: folded to scale and shift at load time</li>
 * </ul>
 */
public final class Planner {

    private final CheckedNetwork network;
    private final NameAllocator names = new NameAllocator();
    private final NameAllocator constants = new NameAllocator();
    private final Map<Integer, Buffer> buffers = new HashMap<>();
    private final List<Plan.Parameter> parameters = new ArrayList<>();
    private final List<Plan.Step> steps = new ArrayList<>();

    private Planner(CheckedNetwork network) {
        this.network = network;
        for (String reserved : List.of("input", "weights", "network", "safetensors")) {
            names.newName(reserved, reserved);
        }
        // The public constants every generated class has; a label such as input_size must not take them.
        for (String reserved : List.of("INPUT_SIZE", "OUTPUT_SIZE", "PARAMETER_COUNT", "INPUT_SHAPE", "OUTPUT_SHAPE")) {
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
            lower(node);
        }
        Buffer output = buffers.get(network.output());
        return new Plan(network, parameters, steps, output, output == input);
    }

    private void lower(Node node) {
        Buffer in = buffers.get(node.inputs().get(0));
        LayerOp op = node.op();
        if (op instanceof LayerOp.Flatten || op instanceof LayerOp.Dropout) {
            buffers.put(node.id(), in);
            return;
        }
        Buffer out = new Buffer(names.newName(camel(node.name()) + "Out", node), size(node));
        buffers.put(node.id(), out);
        Shape inShape = network.nodes().get(node.inputs().get(0)).shape();
        if (op instanceof LayerOp.Conv conv) {
            convolution(node, node.name(), conv, inShape, in, out);
        } else if (op instanceof LayerOp.Separable separable) {
            Shape middleShape = separable.depthwise().outputShape(inShape);
            Buffer middle = new Buffer(names.newName(camel(node.name()) + "Depthwise", node.name() + ".depthwise"),
                    Math.toIntExact(middleShape.size()));
            convolution(node, node.name() + ".depthwise", separable.depthwise(), inShape, in, middle);
            convolution(node, node.name() + ".pointwise", separable.pointwise(), middleShape, middle, out);
        } else if (op instanceof LayerOp.Pool pool) {
            int[] d = planeOf(inShape);
            int[] o = planeOf(node.shape());
            PoolGeometry geometry = new PoolGeometry(inShape.channels(), d[0], d[1], o[0], o[1],
                    height(pool.kernel(), 1), last(pool.kernel()),
                    height(pool.stride(), 1), last(pool.stride()),
                    height(pool.padding(), 0), last(pool.padding()));
            steps.add(new Plan.PoolStep(node, constant(node.name()), geometry, pool.max(), in, out));
        } else if (op instanceof LayerOp.GlobalPool global) {
            steps.add(new Plan.GlobalPoolStep(node, global.max(), inShape.channels(), (int) inShape.spatialSize(), in, out));
        } else if (op instanceof LayerOp.BatchNorm norm) {
            String field = names.newName(camel(node.name()), node.name() + ".norm");
            parameters.add(new Plan.BatchNormField(field, node.name(), inShape.channels(), norm.eps(), node));
            steps.add(new Plan.BatchNormStep(node, field, (int) inShape.spatialSize(), in, out));
        } else if (op instanceof LayerOp.Dense dense) {
            String weight = tensorField(node, 0);
            String bias = dense.bias() ? tensorField(node, 1) : null;
            steps.add(new Plan.DenseStep(node, inShape.channels(), dense.outFeatures(), weight, bias, in, out));
            activate(node, dense.activation(), dense.activation().defaultAlpha(), out, out);
        } else if (op instanceof LayerOp.Elementwise elementwise) {
            activate(node, elementwise.activation(), elementwise.alpha(), in, out);
        } else if (op instanceof LayerOp.Add) {
            steps.add(new Plan.AddStep(node, node.inputs().stream().map(buffers::get).toList(), out));
        } else if (op instanceof LayerOp.Concat) {
            steps.add(new Plan.ConcatStep(node, node.inputs().stream().map(buffers::get).toList(), out));
        } else {
            throw new IllegalStateException("no lowering for " + op);
        }
    }

    private void convolution(Node node, String prefix, LayerOp.Conv conv, Shape inShape, Buffer in, Buffer out) {
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
        String weight = tensorField(node, prefix + ".weight");
        String bias = conv.bias() ? tensorField(node, prefix + ".bias") : null;
        steps.add(new Plan.ConvStep(node, constant(prefix), geometry, weight, bias, in, out));
        activate(node, conv.activation(), conv.activation().defaultAlpha(), out, out);
    }

    private void activate(Node node, Activation activation, double alpha, Buffer in, Buffer out) {
        if (activation == Activation.NONE) {
            return;
        }
        Shape shape = node.shape();
        steps.add(new Plan.ActivationStep(node, activation, alpha, shape.channels(), (int) shape.spatialSize(), in, out));
    }

    private String tensorField(Node node, int index) {
        return tensorField(node, node.weights().get(index).name());
    }

    private String tensorField(Node node, String tensorName) {
        WeightTensor tensor = node.weights().stream().filter(w -> w.name().equals(tensorName)).findFirst().orElseThrow();
        String field = names.newName(camel(tensorName), tensorName);
        parameters.add(new Plan.TensorField(field, tensor, node));
        return field;
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
