package io.github.netspec.runtime;

import java.util.Arrays;

/**
 * One convolution layer ready to run: weights prepared once at load time for the algorithm the generator
 * chose at build time, batch norm folded in, bias and activation applied as the output is written.
 *
 * <p>Work is split into independent tasks that write disjoint parts of the output (a column block of one
 * group of one sample, or one channel of one sample), so several threads can share a layer. For a team the
 * column blocks narrow until every thread has a few; only an image too small for that splits its output
 * channels as well.
 */
public final class ConvKernel implements TaskKernel {

    /**
     * The narrowest column block a team may split into. A vector tile needs only its NR columns. The scalar
     * kernel's inner loop runs across the whole block, and short rows cost it more than repacking does: on
     * two threads a 14×14 layer ran at 0.57× one thread's speed with 32-column blocks, 1.3× with full blocks
     * split by output channels.
     */
    private static final int MIN_BLOCK_WIDTH = Simd.VECTOR ? Gemm.NR : Gemm.NC;

    /** How a convolution is computed. */
    public enum Algorithm {
        /** im2col blocks times MR-row weight panels ({@link Gemm}); 1×1 convolutions are the same with k = channels. */
        GEMM,
        /** One input channel per group: a sliding window per channel, no GEMM. */
        DEPTHWISE,
        /** The plain loops of {@link Convolution}, for reflect, replicate and circular padding. */
        DIRECT
    }

    private final Algorithm algorithm;
    private final ConvGeometry g;
    /** GEMM: packed panels, group after group. Otherwise PyTorch's layout. */
    private final float[] weights;
    /** One value per output channel, padded by MR so edge panels can read past the last channel. */
    private final float[] bias;
    private final Activation activation;
    private final float alpha;

    private final int rows;       // output channels per group: M
    private final int depth;      // input channels per group × kernel area: K
    private final int columns;    // output pixels: N
    /** Depthwise: where kernel column kx reads in the phase planes, relative to the output column. */
    private final int[] tapOffsets;

    private ConvKernel(Algorithm algorithm, ConvGeometry g, float[] weights, float[] bias, Activation activation,
                       float alpha) {
        this.algorithm = algorithm;
        this.g = g;
        this.weights = weights;
        this.bias = bias;
        this.activation = activation;
        this.alpha = alpha;
        this.rows = g.outChannels() / g.groups();
        this.depth = g.inChannels() / g.groups() * g.kernelHeight() * g.kernelWidth();
        this.columns = g.outHeight() * g.outWidth();
        this.tapOffsets = new int[g.kernelWidth()];
        for (int kx = 0; kx < g.kernelWidth(); kx++) {
            int tap = kx * g.dilationWidth();
            tapOffsets[kx] = tap % g.strideWidth() * g.inHeight() * phaseWidth() + tap / g.strideWidth();
        }
    }

    /** The algorithm that suits a geometry; the generator asks this at build time and bakes the answer in. */
    public static Algorithm algorithmFor(ConvGeometry g) {
        if (g.paddingMode() != PaddingMode.ZEROS) {
            return Algorithm.DIRECT;
        }
        if (g.groups() > 1 && g.groups() == g.inChannels()) {
            return Algorithm.DEPTHWISE;
        }
        return Algorithm.GEMM;
    }

    /**
     * Prepares a layer.
     *
     * @param weight PyTorch's layout {@code [out, in/groups, kh, kw]}
     * @param bias one value per output channel, or null for none
     * @param norm a batch norm that follows the convolution, folded into its weights and bias, or null
     * @param alpha read by leaky_relu and elu only
     */
    public static ConvKernel create(Algorithm algorithm, ConvGeometry g, float[] weight, float[] bias, BatchNorm norm,
                                    Activation activation, float alpha) {
        if (weight.length != g.weightSize()) {
            throw new IllegalArgumentException("weight has " + weight.length + " floats but the geometry needs "
                    + g.weightSize());
        }
        if (algorithm == Algorithm.DEPTHWISE && g.groups() != g.inChannels()) {
            throw new IllegalArgumentException("depthwise needs groups == in channels, not " + g.groups());
        }
        if (algorithm != Algorithm.DIRECT && g.paddingMode() != PaddingMode.ZEROS) {
            throw new IllegalArgumentException(algorithm + " pads with zeros only, not " + g.paddingMode());
        }
        int outChannels = g.outChannels();
        float[] folded = weight.clone();
        float[] paddedBias = new float[outChannels + Gemm.MR];
        if (bias != null) {
            System.arraycopy(bias, 0, paddedBias, 0, outChannels);
        }
        if (norm != null) {
            foldBatchNorm(norm, folded, paddedBias, outChannels);
        }
        float[] prepared = algorithm == Algorithm.GEMM ? packGroups(g, folded) : folded;
        return new ConvKernel(algorithm, g, prepared, paddedBias, activation, alpha);
    }

    /** {@code bn(conv(x)) = conv'(x)} with {@code w' = w·scale} per output channel and {@code b' = b·scale + shift}. */
    private static void foldBatchNorm(BatchNorm norm, float[] weight, float[] bias, int outChannels) {
        if (norm.channels() != outChannels) {
            throw new IllegalArgumentException("batch norm has " + norm.channels() + " channels but the convolution "
                    + outChannels);
        }
        int filter = weight.length / outChannels;
        for (int oc = 0; oc < outChannels; oc++) {
            float scale = norm.scale(oc);
            for (int i = oc * filter; i < (oc + 1) * filter; i++) {
                weight[i] *= scale;
            }
            bias[oc] = bias[oc] * scale + norm.shift(oc);
        }
    }

    private static float[] packGroups(ConvGeometry g, float[] weight) {
        int rows = g.outChannels() / g.groups();
        int depth = g.weightSize() / g.outChannels();
        int groupSize = Gemm.panels(rows) * depth * Gemm.MR;
        float[] packed = new float[g.groups() * groupSize];
        for (int group = 0; group < g.groups(); group++) {
            Gemm.pack(weight, group * rows * depth, rows, depth, depth, packed, group * groupSize);
        }
        return packed;
    }

    public ConvGeometry geometry() {
        return g;
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    @Override
    public int scratchSize() {
        return switch (algorithm) {
            case GEMM -> Gemm.KC * Gemm.NC + Gemm.MR * Gemm.NR;
            case DEPTHWISE -> depthwiseScratch();
            case DIRECT -> 0;
        };
    }

    @Override
    public int accumulatorWidth() {
        return Gemm.NC;
    }

    @Override
    public long multiplyAdds(int batch) {
        return (long) batch * g.outChannels() * columns * depth;
    }

    @Override
    public int tasks(int batch, int threads) {
        return switch (algorithm) {
            case GEMM -> {
                int blocks = columnBlocks(blockWidth(batch, threads));
                yield batch * g.groups() * blocks * rowChunks(batch, threads, blocks);
            }
            case DEPTHWISE -> batch * g.outChannels();
            case DIRECT -> batch;
        };
    }

    /**
     * Output columns per task: NC for one thread; for a team, narrower (whole NR tiles) until every thread has
     * a few blocks. A narrower block packs only its own im2col columns and reads the weights once more, as
     * the NC blocking does anyway, so the split costs next to nothing. (Splitting output channels instead
     * repacks the whole block per piece: ResNet-18's layers with 14×14 outputs ran 0.99–1.13× as fast on two
     * threads as on one that way, 1.65–1.75× this way.)
     */
    private int blockWidth(int batch, int threads) {
        if (threads == 1) {
            return Gemm.NC;
        }
        int perSample = batch * g.groups();
        int blocksWanted = (ThreadTeam.TASKS_PER_THREAD * threads + perSample - 1) / perSample;
        int width = Gemm.roundUp((columns + blocksWanted - 1) / blocksWanted, Gemm.NR);
        return Math.max(MIN_BLOCK_WIDTH, Math.min(Gemm.NC, width));
    }

    private int columnBlocks(int blockWidth) {
        return (columns + blockWidth - 1) / blockWidth;
    }

    /**
     * Pieces the output channels split into, each repacking its block: only when the column blocks give fewer
     * than two tasks per thread (a tiny image, or on the scalar path an image under two full blocks a thread).
     */
    private int rowChunks(int batch, int threads, int blocks) {
        int tasks = batch * g.groups() * blocks;
        if (threads == 1 || tasks >= 2 * threads) {
            return 1;
        }
        int wanted = (ThreadTeam.TASKS_PER_THREAD * threads + tasks - 1) / tasks;
        return Math.max(1, Math.min(Gemm.panels(rows), wanted));
    }

    @Override
    public void run(int from, int to, int threads, float[] in, int inOffset, float[] out, int outOffset, int batch,
                    Scratch scratch) {
        int blockWidth = blockWidth(batch, threads);
        int blocks = columnBlocks(blockWidth);
        int rowChunks = algorithm == Algorithm.GEMM ? rowChunks(batch, threads, blocks) : 1;
        for (int task = from; task < to; task++) {
            switch (algorithm) {
                case GEMM -> gemmTask(task, blockWidth, blocks, rowChunks, in, inOffset, out, outOffset, scratch);
                case DEPTHWISE -> depthwiseTask(task, in, inOffset, out, outOffset, scratch);
                case DIRECT -> directTask(task, in, inOffset, out, outOffset);
            }
        }
    }

    // ---- GEMM ------------------------------------------------------------------------------------------------

    /** Output channels of one row chunk of one column block of one group of one sample. */
    private void gemmTask(int task, int blockWidth, int blocks, int rowChunks, float[] in, int inOffset, float[] out,
                          int outOffset, Scratch scratch) {
        int chunk = task % rowChunks;
        int block = task / rowChunks % blocks;
        int group = task / rowChunks / blocks % g.groups();
        int sample = task / rowChunks / blocks / g.groups();
        // Chunks start at panel boundaries, so each keeps whole MR-row tiles.
        int firstRow = chunk * Gemm.panels(rows) / rowChunks * Gemm.MR;
        int endRow = Math.min(rows, (chunk + 1) * Gemm.panels(rows) / rowChunks * Gemm.MR);
        int n0 = block * blockWidth;
        int nc = Math.min(blockWidth, columns - n0);
        int inChannelsPerGroup = g.inChannels() / g.groups();
        int input = inOffset + sample * g.inSize() + group * inChannelsPerGroup * g.inHeight() * g.inWidth();
        int output = outOffset + sample * g.outSize() + (group * rows + firstRow) * columns + n0;
        int chunkWeights = group * Gemm.panels(rows) * depth * Gemm.MR + firstRow * depth;
        for (int k0 = 0; k0 < depth; k0 += Gemm.KC) {
            int kc = Math.min(Gemm.KC, depth - k0);
            packColumns(in, input, k0, kc, n0, nc, scratch);
            Gemm.multiplyBlock(weights, chunkWeights + k0 * Gemm.MR, depth * Gemm.MR, endRow - firstRow, scratch,
                    kc, nc, out, output, columns, k0 == 0, k0 + kc == depth, bias, group * rows + firstRow,
                    activation, alpha);
        }
    }

    /**
     * im2col for one block: row {@code kk} holds, for im2col row {@code k0 + kk} (an input channel and a kernel
     * offset), the input value each output pixel {@code n0 .. n0 + nc} reads there, or 0 in the padding.
     * Columns from {@code nc} up to the next multiple of NR are zero, so tiles can read a full NR. The Vector
     * API path packs into NR-wide panels, the scalar path into a row array per k (see {@link Gemm}).
     */
    private void packColumns(float[] in, int input, int k0, int kc, int n0, int nc, Scratch scratch) {
        int paddedCols = Gemm.roundUp(nc, Gemm.NR);
        // A row array is one panel as wide as the block, holding only row 0.
        int panelWidth = Simd.VECTOR ? Gemm.NR : paddedCols;
        int kernelArea = g.kernelHeight() * g.kernelWidth();
        int width = g.inWidth();
        for (int kk = 0; kk < kc; kk++) {
            int k = k0 + kk;
            int plane = input + k / kernelArea * g.inHeight() * width;
            int ky = k % kernelArea / g.kernelWidth();
            int kx = k % g.kernelWidth();
            float[] dst = Simd.VECTOR ? scratch.floats : scratch.blockRows[kk];
            int row = Simd.VECTOR ? kk : 0;
            int oy = n0 / g.outWidth();
            int ox = n0 % g.outWidth();
            for (int j = 0; j < nc; oy++, ox = 0) {
                int run = Math.min(g.outWidth() - ox, nc - j);
                int iy = oy * g.strideHeight() - g.padTop() + ky * g.dilationHeight();
                int x0 = ox * g.strideWidth() - g.padLeft() + kx * g.dilationWidth();
                int source = plane + iy * width;
                if (iy < 0 || iy >= g.inHeight()) {
                    packZeros(dst, row, kc, panelWidth, j, run);
                } else if (g.strideWidth() == 1) {
                    // The columns that land inside the input row are one contiguous copy.
                    int lo = Math.min(run, Math.max(0, -x0));
                    int hi = Math.max(lo, Math.min(run, width - x0));
                    packZeros(dst, row, kc, panelWidth, j, lo);
                    packCopy(dst, row, kc, panelWidth, j + lo, in, source + x0 + lo, hi - lo);
                    packZeros(dst, row, kc, panelWidth, j + hi, run - hi);
                } else {
                    int stride = g.strideWidth();
                    // The columns t whose input column x0 + t·stride lies inside the input row.
                    int lo = Math.min(run, Math.max(0, Math.floorDiv(-x0 + stride - 1, stride)));
                    int hi = Math.max(lo, Math.min(run, Math.floorDiv(width - 1 - x0, stride) + 1));
                    packZeros(dst, row, kc, panelWidth, j, lo);
                    packStrided(dst, row, kc, panelWidth, j + lo, in, source + x0 + lo * stride, stride, hi - lo);
                    packZeros(dst, row, kc, panelWidth, j + hi, run - hi);
                }
                j += run;
            }
            packZeros(dst, row, kc, panelWidth, nc, paddedCols - nc);
        }
    }

    /*
     * Row kk of a packed B block, addressed by column: column t lives in panel t / width, at
     * panel·kc·width + kk·width + t % width. Runs that cross a panel edge are split there. (Static methods
     * rather than a small row object: predict must not allocate, and escape analysis is not a promise.)
     */

    private static int packedIndex(int column, int kk, int kc, int width) {
        return column / width * kc * width + kk * width + column % width;
    }

    private static void packZeros(float[] dst, int kk, int kc, int width, int column, int count) {
        while (count > 0) {
            int n = Math.min(count, width - column % width);
            int at = packedIndex(column, kk, kc, width);
            Arrays.fill(dst, at, at + n, 0f);
            column += n;
            count -= n;
        }
    }

    private static void packCopy(float[] dst, int kk, int kc, int width, int column, float[] source, int from, int count) {
        while (count > 0) {
            int n = Math.min(count, width - column % width);
            System.arraycopy(source, from, dst, packedIndex(column, kk, kc, width), n);
            column += n;
            from += n;
            count -= n;
        }
    }

    private static void packStrided(float[] dst, int kk, int kc, int width, int column, float[] source, int from,
                                    int stride, int count) {
        while (count > 0) {
            int n = Math.min(count, width - column % width);
            int at = packedIndex(column, kk, kc, width);
            for (int i = 0; i < n; i++) {
                dst[at + i] = source[from + i * stride];
            }
            column += n;
            from += n * stride;
            count -= n;
        }
    }

    // ---- depthwise ---------------------------------------------------------------------------------------------

    /**
     * One output channel of one sample. The input plane is first copied into the scratch as {@code stride}
     * phase planes, zero-padded: phase p's row iy holds the padded input columns {@code q·stride + p}. Output
     * column ox then reads tap kx at {@code phase[(kx·dilation) % stride][ox + (kx·dilation) / stride]}, a
     * unit-stride run with no edge cases, so each output row is one vectorizable loop per tap, whatever the
     * stride, dilation or padding. Copying the plane costs one read per input value; the taps read each
     * value about kernel-area times.
     */
    private void depthwiseTask(int task, float[] in, int inOffset, float[] out, int outOffset, Scratch scratch) {
        int channel = task % g.outChannels();
        int sample = task / g.outChannels();
        int multiplier = g.outChannels() / g.inChannels();
        int plane = inOffset + sample * g.inSize() + channel / multiplier * g.inHeight() * g.inWidth();
        float[] phases = scratch.floats;
        int phaseWidth = phaseWidth();
        int tailAt = depthwiseScratch() - Gemm.NR;
        copyPhases(in, plane, phases, phaseWidth);
        int filter = channel * g.kernelHeight() * g.kernelWidth();
        int outWidth = g.outWidth();
        for (int oy = 0; oy < g.outHeight(); oy++) {
            int row = outOffset + sample * g.outSize() + (channel * g.outHeight() + oy) * outWidth;
            if (Simd.VECTOR) {
                int top = oy * g.strideHeight() - g.padTop();
                // The kernel rows whose input row top + ky·dilation lies inside the plane.
                int kyFrom = Math.min(g.kernelHeight(), Math.max(0, Math.floorDiv(-top + g.dilationHeight() - 1,
                        g.dilationHeight())));
                int kyTo = Math.max(kyFrom, Math.min(g.kernelHeight(),
                        Math.floorDiv(g.inHeight() - 1 - top, g.dilationHeight()) + 1));
                VectorKernels.depthwiseRow(phases, top * phaseWidth, g.dilationHeight() * phaseWidth, kyFrom, kyTo,
                        tapOffsets, weights, filter, bias[channel], out, row, outWidth, tailAt);
                activation.apply(out, row, row + outWidth, alpha);
                continue;
            }
            Arrays.fill(out, row, row + outWidth, bias[channel]);
            for (int ky = 0; ky < g.kernelHeight(); ky++) {
                int iy = oy * g.strideHeight() - g.padTop() + ky * g.dilationHeight();
                if (iy < 0 || iy >= g.inHeight()) {
                    continue;
                }
                for (int kx = 0; kx < g.kernelWidth(); kx++) {
                    int source = tapOffsets[kx] + iy * phaseWidth;
                    axpy(weights[filter + ky * g.kernelWidth() + kx], phases, source, out, row, outWidth);
                }
            }
            activation.apply(out, row, row + outWidth, alpha);
        }
    }

    /** Columns of a phase row: every output column plus the reach of the widest tap. */
    private int phaseWidth() {
        return g.outWidth() + (g.kernelWidth() - 1) * g.dilationWidth() / g.strideWidth();
    }

    /** The phase planes, then NR floats of slack that a last partial vector may read and write. */
    private int depthwiseScratch() {
        return g.strideWidth() * g.inHeight() * phaseWidth() + Gemm.NR;
    }

    /** Phase p, row iy, column q: the input at column {@code q·stride + p - padLeft}, or 0 in the padding. */
    private void copyPhases(float[] in, int plane, float[] phases, int phaseWidth) {
        int stride = g.strideWidth();
        for (int p = 0; p < stride; p++) {
            int shift = p - g.padLeft();
            // The columns q whose input column q·stride + shift lies inside the row.
            int lo = Math.min(phaseWidth, Math.max(0, Math.floorDiv(-shift + stride - 1, stride)));
            int hi = Math.max(lo, Math.min(phaseWidth, Math.floorDiv(g.inWidth() - 1 - shift, stride) + 1));
            for (int iy = 0; iy < g.inHeight(); iy++) {
                int source = plane + iy * g.inWidth() + shift;
                int target = (p * g.inHeight() + iy) * phaseWidth;
                Arrays.fill(phases, target, target + lo, 0f);
                if (stride == 1) {
                    System.arraycopy(in, source + lo, phases, target + lo, hi - lo);
                } else {
                    for (int q = lo; q < hi; q++) {
                        phases[target + q] = in[source + q * stride];
                    }
                }
                Arrays.fill(phases, target + hi, target + phaseWidth, 0f);
            }
        }
    }

    /** {@code y[i] += a·x[i]}: the scalar path's loop over one output row for one tap. */
    private static void axpy(float a, float[] x, int xOffset, float[] y, int yOffset, int count) {
        for (int i = 0; i < count; i++) {
            y[yOffset + i] += a * x[xOffset + i];
        }
    }

    // ---- direct ------------------------------------------------------------------------------------------------

    private void directTask(int sample, float[] in, int inOffset, float[] out, int outOffset) {
        int output = outOffset + sample * g.outSize();
        Convolution.forward(g, in, inOffset + sample * g.inSize(), weights, bias, out, output);
        activation.apply(out, output, output + g.outSize(), alpha);
    }
}
