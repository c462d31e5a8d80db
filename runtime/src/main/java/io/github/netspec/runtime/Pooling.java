package io.github.netspec.runtime;

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
        for (int plane = 0; plane < g.channels() * batch; plane++) {
            int in = inputOffset + plane * g.inHeight() * g.inWidth();
            int out = outputOffset + plane * g.outHeight() * g.outWidth();
            for (int oy = 0; oy < g.outHeight(); oy++) {
                int y0 = oy * g.strideHeight() - g.padTop();
                int yFrom = Math.max(y0, 0);
                int yTo = Math.min(y0 + g.kernelHeight(), g.inHeight());
                for (int ox = 0; ox < g.outWidth(); ox++) {
                    int x0 = ox * g.strideWidth() - g.padLeft();
                    int xFrom = Math.max(x0, 0);
                    int xTo = Math.min(x0 + g.kernelWidth(), g.inWidth());
                    float best = Float.NEGATIVE_INFINITY;
                    for (int y = yFrom; y < yTo; y++) {
                        int row = in + y * g.inWidth();
                        for (int x = xFrom; x < xTo; x++) {
                            float v = input[row + x];
                            // NaN propagates, as in PyTorch.
                            if (v > best || Float.isNaN(v)) {
                                best = v;
                            }
                        }
                    }
                    output[out + oy * g.outWidth() + ox] = best;
                }
            }
        }
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
        float area = g.kernelHeight() * g.kernelWidth();
        for (int plane = 0; plane < g.channels() * batch; plane++) {
            int in = inputOffset + plane * g.inHeight() * g.inWidth();
            int out = outputOffset + plane * g.outHeight() * g.outWidth();
            for (int oy = 0; oy < g.outHeight(); oy++) {
                int y0 = oy * g.strideHeight() - g.padTop();
                int yFrom = Math.max(y0, 0);
                int yTo = Math.min(y0 + g.kernelHeight(), g.inHeight());
                for (int ox = 0; ox < g.outWidth(); ox++) {
                    int x0 = ox * g.strideWidth() - g.padLeft();
                    int xFrom = Math.max(x0, 0);
                    int xTo = Math.min(x0 + g.kernelWidth(), g.inWidth());
                    float sum = 0f;
                    for (int y = yFrom; y < yTo; y++) {
                        int row = in + y * g.inWidth();
                        for (int x = xFrom; x < xTo; x++) {
                            sum += input[row + x];
                        }
                    }
                    output[out + oy * g.outWidth() + ox] = sum / area;
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
                if (input[i] > best || Float.isNaN(input[i])) {
                    best = input[i];
                }
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
