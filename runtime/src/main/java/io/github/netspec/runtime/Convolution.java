package io.github.netspec.runtime;

/**
 * Convolution (PyTorch's cross-correlation) as plain loops: the reference every faster kernel is tested
 * against. Weights are in PyTorch's layout {@code [out, in/groups, kh, kw]}.
 */
public final class Convolution {

    private Convolution() {}

    /**
     * {@code output[oc, oy, ox] = bias[oc] + sum over ic, ky, kx of
     * input[ic, oy*stride - pad + ky*dilation, ...] * weight[oc, ic, ky, kx]}, with the group's channels only.
     *
     * @param bias one value per output channel, or null for none
     */
    public static void forward(ConvGeometry g, float[] input, float[] weight, float[] bias, float[] output) {
        forward(g, input, 0, weight, bias, output, 0);
    }

    /** The same with the input and output tensors starting at the given offsets of their arrays. */
    public static void forward(ConvGeometry g, float[] input, int inputOffset, float[] weight, float[] bias,
                               float[] output, int outputOffset) {
        int inPerGroup = g.inChannels() / g.groups();
        int outPerGroup = g.outChannels() / g.groups();
        int kernelArea = g.kernelHeight() * g.kernelWidth();
        for (int oc = 0; oc < g.outChannels(); oc++) {
            int firstInChannel = (oc / outPerGroup) * inPerGroup;
            int filterStart = oc * inPerGroup * kernelArea;
            float base = bias == null ? 0f : bias[oc];
            for (int oy = 0; oy < g.outHeight(); oy++) {
                for (int ox = 0; ox < g.outWidth(); ox++) {
                    float sum = base;
                    for (int ic = 0; ic < inPerGroup; ic++) {
                        int plane = inputOffset + (firstInChannel + ic) * g.inHeight() * g.inWidth();
                        int filter = filterStart + ic * kernelArea;
                        sum += window(g, input, plane, weight, filter, oy, ox);
                    }
                    output[outputOffset + (oc * g.outHeight() + oy) * g.outWidth() + ox] = sum;
                }
            }
        }
    }

    /** One input channel's contribution to one output pixel. */
    private static float window(ConvGeometry g, float[] input, int plane, float[] weight, int filter, int oy, int ox) {
        float sum = 0f;
        for (int ky = 0; ky < g.kernelHeight(); ky++) {
            int y = g.paddingMode().source(oy * g.strideHeight() - g.padTop() + ky * g.dilationHeight(), g.inHeight());
            if (y < 0) {
                continue;
            }
            int row = plane + y * g.inWidth();
            for (int kx = 0; kx < g.kernelWidth(); kx++) {
                int x = g.paddingMode().source(ox * g.strideWidth() - g.padLeft() + kx * g.dilationWidth(), g.inWidth());
                if (x >= 0) {
                    sum += input[row + x] * weight[filter + ky * g.kernelWidth() + kx];
                }
            }
        }
        return sum;
    }
}
