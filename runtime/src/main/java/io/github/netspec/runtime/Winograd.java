package io.github.netspec.runtime;

/**
 * A 3×3 convolution at stride 1 by Winograd's minimal filtering F(2×2, 3×3) (Lavin and Gray, "Fast
 * Algorithms for Convolutional Neural Networks", 2015), on the Vector API path.
 *
 * <p>Each 2×2 block of outputs, a <em>tile</em>, comes from the 4×4 window d of input above it as
 * {@code Y = Aᵀ [Σc (G g_c Gᵀ) ⊙ (Bᵀ d_c B)] A}: 16 multiplies per input channel and tile where the
 * convolution takes 36. Summed over input channels, the elementwise product is 16 matrix products, one per
 * point ξ of the 4×4 transformed window: {@code M_ξ = U_ξ · V_ξ}, with {@code U_ξ} the transformed weights
 * (output × input channels, transformed and packed once at load time) and {@code V_ξ} the transformed input
 * (input channels × tiles). {@link VectorKernels#tile} runs those products at the speed it runs any GEMM, so
 * the layer takes about 16/36 of the multiply-adds, plus the two transforms, which are additions only.
 *
 * <p>The tiles' windows are the im2col of a 4×4 kernel at stride 2 over the input, so {@link ImplicitIm2col}
 * lays them out: with one plane per kernel column, a block of tile rows is a grid of consecutive tiles with
 * no junk column, and the input transform reads each window point of {@link VectorKernels#LANES} tiles as
 * one vector. Its planes are read once, by the transform, so a block may be much larger than the GEMM's.
 *
 * <p>A dilated 3×3 kernel (dilation d) is the same thing on each of the d×d <em>phases</em> of the output:
 * outputs whose row and column leave remainders (py, px) when divided by d read only inputs d apart, so a
 * tile is 2×2 outputs d apart, and its window 4×4 inputs d apart: im2col of a 4×4 kernel at dilation d and
 * stride 2d, its padding less (py, px). That needs the padding to be at least d - 1 on the top and left, as
 * "same" padding is.
 *
 * <p>Rounding differs from the plain sum: the transforms add and subtract inputs before the products, which
 * loses a few bits where neighbouring inputs nearly cancel. F(2×2, 3×3) stays within the tolerance the
 * kernels are tested to against PyTorch. The larger F(4×4, 3×3), whose transforms have larger coefficients
 * and lose more, is not used.
 */
final class Winograd {

    /** Points of a transformed 4×4 window: the number of matrix products. */
    static final int POINTS = 16;
    /** Floats the planes of one block may take: the whole input of most layers, read once. */
    private static final int PLANES_BUDGET = 1024 * 1024;
    /** Floats the transformed input of one chunk of tiles may take: 256 KiB, so it stays in L2. */
    private static final int TRANSFORMED_BUDGET = 64 * 1024;
    /** A tile of zeros (read with a leading dimension of 0) that the products start their sums from. */
    private static final float[] ZEROS = new float[Gemm.NR];

    private final ConvGeometry g;
    private final int channels;
    /** Per output phase (py, px), row-major: its tiles' windows and how many tiles it has. */
    private final Phase[] phases;
    /** Tiles transformed at once, in whole NR-wide panels. */
    private final int chunkTiles;
    /** Where the scratch holds, after the largest phase's planes, the transformed input of a chunk ... */
    private final int transformedOffset;
    /** ... the 16 products of one weight panel ... */
    private final int productsOffset;
    /** ... and the four outputs of each of the chunk's tiles for one output channel. */
    private final int outputsOffset;

    /** The outputs at rows {@code py + k·dh} and columns {@code px + k·dw}, in tiles of 2×2 of them. */
    private record Phase(int rowPhase, int columnPhase, int tilesHigh, int tilesWide, ImplicitIm2col windows) {}

    Winograd(ConvGeometry g) {
        if (!applies(g)) {
            throw new IllegalArgumentException(requirement(g));
        }
        this.g = g;
        this.channels = g.inChannels();
        int dh = g.dilationHeight();
        int dw = g.dilationWidth();
        this.phases = new Phase[dh * dw];
        int widest = 0;
        for (int py = 0; py < dh; py++) {
            for (int px = 0; px < dw; px++) {
                int tilesHigh = (outputsInPhase(g.outHeight(), py, dh) + 1) / 2;
                int tilesWide = (outputsInPhase(g.outWidth(), px, dw) + 1) / 2;
                // An output narrower than the dilation leaves some phases empty; their windows are never read.
                ConvGeometry windowGeometry = new ConvGeometry(channels, g.inHeight(), g.inWidth(), g.outChannels(),
                        Math.max(1, tilesHigh), Math.max(1, tilesWide), 4, 4, 2 * dh, 2 * dw, dh, dw,
                        g.padTop() - py, g.padLeft() - px, 1, PaddingMode.ZEROS);
                ImplicitIm2col windows = new ImplicitIm2col(windowGeometry, true, PLANES_BUDGET);
                phases[py * dw + px] = new Phase(py, px, tilesHigh, tilesWide, windows);
                widest = Math.max(widest, windows.maxRows * tilesWide);
            }
        }
        int fitting = TRANSFORMED_BUDGET / (POINTS * channels) / Gemm.NR * Gemm.NR;
        this.chunkTiles = Math.max(Gemm.NR, Math.min(fitting, Gemm.roundUp(widest, Gemm.NR)));
        int planes = 0;
        for (Phase phase : phases) {
            planes = Math.max(planes, phase.windows.planesSize());
        }
        this.transformedOffset = planes;
        this.productsOffset = transformedOffset + POINTS * channels * chunkTiles;
        this.outputsOffset = productsOffset + POINTS * Gemm.MR * chunkTiles;
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
     * {@code U_ξ = G g Gᵀ} for every output and input channel, each point's out × in matrix packed in MR-row
     * panels as {@link Gemm#pack} packs them, point after point. Worked in double, rounded once.
     *
     * @param weight PyTorch's layout {@code [out][in][3][3]}, batch norm already folded in
     */
    static float[] transformWeights(ConvGeometry g, float[] weight) {
        int outChannels = g.outChannels();
        int inChannels = g.inChannels();
        float[][] points = new float[POINTS][outChannels * inChannels];
        double[][] gg = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
        for (int oc = 0; oc < outChannels; oc++) {
            for (int c = 0; c < inChannels; c++) {
                int filter = (oc * inChannels + c) * 9;
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 4; j++) {
                        double sum = 0;
                        for (int y = 0; y < 3; y++) {
                            for (int x = 0; x < 3; x++) {
                                sum += gg[i][y] * weight[filter + y * 3 + x] * gg[j][x];
                            }
                        }
                        points[i * 4 + j][oc * inChannels + c] = (float) sum;
                    }
                }
            }
        }
        int pointSize = Gemm.panels(outChannels) * inChannels * Gemm.MR;
        float[] packed = new float[POINTS * pointSize];
        for (int point = 0; point < POINTS; point++) {
            Gemm.pack(points[point], 0, outChannels, inChannels, inChannels, packed, point * pointSize);
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

    /** The planes, the transformed input of a chunk, the 16 products of one weight panel, and its outputs. */
    int scratchSize() {
        return outputsOffset + 4 * chunkTiles;
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
        for (int from = 0; from < gridColumns; from += chunkTiles) {
            int count = Math.min(chunkTiles, gridColumns - from);
            int panels = (count + Gemm.NR - 1) / Gemm.NR;
            VectorKernels.winogradInput(scratch, phase.windows.rowStarts, channels, from, panels, scratch,
                    transformedOffset, channels * chunkTiles);
            for (int panel = firstPanel; panel < endPanel; panel++) {
                for (int point = 0; point < POINTS; point++) {
                    int a = point * pointSize + panel * channels * Gemm.MR;
                    int b = transformedOffset + point * channels * chunkTiles;
                    int m = productsOffset + point * Gemm.MR * chunkTiles;
                    for (int p = 0; p < panels; p++) {
                        VectorKernels.tile(weights, a, scratch, b + p * channels * Gemm.NR, channels, ZEROS, 0, 0,
                                scratch, m + p * Gemm.NR, chunkTiles);
                    }
                }
                int tileRows = Math.min(Gemm.MR, outChannels - panel * Gemm.MR);
                for (int i = 0; i < tileRows; i++) {
                    int channel = panel * Gemm.MR + i;
                    VectorKernels.winogradOutput(scratch, productsOffset + i * chunkTiles, Gemm.MR * chunkTiles,
                            panels * Gemm.NR, bias[channel], scratch, outputsOffset, chunkTiles);
                    // Here each of a tile's four outputs is one run over the chunk, read in order.
                    for (int q = 0; q < 4; q++) {
                        int row = outputsOffset + q * chunkTiles;
                        activation.apply(scratch, row, row + count, alpha);
                    }
                    scatter(scratch, outputsOffset, phase, firstRow, from, count,
                            out, output + channel * g.outHeight() * g.outWidth());
                }
            }
        }
    }

    /**
     * Tiles {@code [from, from + count)} of a block's grid of one phase (its first tile row is
     * {@code firstRow}) to one output channel: four rows of outputs {@code y00, y01, y10, y11} per tile,
     * {@code chunkTiles} apart, each to its place, less those past the output's bottom or right edge.
     */
    private void scatter(float[] y, int yOffset, Phase phase, int firstRow, int from, int count, float[] out,
                         int plane) {
        int outHeight = g.outHeight();
        int outWidth = g.outWidth();
        int dh = g.dilationHeight();
        int dw = g.dilationWidth();
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
                out[top + dw] = y[at + chunkTiles];
            }
            if (oy + dh < outHeight) {
                out[top + dh * outWidth] = y[at + 2 * chunkTiles];
                if (right) {
                    out[top + dh * outWidth + dw] = y[at + 3 * chunkTiles];
                }
            }
            if (++tx == phase.tilesWide) {
                tx = 0;
                ty++;
            }
        }
    }
}
