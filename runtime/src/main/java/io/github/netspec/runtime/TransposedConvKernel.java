package io.github.netspec.runtime;

import java.util.Arrays;

/**
 * A 2-D transposed convolution with PyTorch's {@code ConvTranspose2d} weights ({@code [in, out/groups, kh,
 * kw]}), computed as what it is: every input value, times each kernel tap, added into the output at its
 * strided place. One scalar kernel, whose innermost loop runs along an input row (unit stride) and a
 * strided output row; the range of input columns whose taps land inside the output is worked out once
 * per tap at construction, so the loop has no bounds test and a call allocates nothing.
 */
public final class TransposedConvKernel {

    private final TransposedConvGeometry g;
    private final float[] weight;
    private final float[] bias;
    private final Activation activation;
    private final float alpha;
    /** For each kernel row: the first input row whose tap lands in the output, and one past the last. */
    private final int[] rowFrom;
    private final int[] rowTo;
    private final int[] columnFrom;
    private final int[] columnTo;

    /**
     * @param weight {@code [in, out/groups, kh, kw]}
     * @param bias {@code [out]}, or null
     * @param activation applied to the output once every tap is in
     */
    public TransposedConvKernel(TransposedConvGeometry g, float[] weight, float[] bias, Activation activation, float alpha) {
        if (weight.length != g.weightSize()) {
            throw new IllegalArgumentException("weight has " + weight.length + " values, the geometry needs " + g.weightSize());
        }
        if (bias != null && bias.length != g.outChannels()) {
            throw new IllegalArgumentException("bias has " + bias.length + " values, the layer has " + g.outChannels()
                    + " output channels");
        }
        this.g = g;
        this.weight = weight.clone();
        this.bias = bias == null ? null : bias.clone();
        this.activation = activation;
        this.alpha = alpha;
        rowFrom = new int[g.kernelHeight()];
        rowTo = new int[g.kernelHeight()];
        for (int ky = 0; ky < g.kernelHeight(); ky++) {
            int shift = ky * g.dilationHeight() - g.padTop();
            rowFrom[ky] = firstInside(shift, g.strideHeight());
            rowTo[ky] = Math.min(g.inHeight(), lastInside(shift, g.strideHeight(), g.outHeight()) + 1);
        }
        columnFrom = new int[g.kernelWidth()];
        columnTo = new int[g.kernelWidth()];
        for (int kx = 0; kx < g.kernelWidth(); kx++) {
            int shift = kx * g.dilationWidth() - g.padLeft();
            columnFrom[kx] = firstInside(shift, g.strideWidth());
            columnTo[kx] = Math.min(g.inWidth(), lastInside(shift, g.strideWidth(), g.outWidth()) + 1);
        }
    }

    /** The least {@code i >= 0} with {@code i*stride + shift >= 0}. */
    private static int firstInside(int shift, int stride) {
        return shift >= 0 ? 0 : Math.floorDiv(-shift + stride - 1, stride);
    }

    /** The greatest {@code i} with {@code i*stride + shift < size} (negative when there is none). */
    private static int lastInside(int shift, int stride, int size) {
        return Math.floorDiv(size - 1 - shift, stride);
    }

    public TransposedConvGeometry geometry() {
        return g;
    }

    public void forward(float[] in, int inOffset, float[] out, int outOffset, int batch) {
        int outPlane = g.outHeight() * g.outWidth();
        for (int sample = 0; sample < batch; sample++) {
            int outBase = outOffset + sample * g.outSize();
            int inBase = inOffset + sample * g.inSize();
            for (int channel = 0; channel < g.outChannels(); channel++) {
                Arrays.fill(out, outBase + channel * outPlane, outBase + (channel + 1) * outPlane,
                        bias == null ? 0f : bias[channel]);
            }
            spread(in, inBase, out, outBase);
            activation.apply(out, outBase, outBase + g.outSize(), alpha);
        }
    }

    /** {@code out[co, y*s - p + ky*d, x*s - p + kx*d] += w[ci, co, ky, kx] * in[ci, y, x]} over every index. */
    private void spread(float[] in, int inBase, float[] out, int outBase) {
        int inPerGroup = g.inChannels() / g.groups();
        int outPerGroup = g.outChannels() / g.groups();
        int kernelArea = g.kernelHeight() * g.kernelWidth();
        for (int ci = 0; ci < g.inChannels(); ci++) {
            int group = ci / inPerGroup;
            int inChannel = inBase + ci * g.inHeight() * g.inWidth();
            for (int column = 0; column < outPerGroup; column++) {
                int co = group * outPerGroup + column;
                int outChannel = outBase + co * g.outHeight() * g.outWidth();
                int taps = (ci * outPerGroup + column) * kernelArea;
                for (int ky = 0; ky < g.kernelHeight(); ky++) {
                    int yShift = ky * g.dilationHeight() - g.padTop();
                    for (int kx = 0; kx < g.kernelWidth(); kx++) {
                        float w = weight[taps + ky * g.kernelWidth() + kx];
                        int xShift = kx * g.dilationWidth() - g.padLeft();
                        int xFrom = columnFrom[kx];
                        int xTo = columnTo[kx];
                        for (int y = rowFrom[ky]; y < rowTo[ky]; y++) {
                            int inRow = inChannel + y * g.inWidth();
                            int o = outChannel + (y * g.strideHeight() + yShift) * g.outWidth() + xFrom * g.strideWidth() + xShift;
                            for (int x = xFrom; x < xTo; x++, o += g.strideWidth()) {
                                out[o] += w * in[inRow + x];
                            }
                        }
                    }
                }
            }
        }
    }
}
