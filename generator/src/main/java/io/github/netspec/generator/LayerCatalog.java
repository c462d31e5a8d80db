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

    /** Layers whose weights make them need a name in the weights file. */
    static final Set<String> WEIGHTED = Set.of("conv2d", "conv1d", "depthwise", "separable", "batchnorm", "dense");

    private LayerCatalog() {}

    private static void define(String name, List<Parameter> parameters) {
        LAYERS.put(name, new Signature(name, parameters, false));
    }

    static Optional<Signature> signature(String layer) {
        return Optional.ofNullable(LAYERS.get(layer));
    }

    static Set<String> layerNames() {
        return LAYERS.keySet();
    }
}
