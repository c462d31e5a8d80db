package io.github.netspec.runtime;

import java.util.Arrays;

/**
 * A 1×1 convolution at stride 1 that writes a channels-last tensor ({@code [pixel][channel]}), reading one
 * either channels-last or channels-first. It is the matrix product {@code out[p][n] = bias[n] + Σk x(p, k)·w[n][k]}
 * with the pixels as A's rows and the weights as B, so the weights are packed once at load time into NR-wide
 * panels (as {@link DenseKernel} keeps a dense layer's) and the inputs are read where they lie
 * ({@link ChannelsLastKernels#pointwiseTile}): no call packs anything but a sample's last few pixels.
 *
 * <p>A task is a block of up to {@link #TILES_PER_BLOCK} tiles of MR pixels of one sample, which every weight
 * panel goes over in turn while the block's inputs stay in L1. A last panel of one vector of channels has a
 * kernel of its own; a tile of fewer than MR pixels (a sample's last) and any other narrow last panel are
 * summed into scratch and copied, so no store reaches past the pixels and channels a task owns.
 */
final class ChannelsLastPointwise implements TaskKernel {

    /** Tiles of MR pixels a task runs each weight panel over: 48 pixels, whose inputs stay in L1. */
    static final int TILES_PER_BLOCK = 8;

    private final ConvGeometry g;
    private final int depth;
    private final int channels;
    private final int pixels;
    private final boolean inputChannelsLast;
    /** {@code [n / NR][k][n % NR]}, channels padded to NR. */
    private final float[] panels;
    /** One value per channel, padded with zeros to a whole panel. */
    private final float[] bias;
    private final Activation activation;
    private final float alpha;

    /**
     * @param folded PyTorch's {@code [out][in][1][1]}, any batch norm already folded in
     * @param bias one value per output channel (at least)
     * @param inputChannelsLast whether the input is {@code [pixel][channel]} rather than {@code [channel][pixel]}
     */
    ChannelsLastPointwise(ConvGeometry g, float[] folded, float[] bias, Activation activation, float alpha,
                          boolean inputChannelsLast) {
        if (!Simd.VECTOR) {
            throw new IllegalStateException("channels-last kernels run on the Vector API path only");
        }
        if (!applies(g)) {
            throw new IllegalArgumentException("a channels-last pointwise convolution needs a 1x1 kernel at stride 1"
                    + " with no padding and one group, not " + g);
        }
        this.g = g;
        this.depth = g.inChannels();
        this.channels = g.outChannels();
        this.pixels = g.outHeight() * g.outWidth();
        this.inputChannelsLast = inputChannelsLast;
        int padded = Gemm.roundUp(channels, Gemm.NR);
        this.panels = new float[depth * padded];
        for (int n = 0; n < channels; n++) {
            for (int k = 0; k < depth; k++) {
                panels[(n / Gemm.NR * depth + k) * Gemm.NR + n % Gemm.NR] = folded[n * depth + k];
            }
        }
        this.bias = Arrays.copyOf(bias, padded);
        Arrays.fill(this.bias, channels, padded, 0f);
        this.activation = activation;
        this.alpha = alpha;
    }

    /** Whether a geometry is a plain matrix product per pixel: 1×1, stride 1, no padding, one group. */
    static boolean applies(ConvGeometry g) {
        return g.kernelHeight() == 1 && g.kernelWidth() == 1 && g.strideHeight() == 1 && g.strideWidth() == 1
                && g.padTop() == 0 && g.padLeft() == 0 && g.groups() == 1 && g.inHeight() == g.outHeight()
                && g.inWidth() == g.outWidth();
    }

    private int tilesPerSample() {
        return (pixels + Gemm.MR - 1) / Gemm.MR;
    }

    /**
     * Tiles per task: a whole block on one thread; for a team, fewer until every thread has a few tasks (a
     * 7×7 layer is nine tiles a sample).
     */
    private int tilesPerBlock(int batch, int threads) {
        if (threads == 1) {
            return TILES_PER_BLOCK;
        }
        long tiles = (long) batch * tilesPerSample();
        long wanted = (tiles + (long) threads * ThreadTeam.TASKS_PER_THREAD - 1)
                / ((long) threads * ThreadTeam.TASKS_PER_THREAD);
        return (int) Math.max(1, Math.min(TILES_PER_BLOCK, wanted));
    }

    private int blocksPerSample(int tilesPerBlock) {
        return (tilesPerSample() + tilesPerBlock - 1) / tilesPerBlock;
    }

    @Override
    public int tasks(int batch, int threads) {
        return batch * blocksPerSample(tilesPerBlock(batch, threads));
    }

    @Override
    public long multiplyAdds(int batch) {
        return (long) batch * pixels * depth * channels;
    }

    /** A short tile's packed inputs, then a tile of sums for the edges. */
    @Override
    public int scratchSize() {
        return Gemm.MR * depth + Gemm.MR * Gemm.NR;
    }

    @Override
    public void run(int from, int to, int threads, float[] in, int inOffset, float[] out, int outOffset, int batch,
                    Scratch scratch) {
        int tilesPerBlock = tilesPerBlock(batch, threads);
        int blocks = blocksPerSample(tilesPerBlock);
        for (int task = from; task < to; task++) {
            int sample = task / blocks;
            int firstTile = task % blocks * tilesPerBlock;
            int tiles = Math.min(tilesPerBlock, tilesPerSample() - firstTile);
            int input = inOffset + sample * g.inSize();
            int output = outOffset + sample * g.outSize();
            block(firstTile, tiles, in, input, out, output, scratch.floats);
        }
    }

    /** Pixels {@code [tile·MR, ..)} of a tile: MR, or fewer for a sample's last. */
    private int tileRows(int tile) {
        return Math.min(Gemm.MR, pixels - tile * Gemm.MR);
    }

    /**
     * The inputs of a tile's pixels as an MR-row panel ({@code [k][i]}) at {@code packed[at]}, rows past the
     * last pixel zero: a sample's last tile, when it has fewer than MR pixels.
     */
    private void packTile(int tile, float[] in, int input, float[] packed, int at) {
        int first = tile * Gemm.MR;
        int count = tileRows(tile);
        if (inputChannelsLast) {
            Gemm.pack(in, input + first * depth, count, depth, depth, packed, at);
            return;
        }
        // Channels first: input k of pixel p is at k·pixels + p, so a k's MR values lie side by side.
        for (int k = 0; k < depth; k++) {
            for (int i = 0; i < Gemm.MR; i++) {
                packed[at + k * Gemm.MR + i] = i < count ? in[input + k * pixels + first + i] : 0f;
            }
        }
    }

    /**
     * Tiles {@code [firstTile, firstTile + tiles)}: each weight panel in turn over all of them, so it is read
     * from memory once a block. Whole tiles read their pixels where they lie; a short last tile is packed with
     * zero rows and, like a last panel narrower than NR, summed into scratch and copied.
     */
    private void block(int firstTile, int tiles, float[] in, int input, float[] out, int output, float[] scratch) {
        int lastTile = firstTile + tiles - 1;
        boolean shortLast = tileRows(lastTile) < Gemm.MR;
        if (shortLast) {
            packTile(lastTile, in, input, scratch, 0);
        }
        int edge = Gemm.MR * depth;
        int pixelStep = inputChannelsLast ? depth : 1;
        int channelStep = inputChannelsLast ? 1 : pixels;
        float low = activation.clampLow();
        float high = activation.clampHigh();
        for (int n = 0; n < channels; n += Gemm.NR) {
            int width = Math.min(Gemm.NR, channels - n);
            int panel = n * depth;
            for (int tile = firstTile; tile <= lastTile; tile++) {
                int rowCount = tileRows(tile);
                int at = output + tile * Gemm.MR * channels + n;
                if (rowCount == Gemm.MR && width == Gemm.NR) {
                    ChannelsLastKernels.pointwiseTile(in, input + tile * Gemm.MR * pixelStep, pixelStep, channelStep,
                            depth, panels, panel, bias, n, out, at, channels, low, high);
                    continue;
                }
                if (rowCount == Gemm.MR && width == VectorKernels.LANES) {
                    ChannelsLastKernels.pointwiseTileHalf(in, input + tile * Gemm.MR * pixelStep, pixelStep,
                            channelStep, depth, panels, panel, bias, n, out, at, channels, low, high);
                    continue;
                }
                if (rowCount == Gemm.MR) {
                    ChannelsLastKernels.pointwiseTile(in, input + tile * Gemm.MR * pixelStep, pixelStep, channelStep,
                            depth, panels, panel, bias, n, scratch, edge, Gemm.NR, low, high);
                } else {
                    VectorKernels.tile(scratch, 0, panels, panel, depth, bias, n, 0, scratch, edge, Gemm.NR,
                            activation.clampBounds());
                }
                for (int i = 0; i < rowCount; i++) {
                    System.arraycopy(scratch, edge + i * Gemm.NR, out, at + i * channels, width);
                }
            }
        }
        if (!activation.isClamp()) {
            int start = output + firstTile * Gemm.MR * channels;
            int end = output + Math.min(pixels, (lastTile + 1) * Gemm.MR) * channels;
            activation.apply(out, start, end, alpha);
        }
    }
}
