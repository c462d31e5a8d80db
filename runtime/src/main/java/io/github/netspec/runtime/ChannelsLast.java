package io.github.netspec.runtime;

/**
 * The kernels for the tensors the generator may keep channels-last ({@code [pixel][channel]}, PyTorch's
 * {@code channels_last}, ONNX Runtime's NHWC): those around depthwise convolutions, where a vector of one
 * pixel's neighbouring channels needs no shuffles, masks or lanes lost at a row's end (MobileNetV2's stride-2
 * depthwise layers take about half the time they take channels-first).
 *
 * <p>They are channels-last on the Vector API path only. The scalar kernels are written for channels-first
 * rows, long runs of pixels that HotSpot vectorizes; channels-last, a 1×1 convolution's row is as short as its
 * outputs (16 or 24 in MobileNetV2) and a depthwise one's reads its input at other offsets than it writes,
 * which HotSpot does not vectorize. On the scalar path these methods therefore run the channels-first kernels
 * ({@link #ACTIVE} is false), and every tensor stays channels-first.
 */
public final class ChannelsLast {

    /** Whether the tensors the generator marks are channels-last on this JVM: with the Vector API. */
    public static final boolean ACTIVE = Simd.VECTOR;

    private ChannelsLast() {}

    /** Whether a geometry runs as a depthwise convolution over channels-last tensors. */
    public static boolean depthwise(ConvGeometry g) {
        return ChannelsLastDepthwise.applies(g);
    }

    /** Whether a geometry runs as a 1×1 convolution that writes channels-last tensors, reading either layout. */
    public static boolean pointwise(ConvGeometry g) {
        return ChannelsLastPointwise.applies(g);
    }

    /**
     * Prepares a convolution whose output the generator marked channels-last: a depthwise one, whose input is
     * marked too ({@link ChannelsLastDepthwise}), or a 1×1 one at stride 1 ({@link ChannelsLastPointwise}).
     * When {@link #ACTIVE} is false, the channels-first kernel {@link ConvKernel#create} prepares.
     *
     * @param algorithm the channels-first algorithm, for the scalar path
     * @param weight PyTorch's layout {@code [out, in/groups, kh, kw]}
     * @param bias one value per output channel, or null for none
     * @param norm a batch norm that follows the convolution, folded into its weights and bias, or null
     * @param alpha read by leaky_relu and elu only
     * @param inputChannelsLast whether the input is marked channels-last; a depthwise convolution's must be
     * @throws IllegalArgumentException if the geometry is neither of these two
     */
    public static TaskKernel convolution(ConvKernel.Algorithm algorithm, ConvGeometry g, float[] weight, float[] bias,
                                         BatchNorm norm, Activation activation, float alpha,
                                         boolean inputChannelsLast) {
        boolean runsDepthwise = depthwise(g) && inputChannelsLast;
        if (!runsDepthwise && !pointwise(g)) {
            throw new IllegalArgumentException("channels-last tensors need a depthwise convolution that reads them or a"
                    + " 1x1 convolution at stride 1, not " + g);
        }
        if (!ACTIVE) {
            return ConvKernel.create(algorithm, g, weight, bias, norm, activation, alpha);
        }
        ConvKernel.requireWeightSize(g, weight);
        float[] folded = weight.clone();
        float[] foldedBias = new float[g.outChannels()];
        ConvKernel.fold(g, folded, bias, norm, foldedBias);
        return runsDepthwise ? new ChannelsLastDepthwise(g, folded, foldedBias, activation, alpha)
                : new ChannelsLastPointwise(g, folded, foldedBias, activation, alpha, inputChannelsLast);
    }

    /**
     * {@link Pooling#globalAverage} over a batch marked channels-last ({@code [spatial][channels]} a sample when
     * {@link #ACTIVE}): each channel's values summed in pixel order, as the channels-first loop sums them, then
     * divided, so both layouts give the same bits.
     */
    public static void globalAverage(int channels, int spatial, float[] input, int inputOffset, float[] output,
                                     int outputOffset, int batch) {
        if (!ACTIVE) {
            Pooling.globalAverage(batch * channels, spatial, input, inputOffset, output, outputOffset);
            return;
        }
        for (int n = 0; n < batch; n++) {
            ChannelsLastKernels.pixelMeans(input, inputOffset + n * spatial * channels, spatial, channels, output,
                    outputOffset + n * channels);
        }
    }

    /** {@link Pooling#globalMax} over a batch marked channels-last: each channel's largest value. */
    public static void globalMax(int channels, int spatial, float[] input, int inputOffset, float[] output,
                                 int outputOffset, int batch) {
        if (!ACTIVE) {
            Pooling.globalMax(batch * channels, spatial, input, inputOffset, output, outputOffset);
            return;
        }
        for (int n = 0; n < batch; n++) {
            ChannelsLastKernels.pixelMaxima(input, inputOffset + n * spatial * channels, spatial, channels, output,
                    outputOffset + n * channels);
        }
    }
}
