package io.github.netspec.runtime;

/**
 * A thread's scratch memory for the kernels, allocated once and reused.
 *
 * <p>The scalar kernels keep their hot rows in separate small arrays. HotSpot only vectorizes
 * {@code c[x + j] += a * b[y + j]} when it can rule out that c and b are one array with x and y close
 * together; with two different run-time offsets it cannot, and the loop runs a float at a time (about 4
 * GFLOP/s instead of 17 on this kind of loop). Indexing a row array and an accumulator array by the same
 * {@code j} makes the question moot, so those loops vectorize.
 */
public final class Scratch {

    /** Packed B blocks, edge tiles and dense input panels of the Vector API path. */
    final float[] floats;
    /** Scalar path: one packed B block, a row per k (KC rows of NC). */
    final float[][] blockRows;
    /** Scalar path: the MR rows of C being summed, each as wide as the widest row a layer sums. */
    final float[][] accumulators;

    /**
     * @param floats the largest {@code scratchSize()} of the network's kernels
     * @param accumulatorWidth the largest {@code accumulatorWidth()} of the network's kernels
     */
    public Scratch(int floats, int accumulatorWidth) {
        this.floats = new float[floats];
        this.blockRows = Simd.VECTOR ? new float[0][] : new float[Gemm.KC][Gemm.NC];
        this.accumulators = Simd.VECTOR ? new float[0][] : new float[Gemm.MR][Math.max(Gemm.NC, accumulatorWidth)];
    }

    /** Whether this scratch is large enough for a kernel with these needs. */
    boolean fits(int floats, int accumulatorWidth) {
        return this.floats.length >= floats && (Simd.VECTOR || accumulators[0].length >= accumulatorWidth);
    }
}
