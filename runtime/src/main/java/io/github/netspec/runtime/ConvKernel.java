package io.github.netspec.runtime;

import java.util.Arrays;

/**
 * One convolution layer ready to run: weights prepared once at load time for the algorithm the generator
 * chose at build time, batch norm folded in, bias and activation applied as the output is written.
 *
 * <p>Work is split into independent tasks that write disjoint parts of the output (a block of output rows or
 * columns of one group of one sample, or one channel of one sample), so several threads can share a layer.
 * For a team the blocks narrow until every thread has a few; only an image too small for that splits its
 * output channels as well.
 */
public final class ConvKernel implements TaskKernel {

    /** How a convolution is computed. */
    public enum Algorithm {
        /** im2col times MR-row weight panels ({@link Gemm}); 1×1 convolutions are the same with k = channels. */
        GEMM,
        /**
         * 3×3 at stride 1, dilated or not: Winograd's F(2×2, 3×3) or F(4×4, 3×3), 16 or 36 matrix products of
         * transformed weights and input ({@link Winograd}); on the scalar path F(2×2) only, and only where
         * {@link Winograd#scalarPays}, else the GEMM.
         */
        WINOGRAD,
        /** One input channel per group: a sliding window per channel (on the scalar path, a grouped GEMM). */
        DEPTHWISE,
        /** The plain loops of {@link Convolution}, for reflect, replicate and circular padding. */
        DIRECT
    }

    /**
     * How this JVM runs the algorithm. Depthwise layers run over {@link ImplicitIm2col}'s planes, a block of
     * output rows at once, on both paths, except on the Vector API with a 3×3 kernel on a small plane at stride 1
     * or 2 ({@link MaskedDepthwise}) and otherwise at column stride 2 ({@link Stride2Depthwise}).
     * The Vector API GEMM packs im2col from those planes a block at a time; the scalar one writes it out as row
     * arrays, which HotSpot's auto-vectorizer needs, or for an output of few pixels multiplies turned around
     * ({@link FewPixelsGemm}). Winograd's scalar kernel keeps its operands as row arrays too, and runs only the
     * layers where it beats that GEMM.
     */
    private enum Path {
        IMPLICIT_GEMM, WINOGRAD, STRIDE2_DEPTHWISE, MASKED_DEPTHWISE, IMPLICIT_DEPTHWISE, IM2COL_GEMM, FEW_PIXELS_GEMM,
        SCALAR_WINOGRAD, DIRECT
    }

    /**
     * Channels in and out a layer needs for Winograd to pay. Per tile, its products take 16 multiply-adds for
     * every pair of input and output channels, its transforms a few dozen additions for every input channel
     * and every output channel; with few channels on one side (MnistNet's 1 → 32) the transforms are most of
     * the work and little is saved.
     */
    private static final int WINOGRAD_CHANNELS = 16;

    /**
     * The Vector API GEMM lays its planes out one per kernel column ({@link ImplicitIm2col}) below this depth,
     * where copying the output out of a grid with junk columns costs more than reading three times the planes.
     * Measured side by side on one core (Zen 3): MnistNet's 3×3 convolution (depth 9) ran 25% faster with
     * shifted planes; ResNet-18's 3×3 layers (depth 576 and more) 2–10% slower, their tiles' B no longer
     * sharing cache lines between neighbouring taps (measured when the tile read B where it lay, before B was
     * packed; those layers now run Winograd, but the stride-2 ones still use this). Depthwise layers use
     * shifted planes at stride 1: of MobileNetV2's, the 7×7 ones ran 30–40% faster and the 56×56 one 7–10%,
     * the 112×112 one 9% slower. At stride 2 a plane per kernel column copies half again as much as the four
     * phase planes, and copying is most of such a layer (on the scalar path; the Vector API runs stride 2
     * without either, see {@link Stride2Depthwise}).
     */
    private static final int SHIFTED_PLANES_DEPTH = 128;

    private final Algorithm algorithm;
    private final Path path;
    private final ConvGeometry g;
    /**
     * Packed panels, group after group, for the GEMM paths; none for the few-pixels GEMM, which keeps its own
     * rows. Otherwise PyTorch's layout.
     */
    private final float[] weights;
    /** One value per output channel, padded by MR so edge panels can read past the last channel. */
    private final float[] bias;
    /**
     * The Vector API GEMM's tiles start their sums from here: channel c's bias repeated NR times at
     * {@code c·NR}, so an MR×NR tile of it is MR rows NR apart. Otherwise null.
     */
    private final float[] biasTiles;
    private final Activation activation;
    private final float alpha;

    private final int rows;       // output channels per group: M
    private final int depth;      // input channels per group × kernel area: K
    private final int columns;    // output pixels: N
    /** The implicit GEMM and depthwise paths: where each im2col row lies in the input's phase planes; else null. */
    private final ImplicitIm2col implicit;
    /** The Winograd path's transforms; else null. */
    private final Winograd winograd;
    /** The scalar path's product for an output of few pixels; else null. */
    private final FewPixelsGemm fewPixels;
    /** The Vector API's depthwise layers at column stride 2; else null. */
    private final Stride2Depthwise stride2Depthwise;
    /** The Vector API's 3×3 depthwise layers on small planes at stride 1 or 2 (see its applies); else null. */
    private final MaskedDepthwise maskedDepthwise;
    /**
     * The implicit GEMM and depthwise paths' scratch, after the planes: floats per row of a block's sums (the
     * most grid columns a block has, in whole tiles), and where those sums start; for the GEMM, where its
     * packed block of im2col starts, right after the planes.
     */
    private final int sumsWidth;
    private final int sumsOffset;
    private final int packedOffset;
    /**
     * Grid columns the Vector API GEMM packs at once: NC, so a KC-deep block (256 KiB) stays in L2 beside the
     * planes while every weight panel sweeps it, or a whole block's grid if that is narrower. The packed block
     * lies between the planes and the sums.
     */
    private final int chunkColumns;

    private ConvKernel(Algorithm algorithm, ConvGeometry g, float[] weights, FewPixelsGemm fewPixels, float[] bias,
                       Activation activation, float alpha) {
        this.algorithm = algorithm;
        this.g = g;
        this.weights = weights;
        this.fewPixels = fewPixels;
        this.bias = bias;
        this.activation = activation;
        this.alpha = alpha;
        this.rows = g.outChannels() / g.groups();
        this.depth = g.inChannels() / g.groups() * g.kernelHeight() * g.kernelWidth();
        this.columns = g.outHeight() * g.outWidth();
        this.path = pathFor(algorithm, g);
        this.implicit = switch (path) {
            case IMPLICIT_GEMM -> new ImplicitIm2col(g, depth < SHIFTED_PLANES_DEPTH, ImplicitIm2col.PLANES_BUDGET);
            case IMPLICIT_DEPTHWISE -> new ImplicitIm2col(g, g.strideWidth() == 1, ImplicitIm2col.PLANES_BUDGET);
            case WINOGRAD, STRIDE2_DEPTHWISE, MASKED_DEPTHWISE, IM2COL_GEMM, FEW_PIXELS_GEMM, SCALAR_WINOGRAD, DIRECT ->
                    null;
        };
        this.stride2Depthwise = path == Path.STRIDE2_DEPTHWISE
                ? new Stride2Depthwise(g, ImplicitIm2col.PLANES_BUDGET) : null;
        this.maskedDepthwise = path == Path.MASKED_DEPTHWISE ? new MaskedDepthwise(g) : null;
        this.winograd = isWinograd(path) ? new Winograd(g, winogradTileSide(path, g)) : null;
        this.sumsWidth = implicit == null ? 0 : Gemm.roundUp(implicit.maxRows * implicit.gridWidth, Gemm.NR);
        this.chunkColumns = Math.min(Gemm.NC, sumsWidth);
        int packedSize = path == Path.IMPLICIT_GEMM ? Math.min(depth, Gemm.KC) * chunkColumns : 0;
        this.packedOffset = implicit == null ? 0 : implicit.planesSize();
        this.sumsOffset = packedOffset + packedSize;
        this.biasTiles = path == Path.IMPLICIT_GEMM ? repeatEach(bias, Gemm.NR) : null;
    }

    private static float[] repeatEach(float[] values, int times) {
        float[] repeated = new float[values.length * times];
        for (int i = 0; i < values.length; i++) {
            Arrays.fill(repeated, i * times, (i + 1) * times, values[i]);
        }
        return repeated;
    }

    private static Path pathFor(Algorithm algorithm, ConvGeometry g) {
        return switch (algorithm) {
            case GEMM -> Simd.VECTOR ? Path.IMPLICIT_GEMM : scalarGemm(g);
            case WINOGRAD -> Simd.VECTOR ? Path.WINOGRAD
                    : Winograd.scalarPays(g) ? Path.SCALAR_WINOGRAD : scalarGemm(g);
            case DEPTHWISE -> !Simd.VECTOR ? Path.IMPLICIT_DEPTHWISE
                    : MaskedDepthwise.applies(g) ? Path.MASKED_DEPTHWISE
                    : Stride2Depthwise.applies(g) ? Path.STRIDE2_DEPTHWISE : Path.IMPLICIT_DEPTHWISE;
            case DIRECT -> Path.DIRECT;
        };
    }

    private static Path scalarGemm(ConvGeometry g) {
        return FewPixelsGemm.applies(g) ? Path.FEW_PIXELS_GEMM : Path.IM2COL_GEMM;
    }

    private static boolean isWinograd(Path path) {
        return path == Path.WINOGRAD || path == Path.SCALAR_WINOGRAD;
    }

    /** F(4×4, 3×3) where it pays on the Vector API; the scalar path runs only F(2×2, 3×3). */
    private static int winogradTileSide(Path path, ConvGeometry g) {
        return path == Path.WINOGRAD ? Winograd.vectorTileSide(g) : Winograd.SMALL_TILE;
    }

    /** The algorithm that suits a geometry; the generator asks this at build time and bakes the answer in. */
    public static Algorithm algorithmFor(ConvGeometry g) {
        if (g.paddingMode() != PaddingMode.ZEROS) {
            return Algorithm.DIRECT;
        }
        if (g.groups() > 1 && g.groups() == g.inChannels()) {
            return Algorithm.DEPTHWISE;
        }
        if (Winograd.applies(g) && g.inChannels() >= WINOGRAD_CHANNELS && g.outChannels() >= WINOGRAD_CHANNELS) {
            return Algorithm.WINOGRAD;
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
        requireWeightSize(g, weight);
        if (algorithm == Algorithm.DEPTHWISE && g.groups() != g.inChannels()) {
            throw new IllegalArgumentException("depthwise needs groups == in channels, not " + g.groups());
        }
        if (algorithm == Algorithm.WINOGRAD && !Winograd.applies(g)) {
            throw new IllegalArgumentException(Winograd.requirement(g));
        }
        if (algorithm != Algorithm.DIRECT && g.paddingMode() != PaddingMode.ZEROS) {
            throw new IllegalArgumentException(algorithm + " pads with zeros only, not " + g.paddingMode());
        }
        float[] folded = weight.clone();
        float[] paddedBias = new float[g.outChannels() + Gemm.MR];
        fold(g, folded, bias, norm, paddedBias);
        Path path = pathFor(algorithm, g);
        float[] prepared = switch (path) {
            case IMPLICIT_GEMM, IM2COL_GEMM -> packGroups(g, folded);
            case FEW_PIXELS_GEMM -> new float[0];
            case WINOGRAD, SCALAR_WINOGRAD -> Winograd.transformWeights(g, folded, winogradTileSide(path, g));
            case STRIDE2_DEPTHWISE, MASKED_DEPTHWISE, IMPLICIT_DEPTHWISE, DIRECT -> folded;
        };
        FewPixelsGemm fewPixels = path == Path.FEW_PIXELS_GEMM ? new FewPixelsGemm(g, folded) : null;
        return new ConvKernel(algorithm, g, prepared, fewPixels, paddedBias, activation, alpha);
    }

    static void requireWeightSize(ConvGeometry g, float[] weight) {
        if (weight.length != g.weightSize()) {
            throw new IllegalArgumentException("weight has " + weight.length + " floats but the geometry needs "
                    + g.weightSize());
        }
    }

    /**
     * Copies the bias (if any) to the start of {@code foldedBias} and folds a batch norm (if any) into it and
     * into {@code folded}, a copy of the weights.
     */
    static void fold(ConvGeometry g, float[] folded, float[] bias, BatchNorm norm, float[] foldedBias) {
        if (bias != null) {
            System.arraycopy(bias, 0, foldedBias, 0, g.outChannels());
        }
        if (norm != null) {
            foldBatchNorm(norm, folded, foldedBias, g.outChannels());
        }
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
        return switch (path) {
            // The planes, a packed block of B, and every panel's sums for one chunk of columns.
            case IMPLICIT_GEMM -> sumsOffset + Gemm.panels(rows) * Gemm.MR * chunkColumns;
            case WINOGRAD -> winograd.scratchSize();
            case STRIDE2_DEPTHWISE -> stride2Depthwise.scratchSize();
            case MASKED_DEPTHWISE -> maskedDepthwise.scratchSize();
            case IMPLICIT_DEPTHWISE -> sumsOffset + sumsWidth;
            case SCALAR_WINOGRAD -> winograd.scalarScratchSize();
            case FEW_PIXELS_GEMM -> fewPixels.scratchSize();
            case IM2COL_GEMM, DIRECT -> 0;
        };
    }

    @Override
    public int accumulatorWidth() {
        return fewPixels == null ? Gemm.NC : Math.max(Gemm.NC, fewPixels.accumulatorWidth());
    }

    @Override
    public int accumulatorRows() {
        return fewPixels == null ? Gemm.MR : fewPixels.accumulatorRows();
    }

    @Override
    public int scratchRows() {
        return path == Path.SCALAR_WINOGRAD ? winograd.scalarRows() : Gemm.KC;
    }

    @Override
    public long multiplyAdds(int batch) {
        return (long) batch * g.outChannels() * columns * depth;
    }

    @Override
    public int tasks(int batch, int threads) {
        return switch (path) {
            case IMPLICIT_GEMM, WINOGRAD, IM2COL_GEMM, SCALAR_WINOGRAD -> {
                int blocks = blocks(batch, threads);
                yield batch * pieces() * blocks * rowChunks(batch, threads, blocks);
            }
            case STRIDE2_DEPTHWISE, MASKED_DEPTHWISE, IMPLICIT_DEPTHWISE -> depthwiseTasks(batch * g.outChannels(),
                    threads);
            case FEW_PIXELS_GEMM -> fewPixels.tasks(batch, threads);
            case DIRECT -> batch;
        };
    }

    /**
     * Tasks of a depthwise layer: one per output plane (a channel of a sample) on one thread; for a team, a
     * few runs of planes per thread. A plane of a small layer takes well under a microsecond (MobileNetV2's
     * 7×7 ones about 70 ns), and every task costs the team two atomic updates of lines the threads share.
     */
    private static int depthwiseTasks(int planes, int threads) {
        return threads == 1 ? planes : Math.min(planes, ThreadTeam.TASKS_PER_THREAD * threads);
    }

    /**
     * Blocks each piece of a sample splits into on the paths that split a grid: blocks of output rows (of tile
     * rows for Winograd) on the Vector API, column blocks for the scalar GEMM, chunks of tiles for scalar
     * Winograd.
     */
    private int blocks(int batch, int threads) {
        return switch (path) {
            case IMPLICIT_GEMM, WINOGRAD -> rowBlocks(blockRows(batch, threads));
            case IM2COL_GEMM -> columnBlocks();
            case SCALAR_WINOGRAD -> winograd.scalarChunks();
            case STRIDE2_DEPTHWISE, MASKED_DEPTHWISE, IMPLICIT_DEPTHWISE, FEW_PIXELS_GEMM, DIRECT ->
                    throw new IllegalStateException(path + " does not split a grid");
        };
    }

    /**
     * Column blocks of the scalar GEMM: NC wide, even for a team. Its inner loop runs across the whole block,
     * and short rows cost it more than repacking does: on two threads a 14×14 layer ran at 0.57× one
     * thread's speed with 32-column blocks, 1.3× with full blocks split by output channels.
     */
    private int columnBlocks() {
        return (columns + Gemm.NC - 1) / Gemm.NC;
    }

    /**
     * Grid rows per task of the Vector API GEMM (output rows) or Winograd (rows of tiles): as many as
     * its planes' budget allows for one thread; for a team, Winograd's even split if there is one, else
     * fewer until every thread has a few blocks, but never under four tiles of grid columns, where the junk
     * columns and the last partial tile would cost more than splitting the output channels does.
     */
    private int blockRows(int batch, int threads) {
        int maxRows = path == Path.WINOGRAD ? winograd.maxBlockRows() : implicit.maxRows;
        if (threads == 1) {
            return maxRows;
        }
        if (path == Path.WINOGRAD) {
            int rows = evenWinogradRows(batch, threads);
            if (rows > 0) {
                return rows;
            }
        }
        int gridWidth = path == Path.WINOGRAD ? winograd.tilesWide() : implicit.gridWidth;
        int wanted = (gridHeight() + blocksWanted(batch, threads) - 1) / blocksWanted(batch, threads);
        int fewest = (4 * Gemm.NR + gridWidth - 1) / gridWidth;
        return Math.min(maxRows, Math.max(wanted, fewest));
    }

    /**
     * Tile rows per block that deal a team's threads the same number of Winograd tasks, or 0 if no such split
     * pays. A block transforms only its own tiles, so splitting the tile rows costs only each block's last,
     * partial NR-wide panel of tiles, where splitting the weight panels ({@link #rowChunks}) repeats the plane
     * copy and input transform, about a quarter of the layer's work, in every piece. The tallest blocks that
     * split evenly, then, unless their partial panels add more than a quarter to the products (ResNet-18's
     * 7×7 layer, 16 tiles, one panel). On two threads (Zen 3; fastest of 400 runs, both splits in one JVM),
     * ResNet-18's 3×3 layers then took 1.36 ms instead of 1.54 at 56×56 (seven blocks of four rows had split
     * four to three), 1.22 instead of 1.58 at 28×28 and 1.50 instead of 1.69 at 14×14 (split by panels).
     */
    private int evenWinogradRows(int batch, int threads) {
        int height = winograd.tilesHigh();
        int width = winograd.tilesWide();
        int unsplitLanes = Gemm.roundUp(height * width, Gemm.NR);
        for (int blocks = 1; blocks <= height; blocks++) {
            int rows = (height + blocks - 1) / blocks;
            boolean distinct = (height + rows - 1) / rows == blocks; // else fewer blocks gave these rows
            if (!distinct || rows > winograd.maxBlockRows() || batch * winograd.phases() * blocks % threads != 0) {
                continue;
            }
            int lastRows = height - (blocks - 1) * rows;
            int lanes = (blocks - 1) * Gemm.roundUp(rows * width, Gemm.NR) + Gemm.roundUp(lastRows * width, Gemm.NR);
            return 4 * lanes <= 5 * unsplitLanes ? rows : 0;
        }
        return 0;
    }

    private int gridHeight() {
        return path == Path.WINOGRAD ? winograd.tilesHigh() : g.outHeight();
    }

    /** Independent pieces of a sample that split into blocks: its groups, or a Winograd layer's output phases. */
    private int pieces() {
        return isWinograd(path) ? winograd.phases() : g.groups();
    }

    private int rowBlocks(int blockRows) {
        return (gridHeight() + blockRows - 1) / blockRows;
    }

    /** Blocks per sample and group that give every thread of a team a few tasks. */
    private int blocksWanted(int batch, int threads) {
        int perSample = batch * pieces();
        return (ThreadTeam.TASKS_PER_THREAD * threads + perSample - 1) / perSample;
    }

    /**
     * Pieces the output channels split into, each repacking its block: only when the blocks give fewer than
     * two tasks per thread (a tiny image, or on the scalar path an image under two full blocks a thread).
     * Winograd splits them only as far as the threads need: each piece copies its block's planes and
     * transforms its input again, 0.3–0.4 ms for each of ResNet-18's layers on one core. A GEMM piece packs
     * the block's whole im2col again, every column and the full depth, so it splits into the fewest pieces
     * that deal every thread the same number of tasks. It used to aim for four tasks a thread: on two threads
     * MobileNetV2's 7×7 layers then packed their im2col eight times (960→160 took 0.25–0.28 ms, now 0.15–0.21,
     * against 0.26 on one), and its 14×14 ones, three blocks of rows, ran as nine tasks, five on one thread
     * (64→384: 0.100 ms, now 0.086); the whole network at batch 1 took 8.16 ms, now 7.85 (Zen 3, fastest of
     * four processes each).
     */
    private int rowChunks(int batch, int threads, int blocks) {
        int tasks = batch * pieces() * blocks;
        if (threads == 1 || tasks >= 2 * threads) {
            return 1;
        }
        int wanted = isWinograd(path) ? (threads + tasks - 1) / tasks : threads / greatestCommonDivisor(tasks, threads);
        return Math.max(1, Math.min(Gemm.panels(rows), wanted));
    }

    static int greatestCommonDivisor(int a, int b) {
        return b == 0 ? a : greatestCommonDivisor(b, a % b);
    }

    @Override
    public void run(int from, int to, int threads, float[] in, int inOffset, float[] out, int outOffset, int batch,
                    Scratch scratch) {
        switch (path) {
            case IMPLICIT_GEMM, WINOGRAD, IM2COL_GEMM, SCALAR_WINOGRAD -> {
                int blockRows = path == Path.IMPLICIT_GEMM || path == Path.WINOGRAD ? blockRows(batch, threads) : 0;
                int blocks = blocks(batch, threads);
                int rowChunks = rowChunks(batch, threads, blocks);
                for (int task = from; task < to; task++) {
                    // Task ((sample·pieces + piece)·blocks + block)·rowChunks + rowChunk, as tasks() counts them.
                    int rowChunk = task % rowChunks;
                    int block = task / rowChunks % blocks;
                    int piece = task / rowChunks / blocks % pieces();
                    int sample = task / rowChunks / blocks / pieces();
                    gridTask(piece, block, blockRows, panelBoundary(rowChunk, rowChunks),
                            panelBoundary(rowChunk + 1, rowChunks), in, inOffset + sample * g.inSize(), out,
                            outOffset + sample * g.outSize(), scratch);
                }
            }
            case FEW_PIXELS_GEMM -> {
                int pieces = fewPixels.tasks(batch, threads) / batch;
                for (int task = from; task < to; task++) {
                    int sample = task / pieces;
                    int piece = task % pieces;
                    fewPixelsTask(fewPixels.firstPixel(piece, pieces), fewPixels.firstPixel(piece + 1, pieces), in,
                            inOffset + sample * g.inSize(), out, outOffset + sample * g.outSize(), scratch);
                }
            }
            case STRIDE2_DEPTHWISE, MASKED_DEPTHWISE, IMPLICIT_DEPTHWISE -> {
                int planes = batch * g.outChannels();
                int tasks = depthwiseTasks(planes, threads);
                int end = ThreadTeam.share(to, tasks, planes);
                for (int plane = ThreadTeam.share(from, tasks, planes); plane < end; plane++) {
                    switch (path) {
                        case STRIDE2_DEPTHWISE -> stride2DepthwisePlane(plane, in, inOffset, out, outOffset, scratch);
                        case MASKED_DEPTHWISE -> maskedDepthwisePlane(plane, in, inOffset, out, outOffset, scratch);
                        default -> depthwisePlane(plane, in, inOffset, out, outOffset, scratch);
                    }
                }
            }
            case DIRECT -> {
                for (int task = from; task < to; task++) {
                    directTask(task, in, inOffset, out, outOffset);
                }
            }
        }
    }

    /**
     * Weight panels {@code [firstPanel, endPanel)} of one block of one piece (a group or a Winograd phase) of
     * the sample at {@code in[input]}, written to the sample at {@code out[output]}.
     */
    private void gridTask(int piece, int block, int blockRows, int firstPanel, int endPanel, float[] in, int input,
                          float[] out, int output, Scratch scratch) {
        switch (path) {
            case IMPLICIT_GEMM -> implicitTask(piece, block * blockRows, blockRows, firstPanel, endPanel, in, input,
                    out, output, scratch);
            case WINOGRAD -> winograd.run(in, input, piece, block * blockRows, blockRows, firstPanel, endPanel,
                    weights, bias, activation, alpha, out, output, scratch.floats);
            case IM2COL_GEMM -> gemmTask(piece, block, firstPanel, endPanel, in, input, out, output, scratch);
            case SCALAR_WINOGRAD -> winograd.runScalar(in, input, piece, block, firstPanel, endPanel, weights, bias,
                    activation, alpha, out, output, scratch);
            case STRIDE2_DEPTHWISE, MASKED_DEPTHWISE, IMPLICIT_DEPTHWISE, FEW_PIXELS_GEMM, DIRECT ->
                    throw new IllegalStateException(path + " does not split a grid");
        }
    }

    // ---- GEMM on the Vector API, im2col left implicit ----------------------------------------------------------

    /**
     * Weight panels {@code [firstPanel, endPanel)} of the output rows from {@code firstRow} of one group of one
     * sample (its input at {@code in[sampleInput]}, its output at {@code out[sampleOutput]}), as GotoBLAS
     * multiplies: the block's grid columns in chunks of {@link #chunkColumns}, and for each chunk, KC-deep
     * blocks of im2col packed into NR-wide panels ({@link VectorKernels#packPanels}) that every MR-row panel
     * of weights then sweeps in NR-column tiles. Sums carry from one KC block to the next in the scratch, a
     * chunk's worth per weight panel. Where grid and output columns coincide, a full weight panel's whole tiles
     * end in the output itself; the rest are copied out, less the grid's junk columns, as each panel finishes
     * its chunk. Relu and relu6 clamp each tile of the last KC block as it is stored
     * ({@link VectorKernels#clampTile}); any other activation runs over the chunk's outputs while they are in L1.
     */
    private void implicitTask(int group, int firstRow, int blockRows, int firstPanel, int endPanel, float[] in,
                              int sampleInput, float[] out, int sampleOutput, Scratch scratch) {
        int outRows = Math.min(blockRows, g.outHeight() - firstRow);
        int gridColumns = outRows * implicit.gridWidth;
        int input = sampleInput + group * g.inChannels() / g.groups() * g.inHeight() * g.inWidth();
        float[] floats = scratch.floats;
        float[] source;
        int base;
        int[] starts;
        if (implicit.readsInPlace(input, firstRow, outRows, in.length)) {
            source = in;
            base = input + firstRow * implicit.gridWidth;
            starts = implicit.inPlaceStarts;
        } else {
            implicit.copyPlanes(in, input, firstRow, outRows, floats);
            source = floats;
            base = 0;
            starts = implicit.rowStarts;
        }
        int output = sampleOutput + group * rows * columns + firstRow * g.outWidth();
        for (int from = 0; from < gridColumns; from += chunkColumns) {
            int to = Math.min(gridColumns, from + chunkColumns);
            for (int k0 = 0; k0 < depth; k0 += Gemm.KC) {
                int kc = Math.min(Gemm.KC, depth - k0);
                VectorKernels.packPanels(source, base + from, starts, k0, kc, tiles(to - from), floats, packedOffset);
                for (int panel = firstPanel; panel < endPanel; panel++) {
                    int sums = sumsOffset + (panel - firstPanel) * Gemm.MR * chunkColumns;
                    multiplyPanel(group, panel, k0, kc, from, to, gridColumns, floats, sums, out, output);
                }
            }
        }
    }

    /**
     * One weight panel's KC block times the packed chunk of im2col, tile by tile, into the panel's sums (or
     * into the output, see {@link #implicitTask}); after the last block, the sums go out.
     *
     * @param output where the block's first output row of the group's channel 0 lies
     */
    private void multiplyPanel(int group, int panel, int k0, int kc, int from, int to, int gridColumns,
                               float[] floats, int sums, float[] out, int output) {
        int tileRows = Math.min(Gemm.MR, rows - panel * Gemm.MR);
        int channel = group * rows + panel * Gemm.MR;
        int aPanel = (group * Gemm.panels(rows) + panel) * depth * Gemm.MR + k0 * Gemm.MR;
        int panelOutput = output + panel * Gemm.MR * columns;
        boolean firstBlock = k0 == 0;
        boolean lastBlock = k0 + kc == depth;
        // The last panel of a layer whose channels are not a multiple of MR runs a kernel for two or four rows
        // when that covers it (see VectorKernels.tileRows2). A kernel that stores more rows than the panel has
        // would write rows of other channels: such tiles go through the sums.
        int kernelRows = tileRows <= 2 ? 2 : tileRows <= 4 ? 4 : Gemm.MR;
        int directEnd = implicit.gridWidth == g.outWidth() && tileRows == kernelRows
                ? gridColumns / Gemm.NR * Gemm.NR : 0;
        boolean clampTiles = lastBlock && activation.isClamp();
        for (int t = 0; t < tiles(to - from); t++) {
            int j = from + t * Gemm.NR;
            boolean direct = lastBlock && j < directEnd;
            float[] c = direct ? out : floats;
            int cOffset = direct ? panelOutput + j : sums + t * Gemm.NR;
            int ldc = direct ? columns : chunkColumns;
            float[] init = firstBlock ? biasTiles : floats;
            int initOffset = firstBlock ? channel * Gemm.NR : sums + t * Gemm.NR;
            int initLd = firstBlock ? Gemm.NR : chunkColumns;
            // The grid's last tile, a vector or less wide, is never a direct one: those end where whole tiles do.
            int packed = packedOffset + t * kc * Gemm.NR;
            if (to - j <= VectorKernels.LANES) {
                VectorKernels.tileHalf(weights, aPanel, floats, packed, kc, init, initOffset, initLd, c, cOffset, ldc);
            } else if (kernelRows == 2) {
                VectorKernels.tileRows2(weights, aPanel, floats, packed, kc, init, initOffset, initLd, c, cOffset, ldc);
            } else if (kernelRows == 4) {
                VectorKernels.tileRows4(weights, aPanel, floats, packed, kc, init, initOffset, initLd, c, cOffset, ldc);
            } else {
                VectorKernels.tile(weights, aPanel, floats, packed, kc, init, initOffset, initLd, c, cOffset, ldc,
                        (clampTiles ? activation : Activation.NONE).clampBounds());
                continue; // clamped as it was stored
            }
            if (clampTiles) { // all NR columns: after a half tile the second vector is sums nobody copies out
                VectorKernels.clampTile(c, cOffset, ldc, direct ? kernelRows : Gemm.MR, activation.clampLow(),
                        activation.clampHigh());
            }
        }
        if (lastBlock) {
            copyOut(floats, sums, chunkColumns, tileRows, from, to, directEnd, !clampTiles, out, panelOutput);
        }
    }

    /** The first weight panel of row chunk {@code chunk} (or the end of the last one), chunks being even. */
    private int panelBoundary(int chunk, int rowChunks) {
        return chunk * Gemm.panels(rows) / rowChunks;
    }

    private static int tiles(int columns) {
        return (columns + Gemm.NR - 1) / Gemm.NR;
    }

    /**
     * Grid columns {@code [from, to)} of {@code tileRows} rows of sums (sums column 0 is grid column
     * {@code from}), {@code sumsWidth} apart, to their channels' output rows, less the grid's junk columns;
     * then, if {@code activate}, the activation over those outputs. Grid columns before {@code stored} are in
     * the output already (where grid and output columns coincide).
     */
    private void copyOut(float[] floats, int sums, int sumsWidth, int tileRows, int from, int to, int stored,
                         boolean activate, float[] out, int output) {
        int outWidth = g.outWidth();
        int gridWidth = implicit.gridWidth;
        for (int i = 0; i < tileRows; i++) {
            int channelRows = output + i * columns;
            int row = sums + i * sumsWidth - from;
            if (gridWidth == outWidth) {
                int first = Math.max(from, stored);
                if (to > first) {
                    System.arraycopy(floats, row + first, out, channelRows + first, to - first);
                }
            } else {
                for (int r = from / gridWidth; r * gridWidth < to; r++) {
                    int first = Math.max(from, r * gridWidth);
                    int end = Math.min(to, r * gridWidth + outWidth);
                    if (end > first) {
                        System.arraycopy(floats, row + first, out, channelRows + first - r * (gridWidth - outWidth),
                                end - first);
                    }
                }
            }
            if (activate) {
                activation.apply(out, channelRows + outputColumn(from), channelRows + outputColumn(to), alpha);
            }
        }
    }

    /** Output columns (of the block) before grid column n: the grid's columns less its junk ones. */
    private int outputColumn(int n) {
        int gridWidth = implicit.gridWidth;
        return n / gridWidth * g.outWidth() + Math.min(n % gridWidth, g.outWidth());
    }

    // ---- GEMM on the scalar path, im2col written out ---------------------------------------------------------

    /** Weight panels {@code [firstPanel, endPanel)} of one column block of one group of one sample. */
    private void gemmTask(int group, int block, int firstPanel, int endPanel, float[] in, int sampleInput,
                          float[] out, int sampleOutput, Scratch scratch) {
        int firstRow = firstPanel * Gemm.MR;
        int endRow = Math.min(rows, endPanel * Gemm.MR);
        int n0 = block * Gemm.NC;
        int nc = Math.min(Gemm.NC, columns - n0);
        int inChannelsPerGroup = g.inChannels() / g.groups();
        int input = sampleInput + group * inChannelsPerGroup * g.inHeight() * g.inWidth();
        int output = sampleOutput + (group * rows + firstRow) * columns + n0;
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
     * Output pixels {@code [firstPixel, endPixel)} of one sample by the few-pixels product: each KC-deep block
     * of their im2col written out as {@link #gemmTask} writes it, then multiplied turned around.
     */
    private void fewPixelsTask(int firstPixel, int endPixel, float[] in, int sampleInput, float[] out,
                               int sampleOutput, Scratch scratch) {
        int count = endPixel - firstPixel;
        float[][] sums = scratch.accumulators;
        fewPixels.start(bias, count, sums);
        for (int k0 = 0; k0 < depth; k0 += Gemm.KC) {
            int kc = Math.min(Gemm.KC, depth - k0);
            packColumns(in, sampleInput, k0, kc, firstPixel, count, scratch);
            fewPixels.addBlock(scratch.blockRows, k0, kc, count, scratch.floats, sums);
        }
        fewPixels.finish(sums, firstPixel, count, out, sampleOutput, activation, alpha);
    }

    /**
     * im2col for one block: row array {@code kk} holds, for im2col row {@code k0 + kk} (an input channel and a
     * kernel offset), the input value each output pixel {@code n0 .. n0 + nc} reads there, or 0 in the padding.
     */
    private void packColumns(float[] in, int input, int k0, int kc, int n0, int nc, Scratch scratch) {
        int kernelArea = g.kernelHeight() * g.kernelWidth();
        int width = g.inWidth();
        for (int kk = 0; kk < kc; kk++) {
            int k = k0 + kk;
            int plane = input + k / kernelArea * g.inHeight() * width;
            int ky = k % kernelArea / g.kernelWidth();
            int kx = k % g.kernelWidth();
            float[] dst = scratch.blockRows[kk];
            int oy = n0 / g.outWidth();
            int ox = n0 % g.outWidth();
            for (int j = 0; j < nc; oy++, ox = 0) {
                int run = Math.min(g.outWidth() - ox, nc - j);
                int iy = oy * g.strideHeight() - g.padTop() + ky * g.dilationHeight();
                int x0 = ox * g.strideWidth() - g.padLeft() + kx * g.dilationWidth();
                int source = plane + iy * width;
                int stride = g.strideWidth();
                // The columns t whose input column x0 + t·stride lies inside the input row.
                int lo = Math.min(run, Math.max(0, Math.floorDiv(-x0 + stride - 1, stride)));
                int hi = Math.max(lo, Math.min(run, Math.floorDiv(width - 1 - x0, stride) + 1));
                if (iy < 0 || iy >= g.inHeight()) {
                    lo = run;
                    hi = run;
                }
                Arrays.fill(dst, j, j + lo, 0f);
                if (hi > lo) { // with nothing to copy, the source index may lie outside the input
                    if (stride == 1) {
                        System.arraycopy(in, source + x0 + lo, dst, j + lo, hi - lo);
                    } else {
                        for (int t = lo; t < hi; t++) {
                            dst[j + t] = in[source + x0 + t * stride];
                        }
                    }
                }
                Arrays.fill(dst, j + hi, j + run, 0f);
                j += run;
            }
        }
    }

    // ---- depthwise ---------------------------------------------------------------------------------------------

    /** Depthwise output plane p is output channel {@code p mod outChannels} of sample {@code p / outChannels}. */
    private int planeChannel(int plane) {
        return plane % g.outChannels();
    }

    /** Where the input channel that output plane p reads starts. */
    private int inputStart(int plane, int inOffset) {
        int sample = plane / g.outChannels();
        int multiplier = g.outChannels() / g.inChannels();
        return inOffset + sample * g.inSize() + planeChannel(plane) / multiplier * g.inHeight() * g.inWidth();
    }

    /** Where output plane p starts. */
    private int outputStart(int plane, int outOffset) {
        return outOffset + plane / g.outChannels() * g.outSize() + planeChannel(plane) * columns;
    }

    /** One output plane, on the Vector API at column stride 2. */
    private void stride2DepthwisePlane(int plane, float[] in, int inOffset, float[] out, int outOffset,
                                       Scratch scratch) {
        int channel = planeChannel(plane);
        stride2Depthwise.channel(in, inputStart(plane, inOffset), weights,
                channel * g.kernelHeight() * g.kernelWidth(), bias[channel], activation, alpha, out,
                outputStart(plane, outOffset), scratch.floats);
    }

    /** One output plane, on the Vector API: a 3×3 kernel on a small plane at stride 1 or 2. */
    private void maskedDepthwisePlane(int plane, float[] in, int inOffset, float[] out, int outOffset,
                                      Scratch scratch) {
        int channel = planeChannel(plane);
        maskedDepthwise.channel(in, inputStart(plane, inOffset), weights, channel * MaskedDepthwise.TAPS,
                bias[channel], activation, alpha, out, outputStart(plane, outOffset), scratch.floats);
    }

    /**
     * One output plane, a block of output rows at a time, from its input channel's
     * {@link ImplicitIm2col} planes: every tap reads a unit-stride run with no edge cases, whatever the stride,
     * dilation or padding, and the block's grid is one long loop, where a loop per output row spent most of its
     * time in the partial vectors at the row ends (a 14-wide row is one vector and a tail).
     */
    private void depthwisePlane(int plane, float[] in, int inOffset, float[] out, int outOffset, Scratch scratch) {
        int channel = planeChannel(plane);
        int input = inputStart(plane, inOffset);
        int filter = channel * g.kernelHeight() * g.kernelWidth();
        int output = outputStart(plane, outOffset);
        float[] floats = scratch.floats;
        for (int firstRow = 0; firstRow < g.outHeight(); firstRow += implicit.maxRows) {
            int rows = Math.min(implicit.maxRows, g.outHeight() - firstRow);
            int gridColumns = rows * implicit.gridWidth;
            int at = output + firstRow * g.outWidth();
            implicit.copyPlanes(in, input, firstRow, rows, floats);
            // The kernels write whole vectors, so a grid under one vector, or with junk columns, goes through
            // the scratch.
            boolean direct = implicit.gridWidth == g.outWidth()
                    && (!Simd.VECTOR || gridColumns >= VectorKernels.LANES);
            float[] target = direct ? out : floats;
            int targetOffset = direct ? at : sumsOffset;
            boolean clamped = Simd.VECTOR && direct && activation.isClamp();
            if (Simd.VECTOR) {
                Activation clamp = clamped ? activation : Activation.NONE;
                VectorKernels.depthwiseGrid(floats, implicit.rowStarts, weights, filter, bias[channel], target,
                        targetOffset, gridColumns, clamp.clampLow(), clamp.clampHigh());
            } else {
                scalarDepthwiseGrid(filter, bias[channel], gridColumns, scratch, target, targetOffset);
            }
            if (!direct) {
                copyOut(floats, sumsOffset, sumsWidth, 1, 0, gridColumns, 0, true, out, at);
            } else if (!clamped) {
                activation.apply(out, at, at + gridColumns, alpha);
            }
        }
    }

    /**
     * {@link VectorKernels#depthwiseGrid} on the scalar path, NC columns at a time: each tap's run is copied
     * to a row array and the filter times those rows is {@link Gemm#scalarPanel} with one row of A, so every
     * array is indexed alike, the loop HotSpot vectorizes (see {@link Scratch}).
     */
    private void scalarDepthwiseGrid(int filter, float bias, int count, Scratch scratch, float[] out, int output) {
        float[] planes = scratch.floats;
        float[][] sums = scratch.accumulators;
        int[] starts = implicit.rowStarts;
        for (int n0 = 0; n0 < count; n0 += Gemm.NC) {
            int width = Math.min(Gemm.NC, count - n0);
            Arrays.fill(sums[0], 0, width, bias);
            for (int t0 = 0; t0 < starts.length; t0 += Gemm.KC) {
                int taps = Math.min(Gemm.KC, starts.length - t0);
                for (int t = 0; t < taps; t++) {
                    System.arraycopy(planes, starts[t0 + t] + n0, scratch.blockRows[t], 0, width);
                }
                Gemm.scalarPanel(weights, filter + t0, 1, 1, scratch.blockRows, 0, taps, 0, width, sums, 0);
            }
            System.arraycopy(sums[0], 0, out, output + n0, width);
        }
    }

    // ---- direct ------------------------------------------------------------------------------------------------

    private void directTask(int sample, float[] in, int inOffset, float[] out, int outOffset) {
        int output = outOffset + sample * g.outSize();
        Convolution.forward(g, in, inOffset + sample * g.inSize(), weights, bias, out, output);
        activation.apply(out, output, output + g.outSize(), alpha);
    }
}
