package io.github.netspec.runtime;

/** Shapes of a 2-D pooling window over {@code [C, H, W]}; 1-D pooling uses height 1. */
public record PoolGeometry(
        int channels, int inHeight, int inWidth,
        int outHeight, int outWidth,
        int kernelHeight, int kernelWidth,
        int strideHeight, int strideWidth,
        int padTop, int padLeft) {

    public PoolGeometry {
        ConvGeometry.requirePositive("channels", channels);
        ConvGeometry.requirePositive("inHeight", inHeight);
        ConvGeometry.requirePositive("inWidth", inWidth);
        ConvGeometry.requirePositive("outHeight", outHeight);
        ConvGeometry.requirePositive("outWidth", outWidth);
        ConvGeometry.requirePositive("kernelHeight", kernelHeight);
        ConvGeometry.requirePositive("kernelWidth", kernelWidth);
        ConvGeometry.requirePositive("strideHeight", strideHeight);
        ConvGeometry.requirePositive("strideWidth", strideWidth);
        if (padTop < 0 || padLeft < 0) {
            throw new IllegalArgumentException("padding must not be negative: top " + padTop + ", left " + padLeft);
        }
    }

    public int inSize() {
        return channels * inHeight * inWidth;
    }

    public int outSize() {
        return channels * outHeight * outWidth;
    }
}
