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
