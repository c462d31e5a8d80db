package io.github.netspec.runtime;

/**
 * Everything a 2-D convolution needs to know about its shapes, fixed at build time. A 1-D convolution is
 * the same thing with height 1 and kernel height 1. Padding on the bottom and right is implied by the
 * output size; only where the window starts (top, left) is needed.
 */
public record ConvGeometry(
        int inChannels, int inHeight, int inWidth,
        int outChannels, int outHeight, int outWidth,
        int kernelHeight, int kernelWidth,
        int strideHeight, int strideWidth,
        int dilationHeight, int dilationWidth,
        int padTop, int padLeft,
        int groups,
        PaddingMode paddingMode) {

    public ConvGeometry {
        requireWindow(inChannels, inHeight, inWidth, outChannels, outHeight, outWidth, kernelHeight, kernelWidth,
                strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft, groups);
    }

    /** The checks a sliding window's shapes must pass, for this record and {@link TransposedConvGeometry}. */
    static void requireWindow(int inChannels, int inHeight, int inWidth, int outChannels, int outHeight, int outWidth,
                              int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int dilationHeight,
                              int dilationWidth, int padTop, int padLeft, int groups) {
        requirePositive("inChannels", inChannels);
        requirePositive("inHeight", inHeight);
        requirePositive("inWidth", inWidth);
        requirePositive("outChannels", outChannels);
        requirePositive("outHeight", outHeight);
        requirePositive("outWidth", outWidth);
        requirePositive("kernelHeight", kernelHeight);
        requirePositive("kernelWidth", kernelWidth);
        requirePositive("strideHeight", strideHeight);
        requirePositive("strideWidth", strideWidth);
        requirePositive("dilationHeight", dilationHeight);
        requirePositive("dilationWidth", dilationWidth);
        requirePositive("groups", groups);
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

    public int weightSize() {
        return outChannels * (inChannels / groups) * kernelHeight * kernelWidth;
    }

    static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 but is " + value);
        }
    }
}
