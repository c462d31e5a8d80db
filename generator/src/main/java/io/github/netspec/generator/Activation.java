package io.github.netspec.generator;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The element-wise activations, by the names the language uses for them. */
public enum Activation {
    NONE("none"),
    RELU("relu"),
    RELU6("relu6"),
    SIGMOID("sigmoid"),
    TANH("tanh"),
    GELU("gelu"),
    SILU("silu"),
    HARDSWISH("hardswish"),
    SOFTMAX("softmax"),
    LEAKY_RELU("leaky_relu"),
    ELU("elu");

    private final String word;

    Activation(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    /** The default {@code alpha} of the activations that take one. */
    public double defaultAlpha() {
        return this == LEAKY_RELU ? 0.01 : this == ELU ? 1.0 : 0.0;
    }

    public static Optional<Activation> byWord(String word) {
        return Arrays.stream(values()).filter(a -> a.word.equals(word)).findFirst();
    }

    public static List<String> words() {
        return Arrays.stream(values()).map(Activation::word).toList();
    }
}
