package io.github.netspec.runtime;

import java.util.Arrays;

/**
 * One dense layer ready to run. The weights are transposed at load time to {@code [in][out]}, columns padded
 * to a whole number of tiles, so both batch 1 (a vector times the matrix, read once in memory order) and larger
 * batches (tiles of up to MR samples) stream them with unit stride. The Vector API path keeps them in NR-wide
 * panels, the scalar path as one array per input feature (see {@link Scratch}).
 *
 * <p>A narrow layer (fewer than two tiles of outputs, a classifier's head) keeps PyTorch's {@code [out][in]}
 * on the Vector API path instead, and computes each output as a dot product: padded to a whole tile of 16
 * columns, MnistNet's 6272×10 layer read 60% more weights than it has.
 *
 * <p>A task is a group of samples: up to {@link #TILES_PER_PASS} tiles of MR on the Vector API path, which read
 * each block of weights once for all of them, up to MR on the scalar path. For a team of threads, the outputs
 * split into pieces as well, so even one sample's matrix-vector product (bound by reading the weights) is
 * shared.
 */
public final class DenseKernel implements TaskKernel {

    /**
     * MR-sample tiles one pass over the weights serves on the Vector API path. A large layer is bound by
     * reading its weights (VggLike's 65536×1024 is 268 MB), so each block of them, once in L2, goes through
     * the tiles of every sample before the next block is read: at batch 8, one pass instead of one per six
     * samples.
     */
    static final int TILES_PER_PASS = 4;

    private final int inFeatures;
    private final int outFeatures;
    /** outFeatures rounded up to NR. */
    private final int stride;
    /** Vector API path: {@code [o / NR][i][o % NR]}, or {@code [o][i]} for a narrow layer; null on the scalar path. */
    private final float[] panels;
    /** Scalar path: {@code rows[i][o]}; null on the Vector API path. */
    private final float[][] rows;
    private final float[] bias;
    private final Activation activation;
    private final float alpha;
    /** Weight rows per block at batch > 1, so a block (about 256 KiB) stays in L2 across the tiles. */
    private final int blockDepth;

    private DenseKernel(int inFeatures, int outFeatures, float[] panels, float[][] rows, float[] bias,
                        Activation activation, float alpha) {
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.stride = Gemm.roundUp(outFeatures, Gemm.NR);
        this.panels = panels;
        this.rows = rows;
        this.bias = bias;
        this.activation = activation;
        this.alpha = alpha;
        this.blockDepth = Math.max(16, Math.min(Gemm.KC, 65536 / stride));
    }

    /**
     * @param weight PyTorch's layout {@code [out, in]}
     * @param bias one value per output, or null for none
     * @param alpha read by leaky_relu and elu only
     */
    public static DenseKernel create(int inFeatures, int outFeatures, float[] weight, float[] bias,
                                     Activation activation, float alpha) {
        if (weight.length != (long) inFeatures * outFeatures) {
            throw new IllegalArgumentException("weight has " + weight.length + " floats but " + outFeatures + " x "
                    + inFeatures + " are needed");
        }
        int stride = Gemm.roundUp(outFeatures, Gemm.NR);
        float[] panels = null;
        float[][] rows = null;
        if (isNarrow(outFeatures)) {
            panels = weight.clone();
        } else if (Simd.VECTOR) {
            panels = new float[inFeatures * stride];
            for (int o = 0; o < outFeatures; o++) {
                for (int i = 0; i < inFeatures; i++) {
                    panels[o / Gemm.NR * inFeatures * Gemm.NR + i * Gemm.NR + o % Gemm.NR] = weight[o * inFeatures + i];
                }
            }
        } else {
            rows = new float[inFeatures][stride];
            for (int o = 0; o < outFeatures; o++) {
                for (int i = 0; i < inFeatures; i++) {
                    rows[i][o] = weight[o * inFeatures + i];
                }
            }
        }
        float[] b = bias == null ? new float[outFeatures] : bias.clone();
        return new DenseKernel(inFeatures, outFeatures, panels, rows, b, activation, alpha);
    }

    /** Vector API path with fewer than two tiles of outputs: one dot product per output. */
    private static boolean isNarrow(int outFeatures) {
        return Simd.VECTOR && outFeatures < 2 * Gemm.NR;
    }

    /**
     * Floats of {@link Scratch} a task needs. Vector API path: per tile of MR samples, its slice of one block
     * of inputs, packed, then the MR output rows of every tile. Scalar path: a packed panel of MR samples and
     * their MR output rows.
     */
    @Override
    public int scratchSize() {
        return Simd.VECTOR ? TILES_PER_PASS * Gemm.MR * (blockDepth + stride) : inFeatures * Gemm.MR + Gemm.MR * stride;
    }

    /** Where the sums of the tasks' samples start in the scratch, a row of {@code stride} per sample. */
    private int sumsOffset() {
        return Simd.VECTOR ? TILES_PER_PASS * Gemm.MR * blockDepth : inFeatures * Gemm.MR;
    }

    /** Samples one task takes. */
    private static int samplesPerTask() {
        return Simd.VECTOR ? TILES_PER_PASS * Gemm.MR : Gemm.MR;
    }

    /** How wide the scalar kernels' accumulator rows must be: one output row. */
    @Override
    public int accumulatorWidth() {
        return stride;
    }

    /** The weights are row arrays of their own; the scratch's rows go unused. */
    @Override
    public int scratchRows() {
        return 0;
    }

    @Override
    public long multiplyAdds(int batch) {
        return (long) batch * inFeatures * outFeatures;
    }

    /** Tasks are groups of samples, times pieces of the outputs when a team needs more tasks. */
    @Override
    public int tasks(int batch, int threads) {
        return sampleGroups(batch) * columnChunks(batch, threads);
    }

    private static int sampleGroups(int batch) {
        return (batch + samplesPerTask() - 1) / samplesPerTask();
    }

    /** Pieces the outputs split into, in whole NR panels: one for a single thread, a few per thread otherwise. */
    private int columnChunks(int batch, int threads) {
        if (threads == 1) {
            return 1;
        }
        int groups = sampleGroups(batch);
        int wanted = (ThreadTeam.TASKS_PER_THREAD * threads + groups - 1) / groups;
        return Math.max(1, Math.min(stride / Gemm.NR, wanted));
    }

    @Override
    public void run(int from, int to, int threads, float[] in, int inOffset, float[] out, int outOffset, int batch,
                    Scratch scratch) {
        int chunks = columnChunks(batch, threads);
        int panels = stride / Gemm.NR;
        for (int task = from; task < to; task++) {
            int chunk = task % chunks;
            int first = task / chunks * samplesPerTask();
            int fromCol = chunk * panels / chunks * Gemm.NR;
            int toCol = (chunk + 1) * panels / chunks * Gemm.NR;
            samples(first, Math.min(samplesPerTask(), batch - first), fromCol, toCol, in, inOffset, out, outOffset,
                    scratch);
        }
    }

    /** Outputs {@code [fromCol, toCol)} of samples {@code first .. first + samples - 1}. */
    private void samples(int first, int samples, int fromCol, int toCol, float[] in, int inOffset, float[] out,
                         int outOffset, Scratch scratch) {
        int input = inOffset + first * inFeatures;
        if (isNarrow(outFeatures)) {
            dotProducts(in, input, samples, fromCol, Math.min(toCol, outFeatures), out, outOffset + first * outFeatures);
            return;
        }
        if (Simd.VECTOR) {
            vectorSums(in, input, samples, fromCol, toCol, scratch.floats);
        } else {
            scalarSums(in, input, samples, fromCol, toCol, scratch);
        }
        int end = Math.min(toCol, outFeatures);
        for (int s = 0; s < samples; s++) {
            float[] sums = Simd.VECTOR ? scratch.floats : scratch.accumulators[s];
            int from = Simd.VECTOR ? sumsOffset() + s * stride : 0;
            int row = outOffset + (first + s) * outFeatures;
            for (int o = fromCol; o < end; o++) {
                out[row + o] = sums[from + o] + bias[o];
            }
            activation.apply(out, row + fromCol, row + end, alpha);
        }
    }

    /**
     * Outputs {@code [fromCol, toCol)} of a narrow layer, for {@code samples} samples from {@code in[input]}:
     * two samples to a pass over the weights, any last one alone.
     */
    private void dotProducts(float[] in, int input, int samples, int fromCol, int toCol, float[] out, int output) {
        int s = 0;
        for (; s + 2 <= samples; s += 2) {
            int row = output + s * outFeatures;
            int next = row + outFeatures;
            for (int o = fromCol; o < toCol; o++) {
                VectorKernels.dotPair(panels, o * inFeatures, in, input + s * inFeatures, input + (s + 1) * inFeatures,
                        inFeatures, out, row + o, next + o);
                out[row + o] += bias[o];
                out[next + o] += bias[o];
            }
            activation.apply(out, row + fromCol, row + toCol, alpha);
            activation.apply(out, next + fromCol, next + toCol, alpha);
        }
        for (; s < samples; s++) {
            int row = output + s * outFeatures;
            for (int o = fromCol; o < toCol; o++) {
                out[row + o] = VectorKernels.dot(panels, o * inFeatures, in, input + s * inFeatures, inFeatures) + bias[o];
            }
            activation.apply(out, row + fromCol, row + toCol, alpha);
        }
    }

    /**
     * Sample s's sums go to {@code scratch[sumsOffset() + s·stride]}. A block of weight rows at a time, every
     * tile of MR samples in turn packs its slice of those inputs and sweeps the block's columns, so the block
     * is read from memory once and from L2 by the other tiles.
     */
    private void vectorSums(float[] in, int input, int samples, int fromCol, int toCol, float[] scratch) {
        int sums = sumsOffset();
        if (samples == 1) {
            Gemm.vectorTimesMatrix(in, input, inFeatures, panels, fromCol, toCol, scratch, sums);
            return;
        }
        int tiles = (samples + Gemm.MR - 1) / Gemm.MR;
        // The tile adds to what its rows hold (all MR of them, samples or not), so they start at zero.
        for (int s = 0; s < tiles * Gemm.MR; s++) {
            Arrays.fill(scratch, sums + s * stride + fromCol, sums + s * stride + toCol, 0f);
        }
        for (int k0 = 0; k0 < inFeatures; k0 += blockDepth) {
            int kc = Math.min(blockDepth, inFeatures - k0);
            for (int tile = 0; tile < tiles; tile++) {
                int packed = tile * Gemm.MR * blockDepth;
                int rows = sums + tile * Gemm.MR * stride;
                Gemm.pack(in, input + tile * Gemm.MR * inFeatures + k0, Math.min(Gemm.MR, samples - tile * Gemm.MR),
                        kc, inFeatures, scratch, packed);
                for (int j = fromCol; j < toCol; j += Gemm.NR) {
                    VectorKernels.tile(scratch, packed, panels, j * inFeatures + k0 * Gemm.NR, kc, scratch, rows + j,
                            stride, scratch, rows + j, stride);
                }
            }
        }
    }

    /** Sample s's sums go to {@code scratch.accumulators[s]}. */
    private void scalarSums(float[] in, int input, int samples, int fromCol, int toCol, Scratch scratch) {
        if (samples == 1) {
            Gemm.vectorTimesMatrix(in, input, inFeatures, rows, fromCol, toCol, scratch.accumulators[0]);
            return;
        }
        Gemm.pack(in, input, samples, inFeatures, inFeatures, scratch.floats, 0);
        for (int s = 0; s < samples; s++) {
            Arrays.fill(scratch.accumulators[s], fromCol, toCol, 0f);
        }
        Gemm.scalarPanel(scratch.floats, 0, Gemm.MR, samples, rows, 0, inFeatures, fromCol, toCol, scratch.accumulators,
                0);
    }
}
