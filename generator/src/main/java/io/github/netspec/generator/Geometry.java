package io.github.netspec.generator;

/** The size arithmetic of sliding windows, in long so no input can overflow it. */
final class Geometry {

    private Geometry() {}

    /** {@code dilation*(kernel-1) + 1}: how many input positions one window spans. */
    static long dilatedKernel(long kernel, long dilation) {
        return dilation * (kernel - 1) + 1;
    }

    /** {@code floor((in + before + after - dilation*(kernel-1) - 1) / stride) + 1}, the output size. */
    static long outputSize(long in, long before, long after, long kernel, long stride, long dilation) {
        return Math.floorDiv(in + before + after - dilatedKernel(kernel, dilation), stride) + 1;
    }

    /**
     * TensorFlow's "same": the output is {@code ceil(in / stride)} and the padding that achieves it is
     * {@code max((out-1)*stride + dilated kernel - in, 0)}, split with the odd one at the end.
     */
    static long samePaddingTotal(long in, long kernel, long stride, long dilation) {
        long out = Math.floorDiv(in + stride - 1, stride);
        return Math.max((out - 1) * stride + dilatedKernel(kernel, dilation) - in, 0);
    }
}
