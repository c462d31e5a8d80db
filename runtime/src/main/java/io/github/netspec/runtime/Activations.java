package io.github.netspec.runtime;

/**
 * Element-wise activations, in place over a whole buffer, with PyTorch's definitions. Each is computed
 * in double and rounded once, so results are within one float rounding of the exact value.
 */
public final class Activations {

    private Activations() {}

    public static void relu(float[] x) {
        relu(x, 0, x.length);
    }

    /** The same over {@code x[from, to)}. */
    public static void relu(float[] x, int from, int to) {
        if (Simd.VECTOR) {
            VectorKernels.clamp(x, from, to, 0f, Float.POSITIVE_INFINITY);
            return;
        }
        for (int i = from; i < to; i++) {
            // Math.max keeps NaN, as torch.relu does, and HotSpot vectorizes it where it does not vectorize a
            // choice (x < 0 ? 0 : x): 6x faster on rows of 256. It turns -0 into +0 where PyTorch keeps -0,
            // as the Vector API's max does; the two compare equal.
            x[i] = Math.max(x[i], 0f);
        }
    }

    /** min(max(x, 0), 6). */
    public static void relu6(float[] x) {
        relu6(x, 0, x.length);
    }

    /** The same over {@code x[from, to)}. */
    public static void relu6(float[] x, int from, int to) {
        if (Simd.VECTOR) {
            VectorKernels.clamp(x, from, to, 0f, 6f);
            return;
        }
        for (int i = from; i < to; i++) {
            x[i] = Math.min(Math.max(x[i], 0f), 6f); // vectorized, NaN kept; see relu
        }
    }

    /** 1 / (1 + e^-x). */
    public static void sigmoid(float[] x) {
        sigmoid(x, 0, x.length);
    }

    /** The same over {@code x[from, to)}. */
    public static void sigmoid(float[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            x[i] = (float) sigmoid((double) x[i]);
        }
    }

    public static void tanh(float[] x) {
        tanh(x, 0, x.length);
    }

    /** The same over {@code x[from, to)}. */
    public static void tanh(float[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            x[i] = (float) Math.tanh(x[i]);
        }
    }

    /** The exact GELU: x * Φ(x) = x/2 * erfc(-x/√2). erfc keeps the relative precision for large negative x. */
    public static void gelu(float[] x) {
        gelu(x, 0, x.length);
    }

    /** The same over {@code x[from, to)}. */
    public static void gelu(float[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            x[i] = (float) (0.5 * v * SpecialFunctions.erfc(-v / Math.sqrt(2.0)));
        }
    }

    /** x * sigmoid(x), also called swish. */
    public static void silu(float[] x) {
        silu(x, 0, x.length);
    }

    /** The same over {@code x[from, to)}. */
    public static void silu(float[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            x[i] = (float) (v * sigmoid(v));
        }
    }

    /** x * relu6(x + 3) / 6. */
    public static void hardswish(float[] x) {
        hardswish(x, 0, x.length);
    }

    /** The same over {@code x[from, to)}. */
    public static void hardswish(float[] x, int from, int to) {
        for (int i = from; i < to; i++) {
            double v = x[i];
            x[i] = (float) (v * Math.min(Math.max(v + 3.0, 0.0), 6.0) / 6.0);
        }
    }

    /** x for x ≥ 0, else alpha * x. */
    public static void leakyRelu(float[] x, float alpha) {
        leakyRelu(x, 0, x.length, alpha);
    }

    /** The same over {@code x[from, to)}. */
    public static void leakyRelu(float[] x, int from, int to, float alpha) {
        for (int i = from; i < to; i++) {
            x[i] = x[i] >= 0f ? x[i] : x[i] * alpha;
        }
    }

    /** x for x > 0, else alpha * (e^x - 1). */
    public static void elu(float[] x, float alpha) {
        elu(x, 0, x.length, alpha);
    }

    /** The same over {@code x[from, to)}. */
    public static void elu(float[] x, int from, int to, float alpha) {
        for (int i = from; i < to; i++) {
            x[i] = x[i] > 0f ? x[i] : (float) (alpha * Math.expm1(x[i]));
        }
    }

    /**
     * Softmax over the channel axis of {@code [channels, spatial]}: at each spatial position the
     * channel values become exp(v - max) / sum. Subtracting the max keeps exp from overflowing.
     */
    public static void softmax(float[] x, int channels, int spatial) {
        softmax(x, 0, channels, spatial);
    }

    /** The same over the {@code [channels, spatial]} tensor that starts at {@code x[offset]}. */
    public static void softmax(float[] x, int offset, int channels, int spatial) {
        for (int s = offset; s < offset + spatial; s++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < channels; c++) {
                max = Math.max(max, x[c * spatial + s]);
            }
            double sum = 0.0;
            for (int c = 0; c < channels; c++) {
                float e = (float) Math.exp(x[c * spatial + s] - max);
                x[c * spatial + s] = e;
                sum += e;
            }
            for (int c = 0; c < channels; c++) {
                x[c * spatial + s] = (float) (x[c * spatial + s] / sum);
            }
        }
    }

    private static double sigmoid(double v) {
        // Written so that neither branch overflows exp.
        if (v >= 0) {
            return 1.0 / (1.0 + Math.exp(-v));
        }
        double e = Math.exp(v);
        return e / (1.0 + e);
    }
}
