package io.github.netspec.runtime;

import java.util.Arrays;

/** Small operations on flat tensors that generated code shares. */
public final class Tensors {

    private Tensors() {}

    /** {@code target += addend}, element by element. */
    public static void addInPlace(float[] target, float[] addend) {
        if (target.length != addend.length) {
            throw new IllegalArgumentException("cannot add tensors of " + target.length + " and " + addend.length + " elements");
        }
        for (int i = 0; i < target.length; i++) {
            target[i] += addend[i];
        }
    }

    /** Copies {@code part} into {@code target} from {@code offset}: a concat along the first axis. */
    public static void place(float[] part, float[] target, int offset) {
        System.arraycopy(part, 0, target, offset, part.length);
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
