package io.github.netspec.runtime;

/**
 * One thread's working memory for the kernels, sized once for every kernel of a network so {@code predict}
 * allocates nothing. The scalar path keeps its operands as separate row arrays: HotSpot auto-vectorizes a
 * loop only when every array in it is indexed alike ({@code a[j]}, {@code b[j]}), and a flat array read at
 * two offsets ({@code a[p + j]}, {@code a[q + j]}) runs scalar. Measured on Java 17 (Zen 3), a row of
 * {@code sum[j] += Σ a·b[j]} over four row arrays ran 3–5× faster than the same loop over one flat array.
 */
public final class Scratch {

    /** Packed B blocks, edge tiles and dense input panels of the Vector API path. */
    final float[] floats;
    /**
     * Scalar path, rows of NC floats: one packed B block (a row per k, KC of them), or a Winograd chunk's
     * transformed input, products and windows ({@link Winograd#scalarRows}).
     */
    final float[][] blockRows;
    /**
     * Scalar path: the rows of C being summed (MR, or one per output pixel for {@link FewPixelsGemm}), each as
     * wide as the widest row a layer sums.
     */
    final float[][] accumulators;

    /**
     * @param floats the largest {@code scratchSize()} of the network's kernels
     * @param accumulatorWidth the largest {@code accumulatorWidth()} of the network's kernels
     * @param accumulatorRows the largest {@code accumulatorRows()} of the network's kernels
     * @param rows the largest {@code scratchRows()} of the network's kernels
     */
    Scratch(int floats, int accumulatorWidth, int accumulatorRows, int rows) {
        this.floats = new float[floats];
        this.blockRows = Simd.VECTOR ? new float[0][] : new float[Math.max(Gemm.KC, rows)][Gemm.NC];
        this.accumulators = Simd.VECTOR ? new float[0][]
                : new float[Math.max(Gemm.MR, accumulatorRows)][Math.max(Gemm.NC, accumulatorWidth)];
    }

    /** A scratch large enough for each of these kernels. */
    public static Scratch forKernels(TaskKernel... kernels) {
        int floats = 0;
        int accumulatorWidth = 0;
        int accumulatorRows = 0;
        int rows = 0;
        for (TaskKernel kernel : kernels) {
            floats = Math.max(floats, kernel.scratchSize());
            accumulatorWidth = Math.max(accumulatorWidth, kernel.accumulatorWidth());
            accumulatorRows = Math.max(accumulatorRows, kernel.accumulatorRows());
            rows = Math.max(rows, kernel.scratchRows());
        }
        return new Scratch(floats, accumulatorWidth, accumulatorRows, rows);
    }

    /**
     * A scratch at least as large as this one in every part and large enough for {@code kernel}: what a worker
     * thread grows into when a layer needs more. Sized for the kernel alone, it could shrink a part that another
     * layer needs, and two such layers would then allocate a new scratch on every call.
     */
    Scratch grownFor(TaskKernel kernel) {
        boolean rowArrays = accumulators.length > 0;
        return new Scratch(Math.max(floats.length, kernel.scratchSize()),
                Math.max(rowArrays ? accumulators[0].length : 0, kernel.accumulatorWidth()),
                Math.max(accumulators.length, kernel.accumulatorRows()),
                Math.max(blockRows.length, kernel.scratchRows()));
    }

    /** Whether this scratch is large enough for this kernel. */
    boolean fits(TaskKernel kernel) {
        return floats.length >= kernel.scratchSize()
                && (Simd.VECTOR || accumulators[0].length >= kernel.accumulatorWidth()
                        && accumulators.length >= kernel.accumulatorRows()
                        && blockRows.length >= kernel.scratchRows());
    }
}
