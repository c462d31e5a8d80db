package io.github.netspec.generator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every layer of the language with its parameters, in positional order, and their defaults. This table
 * is the single source of truth for what a layer accepts; docs/language.md describes the same table.
 */
final class LayerCatalog {

    /** One parameter. A null default means the parameter is required. */
    record Parameter(String name, ParameterType type, Object defaultValue) {
        boolean required() {
            return defaultValue == null;
        }
    }

    /**
     * One layer's signature.
     *
     * @param takesLabels the layer's positional arguments are labels of earlier values (add, concat)
     */
    record Signature(String name, List<Parameter> parameters, boolean takesLabels) {
        Optional<Parameter> parameter(String name) {
            return parameters.stream().filter(p -> p.name().equals(name)).findFirst();
        }

        List<String> parameterNames() {
            return parameters.stream().map(Parameter::name).toList();
        }
    }

    /** Marks a default that is filled in from another parameter (a pool's stride is its kernel). */
    static final Object SAME_AS_KERNEL = new Object() {
        @Override
        public String toString() {
            return "kernel";
        }
    };

    private static final Map<String, Signature> LAYERS = new LinkedHashMap<>();

    static {
        Parameter stride = new Parameter("stride", ParameterType.SPATIAL, 1);
        Parameter padding = new Parameter("padding", ParameterType.PADDING, 0);
        Parameter dilation = new Parameter("dilation", ParameterType.SPATIAL, 1);
        Parameter bias = new Parameter("bias", ParameterType.BOOLEAN, true);
        Parameter paddingMode = new Parameter("padding_mode", ParameterType.PADDING_MODE, "zeros");
        Parameter activation = new Parameter("activation", ParameterType.ACTIVATION, "none");
        Parameter out = new Parameter("out", ParameterType.COUNT, null);
        Parameter kernel = new Parameter("kernel", ParameterType.SPATIAL, null);
        Parameter groups = new Parameter("groups", ParameterType.COUNT, 1);

        List<Parameter> conv = List.of(out, kernel, stride, padding, dilation, groups, bias, paddingMode, activation);
        define("conv2d", conv);
        define("conv1d", conv);
        define("depthwise", List.of(kernel, stride, padding, dilation, paddingMode,
                new Parameter("multiplier", ParameterType.COUNT, 1), bias, activation));
        define("separable", List.of(out, kernel, stride, padding, dilation, bias, paddingMode, activation));

        // PyTorch's ConvTranspose2d order after in_channels: out, kernel, stride, padding, output_padding, groups,
        // bias, dilation.
        define("conv2d_transpose", List.of(out, kernel, stride, new Parameter("padding", ParameterType.SIZES, 0),
                new Parameter("output_padding", ParameterType.SIZES, 0), groups, bias, dilation, activation));
        define("upsample", List.of(new Parameter("scale", ParameterType.SPATIAL, null),
                new Parameter("mode", ParameterType.UPSAMPLE_MODE, "nearest"),
                new Parameter("align_corners", ParameterType.BOOLEAN, false)));

        List<Parameter> pool = List.of(kernel, new Parameter("stride", ParameterType.SPATIAL, SAME_AS_KERNEL), padding);
        define("maxpool", pool);
        define("avgpool", pool);
        define("globalavgpool", List.of());
        define("globalmaxpool", List.of());

        define("batchnorm", List.of(new Parameter("eps", ParameterType.POSITIVE_NUMBER, 1e-5)));
        define("dense", List.of(out, bias, activation));
        define("flatten", List.of());
        define("dropout", List.of(new Parameter("p", ParameterType.PROBABILITY, 0.5)));

        for (Activation a : Activation.values()) {
            if (a == Activation.LEAKY_RELU || a == Activation.ELU) {
                define(a.word(), List.of(new Parameter("alpha", ParameterType.NUMBER, a.defaultAlpha())));
            } else if (a != Activation.NONE) {
                define(a.word(), List.of());
            }
        }

        LAYERS.put("add", new Signature("add", List.of(), true));
        LAYERS.put("concat", new Signature("concat", List.of(), true));
    }

    /**
     * What PyTorch and Keras call our layers. Users bring networks from both, so an unknown layer that is
     * one of these gets pointed at its netspec name instead of a guess.
     */
    private static final Map<String, String> FRAMEWORK_LAYERS = Map.ofEntries(
            Map.entry("Conv2d", "conv2d"), Map.entry("Conv2D", "conv2d"), Map.entry("Conv1d", "conv1d"),
            Map.entry("Conv1D", "conv1d"), Map.entry("DepthwiseConv2D", "depthwise"),
            Map.entry("SeparableConv2D", "separable"), Map.entry("MaxPool2d", "maxpool"), Map.entry("MaxPool1d", "maxpool"),
            Map.entry("MaxPooling2D", "maxpool"), Map.entry("MaxPooling1D", "maxpool"), Map.entry("AvgPool2d", "avgpool"),
            Map.entry("AvgPool1d", "avgpool"), Map.entry("AveragePooling2D", "avgpool"),
            Map.entry("AveragePooling1D", "avgpool"), Map.entry("AdaptiveAvgPool2d", "globalavgpool"),
            Map.entry("GlobalAveragePooling2D", "globalavgpool"), Map.entry("GlobalAveragePooling1D", "globalavgpool"),
            Map.entry("AdaptiveMaxPool2d", "globalmaxpool"), Map.entry("GlobalMaxPooling2D", "globalmaxpool"),
            Map.entry("GlobalMaxPooling1D", "globalmaxpool"), Map.entry("BatchNorm2d", "batchnorm"),
            Map.entry("BatchNorm1d", "batchnorm"), Map.entry("BatchNormalization", "batchnorm"),
            Map.entry("ConvTranspose2d", "conv2d_transpose"), Map.entry("Conv2DTranspose", "conv2d_transpose"),
            Map.entry("Upsample", "upsample"), Map.entry("UpSampling2D", "upsample"),
            Map.entry("Linear", "dense"), Map.entry("Dense", "dense"), Map.entry("Flatten", "flatten"),
            Map.entry("Dropout", "dropout"), Map.entry("ReLU", "relu"), Map.entry("ReLU6", "relu6"),
            Map.entry("Sigmoid", "sigmoid"), Map.entry("Tanh", "tanh"), Map.entry("GELU", "gelu"),
            Map.entry("SiLU", "silu"), Map.entry("swish", "silu"), Map.entry("Hardswish", "hardswish"),
            Map.entry("hard_swish", "hardswish"), Map.entry("Softmax", "softmax"), Map.entry("LeakyReLU", "leaky_relu"),
            Map.entry("ELU", "elu"), Map.entry("Add", "add"), Map.entry("Concatenate", "concat"), Map.entry("cat", "concat"));

    /** What PyTorch and Keras call our parameters. */
    private static final Map<String, String> FRAMEWORK_PARAMETERS = Map.ofEntries(
            Map.entry("out_channels", "out"), Map.entry("filters", "out"), Map.entry("out_features", "out"),
            Map.entry("units", "out"), Map.entry("kernel_size", "kernel"), Map.entry("pool_size", "kernel"),
            Map.entry("strides", "stride"), Map.entry("dilation_rate", "dilation"), Map.entry("use_bias", "bias"),
            Map.entry("depth_multiplier", "multiplier"), Map.entry("rate", "p"), Map.entry("epsilon", "eps"),
            Map.entry("negative_slope", "alpha"));

    /** Parameters other frameworks need and netspec does not, because it knows every input shape. */
    static final Set<String> INFERRED_PARAMETERS = Set.of("in_channels", "in_features", "num_features",
            "input_shape", "input_dim");

    /** Layers whose weights make them need a name in the weights file. */
    static final Set<String> WEIGHTED = Set.of("conv2d", "conv1d", "depthwise", "separable", "conv2d_transpose",
            "batchnorm", "dense");

    private LayerCatalog() {}

    private static void define(String name, List<Parameter> parameters) {
        LAYERS.put(name, new Signature(name, parameters, false));
    }

    static Optional<Signature> signature(String layer) {
        return Optional.ofNullable(LAYERS.get(layer));
    }

    /** Our name for a PyTorch or Keras layer name, if it is one. */
    static Optional<String> frameworkLayer(String name) {
        return Optional.ofNullable(FRAMEWORK_LAYERS.get(name));
    }

    /** Our name for a PyTorch or Keras parameter name, if it is one. */
    static Optional<String> frameworkParameter(String name) {
        return Optional.ofNullable(FRAMEWORK_PARAMETERS.get(name));
    }

    static Set<String> layerNames() {
        return LAYERS.keySet();
    }
}
