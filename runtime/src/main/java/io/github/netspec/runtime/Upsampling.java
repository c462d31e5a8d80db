package io.github.netspec.runtime;

/**
 * PyTorch's {@code nn.Upsample} with a whole scale factor per axis, on {@code [C, H, W]} (a sequence
 * {@code [C, L]} is height 1 with scale 1). Memory bound: each output value is one or four reads.
 */
public final class Upsampling {

    private Upsampling() {}

    /**
     * {@code mode='nearest'}: output row {@code y} copies input row {@code floor(y / scaleHeight)}, and
     * column {@code x} copies column {@code floor(x / scaleWidth)}, PyTorch's index for whole scales.
     */
    public static void nearest(int channels, int inHeight, int inWidth, int scaleHeight, int scaleWidth,
                               float[] in, int inOffset, float[] out, int outOffset, int batch) {
        int outHeight = inHeight * scaleHeight;
        int outWidth = inWidth * scaleWidth;
        for (int plane = 0; plane < batch * channels; plane++) {
            int inPlane = inOffset + plane * inHeight * inWidth;
            int outPlane = outOffset + plane * outHeight * outWidth;
            for (int y = 0; y < outHeight; y++) {
                int inRow = inPlane + (y / scaleHeight) * inWidth;
                int outRow = outPlane + y * outWidth;
                if (y % scaleHeight != 0) {
                    // Every row after the first of its group repeats the row above: one bulk copy.
                    System.arraycopy(out, outRow - outWidth, out, outRow, outWidth);
                    continue;
                }
                for (int x = 0; x < outWidth; x++) {
                    out[outRow + x] = in[inRow + x / scaleWidth];
                }
            }
        }
    }

    /**
     * {@code mode='bilinear'} for one layer's shapes: each output value blends the four input values around
     * where its centre falls in the input. With {@code alignCorners} false (PyTorch's default) output
     * position {@code o} maps to {@code (o + 0.5) / scale - 0.5}, clamped at 0; with it true, the corner
     * values line up: {@code o * (in - 1) / (out - 1)}. The source positions and weights are computed once,
     * here, so a call allocates nothing.
     */
    public static final class Bilinear {
        private final int channels;
        private final int inHeight;
        private final int inWidth;
        private final int outHeight;
        private final int outWidth;
        private final int[] x0;
        private final int[] x1;
        private final float[] xWeight;
        private final int[] y0;
        private final int[] y1;
        private final float[] yWeight;

        public Bilinear(int channels, int inHeight, int inWidth, int scaleHeight, int scaleWidth, boolean alignCorners) {
            this.channels = channels;
            this.inHeight = inHeight;
            this.inWidth = inWidth;
            this.outHeight = inHeight * scaleHeight;
            this.outWidth = inWidth * scaleWidth;
            x0 = new int[outWidth];
            x1 = new int[outWidth];
            xWeight = new float[outWidth];
            sourceIndices(inWidth, outWidth, scaleWidth, alignCorners, x0, x1, xWeight);
            y0 = new int[outHeight];
            y1 = new int[outHeight];
            yWeight = new float[outHeight];
            sourceIndices(inHeight, outHeight, scaleHeight, alignCorners, y0, y1, yWeight);
        }

        public void apply(float[] in, int inOffset, float[] out, int outOffset, int batch) {
            for (int plane = 0; plane < batch * channels; plane++) {
                int inPlane = inOffset + plane * inHeight * inWidth;
                int outPlane = outOffset + plane * outHeight * outWidth;
                for (int y = 0; y < outHeight; y++) {
                    int top = inPlane + y0[y] * inWidth;
                    int bottom = inPlane + y1[y] * inWidth;
                    float down = yWeight[y];
                    float up = 1 - down;
                    int outRow = outPlane + y * outWidth;
                    for (int x = 0; x < outWidth; x++) {
                        float right = xWeight[x];
                        float left = 1 - right;
                        out[outRow + x] = up * (left * in[top + x0[x]] + right * in[top + x1[x]])
                                + down * (left * in[bottom + x0[x]] + right * in[bottom + x1[x]]);
                    }
                }
            }
        }
    }

    /**
     * For each output position along one axis: the two input positions it lies between and the weight of
     * the second, as PyTorch's {@code area_pixel_compute_source_index} computes them in float.
     */
    static void sourceIndices(int in, int out, int scale, boolean alignCorners, int[] first, int[] second,
                              float[] secondWeight) {
        for (int o = 0; o < out; o++) {
            float source;
            if (alignCorners) {
                source = out > 1 ? o * ((float) (in - 1) / (out - 1)) : 0f;
            } else {
                source = Math.max((o + 0.5f) / scale - 0.5f, 0f);
            }
            int lower = Math.min((int) source, in - 1);
            first[o] = lower;
            second[o] = Math.min(lower + 1, in - 1);
            secondWeight[o] = source - lower;
        }
    }
}
