package io.github.netspec.runtime;

import java.util.Arrays;

/**
 * A 3×3 depthwise convolution at stride 1 on a small plane whose output rows are as wide as its input rows
 * ("same" padding across, as in MobileNet's 7×7 to 28×28 layers), on the Vector API, one output channel at a
 * time.
 *
 * <p>Output pixel n = y·W + x of tap (ky, kx) reads input pixel {@code n + (ky·dh - padTop)·W + (kx - 1)·dw}:
 * the same offset for every pixel, so each tap is one unit-stride run of the input's own rows, and the whole
 * plane is one run of outputs ({@link VectorKernels#depthwise3x3}). Two things stand in the way. Rows above
 * and below the input are padding, so the plane is copied, in one run, between rows of zeros. And the side
 * taps of the first and last dw columns run into the neighbouring row where the padding should be; the kernel
 * clears those lanes with a bit mask that depends only on the lane's column. Nothing else changes: the taps
 * are summed in the same order, with the same fused multiply-adds, as over {@link ImplicitIm2col}'s shifted
 * planes, so the outputs are the same bits.
 *
 * <p>Those shifted planes copy the input three times, a row at a time, with the edge columns zeroed, which
 * on small planes cost more than the sums. On one core (Zen 3, fastest of 40 runs), MobileNetV2's 960-channel
 * 7×7 layer took 0.16 ms that way and 0.075 this way, its 14×14 ones 0.12 and 0.078, its 28×28 ones 0.147
 * and 0.126. At 56×56 the two took the same time, and at 112×112 this way was 8–27% slower (two runs): the
 * kernel keeps eight masks in registers and so only four sums in flight, where
 * {@link VectorKernels#depthwiseGrid} keeps eight, and on a large plane the latency of those chains outweighs
 * the copies.
 *
 * <p>Padded plane float {@code dw + q·W + x} holds input row {@code q - padTop}, column x, or 0 for a row
 * outside the input. The dw floats before it and after it are never written: only masked lanes read them.
 */
final class MaskedDepthwise {

    /** Taps of a channel's filter: 3×3. */
    static final int TAPS = 9;
    /** The largest plane (output pixels) that runs here; see the measurements above. */
    static final int MAX_PIXELS = 32 * 32;

    private final ConvGeometry g;
    /** Left-tap masks from 0, right-tap masks from {@link #rightMasks}; see {@link #maskTable}. */
    private final int[] masks;
    private final int rightMasks;
    private final int paddedRows;

    MaskedDepthwise(ConvGeometry g) {
        if (!applies(g)) {
            throw new IllegalArgumentException("this depthwise kernel needs a 3x3 kernel at stride 1, output rows as"
                    + " wide as the input's, and " + 4 * VectorKernels.LANES + " to " + MAX_PIXELS
                    + " output pixels, not " + g);
        }
        this.g = g;
        this.rightMasks = g.inWidth() + VectorKernels.DEPTHWISE_MASKED_STEP;
        this.masks = maskTable(g, rightMasks);
        this.paddedRows = g.outHeight() + 2 * g.dilationHeight();
    }

    /**
     * Whether a depthwise geometry runs here: a 3×3 kernel at stride 1 whose output rows are as wide as the
     * input's ({@code padLeft = dilationWidth}, so the middle column of taps reads each pixel's own column), on
     * a plane of at least one step of the kernel and at most {@link #MAX_PIXELS}.
     */
    static boolean applies(ConvGeometry g) {
        int pixels = g.outHeight() * g.outWidth();
        return g.kernelHeight() == 3 && g.kernelWidth() == 3 && g.strideHeight() == 1 && g.strideWidth() == 1
                && g.outWidth() == g.inWidth() && g.padLeft() == g.dilationWidth()
                && pixels >= VectorKernels.DEPTHWISE_MASKED_STEP && pixels <= MAX_PIXELS;
    }

    /**
     * Int e of the left-tap table is all ones where column {@code e mod W} has its left neighbour at
     * {@code dw} inside the row, zero where that neighbour is padding; the right-tap table, from
     * {@code rightMasks}, likewise for the neighbour at {@code +dw}. A step of outputs from pixel n reads both
     * from {@code n mod W} on.
     */
    private static int[] maskTable(ConvGeometry g, int length) {
        int width = g.inWidth();
        int reach = g.dilationWidth();
        int[] table = new int[2 * length];
        for (int e = 0; e < length; e++) {
            int column = e % width;
            table[e] = column >= reach ? -1 : 0;
            table[length + e] = column + reach < width ? -1 : 0;
        }
        return table;
    }

    /** Floats of scratch one thread needs: the padded plane and the dw floats on each side of it. */
    int scratchSize() {
        return paddedRows * g.inWidth() + 2 * g.dilationWidth();
    }

    /**
     * One output channel: its input channel's plane at {@code in[plane]}, its filter at {@code weights[filter]},
     * written to {@code out[output]}. Relu and relu6 clamp as the kernel stores; any other activation runs
     * over the plane afterwards.
     */
    void channel(float[] in, int plane, float[] weights, int filter, float bias, Activation activation, float alpha,
                 float[] out, int output, float[] scratch) {
        int width = g.inWidth();
        int count = g.outHeight() * width;
        copyPlane(in, plane, scratch);
        VectorKernels.depthwise3x3(scratch, g.dilationHeight() * width, g.dilationWidth(), width, masks, rightMasks,
                weights, filter, bias, out, output, count, activation.clampLow(), activation.clampHigh());
        if (!activation.isClamp()) {
            activation.apply(out, output, output + count, alpha);
        }
    }

    /** The padded plane: the input rows in one run, with zero rows where the taps reach past them. */
    private void copyPlane(float[] in, int plane, float[] scratch) {
        int width = g.inWidth();
        int start = g.dilationWidth();
        int firstInside = Math.min(paddedRows, g.padTop());
        int endInside = Math.min(paddedRows, g.inHeight() + g.padTop());
        Arrays.fill(scratch, start, start + firstInside * width, 0f);
        System.arraycopy(in, plane, scratch, start + firstInside * width, (endInside - firstInside) * width);
        Arrays.fill(scratch, start + endInside * width, start + paddedRows * width, 0f);
    }
}
