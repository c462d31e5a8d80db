package io.github.netspec.runtime;

/**
 * The scalar path's GEMM for a convolution whose output planes have few pixels (ResNet-18's and MobileNetV2's
 * 7×7 layers). {@link Gemm#multiplyBlock} runs its auto-vectorized inner loop along a row of output pixels, and
 * over 49 of them that loop is mostly its own start and tail: ResNet-18's 512→512 3×3 layers ran at 19 GFLOP/s
 * where its 28×28 ones run at 47–65. This computes the same product turned around, {@code Cᵀ = im2colᵀ·Wᵀ}:
 * tiles of MR output pixels are A's panels, and the weights, stored as one row of output channels per k, are
 * B, so the inner loop ({@link Gemm#scalarPanel}) runs along the output channels. On one core (Zen 3, scalar
 * path, fastest of 20 runs) those layers took 7.2–8.5 ms instead of 12.4–12.9, MobileNetV2's 320→1280 1×1 layer
 * 1.4 ms instead of 1.9–2.0; at 14×14 the usual product was as fast or faster (MobileNetV2's 384→64: 0.33 ms
 * against 0.70 turned around), hence {@link #MAX_PIXELS}.
 *
 * <p>Each output is the same chain of fused multiply-adds, in the same order of k and the same KC-deep blocks,
 * as {@link Gemm#multiplyBlock} forms it, so both give the same bits.
 */
final class FewPixelsGemm {

    /** The most output pixels a plane may have for this product: 8×8. */
    static final int MAX_PIXELS = 64;
    /**
     * Output channels swept at a time: a KC-deep block of that many weight columns (256 KiB) stays in L2 while
     * every tile of pixels reads it. Sweeps of 64 channels took ResNet-18's 512→512 7×7 layer 13.5 ms, of 128
     * 7.9–8.5, of 256 7.2 (one process each).
     */
    static final int CHANNELS_PER_SWEEP = 256;

    private final int pixels;
    private final int channels;
    /** {@code [k][channel]}: one row of B per im2col row, so every array in the inner loop is indexed alike. */
    private final float[][] weightRows;

    /** @param folded PyTorch's {@code [out][in][kh][kw]}, any batch norm folded in; one group */
    FewPixelsGemm(ConvGeometry g, float[] folded) {
        if (!applies(g)) {
            throw new IllegalArgumentException("the few-pixels GEMM needs one group and at most " + MAX_PIXELS
                    + " output pixels, not " + g);
        }
        this.pixels = g.outHeight() * g.outWidth();
        this.channels = g.outChannels();
        int depth = folded.length / channels;
        this.weightRows = new float[depth][channels];
        for (int n = 0; n < channels; n++) {
            for (int k = 0; k < depth; k++) {
                weightRows[k][n] = folded[n * depth + k];
            }
        }
    }

    static boolean applies(ConvGeometry g) {
        return g.groups() == 1 && g.outHeight() * g.outWidth() <= MAX_PIXELS;
    }

    private int tiles() {
        return (pixels + Gemm.MR - 1) / Gemm.MR;
    }

    /**
     * Tasks a batch splits into: a sample each, unless the samples leave a team's threads uneven; then each
     * sample's tiles of pixels in as many pieces as deal every thread the same number of tasks. Every piece
     * reads all the weights but runs the inner loop along all the output channels: split by channels instead,
     * MobileNetV2's 160-channel 7×7 layers ran half-length rows, and the network's fastest call at batch 1 on
     * two threads took 20–22 ms against 18 with the usual product.
     */
    int tasks(int batch, int threads) {
        if (threads == 1 || batch >= 2 * threads) {
            return batch;
        }
        return batch * Math.min(tiles(), threads / ConvKernel.greatestCommonDivisor(batch, threads));
    }

    /** The first output pixel of piece {@code piece} of {@code pieces}: a whole number of tiles in. */
    int firstPixel(int piece, int pieces) {
        return Math.min(pixels, piece * tiles() / pieces * Gemm.MR);
    }

    /** Floats of one KC-deep block of im2col, packed as MR-pixel panels. */
    int scratchSize() {
        return tiles() * Gemm.MR * Gemm.KC;
    }

    /** Rows of sums: one per output pixel. */
    int accumulatorRows() {
        return pixels;
    }

    /** Width of a row of sums: one per output channel. */
    int accumulatorWidth() {
        return channels;
    }

    /** Starts the sums of {@code count} pixels (rows {@code [0, count)}) from the bias. */
    void start(float[] bias, int count, float[][] sums) {
        for (int p = 0; p < count; p++) {
            System.arraycopy(bias, 0, sums[p], 0, channels);
        }
    }

    /**
     * Adds im2col rows {@code [k0, k0 + kc)} of {@code count} pixels, as {@link Scratch#blockRows} holds them
     * (row {@code k - k0}, one value per pixel), times the weights into the sums.
     */
    void addBlock(float[][] blockRows, int k0, int kc, int count, float[] packed, float[][] sums) {
        int tiles = (count + Gemm.MR - 1) / Gemm.MR;
        for (int tile = 0; tile < tiles; tile++) {
            int first = tile * Gemm.MR;
            int rows = Math.min(Gemm.MR, count - first);
            int panel = tile * kc * Gemm.MR;
            for (int k = 0; k < kc; k++) {
                float[] row = blockRows[k];
                for (int i = 0; i < rows; i++) {
                    packed[panel + k * Gemm.MR + i] = row[first + i];
                }
            }
        }
        for (int sweep = 0; sweep < channels; sweep += CHANNELS_PER_SWEEP) {
            int sweepEnd = Math.min(channels, sweep + CHANNELS_PER_SWEEP);
            for (int tile = 0; tile < tiles; tile++) {
                int first = tile * Gemm.MR;
                Gemm.scalarPanel(packed, tile * kc * Gemm.MR, Gemm.MR, Math.min(Gemm.MR, count - first),
                        weightRows, k0, kc, sweep, sweepEnd, sums, first);
            }
        }
    }

    /**
     * Writes the sums of pixels {@code [firstPixel, firstPixel + count)} to the channels-first output at
     * {@code out[output]}, then the activation over each channel's run of them.
     */
    void finish(float[][] sums, int firstPixel, int count, float[] out, int output, Activation activation,
                float alpha) {
        for (int n = 0; n < channels; n++) {
            int run = output + n * pixels + firstPixel;
            for (int p = 0; p < count; p++) {
                out[run + p] = sums[p][n];
            }
            activation.apply(out, run, run + count, alpha);
        }
    }
}
