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
        ConvGeometry.requirePositive("inChannels", inChannels);
        ConvGeometry.requirePositive("inHeight", inHeight);
        ConvGeometry.requirePositive("inWidth", inWidth);
        ConvGeometry.requirePositive("outChannels", outChannels);
        ConvGeometry.requirePositive("outHeight", outHeight);
        ConvGeometry.requirePositive("outWidth", outWidth);
        ConvGeometry.requirePositive("kernelHeight", kernelHeight);
        ConvGeometry.requirePositive("kernelWidth", kernelWidth);
        ConvGeometry.requirePositive("strideHeight", strideHeight);
        ConvGeometry.requirePositive("strideWidth", strideWidth);
        ConvGeometry.requirePositive("dilationHeight", dilationHeight);
        ConvGeometry.requirePositive("dilationWidth", dilationWidth);
        ConvGeometry.requirePositive("groups", groups);
        if (padTop < 0 || padLeft < 0) {
            throw new IllegalArgumentException("padding must not be negative: top " + padTop + ", left " + padLeft);
        }
        if (inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("groups " + groups + " must divide in channels " + inChannels
                    + " and out channels " + outChannels);
        }
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
