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

    /** {@code (in-1)*stride - 2*padding + dilation*(kernel-1) + outputPadding + 1}: a transposed convolution's output. */
    static long transposedOutputSize(long in, long padding, long kernel, long stride, long dilation, long outputPadding) {
        return (in - 1) * stride - 2 * padding + dilatedKernel(kernel, dilation) + outputPadding;
    }

    /**
     * TensorFlow's "same": the output is {@code ceil(in / stride)} and the padding that achieves it is
     * {@code max((out-1)*stride + dilated kernel - in, 0)}, split with the odd one at the end.
     */
    static long samePaddingTotal(long in, long kernel, long stride, long dilation) {
        long out = Math.floorDiv(in + stride - 1, stride);
        return Math.max((out - 1) * stride + dilatedKernel(kernel, dilation) - in, 0);
    }

    /**
     * How many input positions at the end of an axis no window reads: the floor in {@link #outputSize}
     * drops what is left over after the last full window, and whatever of that is not padding is input
     * the layer ignores. Zero when the stride is wider than a window, since the gaps between windows
     * then skip input everywhere by design (a strided 1x1 convolution).
     */
    static long unreadAtEnd(long in, long before, long after, long span, long stride) {
        long reach = in + before + after - span;
        if (stride > span || reach < 0) {
            return 0;
        }
        return Math.max(0, reach % stride - after);
    }
}
