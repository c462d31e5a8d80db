package io.github.netspec.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The generator applies relu, relu6, sigmoid, tanh, leaky_relu with a positive alpha and elu with a
 * non-negative one after a max pooling instead of before it. That gives the same numbers only if these kernels
 * never decrease: then {@code max(f(a), f(b))} and {@code f(max(a, b))} are the same float. Checked here on
 * both kernel paths, over values spread across the float range and the edges (zeros, infinities, NaN, the
 * clamp bounds). (leaky_relu with alpha 0 is not among them: it maps -∞ to 0·-∞ = NaN, as PyTorch does.)
 */
class ActivationOrderTest {

    private static final float[] EDGES = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-30f, -1e-30f, 6f,
        Math.nextDown(6f), Math.nextUp(6f), 1f, -1f, 20f, -20f, 88f, -88f, 1e30f, -1e30f, Float.MAX_VALUE,
        -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};

    @ParameterizedTest
    @CsvSource({"RELU, 0", "RELU6, 0", "SIGMOID, 0", "TANH, 0", "LEAKY_RELU, 0.01", "LEAKY_RELU, 2", "ELU, 1",
            "ELU, 0"})
    void maxThenActivationIsActivationThenMax(Activation activation, float alpha) {
        Random random = new Random(activation.ordinal());
        int count = 4096;
        float[] a = new float[count];
        float[] b = new float[count];
        for (int i = 0; i < count; i++) {
            a[i] = sample(random);
            b[i] = sample(random);
        }
        float[] fa = a.clone();
        float[] fb = b.clone();
        float[] maxima = new float[count];
        for (int i = 0; i < count; i++) {
            maxima[i] = Math.max(a[i], b[i]);
        }
        // Whole arrays, so the vector kernels run where the JVM has them.
        activation.apply(fa, 0, count, alpha);
        activation.apply(fb, 0, count, alpha);
        activation.apply(maxima, 0, count, alpha);
        for (int i = 0; i < count; i++) {
            float pooledAfter = Math.max(fa[i], fb[i]);
            assertEquals(Float.floatToIntBits(pooledAfter) == Float.floatToIntBits(-0f) ? 0f : pooledAfter,
                    maxima[i] == 0f ? 0f : maxima[i], // the sign of a zero is not a difference a pooling keeps
                    activation + " of max(" + a[i] + ", " + b[i] + ") against the max of each: "
                            + Arrays.toString(new float[] {fa[i], fb[i]}));
        }
    }

    /** Half the time an edge value, else a float of random sign and exponent. */
    private static float sample(Random random) {
        if (random.nextBoolean()) {
            return EDGES[random.nextInt(EDGES.length)];
        }
        float magnitude = (float) Math.pow(10, random.nextDouble() * 12 - 6);
        return random.nextBoolean() ? magnitude : -magnitude;
    }
}
