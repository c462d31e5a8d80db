package io.github.netspec.runtime;

import java.util.Arrays;

/**
 * One dense layer ready to run. The weights are transposed at load time to {@code [in][out]}, columns padded
 * to a whole number of tiles, so both batch 1 (a vector times the matrix, read once in memory order) and larger
 * batches (tiles of up to MR samples) stream them with unit stride. The Vector API path keeps them in NR-wide
 * panels, the scalar path as one array per input feature (see {@link Scratch}).
 *
 * <p>A narrow layer (a classifier's head: fewer than two tiles of outputs, or on the scalar path fewer than
 * {@link #SCALAR_NARROW}) computes each output as a dot product instead. The Vector API path keeps PyTorch's
 * {@code [out][in]} for it: padded to a whole tile of 16 columns, MnistNet's 6272×10 layer read 60% more
 * weights than it has. The scalar path keeps panels of four outputs, {@code [o / 4][in][o % 4]}, whose dot
 * products run as four or eight chains of scalar FMAs at once.
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
    /**
     * Vector API path: {@code [o / NR][i][o % NR]}, or {@code [o][i]} for a narrow layer. Scalar path: null, or
     * for a narrow layer {@code [o / 4][i][o % 4]}.
     */
    private final float[] panels;
    /** Scalar path: {@code rows[i][o]}; null for a narrow layer and on the Vector API path. */
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
        if (isNarrow(outFeatures) && Simd.VECTOR) {
            panels = weight.clone();
        } else if (isNarrow(outFeatures)) {
            panels = scalarNarrowPanels(weight, inFeatures, outFeatures);
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

    /** Outputs of a scalar narrow layer's panel: {@code [o / 4][i][o % 4]}, the outputs past the last zero. */
    private static final int SCALAR_PANEL = 4;

    private static float[] scalarNarrowPanels(float[] weight, int inFeatures, int outFeatures) {
        float[] panels = new float[Gemm.roundUp(outFeatures, SCALAR_PANEL) * inFeatures];
        for (int o = 0; o < outFeatures; o++) {
            for (int i = 0; i < inFeatures; i++) {
                int at = (o / SCALAR_PANEL * inFeatures + i) * SCALAR_PANEL + o % SCALAR_PANEL;
                panels[at] = weight[o * inFeatures + i];
            }
        }
        return panels;
    }

    /**
     * Outputs below which a layer is narrow on the scalar path. Its row kernel runs a whole padded row of 32
     * sums per k, 10 of them used in a 10-output head; dot products use their four outputs a panel. On one
     * core (Zen 3, fastest of 3000 calls), a 6272-input layer at batch 1 took 40 µs by rows whatever its width up
     * to 32, by dot products 24 µs for 10 outputs and 32 for 16, about 8 more per panel; at batch 8, 231 → 102
     * µs for 10 outputs, 264 → 205 for 24, 263 → 272 for 32.
     */
    private static final int SCALAR_NARROW = 20;

    /** Outputs of a narrow layer that one pass over the weights sums, on the Vector API path. */
    private static final int DOTS = 5;

    /**
     * A layer with few outputs computes each as a dot product: on the Vector API path below two tiles of
     * outputs, on the scalar path below {@link #SCALAR_NARROW}.
     */
    private static boolean isNarrow(int outFeatures) {
        return outFeatures < (Simd.VECTOR ? 2 * Gemm.NR : SCALAR_NARROW);
    }

    /**
     * Floats of {@link Scratch} a task needs. Vector API path: per tile of MR samples, its slice of one block
     * of inputs, packed, then the MR output rows of every tile. Scalar path: a packed panel of MR samples and
     * their MR output rows. A narrow layer: a pass's sums, two samples' of {@link #DOTS} outputs on the Vector API
     * path, one block's eight on the scalar.
     */
    @Override
    public int scratchSize() {
        if (isNarrow(outFeatures)) {
            return Simd.VECTOR ? 2 * DOTS : 2 * SCALAR_PANEL;
        }
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
            dotProducts(in, input, samples, fromCol, Math.min(toCol, outFeatures), out, outOffset + first * outFeatures,
                    scratch.floats);
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
     * five outputs of two samples to a pass over the weights, any last sample alone, the sums in scratch.
     */
    private void dotProducts(float[] in, int input, int samples, int fromCol, int toCol, float[] out, int output,
                             float[] scratch) {
        if (!Simd.VECTOR) {
            scalarDotProducts(in, input, samples, fromCol, toCol, out, output, scratch);
            return;
        }
        for (int s = 0; s < samples; s += 2) {
            boolean pair = s + 1 < samples;
            int first = input + s * inFeatures;
            for (int o = fromCol; o < toCol; o += DOTS) {
                int last = Math.min(o + DOTS, toCol) - 1; // a short group repeats its last row
                int w0 = o * inFeatures;
                int w1 = Math.min(o + 1, last) * inFeatures;
                int w2 = Math.min(o + 2, last) * inFeatures;
                int w3 = Math.min(o + 3, last) * inFeatures;
                int w4 = last * inFeatures;
                if (pair) {
                    VectorKernels.dotsTwoByFive(panels, w0, w1, w2, w3, w4, inFeatures, in, first, first + inFeatures,
                            scratch, 0);
                } else {
                    VectorKernels.dotsOneByFive(panels, w0, w1, w2, w3, w4, inFeatures, in, first, scratch, 0);
                }
                for (int i = 0; i <= last - o; i++) {
                    out[output + s * outFeatures + o + i] = scratch[i] + bias[o + i];
                    if (pair) {
                        out[output + (s + 1) * outFeatures + o + i] = scratch[DOTS + i] + bias[o + i];
                    }
                }
            }
            for (int n = s; n < s + (pair ? 2 : 1); n++) {
                int row = output + n * outFeatures;
                activation.apply(out, row + fromCol, row + toCol, alpha);
            }
        }
    }

    /**
     * The scalar path's narrow layer: outputs {@code [fromCol, toCol)} of {@code samples} samples, two samples
     * by one panel of four outputs at a time, or one sample by one panel.
     */
    private void scalarDotProducts(float[] in, int input, int samples, int fromCol, int toCol, float[] out,
                                   int output, float[] sums) {
        int s = 0;
        for (; s + 2 <= samples; s += 2) {
            int first = input + s * inFeatures;
            for (int o = fromCol; o < toCol; o += SCALAR_PANEL) {
                scalarDots2x4(panels, o / SCALAR_PANEL * inFeatures * SCALAR_PANEL, inFeatures, in, first,
                        first + inFeatures, sums);
                int outputs = Math.min(SCALAR_PANEL, toCol - o);
                storeDots(sums, 0, outputs, o, out, output + s * outFeatures);
                storeDots(sums, SCALAR_PANEL, outputs, o, out, output + (s + 1) * outFeatures);
            }
        }
        if (s < samples) {
            for (int o = fromCol; o < toCol; o += SCALAR_PANEL) {
                scalarDots1x4(panels, o / SCALAR_PANEL * inFeatures * SCALAR_PANEL, inFeatures, in,
                        input + s * inFeatures, sums);
                storeDots(sums, 0, Math.min(SCALAR_PANEL, toCol - o), o, out, output + s * outFeatures);
            }
        }
        for (int row = 0; row < samples; row++) {
            int at = output + row * outFeatures;
            activation.apply(out, at + fromCol, at + toCol, alpha);
        }
    }

    private void storeDots(float[] sums, int from, int outputs, int firstOutput, float[] out, int row) {
        for (int i = 0; i < outputs; i++) {
            out[row + firstOutput + i] = sums[from + i] + bias[firstOutput + i];
        }
    }

    /**
     * {@code sums[4s + i] = Σk w[panel + 4k + i]·x_s[k]} for the samples at {@code x[first]} and
     * {@code x[second]}: eight chains of FMAs, each over k in order from zero as {@link Gemm#scalarPanel} forms
     * a sum, so a sample gets the same bits in any batch. One chain alone would wait four cycles on every FMA;
     * eight keep two FMA units busy.
     */
    private static void scalarDots2x4(float[] w, int panel, int depth, float[] x, int first, int second,
                                      float[] sums) {
        float p0 = 0f, p1 = 0f, p2 = 0f, p3 = 0f;
        float q0 = 0f, q1 = 0f, q2 = 0f, q3 = 0f;
        for (int k = 0; k < depth; k++) {
            float a = x[first + k];
            float b = x[second + k];
            int at = panel + SCALAR_PANEL * k;
            float v0 = w[at];
            float v1 = w[at + 1];
            float v2 = w[at + 2];
            float v3 = w[at + 3];
            p0 = Math.fma(v0, a, p0);
            p1 = Math.fma(v1, a, p1);
            p2 = Math.fma(v2, a, p2);
            p3 = Math.fma(v3, a, p3);
            q0 = Math.fma(v0, b, q0);
            q1 = Math.fma(v1, b, q1);
            q2 = Math.fma(v2, b, q2);
            q3 = Math.fma(v3, b, q3);
        }
        sums[0] = p0;
        sums[1] = p1;
        sums[2] = p2;
        sums[3] = p3;
        sums[4] = q0;
        sums[5] = q1;
        sums[6] = q2;
        sums[7] = q3;
    }

    /**
     * {@link #scalarDots2x4} for one sample: four chains. Eight, over two panels, would need more than AVX2's
     * sixteen registers; C2 kept one sum on the stack, and the layer took longer than with four.
     */
    private static void scalarDots1x4(float[] w, int panel, int depth, float[] x, int input, float[] sums) {
        float p0 = 0f, p1 = 0f, p2 = 0f, p3 = 0f;
        for (int k = 0; k < depth; k++) {
            float a = x[input + k];
            int at = panel + SCALAR_PANEL * k;
            p0 = Math.fma(w[at], a, p0);
            p1 = Math.fma(w[at + 1], a, p1);
            p2 = Math.fma(w[at + 2], a, p2);
            p3 = Math.fma(w[at + 3], a, p3);
        }
        sums[0] = p0;
        sums[1] = p1;
        sums[2] = p2;
        sums[3] = p3;
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
                            stride, scratch, rows + j, stride, Activation.NONE.clampBounds());
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
