package io.github.netspec.runtime;

import java.util.Arrays;

/**
 * Max and average pooling with PyTorch's semantics (floor mode). Every method also takes a batch: planes of
 * {@code [batch, channels, H, W]} follow each other, so a batch is just {@code batch·channels} planes.
 */
public final class Pooling {

    private Pooling() {}

    /** The largest value in each window; padding counts as minus infinity, so it never wins. */
    public static void max(PoolGeometry g, float[] input, float[] output) {
        max(g, input, 0, output, 0, 1);
    }

    public static void max(PoolGeometry g, float[] input, int inputOffset, float[] output, int outputOffset, int batch) {
        max(g, input, inputOffset, output, outputOffset, batch, Activation.NONE, 0f);
    }

    /**
     * Max pooling followed by {@code activation}, which must never decrease (the generator moves such an
     * activation of a convolution past the pooling that alone reads it, so it runs on a quarter of the values
     * for {@code maxpool(2)}). Each output plane is activated as soon as it is pooled, while it is in L1, and
     * relu as the 2×2 and the 3×3 stride-2 kernels store, rather than in a pass of its own over the pooled
     * batch: at batch 8 on one core, MnistNet's fastest call went from 0.154 to 0.152 ms (five processes each,
     * Zen 3). The kernel takes
     * a lower bound only: with relu6's upper one as well, a copy of it took 5.8–6.5 µs for 32 planes of 28×28
     * where it takes 4.2–4.4 without (fastest of 20000 calls, three to five processes each; a lanewise max or
     * min is five instructions on AVX2, for Java's NaN and signed zeros), and in MnistNet at batch 8 the
     * pooling's share of JFR samples fell from 30% to 23%. So relu6 runs after it.
     *
     * @param alpha read by leaky_relu and elu only
     */
    public static void max(PoolGeometry g, float[] input, int inputOffset, float[] output, int outputOffset, int batch,
                           Activation activation, float alpha) {
        maxPlanes(g, input, inputOffset, output, outputOffset, 0, g.channels() * batch, activation, alpha);
    }

    /**
     * {@link #max} over planes {@code [firstPlane, endPlane)} of the batch (plane {@code n·channels + c} is
     * sample n's channel c): a {@link PoolKernel} task's share.
     */
    static void maxPlanes(PoolGeometry g, float[] input, int inputOffset, float[] output, int outputOffset,
                          int firstPlane, int endPlane, Activation activation, float alpha) {
        boolean twoByTwo = g.kernelHeight() == 2 && g.kernelWidth() == 2 && g.strideHeight() == 2
                && g.strideWidth() == 2 && g.padTop() == 0 && g.padLeft() == 0;
        // PyTorch keeps padding within half the kernel, so every window has a row and a column of the input.
        boolean threeByThreeStride2 = g.kernelHeight() == 3 && g.kernelWidth() == 3 && g.strideHeight() == 2
                && g.strideWidth() == 2 && g.padTop() <= 1 && g.padLeft() <= 1;
        boolean fused = (twoByTwo || threeByThreeStride2) && Simd.VECTOR && activation == Activation.RELU;
        float low = fused ? 0f : Float.NEGATIVE_INFINITY;
        int outPlane = g.outHeight() * g.outWidth();
        for (int plane = firstPlane; plane < endPlane; plane++) {
            int in = inputOffset + plane * g.inHeight() * g.inWidth();
            int out = outputOffset + plane * outPlane;
            if (twoByTwo && Simd.VECTOR) {
                VectorKernels.max2x2Plane(input, in, g.inWidth(), output, out, g.outWidth(), g.outHeight(), low);
            } else if (threeByThreeStride2 && Simd.VECTOR) {
                max3x3Stride2Plane(g, input, in, output, out, low);
            } else if (twoByTwo) {
                max2x2Plane(g, input, in, output, out);
            } else {
                poolPlane(g, input, in, output, out, true);
            }
            if (!fused) {
                activation.apply(output, out, out + outPlane, alpha);
            }
        }
    }

    /**
     * {@code maxpool(2)}, the most common pooling, as straight-line code over one plane: with a window of four
     * values the general loops spend more on loop control than on the maxima. The Vector API does a plane at a
     * time, a vector of outputs per step (the scalar loop took 3 ns an output, a third of MnistNet's time).
     */
    private static void max2x2Plane(PoolGeometry g, float[] input, int in, float[] output, int out) {
        int inWidth = g.inWidth();
        int outWidth = g.outWidth();
        for (int oy = 0; oy < g.outHeight(); oy++) {
            int top = in + 2 * oy * inWidth;
            int bottom = top + inWidth;
            int outRow = out + oy * outWidth;
            for (int ox = 0; ox < outWidth; ox++) {
                // Rows then columns, the order of the general loops; NaN wins in Math.max, as in PyTorch.
                float upper = Math.max(input[top + 2 * ox], input[top + 2 * ox + 1]);
                float lower = Math.max(input[bottom + 2 * ox], input[bottom + 2 * ox + 1]);
                output[outRow + ox] = Math.max(upper, lower);
            }
        }
    }

    /**
     * 3×3 max pooling at stride 2 on the Vector API, at least {@code low}: the output columns whose windows lie
     * inside the row in strips a vector wide ({@link VectorKernels#max3x3Stride2Strip}), the last strip moved
     * back to end with them; the columns at the row's edges, or every column of a row too short for a strip,
     * one output at a time.
     */
    private static void max3x3Stride2Plane(PoolGeometry g, float[] input, int in, float[] output, int out,
                                           float low) {
        int inWidth = g.inWidth();
        int outWidth = g.outWidth();
        int column0 = -g.padLeft();
        int inside = (g.padLeft() + 1) / 2; // the first output whose left tap, column0 + 2·ox, is column 0 or after
        int insideEnd = Math.min(outWidth, Math.floorDiv(inWidth - 3 - column0, 2) + 1); // right taps in the row
        // A strip reads the column after its last tap: in the array's last row that is one column too far.
        int lastRow = in + (g.inHeight() - 1) * inWidth;
        int stripsEnd = lastRow + column0 + 2 * insideEnd + 1 < input.length ? insideEnd : insideEnd - 1;
        if (stripsEnd - inside < VectorKernels.LANES) {
            stripsEnd = inside;
        }
        for (int o = inside; o < stripsEnd; o += VectorKernels.LANES) {
            VectorKernels.max3x3Stride2Strip(input, in, inWidth, g.inHeight(), g.padTop(), column0, output, out,
                    outWidth, g.outHeight(), Math.min(o, stripsEnd - VectorKernels.LANES), low);
        }
        for (int oy = 0; oy < g.outHeight(); oy++) {
            int y0 = 2 * oy - g.padTop();
            int top = Math.max(y0, 0);
            int bottom = Math.min(y0 + 2, g.inHeight() - 1);
            int row0 = in + top * inWidth;
            int row1 = in + Math.min(top + 1, bottom) * inWidth;
            int row2 = in + bottom * inWidth;
            int outRow = out + oy * outWidth;
            for (int ox = 0; ox < Math.min(inside, outWidth); ox++) {
                output[outRow + ox] = windowMax(input, row0, row1, row2, column0 + 2 * ox, inWidth, low);
            }
            for (int ox = stripsEnd; ox < outWidth; ox++) {
                output[outRow + ox] = windowMax(input, row0, row1, row2, column0 + 2 * ox, inWidth, low);
            }
        }
    }

    /** The largest of three rows' columns {@code [first, first + 3)} that lie in the row, and {@code low}. */
    private static float windowMax(float[] input, int row0, int row1, int row2, int first, int inWidth, float low) {
        float largest = low;
        for (int x = Math.max(first, 0); x < Math.min(first + 3, inWidth); x++) {
            largest = Math.max(largest, Math.max(input[row0 + x], Math.max(input[row1 + x], input[row2 + x])));
        }
        return largest;
    }

    /**
     * The mean of each window, dividing by the full window area even where it covers padding
     * (PyTorch's default {@code count_include_pad=True}).
     */
    public static void average(PoolGeometry g, float[] input, float[] output) {
        average(g, input, 0, output, 0, 1);
    }

    public static void average(PoolGeometry g, float[] input, int inputOffset, float[] output, int outputOffset,
                               int batch) {
        averagePlanes(g, input, inputOffset, output, outputOffset, 0, g.channels() * batch);
    }

    /** {@link #average} over planes {@code [firstPlane, endPlane)} of the batch, as {@link #maxPlanes}. */
    static void averagePlanes(PoolGeometry g, float[] input, int inputOffset, float[] output, int outputOffset,
                              int firstPlane, int endPlane) {
        for (int plane = firstPlane; plane < endPlane; plane++) {
            poolPlane(g, input, inputOffset + plane * g.inHeight() * g.inWidth(), output,
                    outputOffset + plane * g.outHeight() * g.outWidth(), false);
        }
    }

    /**
     * Both poolings, an output row at a time: for each input row and kernel column of the window, every output
     * of the row takes in its value at once. The loops hold no branch on the data (a max by comparison
     * mispredicts half the time on real activations, which made pooling cost more than the convolution
     * before it), and each output still sees its window in the same order, rows then columns.
     * {@link Math#max(float, float)} returns NaN if either value is NaN, as PyTorch's max pooling does. At
     * stride 2 (other than ResNet's 3×3 max pooling, which has a kernel of its own), the Vector API takes the
     * evens of two vectors, as the stride-2 copy does; the scalar loop over every other value does not
     * vectorize.
     */
    private static void poolPlane(PoolGeometry g, float[] input, int in, float[] output, int out, boolean max) {
        int inWidth = g.inWidth();
        int outWidth = g.outWidth();
        int stride = g.strideWidth();
        float area = g.kernelHeight() * g.kernelWidth();
        for (int oy = 0; oy < g.outHeight(); oy++) {
            int outRow = out + oy * outWidth;
            Arrays.fill(output, outRow, outRow + outWidth, max ? Float.NEGATIVE_INFINITY : 0f);
            int y0 = oy * g.strideHeight() - g.padTop();
            for (int y = Math.max(y0, 0); y < Math.min(y0 + g.kernelHeight(), g.inHeight()); y++) {
                int row = in + y * inWidth;
                for (int kx = 0; kx < g.kernelWidth(); kx++) {
                    int shift = kx - g.padLeft();
                    // Outputs whose column ox·stride + shift lies inside the input row.
                    int lo = Math.max(0, Math.floorDiv(-shift + stride - 1, stride));
                    int hi = Math.min(outWidth, Math.floorDiv(inWidth - 1 - shift, stride) + 1);
                    int source = row + shift;
                    if (max && stride == 2 && Simd.VECTOR) {
                        VectorKernels.maxEvens(input, source + lo * stride, output, outRow + lo, hi - lo);
                    } else if (max) {
                        for (int ox = lo; ox < hi; ox++) {
                            output[outRow + ox] = Math.max(output[outRow + ox], input[source + ox * stride]);
                        }
                    } else {
                        for (int ox = lo; ox < hi; ox++) {
                            output[outRow + ox] += input[source + ox * stride];
                        }
                    }
                }
            }
            if (!max) {
                for (int ox = 0; ox < outWidth; ox++) {
                    output[outRow + ox] /= area;
                }
            }
        }
    }

    /** The largest value of each channel's {@code spatial} values. */
    public static void globalMax(int channels, int spatial, float[] input, float[] output) {
        globalMax(channels, spatial, input, 0, output, 0);
    }

    /** The same over {@code planes} planes ({@code batch·channels}) from the given offsets. */
    public static void globalMax(int planes, int spatial, float[] input, int inputOffset, float[] output,
                                 int outputOffset) {
        for (int c = 0; c < planes; c++) {
            float best = Float.NEGATIVE_INFINITY;
            int from = inputOffset + c * spatial;
            for (int i = from; i < from + spatial; i++) {
                best = Math.max(best, input[i]); // NaN wins, as in PyTorch
            }
            output[outputOffset + c] = best;
        }
    }

    /** The mean of each channel's {@code spatial} values. */
    public static void globalAverage(int channels, int spatial, float[] input, float[] output) {
        globalAverage(channels, spatial, input, 0, output, 0);
    }

    /** The same over {@code planes} planes ({@code batch·channels}) from the given offsets. */
    public static void globalAverage(int planes, int spatial, float[] input, int inputOffset, float[] output,
                                     int outputOffset) {
        for (int c = 0; c < planes; c++) {
            float sum = 0f;
            int from = inputOffset + c * spatial;
            for (int i = from; i < from + spatial; i++) {
                sum += input[i];
            }
            output[outputOffset + c] = sum / spatial;
        }
    }
}
