package io.github.netspec.runtime;

/**
 * The shapes of a 2-D transposed convolution (PyTorch's {@code ConvTranspose2d}): input pixel
 * {@code (y, x)} spreads its kernel over the output from {@code (y*strideHeight - padTop,
 * x*strideWidth - padLeft)}, a tap every {@code dilation} positions. The output size
 * {@code (in-1)*stride - 2*padding + dilation*(kernel-1) + outputPadding + 1} is fixed at build time, so
 * output padding needs no field. A 1-D one is height 1.
 */
public record TransposedConvGeometry(
        int inChannels, int inHeight, int inWidth,
        int outChannels, int outHeight, int outWidth,
        int kernelHeight, int kernelWidth,
        int strideHeight, int strideWidth,
        int dilationHeight, int dilationWidth,
        int padTop, int padLeft,
        int groups) {

    public TransposedConvGeometry {
        ConvGeometry.requireWindow(inChannels, inHeight, inWidth, outChannels, outHeight, outWidth, kernelHeight,
                kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft, groups);
    }

    public int inSize() {
        return inChannels * inHeight * inWidth;
    }

    public int outSize() {
        return outChannels * outHeight * outWidth;
    }

    /** PyTorch's layout: {@code [in, out/groups, kh, kw]}. */
    public int weightSize() {
        return inChannels * (outChannels / groups) * kernelHeight * kernelWidth;
    }
}
