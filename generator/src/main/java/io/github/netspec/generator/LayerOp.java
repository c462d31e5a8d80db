package io.github.netspec.generator;

import io.github.netspec.runtime.PaddingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * A layer after checking: every parameter resolved to concrete numbers for its input shape. Spatial
 * arrays have one entry per spatial dimension (height, width; or length).
 */
public sealed interface LayerOp {

    record Input() implements LayerOp {}

    /**
     * A convolution. Depthwise is a convolution with {@code groups == in channels}.
     *
     * @param padBefore padding at the start of each spatial axis (top, left)
     * @param padAfter padding at the end of each spatial axis (bottom, right)
     */
    record Conv(int outChannels, int[] kernel, int[] stride, int[] dilation, int[] padBefore, int[] padAfter,
                int groups, boolean bias, PaddingMode paddingMode, Activation activation) implements LayerOp {

        /** The output channels, then each spatial size by the sliding-window formula. */
        Shape outputShape(Shape input) {
            List<Integer> dims = new ArrayList<>(List.of(outChannels));
            for (int axis = 0; axis < kernel.length; axis++) {
                dims.add((int) Geometry.outputSize(input.spatial().get(axis), padBefore[axis], padAfter[axis],
                        kernel[axis], stride[axis], dilation[axis]));
            }
            return new Shape(dims);
        }
    }

    /** Depthwise (with bias) then a 1x1 pointwise convolution, weights under LABEL.depthwise / LABEL.pointwise. */
    record Separable(Conv depthwise, Conv pointwise) implements LayerOp {}

    /**
     * A 2-D transposed convolution (PyTorch's ConvTranspose2d): the output is
     * {@code (in-1)*stride - 2*padding + dilation*(kernel-1) + outputPadding + 1} per axis.
     */
    record TransposedConv(int outChannels, int[] kernel, int[] stride, int[] dilation, int[] padding,
                          int[] outputPadding, int groups, boolean bias, Activation activation) implements LayerOp {

        Shape outputShape(Shape input) {
            List<Integer> dims = new ArrayList<>(List.of(outChannels));
            for (int axis = 0; axis < kernel.length; axis++) {
                dims.add((int) Math.min(Integer.MAX_VALUE, Geometry.transposedOutputSize(input.spatial().get(axis),
                        padding[axis], kernel[axis], stride[axis], dilation[axis], outputPadding[axis])));
            }
            return new Shape(dims);
        }
    }

    /** PyTorch's nn.Upsample with a whole scale per spatial axis. */
    record Upsample(int[] scale, boolean bilinear, boolean alignCorners) implements LayerOp {

        Shape outputShape(Shape input) {
            List<Integer> dims = new ArrayList<>(List.of(input.channels()));
            for (int axis = 0; axis < scale.length; axis++) {
                dims.add((int) Math.min(Integer.MAX_VALUE, (long) input.spatial().get(axis) * scale[axis]));
            }
            return new Shape(dims);
        }
    }

    /** Max or average pooling with the same padding on both sides of each axis, as PyTorch pads. */
    record Pool(boolean max, int[] kernel, int[] stride, int[] padding) implements LayerOp {

        /** The channels unchanged, then each spatial size by the sliding-window formula. */
        Shape outputShape(Shape input) {
            List<Integer> dims = new ArrayList<>(List.of(input.channels()));
            for (int axis = 0; axis < kernel.length; axis++) {
                dims.add((int) Geometry.outputSize(input.spatial().get(axis), padding[axis], padding[axis], kernel[axis],
                        stride[axis], 1));
            }
            return new Shape(dims);
        }
    }

    record GlobalPool(boolean max) implements LayerOp {}

    record BatchNorm(double eps) implements LayerOp {}

    record Dense(int outFeatures, boolean bias, Activation activation) implements LayerOp {}

    record Flatten() implements LayerOp {}

    record Dropout(double p) implements LayerOp {}

    /** A standalone activation layer. */
    record Elementwise(Activation activation, double alpha) implements LayerOp {}

    record Add() implements LayerOp {}

    record Concat() implements LayerOp {}
}
