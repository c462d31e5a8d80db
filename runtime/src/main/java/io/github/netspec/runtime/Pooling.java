package io.github.netspec.runtime;

/** Max and average pooling with PyTorch's semantics (floor mode). */
public final class Pooling {

    private Pooling() {}

    /** The largest value in each window; padding counts as minus infinity, so it never wins. */
    public static void max(PoolGeometry g, float[] input, float[] output) {
        for (int c = 0; c < g.channels(); c++) {
            for (int oy = 0; oy < g.outHeight(); oy++) {
                for (int ox = 0; ox < g.outWidth(); ox++) {
                    float best = Float.NEGATIVE_INFINITY;
                    for (int ky = 0; ky < g.kernelHeight(); ky++) {
                        int y = oy * g.strideHeight() - g.padTop() + ky;
                        for (int kx = 0; kx < g.kernelWidth(); kx++) {
                            int x = ox * g.strideWidth() - g.padLeft() + kx;
                            if (y >= 0 && y < g.inHeight() && x >= 0 && x < g.inWidth()) {
                                float v = input[(c * g.inHeight() + y) * g.inWidth() + x];
                                // NaN propagates, as in PyTorch.
                                if (v > best || Float.isNaN(v)) {
                                    best = v;
                                }
                            }
                        }
                    }
                    output[(c * g.outHeight() + oy) * g.outWidth() + ox] = best;
                }
            }
        }
    }

    /**
     * The mean of each window, dividing by the full window area even where it covers padding
     * (PyTorch's default {@code count_include_pad=True}).
     */
    public static void average(PoolGeometry g, float[] input, float[] output) {
        float area = g.kernelHeight() * g.kernelWidth();
        for (int c = 0; c < g.channels(); c++) {
            for (int oy = 0; oy < g.outHeight(); oy++) {
                for (int ox = 0; ox < g.outWidth(); ox++) {
                    float sum = 0f;
                    for (int ky = 0; ky < g.kernelHeight(); ky++) {
                        int y = oy * g.strideHeight() - g.padTop() + ky;
                        for (int kx = 0; kx < g.kernelWidth(); kx++) {
                            int x = ox * g.strideWidth() - g.padLeft() + kx;
                            if (y >= 0 && y < g.inHeight() && x >= 0 && x < g.inWidth()) {
                                sum += input[(c * g.inHeight() + y) * g.inWidth() + x];
                            }
                        }
                    }
                    output[(c * g.outHeight() + oy) * g.outWidth() + ox] = sum / area;
                }
            }
        }
    }

    /** The largest value of each channel's {@code spatial} values. */
    public static void globalMax(int channels, int spatial, float[] input, float[] output) {
        for (int c = 0; c < channels; c++) {
            float best = Float.NEGATIVE_INFINITY;
            for (int i = c * spatial; i < (c + 1) * spatial; i++) {
                if (input[i] > best || Float.isNaN(input[i])) {
                    best = input[i];
                }
            }
            output[c] = best;
        }
    }

    /** The mean of each channel's {@code spatial} values. */
    public static void globalAverage(int channels, int spatial, float[] input, float[] output) {
        for (int c = 0; c < channels; c++) {
            float sum = 0f;
            for (int i = c * spatial; i < (c + 1) * spatial; i++) {
                sum += input[i];
            }
            output[c] = sum / spatial;
        }
    }
}
