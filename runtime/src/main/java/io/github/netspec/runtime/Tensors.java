package io.github.netspec.runtime;

import java.util.Arrays;

/** Small operations on flat tensors that generated code shares. */
public final class Tensors {

    private Tensors() {}

    /**
     * {@code out = a + b} over {@code count} floats; {@code out} may be {@code a} or {@code b} itself. The three
     * are usually one arena at three offsets, a loop HotSpot does not vectorize (it cannot rule out that a store
     * feeds a later load), so the Vector API adds a vector at a time: ResNet-18's adds of 64×56×56 floats took
     * 0.106 ms in the network on one core, a float at a time.
     */
    public static void add(float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset, int count) {
        add(a, aOffset, b, bOffset, out, outOffset, count, Activation.NONE, 0f);
    }

    /**
     * {@code out = activation(a + b)} over {@code count} floats: the add and relu or relu6 in one pass on the
     * Vector API, any other activation over {@code out} right after.
     *
     * @param alpha read by leaky_relu and elu only
     */
    public static void add(float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset, int count,
                           Activation activation, float alpha) {
        if (Simd.VECTOR && (activation == Activation.NONE || activation.isClamp())) {
            VectorKernels.add(a, aOffset, b, bOffset, out, outOffset, count, activation.clampLow(),
                    activation.clampHigh());
            return;
        }
        for (int i = 0; i < count; i++) {
            out[outOffset + i] = a[aOffset + i] + b[bOffset + i];
        }
        activation.apply(out, outOffset, outOffset + count, alpha);
    }

    /** Copies {@code count} floats; nothing when source and target are the same place. */
    public static void copy(float[] from, int fromOffset, float[] to, int toOffset, int count) {
        if (from != to || fromOffset != toOffset) {
            System.arraycopy(from, fromOffset, to, toOffset, count);
        }
    }

    /**
     * One part of a concat along channels, for a batch: sample n's {@code partSize} floats go to
     * {@code target[targetOffset + n·targetSize + at]}.
     */
    public static void place(float[] part, int partOffset, int partSize, float[] target, int targetOffset,
                             int targetSize, int at, int batch) {
        for (int n = 0; n < batch; n++) {
            System.arraycopy(part, partOffset + n * partSize, target, targetOffset + n * targetSize + at, partSize);
        }
    }

    /**
     * Checks a caller's batch before anything runs: a positive batch, and arrays of exactly that many samples.
     */
    public static void requireBatch(float[] input, int batch, float[] output, int inputSize, int outputSize,
                                    String network, int[] inputShape, int[] outputShape) {
        if (batch < 1) {
            throw new IllegalArgumentException(network + ".predict needs a batch of at least 1 sample but got " + batch);
        }
        if (input == null || input.length != (long) batch * inputSize) {
            throw new IllegalArgumentException(network + ".predict needs " + (long) batch * inputSize
                    + " input floats for " + samples(batch) + " of shape " + Arrays.toString(inputShape)
                    + " (flattened in C, H, W order) but got " + (input == null ? "null" : input.length));
        }
        if (output == null || output.length != (long) batch * outputSize) {
            throw new IllegalArgumentException(network + ".predict needs an output array of " + (long) batch * outputSize
                    + " floats for " + samples(batch) + " of shape " + Arrays.toString(outputShape) + " but got "
                    + (output == null ? "null" : output.length));
        }
        if (input == output) {
            throw new IllegalArgumentException(network + ".predict needs separate input and output arrays");
        }
    }

    /** Built only for a message: predict must not allocate on its happy path. */
    private static String samples(int batch) {
        return batch == 1 ? "1 sample" : batch + " samples";
    }

    /**
     * Checks a caller's input before anything runs, so a wrong length is a message, not an
     * {@link ArrayIndexOutOfBoundsException} deep in a kernel.
     */
    public static void requireInput(float[] input, int expectedLength, String network, int[] shape) {
        if (input == null) {
            throw new NullPointerException(network + ".predict needs an input of " + expectedLength
                    + " floats (shape " + Arrays.toString(shape) + ") but got null");
        }
        if (input.length != expectedLength) {
            throw new IllegalArgumentException(network + ".predict needs " + expectedLength + " floats (shape "
                    + Arrays.toString(shape) + ", flattened in C, H, W order) but got " + input.length);
        }
    }
}
