package io.github.netspec.runtime;

/**
 * The element-wise activations a kernel can apply to what it has just written, so that a layer's
 * activation costs no separate pass over memory. Softmax is not element-wise and is not here.
 */
public enum Activation {
    NONE,
    RELU,
    RELU6,
    SIGMOID,
    TANH,
    GELU,
    SILU,
    HARDSWISH,
    LEAKY_RELU,
    ELU;

    /** {@link #clampBounds()}, made once per activation by the static block below. */
    private float[] clampBounds;

    static {
        for (Activation activation : values()) {
            activation.clampBounds = new float[] {activation.clampLow(), activation.clampHigh()};
        }
    }

    /** Relu and relu6: a clamp to {@link #clampLow()}..{@link #clampHigh()} that a kernel can apply as it stores. */
    boolean isClamp() {
        return this == RELU || this == RELU6;
    }

    /** The clamp's lower bound: 0 for relu and relu6, no bound for the others. */
    float clampLow() {
        return isClamp() ? 0f : Float.NEGATIVE_INFINITY;
    }

    /** The clamp's upper bound: 6 for relu6, no bound for the others. */
    float clampHigh() {
        return this == RELU6 ? 6f : Float.POSITIVE_INFINITY;
    }

    /**
     * {@code {clampLow(), clampHigh()}} as one array, for {@code VectorKernels.tile}, which reads its bounds from
     * an array after its loop; {@code NONE}'s leave every value as it is. Shared: callers must not write it.
     */
    float[] clampBounds() {
        return clampBounds;
    }

    /** Applies this activation in place to {@code x[from, to)}; {@code alpha} is read by leaky_relu and elu only. */
    public void apply(float[] x, int from, int to, float alpha) {
        switch (this) {
            case NONE -> { }
            case RELU -> Activations.relu(x, from, to);
            case RELU6 -> Activations.relu6(x, from, to);
            case SIGMOID -> Activations.sigmoid(x, from, to);
            case TANH -> Activations.tanh(x, from, to);
            case GELU -> Activations.gelu(x, from, to);
            case SILU -> Activations.silu(x, from, to);
            case HARDSWISH -> Activations.hardswish(x, from, to);
            case LEAKY_RELU -> Activations.leakyRelu(x, from, to, alpha);
            case ELU -> Activations.elu(x, from, to, alpha);
        }
    }
}
