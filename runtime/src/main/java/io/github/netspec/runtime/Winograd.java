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
 * <p>Rounding differs from the plain sum: the transforms add and subtract inputs before the products, which
 * loses a few bits where neighbouring inputs nearly cancel. F(2×2, 3×3) keeps that within the tolerance the
 * kernels are tested to; the larger F(4×4, 3×3) would not reliably.
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
    private final ImplicitIm2col windows;
    private final int channels;
    private final int tilesHigh;
    private final int tilesWide;
    /** Tiles transformed at once, in whole NR-wide panels. */
    private final int chunkTiles;

    Winograd(ConvGeometry g) {
        if (!applies(g)) {
            throw new IllegalArgumentException("Winograd F(2x2, 3x3) needs a 3x3 kernel, stride 1, dilation 1, "
                    + "one group and zero padding, not " + g);
        }
        this.g = g;
        this.channels = g.inChannels();
        this.tilesHigh = (g.outHeight() + 1) / 2;
        this.tilesWide = (g.outWidth() + 1) / 2;
        ConvGeometry windowGeometry = new ConvGeometry(channels, g.inHeight(), g.inWidth(), g.outChannels(),
                tilesHigh, tilesWide, 4, 4, 2, 2, 1, 1, g.padTop(), g.padLeft(), 1, PaddingMode.ZEROS);
        this.windows = new ImplicitIm2col(windowGeometry, true, PLANES_BUDGET);
        int fitting = TRANSFORMED_BUDGET / (POINTS * channels) / Gemm.NR * Gemm.NR;
        this.chunkTiles = Math.max(Gemm.NR, Math.min(fitting, Gemm.roundUp(windows.maxRows * tilesWide, Gemm.NR)));
    }

    /** Whether F(2×2, 3×3) computes this convolution. */
    static boolean applies(ConvGeometry g) {
        return g.kernelHeight() == 3 && g.kernelWidth() == 3 && g.strideHeight() == 1 && g.strideWidth() == 1
                && g.dilationHeight() == 1 && g.dilationWidth() == 1 && g.groups() == 1
                && g.paddingMode() == PaddingMode.ZEROS;
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

    /** The most tile rows one block holds, for one thread. */
    int maxBlockRows() {
        return windows.maxRows;
    }

    int tilesHigh() {
        return tilesHigh;
    }

    int tilesWide() {
        return tilesWide;
    }

    /** The planes, the transformed input of a chunk, the 16 products of one weight panel, and its outputs. */
    int scratchSize() {
        return outputsOffset() + 4 * chunkTiles;
    }

    private int transformedOffset() {
        return windows.planesSize();
    }

    private int productsOffset() {
        return transformedOffset() + POINTS * channels * chunkTiles;
    }

    private int outputsOffset() {
        return productsOffset() + POINTS * Gemm.MR * chunkTiles;
    }

    /**
     * Weight panels {@code [firstPanel, endPanel)} (output channels in MR-row panels) of tile rows
     * {@code [firstRow, firstRow + rows)} of one sample, without the activation.
     *
     * @param input where the sample starts in {@code in}
     * @param output where the sample starts in {@code out}
     * @param weights {@link #transformWeights}'s packing
     * @param bias one value per output channel, padded by MR
     */
    void run(float[] in, int input, int firstRow, int rows, int firstPanel, int endPanel, float[] weights,
             float[] bias, float[] out, int output, float[] scratch) {
        windows.copyPlanes(in, input, firstRow, rows, scratch);
        int gridColumns = rows * tilesWide;
        int outChannels = g.outChannels();
        int pointSize = Gemm.panels(outChannels) * channels * Gemm.MR;
        for (int from = 0; from < gridColumns; from += chunkTiles) {
            int count = Math.min(chunkTiles, gridColumns - from);
            int panels = (count + Gemm.NR - 1) / Gemm.NR;
            VectorKernels.winogradInput(scratch, windows.rowStarts, channels, from, panels, scratch,
                    transformedOffset(), channels * chunkTiles);
            for (int panel = firstPanel; panel < endPanel; panel++) {
                for (int point = 0; point < POINTS; point++) {
                    int a = point * pointSize + panel * channels * Gemm.MR;
                    int b = transformedOffset() + point * channels * chunkTiles;
                    int m = productsOffset() + point * Gemm.MR * chunkTiles;
                    for (int p = 0; p < panels; p++) {
                        VectorKernels.tile(weights, a, scratch, b + p * channels * Gemm.NR, channels, ZEROS, 0, 0,
                                scratch, m + p * Gemm.NR, chunkTiles);
                    }
                }
                int tileRows = Math.min(Gemm.MR, outChannels - panel * Gemm.MR);
                for (int i = 0; i < tileRows; i++) {
                    int channel = panel * Gemm.MR + i;
                    VectorKernels.winogradOutput(scratch, productsOffset() + i * chunkTiles, Gemm.MR * chunkTiles,
                            panels * Gemm.NR, bias[channel], scratch, outputsOffset(), chunkTiles);
                    scatter(scratch, outputsOffset(), firstRow, from, count,
                            out, output + channel * g.outHeight() * g.outWidth());
                }
            }
        }
    }

    /**
     * Tiles {@code [from, from + count)} of a block's grid (its first tile row is {@code firstRow}) to one
     * output channel: four rows of outputs {@code y00, y01, y10, y11} per tile, {@code chunkTiles} apart,
     * each to its place, less the row and column past an odd output's edge.
     */
    private void scatter(float[] y, int yOffset, int firstRow, int from, int count, float[] out, int plane) {
        int outHeight = g.outHeight();
        int outWidth = g.outWidth();
        int ty = firstRow + from / tilesWide;
        int tx = from % tilesWide;
        for (int t = 0; t < count; t++) {
            int oy = 2 * ty;
            int ox = 2 * tx;
            int top = plane + oy * outWidth + ox;
            int at = yOffset + t;
            boolean right = ox + 1 < outWidth;
            out[top] = y[at];
            if (right) {
                out[top + 1] = y[at + chunkTiles];
            }
            if (oy + 1 < outHeight) {
                out[top + outWidth] = y[at + 2 * chunkTiles];
                if (right) {
                    out[top + outWidth + 1] = y[at + 3 * chunkTiles];
                }
            }
            if (++tx == tilesWide) {
                tx = 0;
                ty++;
            }
        }
    }
}
