package io.github.netspec.runtime;

/**
 * How a convolution reads outside its input, as PyTorch's {@code padding_mode}. Each mode maps a
 * coordinate that may lie in the padding to the input coordinate it reads, or -1 for a zero.
 */
public enum PaddingMode {
    /** Outside reads 0. */
    ZEROS {
        @Override
        public int source(int i, int size) {
            return i < 0 || i >= size ? -1 : i;
        }
    },
    /** Mirror without repeating the edge: -1 reads 1. Needs padding smaller than the input. */
    REFLECT {
        @Override
        public int source(int i, int size) {
            if (size == 1) {
                return 0;
            }
            int period = 2 * (size - 1);
            int folded = Math.floorMod(i, period);
            return folded < size ? folded : period - folded;
        }
    },
    /** Repeat the edge value. */
    REPLICATE {
        @Override
        public int source(int i, int size) {
            return Math.min(Math.max(i, 0), size - 1);
        }
    },
    /** Wrap around, as if the input tiled the plane. */
    CIRCULAR {
        @Override
        public int source(int i, int size) {
            return Math.floorMod(i, size);
        }
    };

    /** The input coordinate read for coordinate {@code i} of an axis of {@code size}, or -1 for zero. */
    public abstract int source(int i, int size);
}
