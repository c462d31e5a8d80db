package io.github.netspec.runtime;

import java.util.Arrays;

/**
 * A 3×3 depthwise convolution at stride 1 or 2 on a small plane, with "same" padding across
 * ({@code padLeft = dilationWidth}), as in MobileNet's 7×7 to 28×28 layers, on the Vector API, one output
 * channel at a time.
 *
 * <p>At stride 1, output pixel n = y·W + x of tap (ky, kx) reads input pixel
 * {@code n + (ky·dh - padTop)·W + (kx - 1)·dw}: the same offset for every pixel, so each tap is one unit-stride
 * run of the input's own rows, and the whole plane is one run of outputs ({@link VectorKernels#depthwise3x3}).
 * Two things stand in the way. Rows above and below the input are padding, so the plane is copied, in one
 * run, between rows of zeros. And the side taps of the first and last dw columns run into the neighbouring row
 * where the padding should be; the kernel clears those lanes with a bit mask that depends only on the lane's
 * column. Nothing else changes: the taps are summed in the same order, with the same fused multiply-adds, as
 * over {@link ImplicitIm2col}'s shifted planes, so the outputs are the same bits.
 *
 * <p>At stride 2, output (oy, ox) is the stride-1 sum at (2oy, 2ox): those sums are made for every row and
 * column up to the last one needed, four times the multiply-adds, into the scratch, and every other one of
 * every other row is kept: the same bits as {@link Stride2Depthwise} gives, which makes only the rows it needs,
 * but a row at a time. On one core (Zen 3, fastest of 40 runs), MobileNetV2's 576-channel layer from 14×14
 * took 0.214 ms there and 0.150 here, its 192-channel one from 28×28 0.166 and 0.158.
 *
 * <p>The shifted planes copy the input three times, a row at a time, with the edge columns zeroed, which on
 * small planes cost more than the sums. On one core (Zen 3, fastest of 40 runs), MobileNetV2's 960-channel
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
    /** The most stride-1 sums of a plane that run here; see the measurements above. */
    static final int MAX_SUMS = 32 * 32;

    private final ConvGeometry g;
    /** 1 or 2, across and down. */
    private final int stride;
    /** Left-tap masks from 0, right-tap masks from {@link #rightMasks}; see {@link #maskTable}. */
    private final int[] masks;
    private final int rightMasks;
    /** Rows of stride-1 sums a plane needs: the output's, or at stride 2 up to the last output row's. */
    private final int sumRows;
    private final int paddedRows;
    /** At stride 2, where the stride-1 sums go in the scratch: after the padded plane. */
    private final int sumsOffset;
    /** At stride 2, where a plane's last output row goes before it is copied out: after the sums. */
    private final int spillOffset;

    MaskedDepthwise(ConvGeometry g) {
        if (!applies(g)) {
            throw new IllegalArgumentException("this depthwise kernel needs a 3x3 kernel at stride 1 or 2 with"
                    + " \"same\" padding across, on a plane it takes (see applies), not " + g);
        }
        this.g = g;
        this.stride = g.strideWidth();
        this.rightMasks = g.inWidth() + VectorKernels.DEPTHWISE_MASKED_STEP;
        this.masks = maskTable(g, rightMasks);
        this.sumRows = sumRows(g);
        this.paddedRows = sumRows + 2 * g.dilationHeight();
        this.sumsOffset = paddedRows * g.inWidth() + 2 * g.dilationWidth();
        this.spillOffset = sumsOffset + sumRows * g.inWidth();
    }

    /**
     * Whether a depthwise geometry runs here: a 3×3 kernel at the same stride, 1 or 2, across and down, whose
     * stride-1 sums have rows as wide as the input's ({@code padLeft = dilationWidth}, so the middle column of
     * taps reads each pixel's own column) and at stride 1 are the output; at least one step of the kernel's
     * sums and at most {@link #MAX_SUMS}.
     */
    static boolean applies(ConvGeometry g) {
        int stride = g.strideWidth();
        boolean sameWidth = stride == 1 ? g.outWidth() == g.inWidth() : 2 * (g.outWidth() - 1) < g.inWidth();
        int sums = sumRows(g) * g.inWidth();
        return g.kernelHeight() == 3 && g.kernelWidth() == 3 && (stride == 1 || stride == 2)
                && g.strideHeight() == stride && g.padLeft() == g.dilationWidth() && sameWidth
                && sums >= VectorKernels.DEPTHWISE_MASKED_STEP && sums <= MAX_SUMS;
    }

    /** Rows of stride-1 sums: up to the one the last output row takes. */
    private static int sumRows(ConvGeometry g) {
        return g.strideHeight() * (g.outHeight() - 1) + 1;
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

    /**
     * Floats of scratch one thread needs: the padded plane with dw floats each side; at stride 2 the sums and
     * a vector for a plane's last output row.
     */
    int scratchSize() {
        return stride == 1 ? sumsOffset : spillOffset + VectorKernels.LANES;
    }

    /**
     * One output channel: its input channel's plane at {@code in[plane]}, its filter at {@code weights[filter]},
     * written to {@code out[output]}. Relu and relu6 clamp as the kernel stores; any other activation runs
     * over the plane afterwards.
     */
    void channel(float[] in, int plane, float[] weights, int filter, float bias, Activation activation, float alpha,
                 float[] out, int output, float[] scratch) {
        int width = g.inWidth();
        copyPlane(in, plane, scratch);
        float[] sums = stride == 1 ? out : scratch;
        int sumsAt = stride == 1 ? output : sumsOffset;
        VectorKernels.depthwise3x3(scratch, g.dilationHeight() * width, g.dilationWidth(), width, masks, rightMasks,
                weights, filter, bias, sums, sumsAt, sumRows * width, activation.clampLow(), activation.clampHigh());
        if (stride == 2) {
            keepEveryOther(scratch, out, output);
        }
        if (!activation.isClamp()) {
            activation.apply(out, output, output + g.outHeight() * g.outWidth(), alpha);
        }
    }

    /**
     * Output (oy, ox) at stride 2: the stride-1 sum at (2oy, 2ox), a row at a time by
     * {@link VectorKernels#copyStrided}. A row narrower than a vector is written as a whole vector, spilling
     * into the next row, which is written later; the plane's last row would spill into the next plane, another
     * task's, so it goes through the scratch after the sums.
     */
    private void keepEveryOther(float[] scratch, float[] out, int output) {
        int width = g.inWidth();
        int outWidth = g.outWidth();
        int lastRow = g.outHeight() - 1;
        for (int oy = 0; oy < g.outHeight(); oy++) {
            int row = sumsOffset + 2 * oy * width;
            int outRow = output + oy * outWidth;
            if (oy == lastRow && outWidth < VectorKernels.LANES) {
                VectorKernels.copyStrided(scratch, row, 2, scratch, spillOffset, outWidth);
                System.arraycopy(scratch, spillOffset, out, outRow, outWidth);
            } else {
                VectorKernels.copyStrided(scratch, row, 2, out, outRow, outWidth);
            }
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
