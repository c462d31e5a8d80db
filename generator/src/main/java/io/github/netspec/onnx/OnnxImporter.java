package io.github.netspec.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import io.github.netspec.onnx.proto.OnnxProto.AttributeProto;
import io.github.netspec.onnx.proto.OnnxProto.GraphProto;
import io.github.netspec.onnx.proto.OnnxProto.ModelProto;
import io.github.netspec.onnx.proto.OnnxProto.NodeProto;
import io.github.netspec.onnx.proto.OnnxProto.TensorProto;
import io.github.netspec.onnx.proto.OnnxProto.TensorShapeProto;
import io.github.netspec.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns an ONNX model into a .net spec and a safetensors file of its weights, for {@code netspec import}.
 *
 * <p>Each ONNX node becomes a statement in the graph's (topological) order; Identity and Dropout vanish,
 * Constant nodes only feed the attributes of others. A layer with weights is labelled after its weights'
 * initializer name (PyTorch's module name, {@code layer1.0.conv1.weight} gives {@code layer1.0.conv1}),
 * another after its node's name when a later statement refers to it; {@code from} starts each branch. What
 * the language cannot express is collected over the whole graph and reported in one message, with counts.
 */
public final class OnnxImporter {

    /** The spec's text and the weights under the spec's names. */
    public record Imported(String spec, Map<String, SafeTensorsWriter.Tensor> weights) {}

    /** The model uses operators, or operator settings, that the language has no statement for. */
    public static final class UnsupportedModelException extends Exception {
        private static final long serialVersionUID = 1L;

        UnsupportedModelException(String message) {
            super(message);
        }
    }

    /** One statement to write, before labels are decided. */
    private static final class Statement {
        final NodeProto node;
        final String layer;
        final String input;
        final List<String> operands;
        final String output;
        String weightLabel;
        String label;

        Statement(NodeProto node, String layer, String input, List<String> operands, String output) {
            this.node = node;
            this.layer = layer;
            this.input = input;
            this.operands = operands;
            this.output = output;
        }
    }

    /** The input's label, when a branch starts from it. */
    private static final String INPUT_LABEL = "x";

    private final GraphProto graph;
    private final String source;
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, TensorProto> constants = new HashMap<>();
    /** Identity, Dropout: their output is another tensor. */
    private final Map<String, String> aliases = new HashMap<>();
    /** Rank of every tensor a statement makes, batch included: Softmax's axis needs it. */
    private final Map<String, Integer> ranks = new HashMap<>();
    private final Map<String, Integer> unsupported = new TreeMap<>();
    private final List<Statement> statements = new ArrayList<>();
    private final Map<String, SafeTensorsWriter.Tensor> weights = new LinkedHashMap<>();
    private boolean inputReferenced;

    private OnnxImporter(GraphProto graph, String source) {
        this.graph = graph;
        this.source = source;
        graph.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
    }

    /** Reads an ONNX file; a file that is not a model fails with a message that says so. */
    public static ModelProto read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            ModelProto model = ModelProto.parseFrom(in);
            if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
                throw new IOException(file + " is not an ONNX model: it has no graph");
            }
            return model;
        } catch (InvalidProtocolBufferException e) {
            throw new IOException(file + " is not an ONNX model (" + e.getMessage() + ")", e);
        }
    }

    /**
     * @param networkName the generated class's name
     * @param source how the spec's first comment names the model
     */
    public static Imported translate(ModelProto model, String networkName, String source) throws UnsupportedModelException {
        return new OnnxImporter(model.getGraph(), source).run(networkName, model);
    }

    private Imported run(String networkName, ModelProto model) throws UnsupportedModelException {
        ValueInfoProto input = graphInput();
        List<Integer> shape = sampleShape(input);
        ranks.put(input.getName(), shape.size() + 1);
        for (NodeProto node : graph.getNodeList()) {
            node(node);
        }
        String output = resolve(graph.getOutput(0).getName());
        if (!unsupported.isEmpty()) {
            throw new UnsupportedModelException(source + " uses what netspec cannot express: " + unsupported.entrySet()
                    .stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", ")));
        }
        if (statements.isEmpty()) {
            throw new UnsupportedModelException(source + " computes nothing netspec can express: its graph has no layers");
        }
        decideLabels(input.getName(), output);
        return new Imported(render(networkName, model, input.getName(), shape, output), weights);
    }

    private ValueInfoProto graphInput() throws UnsupportedModelException {
        List<ValueInfoProto> inputs = graph.getInputList().stream()
                .filter(i -> !initializers.containsKey(i.getName())).toList();
        if (inputs.size() != 1 || graph.getOutputCount() != 1) {
            throw new UnsupportedModelException(source + " has " + inputs.size() + " inputs and " + graph.getOutputCount()
                    + " outputs; a netspec network has one of each");
        }
        return inputs.get(0);
    }

    /** The input's dimensions after the batch. */
    private List<Integer> sampleShape(ValueInfoProto input) throws UnsupportedModelException {
        List<TensorShapeProto.Dimension> dims = input.getType().getTensorType().getShape().getDimList();
        List<Integer> shape = new ArrayList<>();
        for (TensorShapeProto.Dimension dim : dims.subList(Math.min(1, dims.size()), dims.size())) {
            if (!dim.hasDimValue() || dim.getDimValue() < 1) {
                throw new UnsupportedModelException(source + ": input " + input.getName() + " has a dimension without a"
                        + " fixed size (" + dim + "); netspec bakes every shape in, so export with a fixed input size");
            }
            shape.add((int) dim.getDimValue());
        }
        if (shape.isEmpty() || shape.size() > 3) {
            throw new UnsupportedModelException(source + ": input " + input.getName() + " has " + dims.size()
                    + " dimensions; netspec takes [batch, C, H, W], [batch, C, L] or [batch, N]");
        }
        return shape;
    }

    // ---- nodes ---------------------------------------------------------------------------------------------

    private void node(NodeProto node) {
        String op = node.getOpType();
        switch (op) {
            case "Identity", "Dropout" -> aliases.put(node.getOutput(0), resolve(node.getInput(0)));
            case "Constant" -> constants.put(node.getOutput(0), attribute(node, "value").map(AttributeProto::getT).orElse(null));
            case "Conv" -> convolution(node);
            case "ConvTranspose" -> transposedConvolution(node);
            case "BatchNormalization" -> batchNorm(node);
            case "Gemm" -> dense(node);
            case "Relu", "Sigmoid", "Tanh", "HardSwish" -> simple(node, op.equals("HardSwish") ? "hardswish" : op.toLowerCase());
            case "LeakyRelu" -> simple(node, withAlpha("leaky_relu", floatAttribute(node, "alpha", 0.01f), 0.01f));
            case "Elu" -> simple(node, withAlpha("elu", floatAttribute(node, "alpha", 1f), 1f));
            case "Clip" -> clip(node);
            case "Softmax" -> softmax(node);
            case "MaxPool", "AveragePool" -> pool(node);
            case "GlobalAveragePool" -> simple(node, "globalavgpool");
            case "GlobalMaxPool" -> simple(node, "globalmaxpool");
            case "Flatten" -> flatten(node);
            case "Add", "Concat" -> merge(node);
            case "Resize", "Upsample" -> resize(node);
            default -> unsupported(op);
        }
    }

    private void convolution(NodeProto node) {
        TensorProto weight = initializer(node.getInput(1));
        if (weight == null || weight.getDimsCount() < 3 || weight.getDimsCount() > 4) {
            unsupported("Conv (weights not a 3-D or 4-D initializer)");
            return;
        }
        int spatial = weight.getDimsCount() - 2;
        Optional<int[]> pads = symmetricPads(node, spatial);
        if (pads.isEmpty() || !autoPadIsNotSet(node)) {
            unsupported("Conv (asymmetric or automatic padding)");
            return;
        }
        int groups = (int) intAttribute(node, "group", 1);
        List<String> arguments = new ArrayList<>();
        arguments.add(String.valueOf(weight.getDims(0)));
        arguments.add("kernel=" + tuple(dims(weight, 2)));
        optional(arguments, "stride", ints(node, "strides", spatial, 1), 1);
        optional(arguments, "padding", pads.get(), 0);
        optional(arguments, "dilation", ints(node, "dilations", spatial, 1), 1);
        if (groups != 1) {
            arguments.add("groups=" + groups);
        }
        boolean bias = node.getInputCount() > 2 && !node.getInput(2).isEmpty();
        if (bias && initializer(node.getInput(2)) == null) {
            unsupported("Conv (a bias computed in the graph)");
            return;
        }
        if (!bias) {
            arguments.add("bias=false");
        }
        Statement statement = add(node, (spatial == 1 ? "conv1d" : "conv2d") + "(" + String.join(", ", arguments) + ")");
        weighted(statement, node.getInput(1), bias ? node.getInput(2) : null);
    }

    private void transposedConvolution(NodeProto node) {
        TensorProto weight = initializer(node.getInput(1));
        if (weight == null || weight.getDimsCount() != 4 || attribute(node, "output_shape").isPresent()) {
            unsupported("ConvTranspose (not 2-D, or with output_shape)");
            return;
        }
        Optional<int[]> pads = symmetricPads(node, 2);
        if (pads.isEmpty() || !autoPadIsNotSet(node)) {
            unsupported("ConvTranspose (asymmetric or automatic padding)");
            return;
        }
        int groups = (int) intAttribute(node, "group", 1);
        List<String> arguments = new ArrayList<>();
        arguments.add(String.valueOf(weight.getDims(1) * groups));
        arguments.add("kernel=" + tuple(dims(weight, 2)));
        optional(arguments, "stride", ints(node, "strides", 2, 1), 1);
        optional(arguments, "padding", pads.get(), 0);
        optional(arguments, "output_padding", ints(node, "output_padding", 2, 0), 0);
        optional(arguments, "dilation", ints(node, "dilations", 2, 1), 1);
        if (groups != 1) {
            arguments.add("groups=" + groups);
        }
        boolean bias = node.getInputCount() > 2 && !node.getInput(2).isEmpty();
        if (bias && initializer(node.getInput(2)) == null) {
            unsupported("ConvTranspose (a bias computed in the graph)");
            return;
        }
        if (!bias) {
            arguments.add("bias=false");
        }
        Statement statement = add(node, "conv2d_transpose(" + String.join(", ", arguments) + ")");
        weighted(statement, node.getInput(1), bias ? node.getInput(2) : null);
    }

    private void batchNorm(NodeProto node) {
        if (node.getOutputCount() > 1 && node.getOutputList().subList(1, node.getOutputCount()).stream().anyMatch(o -> !o.isEmpty())) {
            unsupported("BatchNormalization (training mode)");
            return;
        }
        if (node.getInputList().subList(1, node.getInputCount()).stream().anyMatch(i -> initializer(i) == null)) {
            unsupported("BatchNormalization (statistics computed in the graph)");
            return;
        }
        float eps = floatAttribute(node, "epsilon", 1e-5f);
        Statement statement = add(node, Math.abs(eps - 1e-5f) < 1e-12 ? "batchnorm" : "batchnorm(eps=" + eps + ")");
        String prefix = labelFromWeight(node.getInput(1), node);
        statement.weightLabel = prefix;
        String[] names = {"weight", "bias", "running_mean", "running_var"};
        for (int i = 0; i < names.length; i++) {
            weights.put(prefix + "." + names[i], tensor(initializer(node.getInput(i + 1))));
        }
    }

    private void dense(NodeProto node) {
        TensorProto weight = initializer(node.getInput(1));
        if (weight == null || weight.getDimsCount() != 2 || intAttribute(node, "transA", 0) != 0
                || floatAttribute(node, "alpha", 1f) != 1f || floatAttribute(node, "beta", 1f) != 1f) {
            unsupported("Gemm (other than x times a weight initializer plus a bias)");
            return;
        }
        boolean transposed = intAttribute(node, "transB", 0) == 1;
        int out = (int) weight.getDims(transposed ? 0 : 1);
        boolean bias = node.getInputCount() > 2 && !node.getInput(2).isEmpty();
        if (bias && (initializer(node.getInput(2)) == null || initializer(node.getInput(2)).getDimsCount() != 1)) {
            unsupported("Gemm (a bias that is not a vector initializer)");
            return;
        }
        Statement statement = add(node, "dense(" + out + (bias ? "" : ", bias=false") + ")");
        ranks.put(node.getOutput(0), 2);
        String prefix = labelFromWeight(node.getInput(1), node);
        statement.weightLabel = prefix;
        SafeTensorsWriter.Tensor matrix = tensor(weight);
        weights.put(prefix + ".weight", transposed ? matrix : transpose(matrix));
        if (bias) {
            weights.put(prefix + ".bias", tensor(initializer(node.getInput(2))));
        }
    }

    private void clip(NodeProto node) {
        Float min = bound(node, "min", 1);
        Float max = bound(node, "max", 2);
        if (min != null && min == 0f && max != null && max == 6f) {
            simple(node, "relu6");
        } else if (min != null && min == 0f && max == null) {
            simple(node, "relu");
        } else {
            unsupported("Clip (other than relu or relu6)");
        }
    }

    /** Over the channels only: axis 1, or the last axis (-1) of a [batch, features] tensor. */
    private void softmax(NodeProto node) {
        int rank = ranks.getOrDefault(resolve(node.getInput(0)), -1);
        long axis = intAttribute(node, "axis", -1);
        boolean channels = axis == 1 || axis == -1 && rank == 2;
        if (!channels) {
            unsupported("Softmax (over an axis other than the channels)");
            return;
        }
        simple(node, "softmax");
    }

    private void pool(NodeProto node) {
        boolean max = node.getOpType().equals("MaxPool");
        int[] kernel = ints(node, "kernel_shape", 0, 0);
        int spatial = kernel.length;
        Optional<int[]> pads = symmetricPads(node, spatial);
        boolean countsPadding = intAttribute(node, "count_include_pad", 0) == 1;
        boolean padded = pads.isPresent() && Arrays.stream(pads.get()).anyMatch(p -> p != 0);
        if (spatial == 0 || pads.isEmpty() || !autoPadIsNotSet(node) || intAttribute(node, "ceil_mode", 0) != 0
                || Arrays.stream(ints(node, "dilations", spatial, 1)).anyMatch(d -> d != 1) || node.getOutputCount() > 1
                || !max && padded && !countsPadding) {
            unsupported(node.getOpType() + " (ceil mode, dilation, asymmetric padding or padding left out of averages)");
            return;
        }
        List<String> arguments = new ArrayList<>(List.of(tuple(kernel)));
        int[] stride = ints(node, "strides", spatial, 1);
        if (!Arrays.equals(stride, kernel)) {
            arguments.add("stride=" + tuple(stride));
        }
        optional(arguments, "padding", pads.get(), 0);
        simple(node, (max ? "maxpool(" : "avgpool(") + String.join(", ", arguments) + ")");
    }

    private void flatten(NodeProto node) {
        if (intAttribute(node, "axis", 1) != 1) {
            unsupported("Flatten (at an axis other than 1)");
            return;
        }
        simple(node, "flatten");
        ranks.put(node.getOutput(0), 2);
    }

    private void merge(NodeProto node) {
        boolean add = node.getOpType().equals("Add");
        if (!add && intAttribute(node, "axis", 0) != 1) {
            unsupported("Concat (along an axis other than the channels)");
            return;
        }
        if (node.getInputList().stream().anyMatch(i -> constant(i) != null)) {
            unsupported(node.getOpType() + " (of a constant tensor)");
            return;
        }
        List<String> inputs = node.getInputList().stream().map(this::resolve).toList();
        Statement statement = new Statement(node, add ? "add" : "concat", inputs.get(0), inputs.subList(1, inputs.size()),
                node.getOutput(0));
        statements.add(statement);
        ranks.put(node.getOutput(0), ranks.getOrDefault(inputs.get(0), -1));
    }

    /** Resize and Upsample by whole scales: nearest as PyTorch's nn.Upsample exports it, or bilinear. */
    private void resize(NodeProto node) {
        int scalesInput = node.getOpType().equals("Upsample") ? 1 : 2;
        TensorProto scales = node.getInputCount() > scalesInput ? constant(node.getInput(scalesInput)) : null;
        String mode = stringAttribute(node, "mode", "nearest");
        String transform = stringAttribute(node, "coordinate_transformation_mode", "half_pixel");
        float[] values = scales == null ? new float[0] : tensor(scales).values();
        boolean whole = values.length >= 3 && values[0] == 1f && values[1] == 1f;
        int[] factors = new int[Math.max(values.length - 2, 0)];
        for (int i = 0; i < factors.length && whole; i++) {
            factors[i] = (int) values[i + 2];
            whole = factors[i] == values[i + 2] && factors[i] >= 1;
        }
        boolean nearest = mode.equals("nearest") && (node.getOpType().equals("Upsample")
                || transform.equals("asymmetric") && stringAttribute(node, "nearest_mode", "round_prefer_floor").equals("floor"));
        boolean bilinear = mode.equals("linear") && factors.length == 2 && node.getOpType().equals("Resize")
                && List.of("half_pixel", "pytorch_half_pixel", "align_corners").contains(transform);
        if (!whole || !nearest && !bilinear) {
            unsupported(node.getOpType() + " (other than by whole scales, nearest or bilinear)");
            return;
        }
        String scale = tuple(factors);
        if (nearest) {
            simple(node, "upsample(" + scale + ")");
        } else {
            simple(node, "upsample(" + scale + ", mode=bilinear" + (transform.equals("align_corners") ? ", align_corners=true" : "")
                    + ")");
        }
    }

    private void simple(NodeProto node, String layer) {
        Statement statement = add(node, layer);
        ranks.putIfAbsent(statement.output, ranks.getOrDefault(statement.input, -1));
    }

    private Statement add(NodeProto node, String layer) {
        String input = resolve(node.getInput(0));
        Statement statement = new Statement(node, layer, input, List.of(), node.getOutput(0));
        statements.add(statement);
        ranks.putIfAbsent(node.getOutput(0), ranks.getOrDefault(input, -1));
        return statement;
    }

    private void weighted(Statement statement, String weight, String bias) {
        String prefix = labelFromWeight(weight, statement.node);
        statement.weightLabel = prefix;
        weights.put(prefix + ".weight", tensor(initializer(weight)));
        if (bias != null) {
            weights.put(prefix + ".bias", tensor(initializer(bias)));
        }
    }

    private void unsupported(String what) {
        unsupported.merge(what, 1, Integer::sum);
    }

    // ---- labels and text -------------------------------------------------------------------------------------

    /** PyTorch's module name when the initializer is named MODULE.weight; else the node's own name. */
    private String labelFromWeight(String initializer, NodeProto node) {
        int dot = initializer.lastIndexOf('.');
        String module = dot > 0 ? initializer.substring(0, dot) : "";
        return isLabel(module) && !looksLikeDefaultName(module) ? module : nodeLabel(node);
    }

    /**
     * A label from the node's name. PyTorch names a node by its module's scopes and its operator,
     * {@code /layer2/layer2.0/downsample/downsample.0/Conv}: a scope {@code a.b} is child {@code b} of the
     * scope {@code a} just before it, so that node is module {@code layer2.0.downsample.0}. Other names are
     * made identifiers ({@code Relu_3}); a name like a default name ({@code relu_1}) gets a trailing
     * underscore, since the checker keeps those for unlabelled layers.
     */
    private static String nodeLabel(NodeProto node) {
        String name = node.getName().isEmpty() ? node.getOutput(0) : node.getName();
        String label = identifier(name);
        if (name.startsWith("/")) {
            String[] scopes = name.substring(1).split("/");
            List<String> path = new ArrayList<>();
            for (String scope : Arrays.asList(scopes).subList(0, scopes.length - 1)) {
                boolean child = !path.isEmpty() && scope.startsWith(path.get(path.size() - 1) + ".");
                if (child) {
                    path.set(path.size() - 1, scope);
                } else {
                    path.add(scope);
                }
            }
            String module = String.join(".", path);
            if (isLabel(module)) {
                label = module;
            }
        }
        return looksLikeDefaultName(label) ? label + "_" : label;
    }

    private static boolean looksLikeDefaultName(String label) {
        return label.matches("[a-z][a-z0-9_]*_[0-9]+");
    }

    /**
     * A statement is labelled when it has weights (the label names them) or when a later statement reads it
     * other than as the statement right after it: an operand of add or concat, the start of a branch, or the
     * output after a branch. The input is labelled when a branch starts from it.
     */
    private void decideLabels(String input, String output) {
        Set<String> referenced = new HashSet<>();
        String current = input;
        for (Statement statement : statements) {
            if (!statement.input.equals(current)) {
                referenced.add(statement.input);
            }
            referenced.addAll(statement.operands);
            current = statement.output;
        }
        if (!output.equals(current)) {
            referenced.add(output);
        }
        Set<String> taken = new HashSet<>(Set.of(INPUT_LABEL));
        for (Statement statement : statements) {
            if (statement.weightLabel != null) {
                statement.label = statement.weightLabel;
                taken.add(statement.label);
            }
        }
        for (Statement statement : statements) {
            if (statement.label == null && referenced.contains(statement.output)) {
                String base = nodeLabel(statement.node);
                String label = base;
                for (int n = 2; taken.contains(label); n++) {
                    label = base + "_" + n;
                }
                statement.label = label;
                taken.add(label);
            }
        }
        inputReferenced = referenced.contains(input);
    }

    private String render(String networkName, ModelProto model, String input, List<Integer> shape, String output) {
        Map<String, String> labels = new HashMap<>();
        labels.put(input, INPUT_LABEL);
        statements.stream().filter(s -> s.label != null).forEach(s -> labels.put(s.output, s.label));
        StringBuilder spec = new StringBuilder();
        spec.append("// Imported by netspec import from ").append(source).append(model.getProducerName().isEmpty() ? ""
                : " (made by " + model.getProducerName() + " " + model.getProducerVersion() + ")").append(".\n");
        spec.append("network ").append(networkName).append(" {\n");
        spec.append("    ").append(inputReferenced ? INPUT_LABEL + ": " : "").append("input ")
                .append(shape.toString()).append('\n');
        String current = input;
        for (Statement statement : statements) {
            if (!statement.input.equals(current)) {
                spec.append("    from ").append(labels.get(statement.input)).append('\n');
            }
            spec.append("    ").append(statement.label == null ? "" : statement.label + ": ").append(statement.layer);
            if (!statement.operands.isEmpty()) {
                spec.append(statement.operands.stream().map(labels::get).collect(Collectors.joining(", ", "(", ")")));
            }
            spec.append('\n');
            current = statement.output;
        }
        if (!output.equals(current)) {
            spec.append("    from ").append(labels.get(output)).append('\n');
        }
        return spec.append("}\n").toString();
    }

    private static boolean isLabel(String text) {
        return text.matches("[A-Za-z_][A-Za-z_0-9]*(\\.[A-Za-z_0-9]+)*");
    }

    /** A node name as a label: {@code /layer1/Relu} becomes {@code layer1_Relu}. */
    private static String identifier(String name) {
        String cleaned = name.replaceAll("[^A-Za-z_0-9]+", "_").replaceAll("^_+|_+$", "");
        if (cleaned.isEmpty() || Character.isDigit(cleaned.charAt(0))) {
            cleaned = "n_" + cleaned;
        }
        return cleaned;
    }

    private String resolve(String tensor) {
        String resolved = tensor;
        while (aliases.containsKey(resolved)) {
            resolved = aliases.get(resolved);
        }
        return resolved;
    }

    // ---- attributes and tensors -------------------------------------------------------------------------------

    private static Optional<AttributeProto> attribute(NodeProto node, String name) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst();
    }

    private static long intAttribute(NodeProto node, String name, long fallback) {
        return attribute(node, name).map(AttributeProto::getI).orElse(fallback);
    }

    private static float floatAttribute(NodeProto node, String name, float fallback) {
        return attribute(node, name).map(AttributeProto::getF).orElse(fallback);
    }

    private static String stringAttribute(NodeProto node, String name, String fallback) {
        return attribute(node, name).map(a -> a.getS().toStringUtf8()).orElse(fallback);
    }

    /** An ints attribute with one value per spatial axis, or {@code fallback} on each when it is absent. */
    private static int[] ints(NodeProto node, String name, int spatial, int fallback) {
        Optional<AttributeProto> values = attribute(node, name);
        if (values.isEmpty()) {
            int[] filled = new int[spatial];
            Arrays.fill(filled, fallback);
            return filled;
        }
        return values.get().getIntsList().stream().mapToInt(Long::intValue).toArray();
    }

    /** ONNX pads are all the starts, then all the ends; netspec pads both ends of an axis alike. */
    private static Optional<int[]> symmetricPads(NodeProto node, int spatial) {
        int[] pads = ints(node, "pads", 2 * spatial, 0);
        if (pads.length != 2 * spatial) {
            return Optional.empty();
        }
        int[] perAxis = new int[spatial];
        for (int axis = 0; axis < spatial; axis++) {
            if (pads[axis] != pads[axis + spatial]) {
                return Optional.empty();
            }
            perAxis[axis] = pads[axis];
        }
        return Optional.of(perAxis);
    }

    private static boolean autoPadIsNotSet(NodeProto node) {
        return stringAttribute(node, "auto_pad", "NOTSET").equals("NOTSET");
    }

    /** Clip's bound: an input from opset 11 on (initializer or Constant), an attribute before. */
    private Float bound(NodeProto node, String name, int input) {
        if (node.getInputCount() > input && !node.getInput(input).isEmpty()) {
            TensorProto value = constant(node.getInput(input));
            return value == null ? null : tensor(value).values()[0];
        }
        return attribute(node, name).map(AttributeProto::getF).orElse(null);
    }

    /** An initializer or a Constant node's value, through Identity nodes; null for a computed tensor. */
    private TensorProto constant(String name) {
        String resolved = resolve(name);
        return initializers.containsKey(resolved) ? initializers.get(resolved) : constants.get(resolved);
    }

    /** An initializer through Identity nodes (PyTorch shares equal initializers that way); null if there is none. */
    private TensorProto initializer(String name) {
        return initializers.get(resolve(name));
    }

    private static int[] dims(TensorProto tensor, int from) {
        return tensor.getDimsList().subList(from, tensor.getDimsCount()).stream().mapToInt(Long::intValue).toArray();
    }

    /** A float tensor's values, from raw little-endian bytes or the float_data field. */
    static SafeTensorsWriter.Tensor tensor(TensorProto tensor) {
        int[] shape = dims(tensor, 0);
        int count = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] values = new float[count];
        if (tensor.getDataType() == TensorProto.DataType.FLOAT_VALUE) {
            if (!tensor.getRawData().isEmpty()) {
                tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            } else {
                for (int i = 0; i < count; i++) {
                    values[i] = tensor.getFloatData(i);
                }
            }
        } else if (tensor.getDataType() == TensorProto.DataType.INT64_VALUE) {
            ByteBuffer raw = tensor.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                values[i] = tensor.getRawData().isEmpty() ? tensor.getInt64Data(i) : raw.getLong();
            }
        } else {
            throw new IllegalArgumentException("tensor " + tensor.getName() + " has ONNX data type " + tensor.getDataType()
                    + "; netspec reads float32 weights");
        }
        return new SafeTensorsWriter.Tensor(shape, values);
    }

    private static SafeTensorsWriter.Tensor transpose(SafeTensorsWriter.Tensor matrix) {
        int rows = matrix.shape()[0];
        int columns = matrix.shape()[1];
        float[] transposed = new float[rows * columns];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                transposed[c * rows + r] = matrix.values()[r * columns + c];
            }
        }
        return new SafeTensorsWriter.Tensor(new int[] {columns, rows}, transposed);
    }

    private static String withAlpha(String layer, float alpha, float standard) {
        return alpha == standard ? layer : layer + "(alpha=" + alpha + ")";
    }

    /** {@code name=value} unless every axis has the default; a tuple when the axes differ. */
    private static void optional(List<String> arguments, String name, int[] values, int standard) {
        if (Arrays.stream(values).anyMatch(v -> v != standard)) {
            arguments.add(name + "=" + tuple(values));
        }
    }

    private static String tuple(int[] values) {
        if (Arrays.stream(values).distinct().count() == 1) {
            return String.valueOf(values[0]);
        }
        return Arrays.stream(values).mapToObj(String::valueOf).collect(Collectors.joining(", ", "(", ")"));
    }
}
