package io.github.netspec.runtime;

import java.util.Arrays;

/**
 * A zero-padded depthwise convolution at column stride 2 on the Vector API, one output channel at a time, a
 * block of output rows at once. The input rows a block reads are copied once, a row at a time, into a plane
 * with the padding written out as zeros; each output row is then one call of
 * {@link VectorKernels#depthwiseStride2}, which sums every input column, not every other one, and keeps the
 * even sums. That is twice the multiply-adds, but the copy is a plain one: {@link ImplicitIm2col}'s phase
 * planes split each row into even and odd columns, and that strided copy was 60% of MobileNetV2's 96-channel
 * 112×112 stride-2 layer (one core, Zen 3), which ran at 6.6 GFLOP/s that way and at 8.8 this way.
 *
 * <p>Padded plane row q of a block from output row {@code firstRow} holds input row
 * {@code firstRow·sh + q - padTop}, and padded column c input column {@code c - padLeft}; rows and columns
 * outside the input are zero. Output (oy, ox) of tap (ky, kx) reads padded row
 * {@code (oy - firstRow)·sh + ky·dh}, column {@code 2·ox + kx·dw}.
 */
final class Stride2Depthwise {

    private final ConvGeometry g;
    /** Columns of a padded row: up to the last output column's widest tap, and the odd column after it. */
    private final int paddedWidth;
    /** Output rows of a block, so its padded plane stays in L2. */
    private final int maxRows;
    /** Per tap (ky, kx), where its run for output column 0 of a block's first row starts in the plane. */
    private final int[] tapStarts;
    /** Floats of the largest block's padded plane. */
    private final int planeSize;
    /**
     * Where the row scratch starts: after the plane and the reads of a row under one vector, which run up to
     * two vectors past the plane's last row.
     */
    private final int rowScratch;

    Stride2Depthwise(ConvGeometry g, int planeBudget) {
        if (!applies(g)) {
            throw new IllegalArgumentException("this depthwise kernel needs column stride 2, not " + g.strideWidth());
        }
        this.g = g;
        this.paddedWidth = 2 * (g.outWidth() - 1) + (g.kernelWidth() - 1) * g.dilationWidth() + 2;
        int rows = g.outHeight();
        while (rows > 1 && paddedRows(rows) * paddedWidth > planeBudget) {
            rows--;
        }
        this.maxRows = rows;
        this.planeSize = paddedRows(maxRows) * paddedWidth;
        this.tapStarts = new int[g.kernelHeight() * g.kernelWidth()];
        for (int ky = 0; ky < g.kernelHeight(); ky++) {
            for (int kx = 0; kx < g.kernelWidth(); kx++) {
                tapStarts[ky * g.kernelWidth() + kx] = ky * g.dilationHeight() * paddedWidth + kx * g.dilationWidth();
            }
        }
        this.rowScratch = planeSize + 2 * VectorKernels.LANES;
    }

    /** Whether a depthwise geometry can run here: column stride 2, whose even sums one shuffle picks. */
    static boolean applies(ConvGeometry g) {
        return g.strideWidth() == 2;
    }

    /** Padded rows that {@code rows} output rows read. */
    private int paddedRows(int rows) {
        return (rows - 1) * g.strideHeight() + (g.kernelHeight() - 1) * g.dilationHeight() + 1;
    }

    /** Floats of scratch one thread needs: the plane, the reads past it, and the vector of a row under one. */
    int scratchSize() {
        return rowScratch + VectorKernels.LANES;
    }

    /**
     * One output channel: its input channel's plane at {@code in[plane]}, its filter at {@code weights[filter]},
     * written to {@code out[output]}. Relu and relu6 clamp as the kernel stores; any other activation runs
     * over each block once its rows are done.
     */
    void channel(float[] in, int plane, float[] weights, int filter, float bias, Activation activation, float alpha,
                 float[] out, int output, float[] scratch) {
        float low = activation.clampLow();
        float high = activation.clampHigh();
        for (int firstRow = 0; firstRow < g.outHeight(); firstRow += maxRows) {
            int rows = Math.min(maxRows, g.outHeight() - firstRow);
            copyBlock(in, plane, firstRow, paddedRows(rows), scratch);
            for (int r = 0; r < rows; r++) {
                outputRow(firstRow + r, r * g.strideHeight() * paddedWidth, weights, filter, bias, low, high, out,
                        output, scratch);
            }
            if (!activation.isClamp()) {
                int from = output + firstRow * g.outWidth();
                activation.apply(out, from, from + rows * g.outWidth(), alpha);
            }
        }
    }

    /**
     * Output row {@code oy} from the padded rows at {@code scratch[rowBase]}. The kernels store whole vectors,
     * so a row under one vector spills into the rows after it, which are written later; a spill past the
     * channel's last row, into another task's output, goes through the row scratch instead.
     */
    private void outputRow(int oy, int rowBase, float[] weights, int filter, float bias, float low, float high,
                           float[] out, int output, float[] scratch) {
        int width = g.outWidth();
        boolean spills = oy * width + VectorKernels.LANES > g.outHeight() * width;
        float[] target = spills ? scratch : out;
        int at = spills ? rowScratch : output + oy * width;
        VectorKernels.depthwiseStride2(scratch, rowBase, tapStarts, weights, filter, bias, target, at, width, low,
                high);
        if (spills) {
            System.arraycopy(scratch, rowScratch, out, output + oy * width, width);
        }
    }

    /** The padded rows of a block: input rows copied in one run each, the padding zeroed around them. */
    private void copyBlock(float[] in, int plane, int firstRow, int rows, float[] scratch) {
        int inWidth = g.inWidth();
        int left = Math.min(g.padLeft(), paddedWidth);
        int copied = Math.max(0, Math.min(inWidth, paddedWidth - left));
        for (int q = 0; q < rows; q++) {
            int iy = firstRow * g.strideHeight() + q - g.padTop();
            int row = q * paddedWidth;
            if (iy < 0 || iy >= g.inHeight()) {
                Arrays.fill(scratch, row, row + paddedWidth, 0f);
                continue;
            }
            for (int c = 0; c < left; c++) {
                scratch[row + c] = 0f;
            }
            System.arraycopy(in, plane + iy * inWidth, scratch, row + left, copied);
            for (int c = left + copied; c < paddedWidth; c++) {
                scratch[row + c] = 0f;
            }
        }
    }
}
