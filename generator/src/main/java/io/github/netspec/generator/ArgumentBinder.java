package io.github.netspec.generator;

import io.github.netspec.generator.BoundArguments.Ints;
import io.github.netspec.generator.BoundArguments.PaddingWord;
import io.github.netspec.generator.LayerCatalog.Parameter;
import io.github.netspec.generator.LayerCatalog.Signature;
import io.github.netspec.syntax.Argument;
import io.github.netspec.syntax.IntegerValue;
import io.github.netspec.syntax.Label;
import io.github.netspec.syntax.Operation;
import io.github.netspec.syntax.Position;
import io.github.netspec.syntax.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Matches a layer's written arguments to its signature, as Python matches a call: positional arguments
 * in declared order, then named ones, then defaults. Every value is checked against its parameter's type
 * here, so the shape checker only ever sees well-typed arguments.
 */
final class ArgumentBinder {

    static final List<String> PADDING_MODES = List.of("zeros", "reflect", "replicate", "circular");
    static final List<String> UPSAMPLE_MODES = List.of("nearest", "bilinear");

    private final Diagnostics diagnostics;

    ArgumentBinder(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** The bound arguments, or empty when any argument was wrong (each wrong one is reported). */
    Optional<BoundArguments> bind(Operation.Layer layer, Signature signature) {
        int errorsBefore = diagnostics.errorCount();
        if (signature.takesLabels()) {
            return bindLabels(layer, signature, errorsBefore);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Position> positions = new HashMap<>();
        boolean seenNamed = false;
        int positionalIndex = 0;
        for (Argument argument : layer.arguments()) {
            Parameter parameter;
            if (argument.key().isEmpty()) {
                if (seenNamed) {
                    diagnostics.error(argument.position(), "positional argument after a named one in " + layer.name(),
                            "write positional arguments first, or name this one");
                    continue;
                }
                if (positionalIndex >= signature.parameters().size()) {
                    diagnostics.error(argument.position(), tooMany(signature, layer.positional().size()),
                            signature.parameters().isEmpty() ? "write it as " + layer.name() + " without parentheses"
                                    : "remove the extra arguments, or name them; " + takes(signature));
                    continue;
                }
                parameter = signature.parameters().get(positionalIndex++);
            } else {
                seenNamed = true;
                String key = argument.key().get();
                Optional<Parameter> named = signature.parameter(key);
                if (named.isEmpty()) {
                    unknownParameter(layer, signature, argument, key);
                    continue;
                }
                parameter = named.get();
            }
            if (positions.containsKey(parameter.name())) {
                diagnostics.error(argument.position(), layer.name() + " parameter '" + parameter.name() + "' is given twice",
                        "remove one of them");
                continue;
            }
            positions.put(parameter.name(), argument.position());
            convert(layer.name(), parameter, argument.value()).ifPresent(v -> values.put(parameter.name(), v));
        }
        for (Parameter parameter : signature.parameters()) {
            if (positions.containsKey(parameter.name())) {
                continue;
            }
            if (parameter.required() && diagnostics.errorCount() == errorsBefore) {
                // After an argument error, a "missing" parameter is most likely that argument: one error is enough.
                diagnostics.error(layer.position(), layer.name() + " needs '" + parameter.name() + "'", example(signature));
            } else {
                values.put(parameter.name(), defaultValue(parameter));
            }
        }
        if (diagnostics.errorCount() > errorsBefore) {
            return Optional.empty();
        }
        return Optional.of(new BoundArguments(values, positions, List.of(), layer.position()));
    }

    private Optional<BoundArguments> bindLabels(Operation.Layer layer, Signature signature, int errorsBefore) {
        List<Label> labels = new ArrayList<>();
        for (Argument argument : layer.arguments()) {
            if (argument.key().isPresent()) {
                diagnostics.error(argument.position(), layer.name() + " takes only labels, not '" + argument.key().get() + "='",
                        "write " + layer.name() + "(a, b) with the labels of earlier layers");
            } else if (argument.value() instanceof Value.Word word) {
                labels.add(new Label(word.word(), word.position()));
            } else {
                diagnostics.error(argument.position(), layer.name() + " takes labels of earlier layers, but this is "
                        + argument.value().describe(), "write " + layer.name() + "(a, b)");
            }
        }
        if (layer.arguments().isEmpty()) {
            diagnostics.error(layer.position(), layer.name() + " needs at least one label to merge with the current value",
                    "write " + layer.name() + "(a) where a labels an earlier layer");
        }
        if (diagnostics.errorCount() > errorsBefore) {
            return Optional.empty();
        }
        return Optional.of(new BoundArguments(Map.of(), Map.of(), labels, layer.position()));
    }

    private Optional<Object> convert(String layer, Parameter parameter, Value value) {
        String what = layer + " " + parameter.name();
        return switch (parameter.type()) {
            case COUNT -> wholeNumber(what, value, 1).map(Object.class::cast);
            case SPATIAL -> ints(what, value, 1).map(Object.class::cast);
            case PADDING -> padding(what, value);
            case SIZES -> ints(what, value, 0).map(Object.class::cast);
            case PADDING_MODE -> word(what, value, PADDING_MODES);
            case UPSAMPLE_MODE -> word(what, value, UPSAMPLE_MODES);
            case ACTIVATION -> word(what, value, Activation.words());
            case BOOLEAN -> value instanceof Value.Bool b ? Optional.of(b.value()) : mismatch(what, parameter.type(), value);
            case NUMBER, POSITIVE_NUMBER, PROBABILITY -> number(what, parameter.type(), value);
        };
    }

    private Optional<Integer> wholeNumber(String what, Value value, int minimum) {
        if (!(value instanceof IntegerValue integer)) {
            return mismatch(what, minimum == 1 ? ParameterType.COUNT : ParameterType.PADDING, value);
        }
        if (!integer.fitsInt()) {
            diagnostics.error(value.position(), what + " is " + integer.text() + ", which is too large (the limit is "
                    + Integer.MAX_VALUE + ")");
            return Optional.empty();
        }
        if (integer.value() < minimum) {
            String rule = minimum == 1 ? "at least 1" : "at least 0 (padding cannot be negative)";
            diagnostics.error(value.position(), what + " must be " + rule + " but is " + integer.text());
            return Optional.empty();
        }
        return Optional.of((int) integer.value());
    }

    private Optional<Ints> ints(String what, Value value, int minimum) {
        List<Value> elements = value instanceof Value.Tuple tuple ? tuple.elements() : List.of(value);
        if (value instanceof Value.Tuple && (elements.size() < 1 || elements.size() > 2)) {
            diagnostics.error(value.position(), what + " " + value.text() + " has " + elements.size()
                    + " values, but layers have at most 2 spatial dimensions", "write one value, or (height, width)");
            return Optional.empty();
        }
        List<Integer> numbers = new ArrayList<>();
        for (Value element : elements) {
            Optional<Integer> number = wholeNumber(what, element, minimum);
            if (number.isEmpty()) {
                return Optional.empty();
            }
            numbers.add(number.get());
        }
        return Optional.of(new Ints(numbers));
    }

    private Optional<Object> padding(String what, Value value) {
        if (value instanceof Value.Word word) {
            List<String> words = Arrays.stream(PaddingWord.values()).map(w -> w.name().toLowerCase(Locale.ROOT)).toList();
            if (words.contains(word.word())) {
                return Optional.of(PaddingWord.valueOf(word.word().toUpperCase(Locale.ROOT)));
            }
            diagnostics.error(value.position(), "unknown padding '" + word.word() + "'" + Names.didYouMean(word.word(), words),
                    "padding is a number, a tuple such as (1, 2), same, valid, or causal (conv1d)");
            return Optional.empty();
        }
        return ints(what, value, 0).map(Object.class::cast);
    }

    private Optional<Object> word(String what, Value value, List<String> allowed) {
        if (value instanceof Value.Word word && allowed.contains(word.word())) {
            return Optional.of(word.word());
        }
        if (value instanceof Value.Word word) {
            diagnostics.error(value.position(), "unknown " + what + " '" + word.word() + "'" + Names.didYouMean(word.word(), allowed),
                    "use one of: " + String.join(", ", allowed));
            return Optional.empty();
        }
        diagnostics.error(value.position(), what + " must be one of " + String.join(", ", allowed) + " but is "
                + value.text());
        return Optional.empty();
    }

    private Optional<Object> number(String what, ParameterType type, Value value) {
        double number;
        if (value instanceof IntegerValue integer) {
            number = integer.value();
        } else if (value instanceof Value.Decimal decimal) {
            number = decimal.value();
        } else {
            return mismatch(what, type, value);
        }
        boolean ok = switch (type) {
            case POSITIVE_NUMBER -> number > 0 && Double.isFinite(number);
            case PROBABILITY -> number >= 0 && number <= 1;
            default -> Double.isFinite(number);
        };
        if (!ok) {
            diagnostics.error(value.position(), what + " must be " + type.description + " but is " + value.text());
            return Optional.empty();
        }
        return Optional.of(number);
    }

    private <T> Optional<T> mismatch(String what, ParameterType type, Value value) {
        diagnostics.error(value.position(), what + " must be " + type.description + " but is " + value.describe());
        return Optional.empty();
    }

    private static Object defaultValue(Parameter parameter) {
        Object value = parameter.defaultValue();
        if (parameter.type() == ParameterType.SPATIAL && value instanceof Integer i) {
            return new Ints(List.of(i));
        }
        if ((parameter.type() == ParameterType.PADDING || parameter.type() == ParameterType.SIZES) && value instanceof Integer i) {
            return new Ints(List.of(i));
        }
        return value;
    }

    private static String tooMany(Signature signature, int given) {
        List<Parameter> parameters = signature.parameters();
        if (parameters.isEmpty()) {
            return signature.name() + " takes no arguments but got " + given;
        }
        return signature.name() + " takes at most " + parameters.size() + " positional argument"
                + (parameters.size() == 1 ? "" : "s") + " (" + String.join(", ", signature.parameterNames()) + ") but got " + given;
    }

    /** An unknown key: a parameter netspec infers, another framework's name for ours, or a typo. */
    private void unknownParameter(Operation.Layer layer, Signature signature, Argument argument, String key) {
        if (LayerCatalog.INFERRED_PARAMETERS.contains(key)) {
            diagnostics.error(argument.position(), layer.name() + " takes no '" + key + "': netspec works out input"
                    + " sizes from the shapes", "remove " + key + "=" + argument.value().text());
            return;
        }
        Optional<String> ours = LayerCatalog.frameworkParameter(key).filter(signature.parameterNames()::contains);
        if (ours.isPresent()) {
            diagnostics.error(argument.position(), "unknown parameter '" + key + "' for " + layer.name()
                    + "; PyTorch or Keras call it that, netspec calls it '" + ours.get() + "'",
                    "write " + ours.get() + "=" + argument.value().text());
            return;
        }
        diagnostics.error(argument.position(),
                "unknown parameter '" + key + "' for " + layer.name() + Names.didYouMean(key, signature.parameterNames()),
                takes(signature));
    }

    private static String takes(Signature signature) {
        return signature.parameters().isEmpty() ? signature.name() + " takes no parameters"
                : signature.name() + " takes: " + String.join(", ", signature.parameterNames());
    }

    private static String example(Signature signature) {
        return switch (signature.name()) {
            case "conv2d", "conv1d", "separable" -> "for example " + signature.name() + "(32, kernel=3)";
            case "depthwise", "maxpool", "avgpool" -> "for example " + signature.name() + "(3)";
            case "dense" -> "for example dense(10)";
            default -> takes(signature);
        };
    }
}
