package io.github.netspec.runtime;

import java.util.Arrays;

/**
 * A 3×3 convolution at stride 1 by Winograd's minimal filtering (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2015): F(2×2, 3×3) or, on the Vector API where it pays, F(4×4, 3×3), by
 * {@link #run}; and F(2×2, 3×3) on the scalar path where it beats the scalar GEMM ({@link #scalarPays}), by
 * {@link #runScalar}.
 *
 * <p>Each m×m block of outputs, a <em>tile</em> (m = 2 or 4), comes from the (m + 2)×(m + 2) window d of
 * input above it as {@code Y = Aᵀ [Σc (G g_c Gᵀ) ⊙ (Bᵀ d_c B)] A}: (m + 2)² multiplies per input channel and
 * tile where the convolution takes 9m², so 16 for 36 with m = 2 and 36 for 144 with m = 4. Summed over input
 * channels, the elementwise product is (m + 2)² matrix products, one per point ξ of the transformed window:
 * {@code M_ξ = U_ξ · V_ξ}, with {@code U_ξ} the transformed weights (output × input channels, transformed and
 * packed once at load time) and {@code V_ξ} the transformed input (input channels × tiles). {@link
 * VectorKernels#tile} runs those products at the speed it runs any GEMM, so the layer takes 4/9 (m = 2) or
 * 1/4 (m = 4) of the multiply-adds, plus the two transforms, which are a few additions and multiplies by small
 * constants per point.
 *
 * <p>The tiles' windows are the im2col of an (m + 2)×(m + 2) kernel at stride m over the input, so {@link
 * ImplicitIm2col} lays them out: with one plane per kernel column, a block of tile rows is a grid of
 * consecutive tiles with no junk column, and the input transform reads each window point of {@link
 * VectorKernels#LANES} tiles as one vector. Its planes are read once, by the transform, so a block may be
 * much larger than the GEMM's.
 *
 * <p>A dilated 3×3 kernel (dilation d) is the same thing on each of the d×d <em>phases</em> of the output:
 * outputs whose row and column leave remainders (py, px) when divided by d read only inputs d apart, so a
 * tile is m×m outputs d apart, and its window inputs d apart: im2col at dilation d and stride md, its padding
 * less (py, px). That needs the padding to be at least d - 1 on the top and left, as "same" padding is.
 *
 * <p>The products run over whole NR-wide panels of tiles, so F(4×4) pays only where its quarter as many
 * tiles still fill their panels: {@link #vectorTileSide} counts both ways' padded products. Rounding differs
 * from the plain sum: the transforms add and subtract inputs before the products, which loses a few bits
 * where neighbouring inputs nearly cancel, and F(4×4)'s larger coefficients (see {@link #LARGE_G}) lose a few
 * more than F(2×2)'s; both stay within the tolerance the kernels are tested to against the plain loops and
 * PyTorch (ResNet-18's outputs differ from PyTorch's by 8.4·10⁻⁵ of 150 with F(4×4), 7.6·10⁻⁵ without).
 * F(6×6, 3×3), whose coefficients grow larger still, is not used.
 */
final class Winograd {

    /** F(2×2, 3×3): tiles of 2×2 outputs from 4×4 windows. The scalar path's only choice. */
    static final int SMALL_TILE = 2;
    /** F(4×4, 3×3): tiles of 4×4 outputs from 6×6 windows. */
    static final int LARGE_TILE = 4;
    /** Points of F(2×2)'s transformed 4×4 window, the scalar path's and {@link VectorKernels#winogradInput}'s. */
    static final int POINTS = 16;
    /** Floats the planes of one block may take: the whole input of most layers, read once. */
    private static final int PLANES_BUDGET = 1024 * 1024;
    /** Floats the transformed input of one chunk of tiles may take: 256 KiB, so it stays in L2. */
    private static final int TRANSFORMED_BUDGET = 64 * 1024;
    /**
     * F(4×4) is chosen when its padded products come to at most this many eighths of F(2×2)'s: its output
     * transform takes about twice F(2×2)'s operations per output, which the products it saves must pay for.
     * An estimate from operation counts: every layer measured so far fell well inside (0.56–0.69) or well
     * outside (2.25, ResNet-18's 7×7) of it.
     */
    private static final int LARGE_TILE_EIGHTHS = 7;
    /** A tile of zeros (read with a leading dimension of 0) that the products start their sums from. */
    private static final float[] ZEROS = new float[Gemm.NR];

    /**
     * The most input channels the scalar path takes. It keeps a chunk's whole transformed input as row arrays,
     * 16 per input channel (2 MiB at 128 channels), because its products must run along rows that every
     * weight panel then reads; more channels would need that much again, or the input transformed again for
     * every weight panel.
     */
    static final int SCALAR_MAX_CHANNELS = 128;
    /**
     * The fewest tiles a phase needs for the scalar path to pay. Its loops run along a chunk's tiles, and
     * HotSpot's vectorized loops need long rows: with few tiles, the 2.25× fewer multiplies run along rows a
     * quarter as long as the GEMM's (one per output pixel). Against the scalar GEMM on one core (Zen 3), 3×3
     * layers ran 1.28× faster with 100 tiles (128 channels, 20×20), 1.48× with 196 (64 channels, 28×28), the
     * same with 64 (128 channels, 16×16) and 5% slower with 49 (64 channels, 14×14).
     */
    static final int SCALAR_MIN_TILES = 80;

    /**
     * Column j of {@code d B} is {@code d[.][COLUMN_FIRST[j]] ± d[.][COLUMN_SECOND[j]]}, + where
     * {@code COLUMN_ADDS[j]}: F(2×2, 3×3)'s B, for both paths' input transforms.
     */
    static final int[] COLUMN_FIRST = {0, 1, 2, 1};
    static final int[] COLUMN_SECOND = {2, 2, 1, 3};
    static final boolean[] COLUMN_ADDS = {false, true, false, false};

    /** F(2×2, 3×3)'s G, which turns a 3-tap filter into 4 points. */
    private static final double[][] SMALL_G = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
    /**
     * F(4×4, 3×3)'s G, for the interpolation points 0, 1, -1, 1/2, -2 and ∞; its Bᵀ and Aᵀ are spelled out in
     * {@link VectorKernels#winogradInput6} and {@link VectorKernels#winogradOutput6}. The usual points 0, ±1,
     * ±2 put coefficients of 4 and 5 in Bᵀ and 1/24 in G; these keep Bᵀ within 2.5 and G within 16/15, and
     * a float32 simulation of a 64-channel layer ({@code runtime/src/test/python/winograd_points.py}, which
     * derives and checks these matrices) erred by a third as much: at most 5·10⁻⁶ of √(terms), against
     * 1.4·10⁻⁵, and 1·10⁻⁶ for F(2×2).
     */
    static final double[][] LARGE_G = {
            {1, 0, 0},
            {1 / 3.0, 1 / 3.0, 1 / 3.0},
            {-1 / 3.0, 1 / 3.0, -1 / 3.0},
            {-16 / 15.0, -8 / 15.0, -4 / 15.0},
            {1 / 15.0, -2 / 15.0, 4 / 15.0},
            {0, 0, 1}};

    private final ConvGeometry g;
    private final int channels;
    /** Outputs per tile side, m: {@link #SMALL_TILE} or {@link #LARGE_TILE}. */
    private final int tileSide;
    /** Points of a transformed window, (m + 2)²: the number of matrix products. */
    private final int points;
    /** Per output phase (py, px), row-major: its tiles' windows and how many tiles it has. */
    private final Phase[] phases;
    /** Tiles transformed at once, in whole NR-wide panels. */
    private final int chunkTiles;
    /** Where the scratch holds, after the largest phase's planes, the transformed input of a chunk ... */
    private final int transformedOffset;
    /** ... the products of one weight panel ... */
    private final int productsOffset;
    /** ... the m² outputs of each of the chunk's tiles for one output channel ... */
    private final int outputsOffset;
    /** ... F(4×4)'s transforms' halfway sums, a vector for each of the 36 window points ... */
    private final int stagingOffset;
    /** ... and one output row of the chunk's tiles, m outputs a tile, zipped for the scatter. */
    private final int lineOffset;
    /** Scalar path: tiles of one phase transformed at once, the length of every row its loops run along. */
    private final int scalarChunkTiles;

    /** The outputs at rows {@code py + k·dh} and columns {@code px + k·dw}, in tiles of m×m of them. */
    private record Phase(int rowPhase, int columnPhase, int tilesHigh, int tilesWide, ImplicitIm2col windows) {}

    /** @param tileSide {@link #SMALL_TILE}, or {@link #LARGE_TILE} on the Vector API path only */
    Winograd(ConvGeometry g, int tileSide) {
        if (!applies(g)) {
            throw new IllegalArgumentException(requirement(g));
        }
        if (tileSide != SMALL_TILE && !(tileSide == LARGE_TILE && Simd.VECTOR)) {
            throw new IllegalArgumentException("no Winograd kernel with tiles of side " + tileSide
                    + (Simd.VECTOR ? "" : " without the Vector API"));
        }
        this.g = g;
        this.channels = g.inChannels();
        this.tileSide = tileSide;
        int window = tileSide + 2;
        this.points = window * window;
        int dh = g.dilationHeight();
        int dw = g.dilationWidth();
        this.phases = new Phase[dh * dw];
        int widest = 0;
        for (int py = 0; py < dh; py++) {
            for (int px = 0; px < dw; px++) {
                int tilesHigh = tiles(outputsInPhase(g.outHeight(), py, dh), tileSide);
                int tilesWide = tiles(outputsInPhase(g.outWidth(), px, dw), tileSide);
                // An output narrower than the dilation leaves some phases empty; their windows are never read.
                ConvGeometry windowGeometry = new ConvGeometry(channels, g.inHeight(), g.inWidth(), g.outChannels(),
                        Math.max(1, tilesHigh), Math.max(1, tilesWide), window, window, tileSide * dh,
                        tileSide * dw, dh, dw, g.padTop() - py, g.padLeft() - px, 1, PaddingMode.ZEROS);
                ImplicitIm2col windows = new ImplicitIm2col(windowGeometry, true, PLANES_BUDGET);
                phases[py * dw + px] = new Phase(py, px, tilesHigh, tilesWide, windows);
                widest = Math.max(widest, windows.maxRows * tilesWide);
            }
        }
        int fitting = TRANSFORMED_BUDGET / (points * channels) / Gemm.NR * Gemm.NR;
        this.chunkTiles = Math.max(Gemm.NR, Math.min(fitting, Gemm.roundUp(widest, Gemm.NR)));
        int planes = 0;
        for (Phase phase : phases) {
            planes = Math.max(planes, phase.windows.planesSize());
        }
        this.transformedOffset = planes;
        this.productsOffset = transformedOffset + points * channels * chunkTiles;
        this.outputsOffset = productsOffset + points * Gemm.MR * chunkTiles;
        this.stagingOffset = outputsOffset + tileSide * tileSide * chunkTiles;
        this.lineOffset = stagingOffset + (tileSide == LARGE_TILE ? points * Gemm.NR / 2 : 0);
        this.scalarChunkTiles = Math.min(Gemm.NC, Math.max(1, phases[0].tilesHigh * phases[0].tilesWide));
    }

    /** Tiles of side m along a side of {@code outputs}. */
    private static int tiles(int outputs, int tileSide) {
        return (outputs + tileSide - 1) / tileSide;
    }

    /** Outputs of a side of {@code size} at positions {@code phase, phase + d, ...}. */
    private static int outputsInPhase(int size, int phase, int dilation) {
        return Math.max(0, (size - phase + dilation - 1) / dilation);
    }

    /** Whether F(2×2, 3×3) computes this convolution. */
    static boolean applies(ConvGeometry g) {
        return g.kernelHeight() == 3 && g.kernelWidth() == 3 && g.strideHeight() == 1 && g.strideWidth() == 1
                && g.groups() == 1 && g.paddingMode() == PaddingMode.ZEROS
                && g.padTop() >= g.dilationHeight() - 1 && g.padLeft() >= g.dilationWidth() - 1;
    }

    /** What {@link #applies} asks, for an error message. */
    static String requirement(ConvGeometry g) {
        return "Winograd F(2x2, 3x3) needs a 3x3 kernel, stride 1, one group, zero padding and, with dilation d, "
                + "padding of at least d - 1 on the top and left, not " + g;
    }

    /**
     * The tile side the Vector API path runs {@code g} with: {@link #LARGE_TILE} where its products come to at
     * most {@link #LARGE_TILE_EIGHTHS} eighths of F(2×2)'s. ResNet-18's 3×3 layers at 56×56, 28×28 and 14×14
     * then run F(4×4) (0.60, 0.69 and 0.56 of F(2×2)'s products with 8-float vectors); at 7×7 its 4 tiles
     * would fill a quarter of a panel, where F(2×2)'s 16 fill one, and F(2×2) stays.
     */
    static int vectorTileSide(ConvGeometry g) {
        return 8 * paddedProducts(g, LARGE_TILE) <= LARGE_TILE_EIGHTHS * paddedProducts(g, SMALL_TILE)
                ? LARGE_TILE : SMALL_TILE;
    }

    /** Points times tiles, each phase's tiles rounded up to whole NR-wide panels: what the products compute. */
    private static long paddedProducts(ConvGeometry g, int tileSide) {
        int dh = g.dilationHeight();
        int dw = g.dilationWidth();
        long lanes = 0;
        for (int py = 0; py < dh; py++) {
            for (int px = 0; px < dw; px++) {
                int tiles = tiles(outputsInPhase(g.outHeight(), py, dh), tileSide)
                        * tiles(outputsInPhase(g.outWidth(), px, dw), tileSide);
                lanes += Gemm.roundUp(tiles, Gemm.NR);
            }
        }
        return (long) (tileSide + 2) * (tileSide + 2) * lanes;
    }

    /**
     * {@code U_ξ = G g Gᵀ} for every output and input channel, each point's out × in matrix packed in MR-row
     * panels as {@link Gemm#pack} packs them, point after point. Worked in double, rounded once.
     *
     * @param weight PyTorch's layout {@code [out][in][3][3]}, batch norm already folded in
     * @param tileSide the side of the tiles the kernel runs, as given to its constructor
     */
    static float[] transformWeights(ConvGeometry g, float[] weight, int tileSide) {
        double[][] gg = tileSide == LARGE_TILE ? LARGE_G : SMALL_G;
        int window = gg.length;
        int points = window * window;
        int outChannels = g.outChannels();
        int inChannels = g.inChannels();
        float[][] transformed = new float[points][outChannels * inChannels];
        for (int oc = 0; oc < outChannels; oc++) {
            for (int c = 0; c < inChannels; c++) {
                int filter = (oc * inChannels + c) * 9;
                for (int i = 0; i < window; i++) {
                    for (int j = 0; j < window; j++) {
                        double sum = 0;
                        for (int y = 0; y < 3; y++) {
                            for (int x = 0; x < 3; x++) {
                                sum += gg[i][y] * weight[filter + y * 3 + x] * gg[j][x];
                            }
                        }
                        transformed[i * window + j][oc * inChannels + c] = (float) sum;
                    }
                }
            }
        }
        int pointSize = Gemm.panels(outChannels) * inChannels * Gemm.MR;
        float[] packed = new float[points * pointSize];
        for (int point = 0; point < points; point++) {
            Gemm.pack(transformed[point], 0, outChannels, inChannels, inChannels, packed, point * pointSize);
        }
        return packed;
    }

    /** Output phases: 1 without dilation, dh·dw with it; each splits into blocks of tile rows on its own. */
    int phases() {
        return phases.length;
    }

    /** The most tile rows one block holds, for one thread, in every phase. */
    int maxBlockRows() {
        int rows = Integer.MAX_VALUE;
        for (Phase phase : phases) {
            rows = Math.min(rows, phase.windows.maxRows);
        }
        return rows;
    }

    /** Tile rows of the tallest phase. */
    int tilesHigh() {
        return phases[0].tilesHigh;
    }

    /** Tiles per row of the widest phase. */
    int tilesWide() {
        return phases[0].tilesWide;
    }

    /**
     * The planes, the transformed input of a chunk, the products of one weight panel, its outputs, F(4×4)'s
     * halfway sums (a vector is half an NR-wide panel) and a line of zipped outputs.
     */
    int scratchSize() {
        return lineOffset + tileSide * chunkTiles;
    }

    /**
     * Weight panels {@code [firstPanel, endPanel)} (output channels in MR-row panels) of tile rows
     * {@code [firstRow, firstRow + blockRows)} of one phase of one sample, activation included. A phase with
     * fewer tile rows than {@code firstRow} has nothing to do.
     *
     * @param input where the sample starts in {@code in}
     * @param output where the sample starts in {@code out}
     * @param weights {@link #transformWeights}'s packing
     * @param bias one value per output channel, padded by MR
     */
    void run(float[] in, int input, int phaseIndex, int firstRow, int blockRows, int firstPanel, int endPanel,
             float[] weights, float[] bias, Activation activation, float alpha, float[] out, int output,
             float[] scratch) {
        Phase phase = phases[phaseIndex];
        int rows = Math.min(blockRows, phase.tilesHigh - firstRow);
        if (rows <= 0 || phase.tilesWide == 0) {
            return;
        }
        phase.windows.copyPlanes(in, input, firstRow, rows, scratch);
        int gridColumns = rows * phase.tilesWide;
        int outChannels = g.outChannels();
        int pointSize = Gemm.panels(outChannels) * channels * Gemm.MR;
        int outputs = tileSide * tileSide;
        for (int from = 0; from < gridColumns; from += chunkTiles) {
            int count = Math.min(chunkTiles, gridColumns - from);
            int panels = (count + Gemm.NR - 1) / Gemm.NR;
            if (tileSide == LARGE_TILE) {
                VectorKernels.winogradInput6(scratch, phase.windows.rowStarts, channels, from, panels,
                        transformedOffset, channels * chunkTiles, stagingOffset);
            } else {
                VectorKernels.winogradInput(scratch, phase.windows.rowStarts, channels, from, panels, scratch,
                        transformedOffset, channels * chunkTiles);
            }
            for (int panel = firstPanel; panel < endPanel; panel++) {
                for (int point = 0; point < points; point++) {
                    int a = point * pointSize + panel * channels * Gemm.MR;
                    int b = transformedOffset + point * channels * chunkTiles;
                    int m = productsOffset + point * Gemm.MR * chunkTiles;
                    for (int p = 0; p < panels; p++) {
                        VectorKernels.tile(weights, a, scratch, b + p * channels * Gemm.NR, channels, ZEROS, 0, 0,
                                scratch, m + p * Gemm.NR, chunkTiles, Activation.NONE.clampBounds());
                    }
                }
                int tileRows = Math.min(Gemm.MR, outChannels - panel * Gemm.MR);
                for (int i = 0; i < tileRows; i++) {
                    int channel = panel * Gemm.MR + i;
                    if (tileSide == LARGE_TILE) {
                        VectorKernels.winogradOutput6(scratch, productsOffset + i * chunkTiles, Gemm.MR * chunkTiles,
                                panels * Gemm.NR, bias[channel], outputsOffset, chunkTiles, stagingOffset);
                    } else {
                        VectorKernels.winogradOutput(scratch, productsOffset + i * chunkTiles, Gemm.MR * chunkTiles,
                                panels * Gemm.NR, bias[channel], scratch, outputsOffset, chunkTiles);
                    }
                    // Here each of a tile's m² outputs is one run over the chunk, read in order.
                    for (int q = 0; q < outputs; q++) {
                        int row = outputsOffset + q * chunkTiles;
                        activation.apply(scratch, row, row + count, alpha);
                    }
                    scatter(scratch, outputsOffset, chunkTiles, phase, firstRow, from, count,
                            out, output + channel * g.outHeight() * g.outWidth());
                }
            }
        }
    }

    /**
     * Tiles {@code [from, from + count)} of a block's grid of one phase (its first tile row is
     * {@code firstRow}) to one output channel: m² rows of outputs per tile, {@code y[yOffset + (m·r + s)·yStride
     * + t]} for output (r, s) of tile t, each to its place, less those past the output's bottom or right edge.
     * On the Vector API by {@link #scatterRows}; on the scalar path (m = 2) a tile at a time.
     */
    private void scatter(float[] y, int yOffset, int yStride, Phase phase, int firstRow, int from, int count,
                         float[] out, int plane) {
        int outHeight = g.outHeight();
        int outWidth = g.outWidth();
        int dh = g.dilationHeight();
        int dw = g.dilationWidth();
        if (Simd.VECTOR) {
            scatterRows(y, yOffset, yStride, phase, firstRow, from, count, out, plane);
            return;
        }
        // The scalar path runs F(2×2) only: four outputs a tile, spelled out (a loop over a tile's rows and
        // columns made VggLike's scalar Winograd layers 13–25% slower).
        int ty = firstRow + from / phase.tilesWide;
        int tx = from % phase.tilesWide;
        for (int t = 0; t < count; t++) {
            int oy = phase.rowPhase + 2 * dh * ty;
            int ox = phase.columnPhase + 2 * dw * tx;
            int top = plane + oy * outWidth + ox;
            int at = yOffset + t;
            boolean right = ox + dw < outWidth;
            out[top] = y[at];
            if (right) {
                out[top + dw] = y[at + yStride];
            }
            if (oy + dh < outHeight) {
                out[top + dh * outWidth] = y[at + 2 * yStride];
                if (right) {
                    out[top + dh * outWidth + dw] = y[at + 3 * yStride];
                }
            }
            if (++tx == phase.tilesWide) {
                tx = 0;
                ty++;
            }
        }
    }

    /**
     * {@link #scatter} on the Vector API path, an output row of the tiles at a time: their m runs of that row's
     * outputs are zipped into one line ({@link VectorKernels#interleave} or {@link VectorKernels#interleave4},
     * {@link VectorKernels#LANES} tiles a step, through the chunk's last panel), and each tile row's piece of
     * the line goes to its place in the output, less the columns past its right edge: in one copy, or with
     * dilation d to every d-th column. Zipping straight into the output would need whole vectors of tiles
     * inside one tile row: F(4×4) at 28×28 has seven tiles a row, and F(2×2) at 7×7 four.
     */
    private void scatterRows(float[] y, int yOffset, int yStride, Phase phase, int firstRow, int from, int count,
                             float[] out, int plane) {
        int outWidth = g.outWidth();
        int dh = g.dilationHeight();
        int dw = g.dilationWidth();
        int phaseHeight = outputsInPhase(g.outHeight(), phase.rowPhase, dh);
        int phaseWidth = outputsInPhase(outWidth, phase.columnPhase, dw);
        int lanes = VectorKernels.LANES;
        for (int r = 0; r < tileSide; r++) {
            int first = yOffset + tileSide * r * yStride;
            for (int t = 0; t < count; t += lanes) {
                if (tileSide == LARGE_TILE) {
                    VectorKernels.interleave4(y, first + t, yStride, y, lineOffset + tileSide * t);
                } else {
                    VectorKernels.interleave(y, first + t, y, first + yStride + t, y, lineOffset + tileSide * t);
                }
            }
            for (int at = 0; at < count; ) {
                int ty = firstRow + (from + at) / phase.tilesWide;
                int tx0 = (from + at) % phase.tilesWide;
                int run = Math.min(phase.tilesWide - tx0, count - at);
                int row = tileSide * ty + r; // of the phase
                if (row < phaseHeight) {
                    int column = tileSide * tx0;
                    int outputs = Math.min(tileSide * run, phaseWidth - column);
                    int line = lineOffset + tileSide * at;
                    int to = plane + (phase.rowPhase + dh * row) * outWidth + phase.columnPhase + dw * column;
                    if (dw == 1) {
                        System.arraycopy(y, line, out, to, outputs);
                    } else {
                        for (int k = 0; k < outputs; k++) {
                            out[to + dw * k] = y[line + k];
                        }
                    }
                }
                at += run;
            }
        }
    }

    // ---- the scalar path ----------------------------------------------------------------------------------

    /** Where {@link #scalarRows}' layout puts the products, after the transformed input ... */
    private int firstProductRow() {
        return POINTS * channels;
    }

    /** ... one tile's 4×4 window per input channel, a row per window point ... */
    private int firstWindowRow() {
        return firstProductRow() + POINTS * Gemm.MR;
    }

    /** ... and eight rows of partial sums of the two transforms. */
    private int firstPartialRow() {
        return firstWindowRow() + POINTS;
    }

    /** Whether the scalar path runs this convolution by Winograd rather than by its GEMM. */
    static boolean scalarPays(ConvGeometry g) {
        if (!applies(g) || g.inChannels() > SCALAR_MAX_CHANNELS) {
            return false;
        }
        int tilesHigh = tiles(outputsInPhase(g.outHeight(), 0, g.dilationHeight()), SMALL_TILE);
        int tilesWide = tiles(outputsInPhase(g.outWidth(), 0, g.dilationWidth()), SMALL_TILE);
        return tilesHigh * tilesWide >= SCALAR_MIN_TILES;
    }

    /**
     * Row arrays of NC floats the scalar path needs: the transformed input of a chunk (point ξ, channel c at
     * row {@code ξ·channels + c}), the 16 products of one weight panel (point ξ, panel row i at
     * {@code firstProductRow() + ξ·MR + i}), a channel's 16 window rows, and 8 rows of partial sums.
     */
    int scalarRows() {
        return firstPartialRow() + 8;
    }

    /** Floats the scalar path needs: one output channel's four outputs per tile of a chunk, to scatter. */
    int scalarScratchSize() {
        return 4 * scalarChunkTiles;
    }

    /** Chunks of tiles per phase on the scalar path, counted on the largest phase. */
    int scalarChunks() {
        int tiles = phases[0].tilesHigh * phases[0].tilesWide;
        return (tiles + scalarChunkTiles - 1) / scalarChunkTiles;
    }

    /**
     * {@link #run} on the scalar path: weight panels {@code [firstPanel, endPanel)} of chunk {@code chunk}
     * (tiles {@code chunk·scalarChunkTiles} onwards, in row-major order) of one phase of one sample. Every loop
     * but the window gather and the scatter runs along a chunk's tiles with all its arrays indexed alike, so
     * HotSpot vectorizes it (see {@link Scratch}); the products are {@link Gemm#scalarPanel}.
     */
    void runScalar(float[] in, int input, int phaseIndex, int chunk, int firstPanel, int endPanel, float[] weights,
                   float[] bias, Activation activation, float alpha, float[] out, int output, Scratch scratch) {
        if (tileSide != SMALL_TILE) {
            throw new IllegalStateException("the scalar path runs F(2x2, 3x3) only, not tiles of side " + tileSide);
        }
        Phase phase = phases[phaseIndex];
        int from = chunk * scalarChunkTiles;
        int count = Math.min(scalarChunkTiles, phase.tilesHigh * phase.tilesWide - from);
        if (count <= 0) {
            return;
        }
        float[][] rows = scratch.blockRows;
        int plane = g.inHeight() * g.inWidth();
        for (int c = 0; c < channels; c++) {
            gatherWindows(in, input + c * plane, phase, from, count, rows);
            transformInputScalar(rows, c, count);
        }
        int outChannels = g.outChannels();
        int pointSize = Gemm.panels(outChannels) * channels * Gemm.MR;
        float[] y = scratch.floats;
        for (int panel = firstPanel; panel < endPanel; panel++) {
            int tileRows = Math.min(Gemm.MR, outChannels - panel * Gemm.MR);
            for (int point = 0; point < POINTS; point++) {
                int products = firstProductRow() + point * Gemm.MR;
                for (int i = 0; i < tileRows; i++) {
                    Arrays.fill(rows[products + i], 0, count, 0f);
                }
                Gemm.scalarPanel(weights, point * pointSize + panel * channels * Gemm.MR, Gemm.MR, tileRows, rows,
                        point * channels, channels, 0, count, rows, products);
            }
            for (int i = 0; i < tileRows; i++) {
                int channel = panel * Gemm.MR + i;
                transformOutputScalar(rows, i, count, bias[channel], scratch.accumulators);
                for (int q = 0; q < 4; q++) {
                    activation.apply(scratch.accumulators[q], 0, count, alpha);
                    System.arraycopy(scratch.accumulators[q], 0, y, q * scalarChunkTiles, count);
                }
                scatter(y, 0, scalarChunkTiles, phase, 0, from, count, out,
                        output + channel * g.outHeight() * g.outWidth());
            }
        }
    }

    /**
     * Window point (r, s) of tiles {@code [from, from + count)} of a phase, for one input channel, to window
     * row {@code 4r + s}: the input at row {@code rowPhase - padTop + dh·(2·ty + r)}, column
     * {@code columnPhase - padLeft + dw·(2·tx + s)}, or 0 in the padding. A tile row at a time, so each run
     * reads its input row at a fixed step.
     */
    private void gatherWindows(float[] in, int plane, Phase phase, int from, int count, float[][] rows) {
        int dh = g.dilationHeight();
        int dw = g.dilationWidth();
        int top = phase.rowPhase - g.padTop();
        int left = phase.columnPhase - g.padLeft();
        for (int at = 0; at < count; ) {
            int ty = (from + at) / phase.tilesWide;
            int tx = (from + at) % phase.tilesWide;
            int run = Math.min(phase.tilesWide - tx, count - at);
            for (int r = 0; r < 4; r++) {
                for (int s = 0; s < 4; s++) {
                    gatherRun(in, plane, top + dh * (2 * ty + r), left + dw * (2 * tx + s), 2 * dw, run,
                            rows[firstWindowRow() + 4 * r + s], at);
                }
            }
            at += run;
        }
    }

    /** {@code dst[at + t] = input[y][x0 + t·step]} for {@code t < run}, 0 where that lies outside the input. */
    private void gatherRun(float[] in, int plane, int y, int x0, int step, int run, float[] dst, int at) {
        int width = g.inWidth();
        int lo = Math.min(run, Math.max(0, Math.floorDiv(-x0 + step - 1, step)));
        int hi = Math.max(lo, Math.min(run, Math.floorDiv(width - 1 - x0, step) + 1));
        if (y < 0 || y >= g.inHeight()) {
            hi = lo;
        }
        Arrays.fill(dst, at, at + lo, 0f);
        int source = plane + y * width + x0;
        for (int t = lo; t < hi; t++) {
            dst[at + t] = in[source + t * step];
        }
        Arrays.fill(dst, at + hi, at + run, 0f);
    }

    /**
     * {@code V = Bᵀ d B} for one input channel from its window rows, in the order the Vector API kernel adds:
     * column j of {@code d B} first ({@code r_i = d[i][a] ± d[i][b]}), then {@code Bᵀ} mixes its rows into
     * points j, 4 + j, 8 + j and 12 + j.
     */
    private void transformInputScalar(float[][] rows, int channel, int count) {
        int d = firstWindowRow();
        float[] r0 = rows[firstPartialRow()];
        float[] r1 = rows[firstPartialRow() + 1];
        float[] r2 = rows[firstPartialRow() + 2];
        float[] r3 = rows[firstPartialRow() + 3];
        for (int j = 0; j < 4; j++) {
            int a = COLUMN_FIRST[j];
            int b = COLUMN_SECOND[j];
            boolean add = COLUMN_ADDS[j];
            combine(rows[d + a], rows[d + b], add, r0, count);
            combine(rows[d + 4 + a], rows[d + 4 + b], add, r1, count);
            combine(rows[d + 8 + a], rows[d + 8 + b], add, r2, count);
            combine(rows[d + 12 + a], rows[d + 12 + b], add, r3, count);
            combine(r0, r2, false, rows[j * channels + channel], count);
            combine(r1, r2, true, rows[(4 + j) * channels + channel], count);
            combine(r2, r1, false, rows[(8 + j) * channels + channel], count);
            combine(r1, r3, false, rows[(12 + j) * channels + channel], count);
        }
    }

    /** {@code to[n] = a[n] ± b[n]}: one loop HotSpot vectorizes. */
    private static void combine(float[] a, float[] b, boolean add, float[] to, int count) {
        if (add) {
            for (int n = 0; n < count; n++) {
                to[n] = a[n] + b[n];
            }
        } else {
            for (int n = 0; n < count; n++) {
                to[n] = a[n] - b[n];
            }
        }
    }

    /**
     * {@code Y = Aᵀ M A} plus the bias for panel row i's products, to {@code y[0..3]} (outputs y00, y01, y10,
     * y11 of each tile), in the order the Vector API kernel adds.
     */
    private void transformOutputScalar(float[][] rows, int i, int count, float bias, float[][] y) {
        int m = firstProductRow() + i;
        int partial = firstPartialRow();
        for (int j = 0; j < 4; j++) {
            // Aᵀ M: top row m0j + m1j + m2j, bottom row m1j - m2j - m3j.
            float[] m0 = rows[m + j * Gemm.MR];
            float[] m1 = rows[m + (4 + j) * Gemm.MR];
            float[] m2 = rows[m + (8 + j) * Gemm.MR];
            float[] m3 = rows[m + (12 + j) * Gemm.MR];
            float[] top = rows[partial + j];
            float[] bottom = rows[partial + 4 + j];
            for (int n = 0; n < count; n++) {
                top[n] = m0[n] + m1[n] + m2[n];
                bottom[n] = m1[n] - m2[n] - m3[n];
            }
        }
        for (int half = 0; half < 2; half++) {
            float[] s0 = rows[partial + 4 * half];
            float[] s1 = rows[partial + 4 * half + 1];
            float[] s2 = rows[partial + 4 * half + 2];
            float[] s3 = rows[partial + 4 * half + 3];
            float[] left = y[2 * half];
            float[] right = y[2 * half + 1];
            // (Aᵀ M) A: y_i0 = s_i0 + s_i1 + s_i2, y_i1 = s_i1 - s_i2 - s_i3.
            for (int n = 0; n < count; n++) {
                left[n] = s0[n] + s1[n] + s2[n] + bias;
                right[n] = s1[n] - s2[n] - s3[n] + bias;
            }
        }
    }
}
