package io.github.netspec.runtime;

import java.util.Arrays;

/**
 * A depthwise convolution over channels-last tensors: a sample is {@code [height][width][channels]}, what
 * PyTorch calls {@code channels_last} and ONNX Runtime's CPU kernels NHWC. A vector then holds one pixel's
 * neighbouring channels, each with its own filter, so every tap is one load and one multiply-add whatever
 * the stride: no shuffles, no masks at the row ends, and no lanes lost to a row narrower than a vector, which
 * is what bounds the channels-first kernels ({@link MaskedDepthwise}, {@link Stride2Depthwise}).
 *
 * <p>Weights are kept as {@code [ky][kx][channel]}, a tap's filters side by side. A task is a run of output
 * rows. Each row splits into inner columns, whose taps all fall inside the input, and the edge columns on
 * either side. A 3×3 filter at stride 1 or 2 runs eight or four inner pixels at once
 * ({@link ChannelsLastKernels}), sharing each loaded input between the pixels whose windows overlap, and reads
 * a row of zeros for taps above or below the input; other filters and the edge columns run a pixel at a time
 * over the taps inside.
 *
 * <p>A Vector API path kernel: see {@link ChannelsLast} for why the scalar path stays channels-first.
 */
final class ChannelsLastDepthwise implements TaskKernel {

    /** Floats in a 64-byte cache line. */
    private static final int CACHE_LINE_FLOATS = 16;

    /**
     * Bytes of a batch's input above which {@link #touchRows} runs. Smaller inputs were just written by the
     * layer before and are still in L3, where touching them first only costs time. MobileNetV2's 96-channel
     * 112×112 stride-2 layer alone, with and without the touch (one core, Zen 3, 32 MB L3, fastest of 200–1600
     * calls, each reading the input the last one read; one process each): batch 1 (4.8 MB) 308 and 262 µs,
     * batch 2 (9.6 MB) 677 and 603, batch 4 (19 MB) 2835 and 2988, batch 8 4658 and 6331. The bound lies
     * between the last size that lost by it and the first that gained. On an input evicted from every cache
     * the touch pays at any size (batch 1: 414 against 622 µs). Inside MobileNetV2, which runs one sample at a
     * time through the network, the layer took 0.348–0.367 ms with the touch and 0.290–0.293 without.
     */
    static final long CACHED_INPUT_BYTES = 12L << 20;

    private final ConvGeometry g;
    private final int channels;
    /** {@code [ky][kx][channel]}. */
    private final float[] weights;
    private final float[] bias;
    private final Activation activation;
    private final float alpha;
    /** Output columns {@code [firstInner, endInner)} read no padding: every tap falls inside the input row. */
    private final int firstInner;
    private final int endInner;
    /**
     * A 3×3 filter at dilation 1, column stride 1 or 2 and padding 1 above, on an input of two rows or more,
     * whose windows' middle rows all fall inside the input: what the kernels for runs of pixels take.
     */
    private final boolean runsOfPixels;
    /**
     * A row of zeros for the taps above or below the input: as many pixels' channels as the eight-pixel kernel
     * reads at stride 2, seventeen.
     */
    private final float[] zeros;

    /**
     * @param folded PyTorch's {@code [channels][1][kh][kw]}, any batch norm already folded in
     * @param bias one value per channel
     */
    ChannelsLastDepthwise(ConvGeometry g, float[] folded, float[] bias, Activation activation, float alpha) {
        if (!Simd.VECTOR) {
            throw new IllegalStateException("channels-last kernels run on the Vector API path only");
        }
        if (!applies(g)) {
            throw new IllegalArgumentException("a channels-last depthwise convolution needs groups == in channels"
                    + " == out channels and zero padding, not " + g);
        }
        this.g = g;
        this.channels = g.inChannels();
        this.weights = tapsOutermost(folded, channels, g.kernelHeight() * g.kernelWidth());
        this.bias = Arrays.copyOf(bias, channels);
        this.activation = activation;
        this.alpha = alpha;
        int span = (g.kernelWidth() - 1) * g.dilationWidth();
        this.firstInner = Math.min(g.outWidth(), ceilDiv(g.padLeft(), g.strideWidth()));
        int lastInner = Math.floorDiv(g.inWidth() - 1 + g.padLeft() - span, g.strideWidth());
        this.endInner = Math.max(firstInner, Math.min(g.outWidth(), lastInner + 1));
        this.runsOfPixels = g.kernelHeight() == 3 && g.kernelWidth() == 3 && g.dilationHeight() == 1
                && g.dilationWidth() == 1 && (g.strideWidth() == 1 || g.strideWidth() == 2) && g.padTop() == 1
                && g.inHeight() >= 2 && (g.outHeight() - 1) * g.strideHeight() < g.inHeight();
        this.zeros = new float[runsOfPixels ? 17 * channels : 0];
    }

    /** Whether a geometry can run here: one filter per channel (no channel multiplier), zero padding. */
    static boolean applies(ConvGeometry g) {
        return g.groups() == g.inChannels() && g.outChannels() == g.inChannels()
                && g.paddingMode() == PaddingMode.ZEROS;
    }

    private static float[] tapsOutermost(float[] folded, int channels, int taps) {
        float[] byTap = new float[taps * channels];
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < taps; t++) {
                byTap[t * channels + c] = folded[c * taps + t];
            }
        }
        return byTap;
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    @Override
    public int tasks(int batch, int threads) {
        int rows = batch * g.outHeight();
        return threads == 1 ? 1 : Math.min(rows, ThreadTeam.TASKS_PER_THREAD * threads);
    }

    @Override
    public long multiplyAdds(int batch) {
        return (long) batch * g.outSize() * g.kernelHeight() * g.kernelWidth();
    }

    /** One float, where {@link #touchRows} leaves its sum. */
    @Override
    public int scratchSize() {
        return 1;
    }

    @Override
    public void run(int from, int to, int threads, float[] in, int inOffset, float[] out, int outOffset, int batch,
                    Scratch scratch) {
        int rows = batch * g.outHeight();
        int tasks = tasks(batch, threads);
        int end = ThreadTeam.share(to, tasks, rows);
        boolean touches = (long) batch * g.inSize() * Float.BYTES > CACHED_INPUT_BYTES;
        for (int row = ThreadTeam.share(from, tasks, rows); row < end; row++) {
            int sample = row / g.outHeight();
            int oy = row % g.outHeight();
            int input = inOffset + sample * g.inSize();
            int output = outOffset + sample * g.outSize() + oy * g.outWidth() * channels;
            if (touches) {
                touchRows(oy + 1, in, input, scratch.floats);
            }
            outputRow(oy, in, input, out, output);
            if (!activation.isClamp()) {
                activation.apply(out, output, output + g.outWidth() * channels, alpha);
            }
        }
    }

    /**
     * Reads one float per cache line of the input rows that output row {@code oy} needs and the row before it
     * did not, so that they are on their way from memory while that row is computed. The kernels read each
     * input row in bursts a pixel (C floats) apart, an order the hardware prefetchers do not follow; a plain
     * loop over the rows they do. With the inputs out of cache (a batch of eight), MobileNetV2's 144-channel
     * 56×56 layer took 5.7 ms without this and 4.5 with it, the 192-channel 28×28 one 2.8 and 1.2 (one core,
     * Zen 3, each layer then running on the whole batch at once). Inputs still in cache lose by it, so it runs
     * only past {@link #CACHED_INPUT_BYTES}. The sum goes to scratch so the loads stay.
     */
    private void touchRows(int oy, float[] in, int input, float[] scratch) {
        if (oy >= g.outHeight()) {
            return;
        }
        int rowStep = g.inWidth() * channels;
        int last = oy * g.strideHeight() - g.padTop() + (g.kernelHeight() - 1) * g.dilationHeight();
        int first = Math.max(0, last - g.strideHeight() + 1);
        last = Math.min(last, g.inHeight() - 1);
        float sum = 0f;
        for (int i = input + first * rowStep; i < input + (last + 1) * rowStep; i += CACHE_LINE_FLOATS) {
            sum += in[i];
        }
        scratch[0] = sum;
    }

    /** Output row {@code oy} of the sample at {@code in[input]}, written from {@code out[output]}. */
    private void outputRow(int oy, float[] in, int input, float[] out, int output) {
        int top = oy * g.strideHeight() - g.padTop();
        int firstTapRow = Math.max(0, ceilDiv(-top, g.dilationHeight()));
        int endTapRow = Math.min(g.kernelHeight(), Math.floorDiv(g.inHeight() - 1 - top, g.dilationHeight()) + 1);
        float low = activation.clampLow();
        float high = activation.clampHigh();
        int ox = 0;
        for (; ox < firstInner; ox++) {
            pixel(oy, ox, firstTapRow, endTapRow, in, input, out, output, low, high);
        }
        if (runsOfPixels && endInner - firstInner >= 4) { // narrower rows: the pixel kernel alone
            pixelRuns(top, in, input, out, output, low, high);
            ox = endInner;
        }
        for (; ox < g.outWidth(); ox++) {
            pixel(oy, ox, firstTapRow, endTapRow, in, input, out, output, low, high);
        }
    }

    /**
     * The inner columns of an output row whose window starts at input row {@code top}, eight pixels at a time,
     * then four: the last run ends at endInner, redoing a few pixels (with the same bits) rather than leaving
     * them to the pixel kernel, which costs several times as much a pixel. A row of taps over the padding
     * reads zeros.
     */
    private void pixelRuns(int top, float[] in, int input, float[] out, int output, float low, float high) {
        int ox = firstInner;
        while (ox < endInner) {
            // Five to seven left after runs of eight: one more, moved back; four or fewer: a run of four.
            int left = endInner - ox;
            int pixels = left >= 8 || endInner - firstInner >= 8 && left > 4 ? 8 : 4;
            ox = Math.min(ox, endInner - pixels);
            pixelRun(top, ox, pixels, in, input, out, output, low, high);
            ox += pixels;
        }
    }

    /** {@code pixels} (four or eight) inner pixels from output column {@code ox}. */
    private void pixelRun(int top, int ox, int pixels, float[] in, int input, float[] out, int output, float low,
                          float high) {
        int rowStep = g.inWidth() * channels;
        boolean topInside = top >= 0;
        boolean bottomInside = top + 2 < g.inHeight();
        int middle = input + (top + 1) * rowStep + (ox * g.strideWidth() - g.padLeft()) * channels;
        float[] upper = topInside ? in : zeros;
        int atUpper = topInside ? middle - rowStep : 0;
        float[] lower = bottomInside ? in : zeros;
        int atLower = bottomInside ? middle + rowStep : 0;
        if (pixels == 8) {
            ChannelsLastKernels.depthwise3x3Eights(upper, atUpper, in, middle, lower, atLower, channels,
                    g.strideWidth(), weights, bias, out, output + ox * channels, low, high);
        } else {
            ChannelsLastKernels.depthwise3x3Fours(upper, atUpper, in, middle, lower, atLower, channels,
                    g.strideWidth(), weights, bias, out, output + ox * channels, low, high);
        }
    }

    /** Output pixel (oy, ox) over the taps whose rows are {@code [firstTapRow, endTapRow)} and columns inside. */
    private void pixel(int oy, int ox, int firstTapRow, int endTapRow, float[] in, int input, float[] out,
                       int output, float low, float high) {
        int left = ox * g.strideWidth() - g.padLeft();
        int firstTapColumn = Math.max(0, ceilDiv(-left, g.dilationWidth()));
        int endTapColumn = Math.min(g.kernelWidth(), Math.floorDiv(g.inWidth() - 1 - left, g.dilationWidth()) + 1);
        int top = oy * g.strideHeight() - g.padTop();
        int window = input + (top * g.inWidth() + left) * channels;
        int at = output + ox * channels;
        ChannelsLastKernels.depthwisePixel(in, window, g.inWidth() * channels, g.dilationHeight(),
                g.dilationWidth() * channels, channels, g.kernelWidth(), firstTapRow, endTapRow, firstTapColumn,
                endTapColumn, weights, bias, out, at, low, high);
    }
}
