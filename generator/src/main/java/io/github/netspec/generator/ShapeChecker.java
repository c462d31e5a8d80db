package io.github.netspec.generator;

import io.github.netspec.generator.BoundArguments.Ints;
import io.github.netspec.generator.BoundArguments.PaddingWord;
import io.github.netspec.generator.LayerCatalog.Signature;
import io.github.netspec.runtime.PaddingMode;
import io.github.netspec.syntax.IntegerValue;
import io.github.netspec.syntax.Label;
import io.github.netspec.syntax.Network;
import io.github.netspec.syntax.Operation;
import io.github.netspec.syntax.Position;
import io.github.netspec.syntax.ShapeLiteral;
import io.github.netspec.syntax.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Walks a network's statements top to bottom, binds each layer's arguments, infers its output shape and
 * checks every rule of the language. It reports every problem it finds; a statement whose input is
 * unknown because of an earlier error is skipped quietly, so one mistake gives one error.
 */
public final class ShapeChecker {

    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8; // the largest array HotSpot allocates
    /** Hints suggest paddings up to this; beyond it a number would not be advice anyone takes. */
    private static final int MAX_SUGGESTED_PADDING = 1024;

    private final Diagnostics diagnostics;
    private final ArgumentBinder binder;

    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Node> labels = new LinkedHashMap<>();
    private final Map<String, Integer> kindCounters = new HashMap<>();
    /** Every label written so far, even on statements that failed, so later references to them stay quiet. */
    private final Map<String, Position> declaredLabels = new LinkedHashMap<>();
    /** Every label of the network with where it is first written, to tell a forward reference from a typo. */
    private final Map<String, Position> allLabels = new HashMap<>();
    /** Default names of unlabelled layers, with where the layer is. */
    private final Map<String, Position> defaultNames = new LinkedHashMap<>();
    /** The current value, or null when it is unknown because of an earlier error. */
    private Node current;
    private boolean sawInput;

    private ShapeChecker(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
        this.binder = new ArgumentBinder(diagnostics);
    }

    /** Checks one network; the result is empty when it has errors, which are added to {@code diagnostics}. */
    static Optional<CheckedNetwork> check(Network network, Diagnostics diagnostics) {
        return new ShapeChecker(diagnostics).network(network);
    }

    private Optional<CheckedNetwork> network(Network network) {
        int errorsBefore = diagnostics.errorCount();
        if (!Names.isJavaClassName(network.name())) {
            diagnostics.error(network.position(), "network name '" + network.name() + "' cannot be a Java class name"
                    + " because it is a Java keyword", "rename it, for example " + capitalize(network.name()) + "Net");
        }
        if (network.statements().isEmpty()) {
            diagnostics.error(network.position(), "network " + network.name() + " is empty",
                    "start it with an input statement such as input [1, 28, 28]");
            return Optional.empty();
        }
        network.statements().forEach(s -> s.label().ifPresent(l -> allLabels.putIfAbsent(l.name(), l.position())));
        for (Statement statement : network.statements()) {
            statement(statement);
        }
        diagnostics.within(List.of());
        checkDefaultNamesAgainstLabels();
        if (diagnostics.errorCount() > errorsBefore || current == null) {
            return Optional.empty();
        }
        return Optional.of(new CheckedNetwork(network.name(), diagnostics.file(), network.position(), nodes, current.id()));
    }

    private void statement(Statement statement) {
        diagnostics.within(statement.origin());
        Operation operation = statement.operation();
        statement.label().ifPresent(this::declare);
        if (!sawInput && !(operation instanceof Operation.Input)) {
            diagnostics.error(operation.position(), "a network must start with its input",
                    "add a first line such as input [1, 28, 28] (C, H, W)");
            sawInput = true; // report once; the rest cannot be checked without an input
            current = null;
            return;
        }
        if (operation instanceof Operation.Input input) {
            input(statement, input);
        } else if (operation instanceof Operation.Bind) {
            // A block's input or output: the label names the current value; no node.
            if (current != null) {
                statement.label().ifPresent(label -> labels.putIfAbsent(label.name(), current));
            }
        } else if (operation instanceof Operation.Repeat) {
            throw new IllegalStateException("repeat reaches the checker only written out by BlockExpander");
        } else if (operation instanceof Operation.From from) {
            current = lookUp(from.target()).orElse(null);
            statement.label().ifPresent(label -> diagnostics.error(label.position(),
                    "'from' cannot be labelled; it names no new value", "label the layer that made the value instead"));
        } else {
            layer(statement, (Operation.Layer) operation);
        }
        if (current != null) {
            statement.expectedShape().ifPresent(this::assertShape);
        }
    }

    // ---- input ----------------------------------------------------------------------------------------

    private void input(Statement statement, Operation.Input input) {
        if (sawInput) {
            diagnostics.error(input.position(), "a network has exactly one input, and it was declared already",
                    "to start a branch from the input, label it (x: input [...]) and write from x");
            current = null;
            return;
        }
        sawInput = true;
        ShapeLiteral literal = input.shape();
        if (literal.dimensions().size() > 3) {
            diagnostics.error(literal.position(), "input " + literal + " has " + literal.dimensions().size()
                    + " dimensions, but inputs are [C, H, W], [C, L] or [N]", "leave out the batch dimension");
            return;
        }
        Optional<Shape> shape = shapeOf(literal, "input");
        if (shape.isEmpty()) {
            return;
        }
        String name = statement.label().map(Label::name).orElse("input");
        current = addNode(statement, name, "input", input.position(), new LayerOp.Input(), List.of(), shape.get(),
                List.of(), "input " + literal);
    }

    /** A written shape whose dimensions are all positive ints, or empty after reporting the first bad one. */
    private Optional<Shape> shapeOf(ShapeLiteral literal, String what) {
        List<Integer> dimensions = new ArrayList<>();
        for (IntegerValue dimension : literal.dimensions()) {
            if (!dimension.fitsInt() || dimension.value() < 1) {
                diagnostics.error(dimension.position(), what + " dimension " + dimension.text() + " must be from 1 to "
                        + Integer.MAX_VALUE);
                return Optional.empty();
            }
            dimensions.add((int) dimension.value());
        }
        Shape shape = new Shape(dimensions);
        if (shape.size() > MAX_ELEMENTS) {
            diagnostics.error(literal.position(), what + " " + shape + " has " + shape.size()
                    + " elements, more than a Java array holds (" + MAX_ELEMENTS + ")");
            return Optional.empty();
        }
        return Optional.of(shape);
    }

    // ---- layers -----------------------------------------------------------------------------------------

    private void layer(Statement statement, Operation.Layer layer) {
        Optional<Signature> signature = LayerCatalog.signature(layer.name());
        if (signature.isEmpty()) {
            unknownLayer(layer);
            current = null;
            return;
        }
        Optional<BoundArguments> arguments = binder.bind(layer, signature.get());
        String defaultName = nextDefaultName(layer.name());
        String name = statement.label().map(Label::name).orElse(defaultName);
        if (statement.label().isEmpty()) {
            defaultNames.put(defaultName, layer.position());
        }
        if (arguments.isEmpty() || current == null) {
            current = null;
            return;
        }
        BoundArguments args = arguments.get();
        String source = Sources.describe(statement);
        Node input = current;
        Optional<Node> result = switch (layer.name()) {
            case "conv2d", "conv1d", "depthwise" -> convolution(statement, layer, name, args, input, source);
            case "separable" -> separable(statement, layer, name, args, input, source);
            case "conv2d_transpose" -> transposedConvolution(statement, layer, name, args, input, source);
            case "upsample" -> upsample(statement, layer, name, args, input, source);
            case "maxpool", "avgpool" -> pool(statement, layer, name, args, input, source);
            case "globalavgpool", "globalmaxpool" -> globalPool(statement, layer, name, input, source);
            case "batchnorm" -> batchNorm(statement, layer, name, args, input, source);
            case "dense" -> dense(statement, layer, name, args, input, source);
            case "flatten" -> Optional.ofNullable(addNode(statement, name, "flatten", layer.position(), new LayerOp.Flatten(),
                    List.of(input), Shape.of(Math.toIntExact(input.shape().size())), List.of(), source));
            case "dropout" -> Optional.ofNullable(addNode(statement, name, "dropout", layer.position(),
                    new LayerOp.Dropout(args.number("p")), List.of(input), input.shape(), List.of(), source));
            case "add", "concat" -> merge(statement, layer, name, args, input, source);
            default -> elementwise(statement, layer, name, args, input, source);
        };
        current = result.orElse(null);
    }

    private void unknownLayer(Operation.Layer layer) {
        Optional<String> ours = LayerCatalog.frameworkLayer(layer.name());
        if (ours.isPresent()) {
            diagnostics.error(layer.position(), "unknown layer '" + layer.name() + "'; PyTorch or Keras call it that,"
                    + " netspec calls it '" + ours.get() + "'", "write " + ours.get() + " (see docs/language.md for its parameters)");
            return;
        }
        String hint = layer.name().equals("input") ? "input is written input [C, H, W]"
                : "the layers are: " + String.join(", ", LayerCatalog.layerNames());
        diagnostics.error(layer.position(), "unknown layer '" + layer.name() + "'"
                + Names.didYouMean(layer.name(), LayerCatalog.layerNames()), hint);
    }

    private Optional<Node> elementwise(Statement statement, Operation.Layer layer, String name, BoundArguments args,
                                       Node input, String source) {
        Activation activation = Activation.byWord(layer.name()).orElseThrow();
        double alpha = args.values().containsKey("alpha") ? args.number("alpha") : activation.defaultAlpha();
        return Optional.ofNullable(addNode(statement, name, layer.name(), layer.position(),
                new LayerOp.Elementwise(activation, alpha), List.of(input), input.shape(), List.of(), source));
    }

    private Optional<Node> convolution(Statement statement, Operation.Layer layer, String name, BoundArguments args,
                                       Node input, String source) {
        int spatialRank = layer.name().equals("conv1d") ? 1 : 2;
        if (!requireRank(layer, input, spatialRank)) {
            return Optional.empty();
        }
        int inChannels = input.shape().channels();
        int groups;
        int outChannels;
        if (layer.name().equals("depthwise")) {
            groups = inChannels;
            long out = (long) inChannels * args.count("multiplier");
            if (out > Integer.MAX_VALUE) {
                diagnostics.error(args.position("multiplier"), "depthwise output channels " + inChannels + " * "
                        + args.count("multiplier") + " = " + out + " exceed " + Integer.MAX_VALUE);
                return Optional.empty();
            }
            outChannels = (int) out;
        } else {
            groups = args.count("groups");
            outChannels = args.count("out");
            if (inChannels % groups != 0 || outChannels % groups != 0) {
                diagnostics.error(args.position("groups"), layer.name() + " groups=" + groups + " must divide both the "
                        + inChannels + " input channels and the " + outChannels + " output channels",
                        "use a groups value that divides both, such as " + gcd(inChannels, outChannels));
                return Optional.empty();
            }
        }
        Optional<LayerOp.Conv> conv = convGeometry(layer.name(), args, input.shape(), spatialRank, outChannels, groups);
        if (conv.isEmpty()) {
            return Optional.empty();
        }
        Shape shape = conv.get().outputShape(input.shape());
        List<WeightTensor> weights = convWeights(name, inChannels, conv.get());
        return Optional.ofNullable(addNode(statement, name, layer.name(), layer.position(), conv.get(), List.of(input), shape,
                weights, source));
    }

    private Optional<Node> separable(Statement statement, Operation.Layer layer, String name, BoundArguments args,
                                     Node input, String source) {
        if (!requireRank(layer, input, 2)) {
            return Optional.empty();
        }
        int channels = input.shape().channels();
        Optional<LayerOp.Conv> depthwise = convGeometry("separable", args, input.shape(), 2, channels, channels);
        if (depthwise.isEmpty()) {
            return Optional.empty();
        }
        LayerOp.Conv dw = depthwise.get();
        // The depthwise half has no activation of its own: activation= applies after the pointwise conv.
        dw = new LayerOp.Conv(channels, dw.kernel(), dw.stride(), dw.dilation(), dw.padBefore(), dw.padAfter(),
                channels, dw.bias(), dw.paddingMode(), Activation.NONE);
        int[] one = {1, 1};
        int[] zero = {0, 0};
        LayerOp.Conv pw = new LayerOp.Conv(args.count("out"), one, one, one, zero, zero, 1, args.bool("bias"),
                PaddingMode.ZEROS, Activation.byWord(args.word("activation")).orElseThrow());
        Shape shape = pw.outputShape(dw.outputShape(input.shape()));
        List<WeightTensor> weights = new ArrayList<>(convWeights(name + ".depthwise", channels, dw));
        weights.addAll(convWeights(name + ".pointwise", channels, pw));
        return Optional.ofNullable(addNode(statement, name, "separable", layer.position(), new LayerOp.Separable(dw, pw),
                List.of(input), shape, weights, source));
    }

    private Optional<Node> transposedConvolution(Statement statement, Operation.Layer layer, String name,
                                                 BoundArguments args, Node input, String source) {
        if (!requireRank(layer, input, 2)) {
            return Optional.empty();
        }
        int inChannels = input.shape().channels();
        int groups = args.count("groups");
        int outChannels = args.count("out");
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            diagnostics.error(args.position("groups"), layer.name() + " groups=" + groups + " must divide both the "
                    + inChannels + " input channels and the " + outChannels + " output channels",
                    "use a groups value that divides both, such as " + gcd(inChannels, outChannels));
            return Optional.empty();
        }
        Optional<int[]> kernel = expand(layer.name(), args, "kernel", 2);
        Optional<int[]> stride = expand(layer.name(), args, "stride", 2);
        Optional<int[]> dilation = expand(layer.name(), args, "dilation", 2);
        Optional<int[]> padding = expand(layer.name(), args, "padding", 2);
        Optional<int[]> outputPadding = expand(layer.name(), args, "output_padding", 2);
        if (kernel.isEmpty() || stride.isEmpty() || dilation.isEmpty() || padding.isEmpty() || outputPadding.isEmpty()) {
            return Optional.empty();
        }
        for (int axis = 0; axis < 2; axis++) {
            int extra = outputPadding.get()[axis];
            int limit = Math.max(stride.get()[axis], dilation.get()[axis]);
            if (extra >= limit) {
                diagnostics.error(args.position("output_padding"), layer.name() + " output_padding " + extra + " must be"
                        + " smaller than the stride or the dilation (" + limit + "), as in PyTorch: a larger one would add"
                        + " rows no input reaches", "use output_padding=" + (limit - 1) + " at most");
                return Optional.empty();
            }
            long in = input.shape().spatial().get(axis);
            long out = Geometry.transposedOutputSize(in, padding.get()[axis], kernel.get()[axis], stride.get()[axis],
                    dilation.get()[axis], extra);
            if (out < 1) {
                diagnostics.error(args.position("padding"), layer.name() + " output " + axisName(2, axis) + " is " + out
                        + " (below 1): (" + in + "-1)*" + stride.get()[axis] + " - 2*" + padding.get()[axis] + " + "
                        + dilation.get()[axis] + "*(" + kernel.get()[axis] + "-1) + " + extra + " + 1 = " + out,
                        "use less padding");
                return Optional.empty();
            }
        }
        Activation activation = Activation.byWord(args.word("activation")).orElseThrow();
        LayerOp.TransposedConv conv = new LayerOp.TransposedConv(outChannels, kernel.get(), stride.get(), dilation.get(),
                padding.get(), outputPadding.get(), groups, args.bool("bias"), activation);
        Shape shape = conv.outputShape(input.shape());
        List<WeightTensor> weights = new ArrayList<>();
        weights.add(new WeightTensor(name + ".weight",
                Shape.of(inChannels, outChannels / groups, kernel.get()[0], kernel.get()[1]), true));
        if (conv.bias()) {
            weights.add(new WeightTensor(name + ".bias", Shape.of(outChannels), true));
        }
        return Optional.ofNullable(addNode(statement, name, layer.name(), layer.position(), conv, List.of(input), shape,
                weights, source));
    }

    private Optional<Node> upsample(Statement statement, Operation.Layer layer, String name, BoundArguments args,
                                    Node input, String source) {
        if (!requireSpatial(layer, input)) {
            return Optional.empty();
        }
        int rank = input.shape().rank() - 1;
        boolean bilinear = args.word("mode").equals("bilinear");
        if (bilinear && rank != 2) {
            diagnostics.error(args.position("mode"), "upsample mode=bilinear needs [C, H, W] but the input is "
                    + input.shape(), "use mode=nearest on a sequence");
            return Optional.empty();
        }
        if (args.written("align_corners") && !bilinear) {
            diagnostics.warning(args.position("align_corners"), "upsample align_corners has no effect with mode=nearest",
                    "remove align_corners, or use mode=bilinear");
        }
        Optional<int[]> scale = expand(layer.name(), args, "scale", rank);
        if (scale.isEmpty()) {
            return Optional.empty();
        }
        LayerOp.Upsample upsample = new LayerOp.Upsample(scale.get(), bilinear, args.bool("align_corners"));
        Shape shape = upsample.outputShape(input.shape());
        return Optional.ofNullable(addNode(statement, name, layer.name(), layer.position(), upsample, List.of(input), shape,
                List.of(), source));
    }

    /** Resolves kernel, stride, dilation and padding of a convolution and checks the output is at least 1. */
    private Optional<LayerOp.Conv> convGeometry(String layerName, BoundArguments args, Shape input, int rank,
                                                int outChannels, int groups) {
        Optional<int[]> kernel = expand(layerName, args, "kernel", rank);
        Optional<int[]> stride = expand(layerName, args, "stride", rank);
        Optional<int[]> dilation = expand(layerName, args, "dilation", rank);
        if (kernel.isEmpty() || stride.isEmpty() || dilation.isEmpty()) {
            return Optional.empty();
        }
        Optional<int[][]> padding = resolvePadding(layerName, args, input, rank, kernel.get(), stride.get(), dilation.get());
        if (padding.isEmpty()) {
            return Optional.empty();
        }
        int[] before = padding.get()[0];
        int[] after = padding.get()[1];
        PaddingMode mode = PaddingMode.valueOf(args.word("padding_mode").toUpperCase(Locale.ROOT));
        if (!checkPaddingMode(layerName, args, input, mode, before, after)) {
            return Optional.empty();
        }
        int[] span = new int[rank];
        for (int axis = 0; axis < rank; axis++) {
            long in = input.spatial().get(axis);
            long out = Geometry.outputSize(in, before[axis], after[axis], kernel.get()[axis], stride.get()[axis], dilation.get()[axis]);
            long spanned = Geometry.dilatedKernel(kernel.get()[axis], dilation.get()[axis]);
            if (out < 1) {
                long padded = in + before[axis] + after[axis];
                String what = dilation.get()[axis] > 1 ? "dilated kernel" : "kernel";
                diagnostics.error(args.layerPosition(), layerName + " output " + axisName(rank, axis) + " is " + out
                        + " (below 1): floor((" + in + " + " + before[axis] + " + " + after[axis] + " - "
                        + dilation.get()[axis] + "*(" + kernel.get()[axis] + "-1) - 1) / " + stride.get()[axis] + ") + 1 = " + out
                        + "; the " + what + " spans " + spanned + " but the padded input " + axisName(rank, axis) + " is " + padded,
                        "the input is " + input + "; use padding=same, or a " + what + " that spans at most " + padded);
                return Optional.empty();
            }
            span[axis] = (int) spanned;
        }
        if (args.written("padding_mode") && mode != PaddingMode.ZEROS && isZero(before) && isZero(after)) {
            diagnostics.warning(args.position("padding_mode"), layerName + " padding_mode=" + args.word("padding_mode")
                    + " has no effect: the layer has no padding", "remove padding_mode, or add padding such as padding=same");
        }
        int[] anyPadding = new int[rank];
        Arrays.fill(anyPadding, Integer.MAX_VALUE);
        warnUnreadEdges(layerName, args, input, span, stride.get(), before, after, anyPadding,
                p -> new LayerOp.Conv(outChannels, kernel.get(), stride.get(), dilation.get(), p, p, groups, false, mode,
                        Activation.NONE).outputShape(input));
        Activation activation = Activation.byWord(args.word("activation")).orElseThrow();
        return Optional.of(new LayerOp.Conv(outChannels, kernel.get(), stride.get(), dilation.get(), before, after,
                groups, args.bool("bias"), mode, activation));
    }

    /** Padding before and after each spatial axis: {@code [before, after]}. */
    private Optional<int[][]> resolvePadding(String layerName, BoundArguments args, Shape input, int rank,
                                             int[] kernel, int[] stride, int[] dilation) {
        Object padding = args.get("padding");
        int[] before = new int[rank];
        int[] after = new int[rank];
        if (padding instanceof PaddingWord word) {
            switch (word) {
                case VALID -> { }
                case SAME -> {
                    for (int axis = 0; axis < rank; axis++) {
                        long total = Geometry.samePaddingTotal(input.spatial().get(axis), kernel[axis], stride[axis], dilation[axis]);
                        if (total > Integer.MAX_VALUE) {
                            diagnostics.error(args.position("padding"), layerName + " padding=same needs " + total
                                    + " padding, more than " + Integer.MAX_VALUE);
                            return Optional.empty();
                        }
                        before[axis] = (int) (total / 2);
                        after[axis] = (int) (total - total / 2);
                    }
                }
                case CAUSAL -> {
                    if (!layerName.equals("conv1d")) {
                        diagnostics.error(args.position("padding"), "padding=causal is for conv1d only, not " + layerName,
                                "use padding=same, valid, or a number");
                        return Optional.empty();
                    }
                    long left = Geometry.dilatedKernel(kernel[0], dilation[0]) - 1;
                    if (left > Integer.MAX_VALUE) {
                        diagnostics.error(args.position("padding"), "padding=causal needs " + left + " padding");
                        return Optional.empty();
                    }
                    before[0] = (int) left;
                }
            }
            return Optional.of(new int[][] {before, after});
        }
        return expand(layerName, args, "padding", rank).map(symmetric -> new int[][] {symmetric, symmetric.clone()});
    }

    private boolean checkPaddingMode(String layerName, BoundArguments args, Shape input, PaddingMode mode,
                                     int[] before, int[] after) {
        for (int axis = 0; axis < before.length; axis++) {
            int size = input.spatial().get(axis);
            int largest = Math.max(before[axis], after[axis]);
            boolean ok = switch (mode) {
                case REFLECT -> largest < size;
                case CIRCULAR -> largest <= size;
                default -> true;
            };
            if (!ok) {
                String rule = mode == PaddingMode.REFLECT ? "smaller than" : "at most";
                diagnostics.error(args.position("padding_mode"), layerName + " padding_mode=" + mode.name().toLowerCase(Locale.ROOT)
                        + " needs padding " + rule + " the input " + axisName(before.length, axis) + " " + size
                        + ", but the padding is " + largest, "use less padding, or padding_mode=replicate or zeros");
                return false;
            }
        }
        return true;
    }

    private Optional<Node> pool(Statement statement, Operation.Layer layer, String name, BoundArguments args,
                                Node input, String source) {
        if (!requireSpatial(layer, input)) {
            return Optional.empty();
        }
        int rank = input.shape().rank() - 1;
        Optional<int[]> kernel = expand(layer.name(), args, "kernel", rank);
        if (kernel.isEmpty()) {
            return Optional.empty();
        }
        Optional<int[]> stride = args.get("stride") == LayerCatalog.SAME_AS_KERNEL ? kernel
                : expand(layer.name(), args, "stride", rank);
        if (stride.isEmpty()) {
            return Optional.empty();
        }
        if (args.get("padding") instanceof PaddingWord word && word != PaddingWord.VALID) {
            diagnostics.error(args.position("padding"), layer.name() + " takes padding as a number or tuple, as PyTorch"
                    + " pooling does, not " + word.name().toLowerCase(Locale.ROOT), "write padding=1, or leave it out");
            return Optional.empty();
        }
        Optional<int[]> written = args.get("padding") instanceof Ints ? expand(layer.name(), args, "padding", rank)
                : Optional.of(new int[rank]); // valid
        if (written.isEmpty()) {
            return Optional.empty();
        }
        int[] window = kernel.get();
        int[] strides = stride.get();
        int[] padding = written.get();
        int[] halfWindow = Arrays.stream(window).map(k -> k / 2).toArray();
        for (int axis = 0; axis < rank; axis++) {
            if (padding[axis] > halfWindow[axis]) {
                diagnostics.error(args.position("padding"), layer.name() + " padding " + padding[axis] + " is more than half the "
                        + window[axis] + "-wide window", "use padding of at most " + halfWindow[axis]);
                return Optional.empty();
            }
            long in = input.shape().spatial().get(axis);
            long size = Geometry.outputSize(in, padding[axis], padding[axis], window[axis], strides[axis], 1);
            if (size < 1) {
                diagnostics.error(layer.position(), layer.name() + " output " + axisName(rank, axis) + " is " + size
                        + " (below 1): floor((" + in + " + 2*" + padding[axis] + " - " + window[axis] + ") / "
                        + strides[axis] + ") + 1 = " + size,
                        "the input is " + input.shape() + "; use a window of at most " + (in + 2L * padding[axis]));
                return Optional.empty();
            }
        }
        boolean max = layer.name().equals("maxpool");
        warnUnreadEdges(layer.name(), args, input.shape(), window, strides, padding, padding, halfWindow,
                p -> new LayerOp.Pool(max, window, strides, p).outputShape(input.shape()));
        LayerOp.Pool pool = new LayerOp.Pool(max, window, strides, padding);
        return Optional.ofNullable(addNode(statement, name, layer.name(), layer.position(), pool, List.of(input),
                pool.outputShape(input.shape()), List.of(), source));
    }

    private Optional<Node> globalPool(Statement statement, Operation.Layer layer, String name, Node input, String source) {
        if (!requireSpatial(layer, input)) {
            return Optional.empty();
        }
        List<Integer> out = new ArrayList<>(List.of(input.shape().channels()));
        input.shape().spatial().forEach(d -> out.add(1));
        return Optional.ofNullable(addNode(statement, name, layer.name(), layer.position(),
                new LayerOp.GlobalPool(layer.name().equals("globalmaxpool")), List.of(input), new Shape(out), List.of(), source));
    }

    private Optional<Node> batchNorm(Statement statement, Operation.Layer layer, String name, BoundArguments args,
                                     Node input, String source) {
        Shape channels = Shape.of(input.shape().channels());
        List<WeightTensor> weights = List.of(
                new WeightTensor(name + ".weight", channels, true),
                new WeightTensor(name + ".bias", channels, true),
                new WeightTensor(name + ".running_mean", channels, false),
                new WeightTensor(name + ".running_var", channels, false));
        return Optional.ofNullable(addNode(statement, name, "batchnorm", layer.position(), new LayerOp.BatchNorm(args.number("eps")),
                List.of(input), input.shape(), weights, source));
    }

    private Optional<Node> dense(Statement statement, Operation.Layer layer, String name, BoundArguments args,
                                 Node input, String source) {
        if (!input.shape().isFlat()) {
            diagnostics.error(layer.position(), "dense needs a flat input but gets " + input.shape(),
                    "add flatten before it (giving [" + input.shape().size() + "])");
            return Optional.empty();
        }
        int out = args.count("out");
        int in = input.shape().channels();
        List<WeightTensor> weights = new ArrayList<>();
        weights.add(new WeightTensor(name + ".weight", Shape.of(out, in), true));
        if (args.bool("bias")) {
            weights.add(new WeightTensor(name + ".bias", Shape.of(out), true));
        }
        Activation activation = Activation.byWord(args.word("activation")).orElseThrow();
        return Optional.ofNullable(addNode(statement, name, "dense", layer.position(),
                new LayerOp.Dense(out, args.bool("bias"), activation), List.of(input), Shape.of(out), weights, source));
    }

    private Optional<Node> merge(Statement statement, Operation.Layer layer, String name, BoundArguments args,
                                 Node input, String source) {
        List<Node> operands = new ArrayList<>(List.of(input));
        for (Label label : args.labels()) {
            Optional<Node> operand = lookUp(label);
            if (operand.isEmpty()) {
                return Optional.empty();
            }
            operands.add(operand.get());
        }
        boolean add = layer.name().equals("add");
        Shape first = input.shape();
        for (int i = 1; i < operands.size(); i++) {
            Shape other = operands.get(i).shape();
            boolean compatible = add ? other.equals(first)
                    : other.rank() == first.rank() && other.spatial().equals(first.spatial());
            if (!compatible) {
                Label label = args.labels().get(i - 1);
                String rule = add ? "add needs equal shapes" : "concat joins along channels, so the other dimensions must be equal";
                diagnostics.error(label.position(), rule + ", but the current value is " + first + " (from "
                        + origin(input) + ") and '" + label.name() + "' is " + other + " (from " + origin(operands.get(i)) + ")",
                        mergeHint(add, first, other, label.name()));
                return Optional.empty();
            }
        }
        Shape shape = first;
        LayerOp op = new LayerOp.Add();
        if (!add) {
            long channels = operands.stream().mapToLong(n -> n.shape().channels()).sum();
            if (channels > Integer.MAX_VALUE) {
                diagnostics.error(layer.position(), "concat gives " + channels + " channels, more than " + Integer.MAX_VALUE);
                return Optional.empty();
            }
            List<Integer> dims = new ArrayList<>(first.dimensions());
            dims.set(0, (int) channels);
            shape = new Shape(dims);
            op = new LayerOp.Concat();
        }
        return Optional.ofNullable(addNode(statement, name, layer.name(), layer.position(), op, operands, shape, List.of(), source));
    }

    // ---- warnings about window geometry -----------------------------------------------------------------

    /**
     * Warns when floor division leaves input rows, columns or positions at the end that no window reads,
     * and suggests the smallest symmetric padding (at most {@code maxPadding} per axis) that reads them.
     *
     * @param outputFor the layer's output shape for a given symmetric padding, for the hint
     */
    private void warnUnreadEdges(String layerName, BoundArguments args, Shape input, int[] span, int[] stride,
                                 int[] before, int[] after, int[] maxPadding, Function<int[], Shape> outputFor) {
        int rank = span.length;
        List<String> unread = new ArrayList<>();
        List<String> arithmetic = new ArrayList<>();
        int[] suggested = new int[rank];
        boolean fixable = true;
        for (int axis = 0; axis < rank; axis++) {
            int in = input.spatial().get(axis);
            long missed = Geometry.unreadAtEnd(in, before[axis], after[axis], span[axis], stride[axis]);
            suggested[axis] = before[axis] == after[axis] ? before[axis] : 0;
            if (missed == 0) {
                continue;
            }
            unread.add("the last " + missed + " " + edgeName(rank, axis, missed));
            arithmetic.add("(" + in + " + " + before[axis] + " + " + after[axis] + " - " + span[axis] + ") mod "
                    + stride[axis] + " = " + (in + before[axis] + after[axis] - span[axis]) % stride[axis]);
            // Padding of stride - 1 always reads everything, which bounds the search; huge strides get no number.
            int limit = Math.min(Math.min(maxPadding[axis], stride[axis] - 1), MAX_SUGGESTED_PADDING);
            OptionalInt padding = paddingThatReadsAll(in, span[axis], stride[axis], limit);
            fixable &= padding.isPresent();
            suggested[axis] = padding.orElse(0);
        }
        if (unread.isEmpty()) {
            return;
        }
        String hint = fixable
                ? "padding=" + perAxisText(suggested)
                        + " reads all of it (output " + outputFor.apply(suggested) + ")"
                : "choose a window and stride that fit: (size - window) should be a multiple of the stride";
        Position at = args.written("stride") ? args.position("stride") : args.layerPosition();
        diagnostics.warning(at, layerName + " never reads " + String.join(" and ", unread) + " of its input " + input
                + ": " + String.join(", ", arithmetic) + " left over after the last window", hint);
    }

    /** The smallest symmetric padding, up to {@code limit}, after which no input is left unread. */
    private static OptionalInt paddingThatReadsAll(int in, int span, int stride, int limit) {
        return IntStream.rangeClosed(0, limit).filter(p -> Geometry.unreadAtEnd(in, p, p, span, stride) == 0).findFirst();
    }

    private static String edgeName(int rank, int axis, long count) {
        String edge = rank == 1 ? "position" : axis == 0 ? "row" : "column";
        return count == 1 ? edge : edge + "s";
    }

    /** One number when every axis has the same value, else a tuple, as a user would write it. */
    private static String perAxisText(int[] values) {
        boolean uniform = Arrays.stream(values).allMatch(v -> v == values[0]);
        return uniform ? Integer.toString(values[0])
                : Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(", ", "(", ")"));
    }

    private static boolean isZero(int[] values) {
        return Arrays.stream(values).allMatch(v -> v == 0);
    }

    /** How to make two branches fit, as residual networks do: project channels, match sizes with a stride. */
    private static String mergeHint(boolean add, Shape current, Shape other, String label) {
        if (current.rank() != other.rank()) {
            return "both branches must be images, sequences or flat vectors alike; flatten both or neither";
        }
        if (current.isFlat()) {
            return add ? "project '" + label + "' with dense(" + current.channels() + ") on its branch" : "";
        }
        String conv = current.rank() == 2 ? "conv1d(" : "conv2d(";
        if (add && current.spatial().equals(other.spatial())) {
            return "project '" + label + "' to " + current.channels() + " channels first, with " + conv
                    + current.channels() + ", kernel=1) on its branch, as ResNet's shortcuts do";
        }
        int factor = other.spatial().get(0) / current.spatial().get(0);
        boolean downsampled = factor > 1 && IntStream.range(0, current.spatial().size()).allMatch(
                axis -> other.spatial().get(axis) == (long) current.spatial().get(axis) * factor);
        if (add && downsampled) {
            return "project '" + label + "' with " + conv + current.channels() + ", kernel=1, stride=" + factor
                    + ") on its branch, as ResNet's downsampling shortcuts do";
        }
        return "the branches differ in size; give the shorter path's convolution a stride, or pool the other branch, so both"
                + " reach " + (current.spatial().size() == 1 ? "length " : "size ") + current.spatial().stream().map(String::valueOf)
                .collect(Collectors.joining("x"));
    }

    // ---- shared helpers ----------------------------------------------------------------------------------

    private Node addNode(Statement statement, String name, String layer, Position position, LayerOp op, List<Node> inputs,
                         Shape shape, List<WeightTensor> weights, String source) {
        if (shape.size() > MAX_ELEMENTS) {
            diagnostics.error(position, name + " outputs " + shape + ", " + shape.size() + " elements, more than a Java array"
                    + " holds (" + MAX_ELEMENTS + ")", "use fewer channels or a smaller input");
            return null;
        }
        for (WeightTensor weight : weights) {
            if (weight.shape().size() > MAX_ELEMENTS) {
                diagnostics.error(position, "tensor " + weight.name() + " " + weight.shape() + " has " + weight.shape().size()
                        + " elements, more than a Java array holds (" + MAX_ELEMENTS + ")");
                return null;
            }
        }
        Node node = new Node(nodes.size(), name, statement.label().isPresent(), layer, position, op,
                inputs.stream().map(Node::id).toList(), shape, weights, source, statement.origin());
        nodes.add(node);
        statement.label().ifPresent(label -> labels.putIfAbsent(label.name(), node));
        return node;
    }

    private void declare(Label label) {
        Position previous = declaredLabels.putIfAbsent(label.name(), label.position());
        if (previous != null) {
            diagnostics.error(label.position(), "label '" + label.name() + "' is already used at line " + previous.line(),
                    "give this layer another label");
        }
    }

    private Optional<Node> lookUp(Label label) {
        Node node = labels.get(label.name());
        Position later = allLabels.get(label.name());
        if (node == null && !declaredLabels.containsKey(label.name()) && later != null) {
            diagnostics.error(label.position(), "'" + label.name() + "' is labelled later, at line " + later.line()
                    + "; a layer can only read values computed before it", "move this line below line " + later.line());
        } else if (node == null && !declaredLabels.containsKey(label.name())) {
            diagnostics.error(label.position(), "unknown label '" + label.name() + "'"
                    + Names.didYouMean(label.name(), declaredLabels.keySet()),
                    declaredLabels.isEmpty() ? "label an earlier statement, as in x: conv2d(...)"
                            : "labels defined before this line: " + String.join(", ", declaredLabels.keySet()));
        }
        return Optional.ofNullable(node);
    }

    private void assertShape(ShapeLiteral expected) {
        List<Long> written = expected.dimensions().stream().map(IntegerValue::value).toList();
        List<Long> actual = current.shape().dimensions().stream().map(Integer::longValue).toList();
        if (!written.equals(actual)) {
            diagnostics.error(expected.position(), "shape assertion failed: " + current.name() + " outputs "
                    + current.shape() + " but the spec says " + expected, firstDifference(expected));
        }
    }

    /**
     * Explains a failed assertion by the first dimension that differs, and names the layer that gave it
     * the wrong value: walking back along the current value's inputs, the earliest layer from which that
     * dimension has kept the value it has now.
     */
    private String firstDifference(ShapeLiteral expected) {
        int rank = current.shape().rank();
        if (expected.dimensions().size() != rank) {
            return "the spec writes " + expected.dimensions().size() + " dimensions and " + current.name() + " has " + rank;
        }
        int axis = 0;
        while (expected.dimensions().get(axis).value() == current.shape().dimensions().get(axis)) {
            axis++;
        }
        int actual = current.shape().dimensions().get(axis);
        String dimension = axis == 0 ? (rank == 1 ? "size" : "channels") : rank == 2 ? "length" : axis == 1 ? "height" : "width";
        Node since = current;
        Optional<Node> before = sameRankInput(since);
        while (before.isPresent() && before.get().shape().dimensions().get(axis) == actual) {
            since = before.get();
            before = sameRankInput(since);
        }
        String written = "; the spec writes " + expected.dimensions().get(axis).text();
        if (before.isEmpty()) {
            return dimension + " " + actual + " since " + origin(since) + ", and no layer after it changes that" + written;
        }
        return dimension + " " + actual + " since " + origin(since) + ", which turns "
                + before.get().shape().dimensions().get(axis) + " into " + actual + written;
    }

    /** The node's first input when it has the same rank (so its dimensions line up), else empty. */
    private Optional<Node> sameRankInput(Node node) {
        if (node.inputs().isEmpty()) {
            return Optional.empty();
        }
        Node input = nodes.get(node.inputs().get(0));
        return input.shape().rank() == node.shape().rank() ? Optional.of(input) : Optional.empty();
    }

    private boolean requireRank(Operation.Layer layer, Node input, int spatialRank) {
        int rank = input.shape().rank() - 1;
        if (rank == spatialRank) {
            return true;
        }
        String needs = spatialRank == 2 ? "[C, H, W]" : "[C, L]";
        String hint = input.shape().isFlat() ? "convolutions come before flatten"
                : spatialRank == 2 ? "use conv1d for a sequence [C, L]" : "use conv2d for an image [C, H, W]";
        diagnostics.error(layer.position(), layer.name() + " needs " + needs + " but its input is " + input.shape(), hint);
        return false;
    }

    /** Pooling works on images and sequences, not on flat vectors. */
    private boolean requireSpatial(Operation.Layer layer, Node input) {
        if (input.shape().isFlat()) {
            diagnostics.error(layer.position(), layer.name() + " needs [C, H, W] or [C, L] but its input is flat: " + input.shape(),
                    "pool before flatten");
            return false;
        }
        return true;
    }

    /** An int-or-tuple parameter with one value per spatial dimension, or empty after reporting a wrong count. */
    private Optional<int[]> expand(String layerName, BoundArguments args, String parameter, int rank) {
        Ints ints = args.ints(parameter);
        if (!ints.fits(rank)) {
            diagnostics.error(args.position(parameter), layerName + " " + parameter + " " + ints + " has " + ints.values().size()
                    + " values but the layer has " + rank + " spatial " + (rank == 1 ? "dimension" : "dimensions"),
                    "write one value" + (rank == 2 ? ", or (height, width)" : ""));
            return Optional.empty();
        }
        return Optional.of(ints.expand(rank));
    }

    private static List<WeightTensor> convWeights(String prefix, int inChannels, LayerOp.Conv conv) {
        List<Integer> weightShape = new ArrayList<>(List.of(conv.outChannels(), inChannels / conv.groups()));
        Arrays.stream(conv.kernel()).forEach(weightShape::add);
        List<WeightTensor> weights = new ArrayList<>();
        weights.add(new WeightTensor(prefix + ".weight", new Shape(weightShape), true));
        if (conv.bias()) {
            weights.add(new WeightTensor(prefix + ".bias", Shape.of(conv.outChannels()), true));
        }
        return weights;
    }

    /**
     * Unlabelled layers get {@code kind_N}: the N-th layer of that kind in the network, labelled or not, so
     * labelling one layer never renames another.
     */
    private String nextDefaultName(String kind) {
        return kind + "_" + kindCounters.merge(kind, 1, Integer::sum);
    }

    /** A label that equals an unlabelled layer's default name would make two layers share weights. */
    private void checkDefaultNamesAgainstLabels() {
        declaredLabels.forEach((label, position) -> {
            Position unlabelled = defaultNames.get(label);
            if (unlabelled != null) {
                diagnostics.error(position, "label '" + label + "' is also the default name of the unlabelled layer at line "
                        + unlabelled.line(), "choose another label, or label that layer too");
            }
        });
    }

    private static String origin(Node node) {
        return node.name() + " at line " + node.position().line();
    }

    private static String axisName(int rank, int axis) {
        return rank == 1 ? "length" : axis == 0 ? "height" : "width";
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static String capitalize(String name) {
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}
