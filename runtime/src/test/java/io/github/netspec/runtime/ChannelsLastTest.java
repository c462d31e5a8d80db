package io.github.netspec.runtime;

import static io.github.netspec.runtime.FastKernelTest.assertCloseForSums;
import static io.github.netspec.runtime.FastKernelTest.plainLoops;
import static io.github.netspec.runtime.FastKernelTest.positives;
import static io.github.netspec.runtime.FastKernelTest.randoms;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernels for tensors marked channels-last against the plain loops over channels-first tensors, transposed
 * where {@link ChannelsLast#ACTIVE}. The build runs this class with the Vector API kernels (channels-last) and
 * with the scalar ones (channels-first throughout).
 */
class ChannelsLastTest {

    static Stream<ConvGeometry> depthwiseGeometries() {
        return Stream.concat(FastKernelTest.geometries().filter(ChannelsLastDepthwise::applies), Stream.of(
                // MobileNetV2's 3x3 at stride 1 and 2 on even and odd sides, channels past a whole vector
                // (13, 20: the last channels run scalar), rows of four inner pixels and more
                conv(16, 14, 14, 3, 1, 1, 1),
                conv(13, 15, 15, 3, 1, 1, 1),
                conv(20, 14, 14, 3, 2, 1, 1),
                conv(16, 15, 15, 3, 2, 1, 1),
                conv(8, 7, 7, 3, 1, 1, 1),
                conv(8, 7, 7, 3, 2, 1, 1),
                // eight-pixel runs: two exactly, then ones whose last moves back (remainders of 5 to 7) or hands
                // over to a run of four, at both strides, with a channel tail
                conv(8, 18, 18, 3, 1, 1, 1),
                conv(20, 30, 30, 3, 2, 1, 1),
                conv(12, 20, 20, 3, 2, 1, 1),
                conv(8, 17, 17, 3, 1, 1, 1),
                // inner runs that do not divide into fours (the last moves back), and fewer than four
                conv(8, 11, 11, 3, 1, 1, 1),
                conv(8, 5, 5, 3, 1, 1, 1),
                // planes of one and two rows and columns: every tap but the middle row's falls in the padding
                conv(8, 1, 1, 3, 1, 1, 1),
                conv(8, 2, 2, 3, 1, 1, 1),
                conv(8, 2, 2, 3, 2, 1, 1),
                // no padding, a 5x5 filter, dilation 2: the pixel kernel's taps
                conv(16, 9, 9, 3, 1, 0, 1),
                conv(16, 12, 12, 5, 2, 2, 1),
                conv(16, 12, 12, 3, 1, 2, 2),
                // "same" padding at stride 2 that falls on the bottom and right alone
                new ConvGeometry(16, 16, 16, 16, 8, 8, 3, 3, 2, 2, 1, 1, 0, 0, 16, PaddingMode.ZEROS),
                // stride 2 down only, and padding 2 above with a 3x3 filter: not the four-pixel kernel's
                new ConvGeometry(8, 9, 20, 8, 5, 20, 3, 3, 2, 1, 1, 1, 1, 1, 8, PaddingMode.ZEROS),
                new ConvGeometry(8, 6, 8, 8, 8, 8, 3, 3, 1, 1, 1, 1, 2, 1, 8, PaddingMode.ZEROS)));
    }

    private static ConvGeometry pointwise(int in, int h, int w, int out) {
        return new ConvGeometry(in, h, w, out, h, w, 1, 1, 1, 1, 1, 1, 0, 0, 1, PaddingMode.ZEROS);
    }

    private static ConvGeometry conv(int channels, int h, int w, int k, int stride, int pad, int dilation) {
        int oh = (h + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        int ow = (w + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        return new ConvGeometry(channels, h, w, channels, oh, ow, k, k, stride, stride, dilation, dilation, pad, pad,
                channels, PaddingMode.ZEROS);
    }

    static Stream<ConvGeometry> pointwiseGeometries() {
        return Stream.of(
                // MobileNetV2's shapes, scaled down: whole panels and a half one (24 = 16 + 8), whole tiles of
                // six pixels and a last partial one (49 = 8·6 + 1, 196 = 32·6 + 4)
                pointwise(16, 14, 14, 96),
                pointwise(96, 14, 14, 24),
                pointwise(160, 7, 7, 320),
                // channels that fill no vector (13, 5), blocks of eight tiles and more (20x20 = 400 pixels)
                pointwise(24, 20, 20, 13),
                pointwise(7, 6, 9, 5),
                // fewer pixels than a tile: 1x1 and 2x2 planes
                pointwise(32, 1, 1, 40),
                pointwise(32, 2, 2, 16),
                // a sequence (height 1)
                new ConvGeometry(12, 1, 50, 20, 1, 50, 1, 1, 1, 1, 1, 1, 0, 0, 1, PaddingMode.ZEROS));
    }

    @ParameterizedTest
    @MethodSource("depthwiseGeometries")
    void depthwiseMatchesThePlainLoopsOnEveryTeamSplit(ConvGeometry g) {
        Random random = new Random(g.hashCode());
        int batch = 3;
        float[] weight = randoms(random, g.weightSize());
        float[] bias = randoms(random, g.outChannels());
        // Offsets into shared arrays, as the generated code's arena uses them.
        int inOffset = 7;
        float[] in = randoms(random, inOffset + batch * g.inSize());
        float[] channelsLastIn = markedBatch(in, inOffset, batch, g.inChannels());
        for (Activation activation : List.of(Activation.NONE, Activation.RELU6, Activation.GELU)) {
            float[] expected = markedBatch(plainLoops(g, weight, bias, null, activation, in, inOffset, batch), 0,
                    batch, g.outChannels());
            TaskKernel kernel = ChannelsLast.convolution(ConvKernel.Algorithm.DEPTHWISE, g, weight, bias, null,
                    activation, 0f, true);
            assertEquals(ChannelsLast.ACTIVE ? ChannelsLastDepthwise.class : ConvKernel.class, kernel.getClass());
            assertMatchesOnEveryTeamSplit(g + " with " + activation, kernel, channelsLastIn, inOffset, batch,
                    expected, g.kernelHeight() * g.kernelWidth(), g.outSize());
        }
    }

    @ParameterizedTest
    @MethodSource("pointwiseGeometries")
    void pointwiseMatchesThePlainLoopsFromEitherLayoutOnEveryTeamSplit(ConvGeometry g) {
        Random random = new Random(g.hashCode());
        int batch = 3;
        float[] weight = randoms(random, g.weightSize());
        float[] bias = randoms(random, g.outChannels());
        BatchNorm norm = BatchNorm.fold(positives(random, g.outChannels()), randoms(random, g.outChannels()),
                randoms(random, g.outChannels()), positives(random, g.outChannels()), 1e-5);
        int inOffset = 7;
        float[] in = randoms(random, inOffset + batch * g.inSize());
        float[] channelsLastIn = markedBatch(in, inOffset, batch, g.inChannels());
        for (Activation activation : List.of(Activation.NONE, Activation.RELU6, Activation.GELU)) {
            float[] expected = markedBatch(plainLoops(g, weight, bias, norm, activation, in, inOffset, batch), 0,
                    batch, g.outChannels());
            for (boolean inputChannelsLast : new boolean[] {false, true}) {
                TaskKernel kernel = ChannelsLast.convolution(ConvKernel.Algorithm.GEMM, g, weight, bias, norm,
                        activation, 0f, inputChannelsLast);
                assertEquals(ChannelsLast.ACTIVE ? ChannelsLastPointwise.class : ConvKernel.class, kernel.getClass());
                assertMatchesOnEveryTeamSplit(g + " with " + activation + (inputChannelsLast ? " from channels last"
                        : " from channels first"), kernel, inputChannelsLast ? channelsLastIn : in, inOffset, batch,
                        expected, g.inChannels(), g.outSize());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("pointwiseGeometries")
    void globalPoolingMatchesTheChannelsFirstLoops(ConvGeometry g) {
        Random random = new Random(g.hashCode());
        int batch = 3;
        int channels = g.inChannels();
        int spatial = g.inHeight() * g.inWidth();
        float[] in = randoms(random, 2 + batch * g.inSize());
        in[2 + g.inSize() + spatial + 1] = Float.NaN; // the second sample's second channel: NaN wins either way
        float[] channelsLastIn = markedBatch(in, 2, batch, channels);
        float[] expected = new float[1 + batch * channels];
        float[] actual = new float[1 + batch * channels];
        Pooling.globalAverage(batch * channels, spatial, in, 2, expected, 1);
        ChannelsLast.globalAverage(channels, spatial, channelsLastIn, 2, actual, 1, batch);
        assertEquals(Arrays.toString(expected), Arrays.toString(actual), "average of " + g);
        Pooling.globalMax(batch * channels, spatial, in, 2, expected, 1);
        ChannelsLast.globalMax(channels, spatial, channelsLastIn, 2, actual, 1, batch);
        assertEquals(Arrays.toString(expected), Arrays.toString(actual), "max of " + g);
    }

    /** Runs a kernel's tasks for teams of one to three threads, in reverse order, against the expected outputs. */
    private static void assertMatchesOnEveryTeamSplit(String name, TaskKernel kernel, float[] in, int inOffset,
                                                      int batch, float[] expected, int terms, int outSize) {
        int outOffset = 5;
        for (int threads : new int[] {1, 2, 3}) {
            float[] out = new float[outOffset + batch * outSize];
            Scratch scratch = Scratch.forKernels(kernel);
            int tasks = kernel.tasks(batch, threads);
            // The tasks in reverse order: each writes its own outputs, so the order cannot matter.
            for (int task = tasks - 1; task >= 0; task--) {
                kernel.run(task, task + 1, threads, in, inOffset, out, outOffset, batch, scratch);
            }
            assertCloseForSums(name + " in " + tasks + " tasks", expected,
                    Arrays.copyOfRange(out, outOffset, out.length), terms);
        }
    }

    @ParameterizedTest
    @MethodSource("depthwiseAndPointwiseGeometries")
    void aSampleGetsTheSameBitsInAnyBatch(ConvGeometry g) {
        Random random = new Random(g.hashCode());
        float[] weight = randoms(random, g.weightSize());
        float[] bias = randoms(random, g.outChannels());
        TaskKernel kernel = ChannelsLast.convolution(g.groups() > 1 ? ConvKernel.Algorithm.DEPTHWISE
                : ConvKernel.Algorithm.GEMM, g, weight, bias, null, Activation.RELU6, 0f, true);
        Scratch scratch = Scratch.forKernels(kernel);
        float[] batch = randoms(random, 4 * g.inSize());
        float[] outputs = new float[4 * g.outSize()];
        kernel.forward(batch, 0, outputs, 0, 4, scratch);
        float[] alone = new float[g.outSize()];
        kernel.forward(batch, 2 * g.inSize(), alone, 0, 1, scratch);
        assertEquals(Arrays.toString(Arrays.copyOfRange(outputs, 2 * g.outSize(), 3 * g.outSize())),
                Arrays.toString(alone), g.toString());
    }

    /**
     * A batch whose input is past {@link ChannelsLastDepthwise#CACHED_INPUT_BYTES}, where the kernel reads ahead
     * of each output row, split among tasks run in reverse order: each sample gets the bits it gets alone.
     */
    @ParameterizedTest
    @MethodSource("largeBatchGeometries")
    void aBatchPastTheCachedSizeGetsTheSameBitsAsItsSamplesAlone(ConvGeometry g) {
        Random random = new Random(g.hashCode());
        float[] weight = randoms(random, g.weightSize());
        float[] bias = randoms(random, g.outChannels());
        TaskKernel kernel = ChannelsLast.convolution(ConvKernel.Algorithm.DEPTHWISE, g, weight, bias, null,
                Activation.RELU6, 0f, true);
        int batch = (int) (ChannelsLastDepthwise.CACHED_INPUT_BYTES / ((long) g.inSize() * Float.BYTES)) + 2;
        float[] samples = randoms(random, batch * g.inSize());
        float[] outputs = new float[batch * g.outSize()];
        Scratch scratch = Scratch.forKernels(kernel);
        int tasks = kernel.tasks(batch, 3);
        for (int task = tasks - 1; task >= 0; task--) {
            kernel.run(task, task + 1, 3, samples, 0, outputs, 0, batch, scratch);
        }
        for (int n : new int[] {0, batch / 2, batch - 1}) {
            float[] alone = new float[g.outSize()];
            kernel.forward(samples, n * g.inSize(), alone, 0, 1, scratch);
            assertEquals(Arrays.toString(alone),
                    Arrays.toString(Arrays.copyOfRange(outputs, n * g.outSize(), (n + 1) * g.outSize())),
                    g + ", sample " + n + " of " + batch);
        }
    }

    static Stream<ConvGeometry> largeBatchGeometries() {
        return Stream.of(conv(16, 14, 14, 3, 2, 1, 1), conv(24, 18, 18, 3, 1, 1, 1));
    }

    static Stream<ConvGeometry> depthwiseAndPointwiseGeometries() {
        return Stream.concat(depthwiseGeometries(), pointwiseGeometries());
    }

    /** A channels-first tensor in the layout of a buffer marked channels-last: transposed where that is active. */
    static float[] marked(float[] channelsFirst, int channels) {
        return ChannelsLast.ACTIVE ? channelsLast(channelsFirst, channels) : channelsFirst;
    }

    /**
     * A batch of channels-first samples from {@code samples[offset]}, each in the layout of a buffer marked
     * channels-last, at the same place in an array of the same length.
     */
    static float[] markedBatch(float[] samples, int offset, int batch, int channels) {
        int size = (samples.length - offset) / batch;
        float[] marked = new float[samples.length];
        for (int n = 0; n < batch; n++) {
            int from = offset + n * size;
            System.arraycopy(marked(Arrays.copyOfRange(samples, from, from + size), channels), 0, marked, from, size);
        }
        return marked;
    }

    /** {@code [channels][pixels]} to {@code [pixels][channels]}. */
    static float[] channelsLast(float[] channelsFirst, int channels) {
        int pixels = channelsFirst.length / channels;
        float[] transposed = new float[channelsFirst.length];
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < pixels; p++) {
                transposed[p * channels + c] = channelsFirst[c * pixels + p];
            }
        }
        return transposed;
    }
}
