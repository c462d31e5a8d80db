package io.github.netspec.runtime;

import static io.github.netspec.runtime.KernelReferenceTest.assertClose;
import static io.github.netspec.runtime.KernelReferenceTest.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast kernels against PyTorch's reference cases and against the plain loops, over geometries chosen to
 * cross every blocking edge (k past KC, pixels past NC, channels not a multiple of MR). The build runs this
 * class twice, once with the Vector API kernels and once with the scalar ones.
 */
class FastKernelTest {

    @BeforeAll
    static void open() throws Exception {
        KernelReferenceTest.open();
    }

    @AfterAll
    static void close() throws Exception {
        KernelReferenceTest.close();
    }

    @Test
    void runsTheKernelsTheBuildAskedFor() {
        String expected = System.getProperty("netspec.expectVector");
        if (expected != null) {
            assertEquals(Boolean.parseBoolean(expected), Simd.vectorized(), Simd.describe());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.netspec.runtime.KernelReferenceTest#convCases")
    void everyApplicableAlgorithmMatchesPyTorch(String line) {
        String[] f = line.split(" ");
        int[] n = Arrays.stream(f).mapToInt(s -> s.matches("-?\\d+") ? Integer.parseInt(s) : 0).toArray();
        ConvGeometry g = new ConvGeometry(n[1], n[2], n[3], n[4], n[18], n[19], n[5], n[6], n[7], n[8], n[9], n[10],
                n[11], n[13], n[15], PaddingMode.valueOf(f[16].toUpperCase(Locale.ROOT)));
        float[] bias = f[17].equals("1") ? tensor(f[0] + ".bias") : null;
        for (ConvKernel.Algorithm algorithm : applicable(g)) {
            ConvKernel kernel = ConvKernel.create(algorithm, g, tensor(f[0] + ".weight"), bias, null, Activation.NONE, 0f);
            float[] out = new float[g.outSize()];
            kernel.forward(tensor(f[0] + ".input"), 0, out, 0, 1, Scratch.forKernels(kernel));
            assertClose(f[0] + " by " + algorithm, tensor(f[0] + ".output"), out);
        }
    }

    static Stream<ConvGeometry> geometries() {
        return Stream.of(
                // k = 300 crosses KC; 40x40 = 1600 pixels cross NC; 13 rows leave a partial MR panel
                conv(30, 40, 40, 13, 3, 1, 1, 1, 1),
                // 1x1, 200 channels in, 37 out, pixels not a multiple of NR
                conv(200, 9, 11, 37, 1, 1, 0, 1, 1),
                // 7x7 = 49 columns: the last tile is one column wide (half a tile), its sums carried across KC
                conv(300, 7, 7, 20, 1, 1, 0, 1, 1),
                // 7x7 again, which the scalar path multiplies turned around (FewPixelsGemm): 300 output channels
                // are two sweeps, and depth 261 crosses KC and ends short of a group of four
                conv(29, 7, 7, 300, 3, 1, 1, 1, 1),
                // stride 2 with padding, every edge of the im2col packing
                conv(5, 17, 15, 16, 5, 2, 2, 1, 1),
                // dilation 2, padding that reads past both sides
                conv(4, 12, 12, 9, 3, 1, 2, 2, 1),
                // grouped, two groups of 6 -> 5
                conv(12, 10, 10, 10, 3, 1, 1, 1, 2),
                // depthwise, multiplier 2, stride 2
                conv(8, 15, 15, 16, 3, 2, 1, 1, 8),
                // depthwise stride 1 with dilation, MobileNet-like
                conv(24, 14, 14, 24, 3, 1, 2, 2, 24),
                // a 7x7 stride 2 stem, ResNet-like, with a wide first row run
                conv(3, 30, 30, 8, 7, 2, 3, 1, 1),
                // 1x1 read in place, 64 pixels: every tile of both full panels goes straight to the output
                conv(20, 8, 8, 12, 1, 1, 0, 1, 1),
                // 1x1 at stride 2, ResNet's downsample: one phase plane of four
                conv(16, 10, 10, 12, 1, 2, 0, 1, 1),
                // depthwise at stride 1 on small planes, which the Vector API runs with masked row edges: 7x7,
                // a multiplier of 2, no padding above or below, and more padding above and below than the reach
                conv(16, 7, 7, 16, 3, 1, 1, 1, 16),
                conv(8, 14, 14, 16, 3, 1, 1, 1, 8),
                new ConvGeometry(4, 9, 10, 4, 7, 10, 3, 3, 1, 1, 1, 1, 0, 1, 4, PaddingMode.ZEROS),
                new ConvGeometry(4, 6, 8, 4, 8, 8, 3, 3, 1, 1, 1, 1, 2, 1, 4, PaddingMode.ZEROS),
                // ... and at stride 2, from the stride-1 sums: MobileNet's even sides, and dilation 2 on odd ones
                conv(8, 14, 14, 8, 3, 2, 1, 1, 8),
                conv(4, 13, 12, 4, 3, 2, 2, 2, 4),
                // stride 4, depth 75: a plane per kernel column, every fourth input column of each row
                conv(3, 35, 37, 8, 5, 4, 2, 1, 1),
                // a 6x6 kernel at stride 4, depth 108: its planes are dealt an input row at a time, as Winograd's
                conv(3, 30, 30, 8, 6, 4, 1, 1, 1),
                // depthwise on a plane too large for one block of planes: two blocks of rows
                conv(2, 260, 260, 2, 3, 1, 1, 1, 2),
                // no padding, depth 144: phase planes as wide as the input rows, copied in one piece
                conv(16, 9, 11, 10, 3, 1, 0, 1, 1),
                // no padding, depth 27: a plane per kernel column, narrower than the input rows
                conv(3, 9, 11, 5, 3, 1, 0, 1, 1),
                // a 5x5 kernel on 2-wide rows: the outer kernel columns fall wholly in the padding
                conv(2, 6, 2, 3, 5, 1, 2, 1, 1),
                // depthwise outputs under one vector, at stride 1 and at stride 2
                conv(4, 2, 2, 4, 3, 1, 1, 1, 4),
                conv(4, 3, 3, 4, 3, 2, 1, 1, 4),
                // depthwise at stride 2, which the Vector API runs on padded rows: rows of 40 outputs (four
                // vectors and more) and of 20 (two to four), a 5x5 kernel at dilation 2, stride 2 across only,
                // "same" padding that falls on the right and bottom alone, and a plane three blocks tall
                conv(6, 80, 80, 6, 3, 2, 1, 1, 6),
                conv(4, 40, 41, 4, 3, 2, 1, 1, 4),
                conv(6, 33, 37, 6, 5, 2, 4, 2, 6),
                new ConvGeometry(3, 9, 20, 3, 9, 10, 3, 3, 1, 2, 1, 1, 1, 1, 3, PaddingMode.ZEROS),
                new ConvGeometry(4, 16, 16, 4, 8, 8, 3, 3, 2, 2, 1, 1, 0, 0, 4, PaddingMode.ZEROS),
                conv(2, 400, 400, 2, 3, 2, 1, 1, 2),
                // Winograd: odd output sides (half tiles at the bottom and right), 19 channels (a partial panel)
                conv(20, 13, 11, 19, 3, 1, 1, 1, 1),
                // Winograd: 195 tiles in chunks of 96, the last one a partial panel
                conv(40, 30, 25, 13, 3, 1, 1, 1, 1),
                // Winograd: 300 channels, so a chunk is one panel of tiles
                conv(300, 6, 7, 8, 3, 1, 1, 1, 1),
                // Winograd: 95 rows of tiles, more than one block of planes holds
                conv(16, 190, 190, 4, 3, 1, 1, 1, 1),
                // Winograd at dilation 2 and 3: four and nine output phases, of unequal sizes
                conv(20, 17, 15, 18, 3, 1, 2, 2, 1),
                conv(16, 9, 13, 16, 3, 1, 3, 3, 1),
                // dilation 2 with 144 tiles in the largest phase: the scalar path runs it by Winograd too
                conv(20, 47, 45, 18, 3, 1, 2, 2, 1),
                // dilation 3 on a 1x2 output: most phases are empty
                conv(16, 1, 2, 16, 3, 1, 3, 3, 1),
                // dilation 2 with padding 0: a phase would need negative padding, so no Winograd
                conv(16, 12, 12, 16, 3, 1, 0, 2, 1));
    }

    private static ConvGeometry conv(int inC, int h, int w, int outC, int k, int stride, int pad, int dilation, int groups) {
        int oh = (h + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        int ow = (w + 2 * pad - dilation * (k - 1) - 1) / stride + 1;
        return new ConvGeometry(inC, h, w, outC, oh, ow, k, k, stride, stride, dilation, dilation, pad, pad, groups,
                PaddingMode.ZEROS);
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void batchedFusedConvolutionMatchesThePlainLoops(ConvGeometry g) {
        Random random = new Random(g.hashCode());
        int batch = 3;
        float[] weight = randoms(random, g.weightSize());
        float[] bias = randoms(random, g.outChannels());
        BatchNorm norm = BatchNorm.fold(positives(random, g.outChannels()), randoms(random, g.outChannels()),
                randoms(random, g.outChannels()), positives(random, g.outChannels()), 1e-5);
        // Offsets into shared arrays, as the generated code's arena uses them.
        int inOffset = 7;
        int outOffset = 5;
        float[] in = randoms(random, inOffset + batch * g.inSize());
        for (Activation activation : List.of(Activation.RELU6, Activation.GELU)) {
            float[] expected = plainLoops(g, weight, bias, norm, activation, in, inOffset, batch);
            for (ConvKernel.Algorithm algorithm : applicable(g)) {
                ConvKernel kernel = ConvKernel.create(algorithm, g, weight, bias, norm, activation, 0f);
                float[] out = new float[outOffset + batch * g.outSize()];
                kernel.forward(in, inOffset, out, outOffset, batch, Scratch.forKernels(kernel));
                assertCloseForSums(g + " by " + algorithm + " with " + activation, expected,
                        Arrays.copyOfRange(out, outOffset, out.length), g.weightSize() / g.outChannels());
            }
        }
    }

    /**
     * What the plain loops give for a batch of channels-first samples from {@code in[inOffset]}: the
     * convolution, then the batch norm (if any), then the activation, each sample after the one before.
     */
    static float[] plainLoops(ConvGeometry g, float[] weight, float[] bias, BatchNorm norm, Activation activation,
                              float[] in, int inOffset, int batch) {
        float[] expected = new float[batch * g.outSize()];
        for (int n = 0; n < batch; n++) {
            float[] sample = Arrays.copyOfRange(in, inOffset + n * g.inSize(), inOffset + (n + 1) * g.inSize());
            float[] out = new float[g.outSize()];
            Convolution.forward(g, sample, weight, bias, out);
            if (norm != null) {
                norm.apply(out, g.outHeight() * g.outWidth());
            }
            activation.apply(out, 0, out.length, 0f);
            System.arraycopy(out, 0, expected, n * g.outSize(), out.length);
        }
        return expected;
    }

    /**
     * The scalar Winograd kernel on every geometry it can run, including those too small for it to pay (where
     * a network's layer would run the scalar GEMM instead), chunk by chunk and panel by panel as the tasks run
     * it. The scalar build only: the Vector API build's scratch has no row arrays.
     */
    @ParameterizedTest
    @MethodSource("geometries")
    void scalarWinogradMatchesThePlainLoops(ConvGeometry g) {
        assumeFalse(Simd.VECTOR, "the scalar build runs this");
        assumeTrue(Winograd.applies(g) && g.inChannels() <= Winograd.SCALAR_MAX_CHANNELS, "no scalar Winograd");
        Random random = new Random(g.hashCode());
        float[] weight = randoms(random, g.weightSize());
        float[] bias = new float[g.outChannels() + Gemm.MR];
        float[] in = randoms(random, 3 + g.inSize());
        float[] expected = new float[g.outSize()];
        Convolution.forward(g, Arrays.copyOfRange(in, 3, in.length), weight, bias, expected);
        Winograd winograd = new Winograd(g, Winograd.SMALL_TILE);
        float[] transformed = Winograd.transformWeights(g, weight, Winograd.SMALL_TILE);
        Scratch scratch = new Scratch(winograd.scalarScratchSize(), Gemm.NC, Gemm.MR, winograd.scalarRows());
        float[] out = new float[2 + g.outSize()];
        int panels = Gemm.panels(g.outChannels());
        for (int phase = 0; phase < winograd.phases(); phase++) {
            for (int chunk = 0; chunk < winograd.scalarChunks(); chunk++) {
                // Two row chunks, as a team splits a layer, where there are two panels.
                winograd.runScalar(in, 3, phase, chunk, 0, panels / 2, transformed, bias, Activation.NONE, 0f, out,
                        2, scratch);
                winograd.runScalar(in, 3, phase, chunk, panels / 2, panels, transformed, bias, Activation.NONE, 0f,
                        out, 2, scratch);
            }
        }
        assertCloseForSums(g + " by scalar Winograd", expected, Arrays.copyOfRange(out, 2, out.length),
                g.weightSize() / g.outChannels());
    }

    /**
     * The Vector API's Winograd kernels with either tile, F(2×2) and F(4×4), on every geometry Winograd can
     * run, whichever of the two a network's layer would get: in two blocks of tile rows and two ranges of
     * weight panels, as a team splits a layer.
     */
    @ParameterizedTest
    @MethodSource("geometries")
    void vectorWinogradMatchesThePlainLoopsWithEitherTile(ConvGeometry g) {
        assumeTrue(Simd.VECTOR, "the Vector API build runs this");
        assumeTrue(Winograd.applies(g), "no Winograd");
        Random random = new Random(g.hashCode());
        float[] weight = randoms(random, g.weightSize());
        float[] bias = new float[g.outChannels() + Gemm.MR];
        System.arraycopy(randoms(random, g.outChannels()), 0, bias, 0, g.outChannels());
        float[] in = randoms(random, 3 + g.inSize());
        float[] expected = new float[g.outSize()];
        Convolution.forward(g, Arrays.copyOfRange(in, 3, in.length), weight, bias, expected);
        for (int side : new int[] {Winograd.SMALL_TILE, Winograd.LARGE_TILE}) {
            Winograd winograd = new Winograd(g, side);
            float[] transformed = Winograd.transformWeights(g, weight, side);
            float[] scratch = new float[winograd.scratchSize()];
            float[] out = new float[2 + g.outSize()];
            int panels = Gemm.panels(g.outChannels());
            int blockRows = Math.min(winograd.maxBlockRows(), (winograd.tilesHigh() + 1) / 2);
            for (int phase = 0; phase < winograd.phases(); phase++) {
                for (int firstRow = 0; firstRow < winograd.tilesHigh(); firstRow += blockRows) {
                    winograd.run(in, 3, phase, firstRow, blockRows, 0, panels / 2, transformed, bias,
                            Activation.NONE, 0f, out, 2, scratch);
                    winograd.run(in, 3, phase, firstRow, blockRows, panels / 2, panels, transformed, bias,
                            Activation.NONE, 0f, out, 2, scratch);
                }
            }
            assertCloseForSums(g + " by Winograd with tiles of side " + side, expected,
                    Arrays.copyOfRange(out, 2, out.length), g.weightSize() / g.outChannels());
        }
    }

    /**
     * F(4×4) where a quarter as many tiles still fill their panels (ResNet-18's 56×56 layers: 196 tiles against
     * 784), F(2×2) where they would not (its 7×7 layers: 4 tiles against 16, one panel either way), whatever
     * the vector width.
     */
    @Test
    void theVectorApiPicksTheWinogradTileThatComputesLess() {
        assertEquals(Winograd.LARGE_TILE, Winograd.vectorTileSide(conv(64, 56, 56, 64, 3, 1, 1, 1, 1)));
        assertEquals(Winograd.SMALL_TILE, Winograd.vectorTileSide(conv(512, 7, 7, 512, 3, 1, 1, 1, 1)));
    }

    @Test
    void denseMatchesPyTorch() {
        DenseKernel kernel = DenseKernel.create(37, 11, tensor("dense.weight"), tensor("dense.bias"), Activation.NONE, 0f);
        float[] out = new float[11];
        kernel.forward(tensor("dense.input"), 0, out, 0, 1, Scratch.forKernels(kernel));
        assertClose("dense", tensor("dense.output"), out);
    }

    @ParameterizedTest
    @MethodSource("batches")
    void batchedDenseMatchesThePlainLoops(int batch) {
        // 45 outputs run as tiles; 10 and 13 (a classifier's head, 13 with an odd output) as dot products, two
        // samples at a time and an odd one alone.
        for (int outFeatures : List.of(45, 10, 13)) {
            Random random = new Random(batch);
            int in = 300;
            float[] weight = randoms(random, in * outFeatures);
            float[] bias = randoms(random, outFeatures);
            float[] input = randoms(random, 3 + batch * in);
            float[] expected = new float[batch * outFeatures];
            for (int n = 0; n < batch; n++) {
                float[] out = new float[outFeatures];
                Dense.forward(in, outFeatures, Arrays.copyOfRange(input, 3 + n * in, 3 + (n + 1) * in), weight, bias,
                        out);
                Activations.leakyRelu(out, 0.2f);
                System.arraycopy(out, 0, expected, n * outFeatures, outFeatures);
            }
            DenseKernel kernel = DenseKernel.create(in, outFeatures, weight, bias, Activation.LEAKY_RELU, 0.2f);
            float[] out = new float[2 + batch * outFeatures];
            kernel.forward(input, 3, out, 2, batch, Scratch.forKernels(kernel));
            assertCloseForSums(outFeatures + " outputs at batch " + batch, expected,
                    Arrays.copyOfRange(out, 2, out.length), in);
        }
    }

    static Stream<Integer> batches() {
        return Stream.of(1, 2, 7, 8, 9, 17, 30);
    }

    @Test
    void maxpool2OfEveryRowWidthIsTheLargestOfEachWindow() {
        // Widths below, at and past a vector of outputs, odd widths that drop a column, and NaNs that must win.
        Random random = new Random(11);
        for (int width = 2; width <= 41; width++) {
            PoolGeometry g = new PoolGeometry(3, 5, width, 2, width / 2, 2, 2, 2, 2, 0, 0);
            float[] in = randoms(random, 4 + g.inSize());
            in[4 + random.nextInt(g.inSize())] = Float.NaN;
            float[] out = new float[1 + g.outSize()];
            Pooling.max(g, in, 4, out, 1, 1);
            for (int c = 0; c < 3; c++) {
                for (int oy = 0; oy < 2; oy++) {
                    for (int ox = 0; ox < width / 2; ox++) {
                        int top = 4 + (c * 5 + 2 * oy) * width + 2 * ox;
                        float expected = Math.max(Math.max(in[top], in[top + 1]),
                                Math.max(in[top + width], in[top + width + 1]));
                        assertEquals(expected, out[1 + (c * 2 + oy) * (width / 2) + ox],
                                "width " + width + " channel " + c + " at " + oy + ", " + ox);
                    }
                }
            }
        }
    }

    @Test
    void anAddWithAnActivationIsTheAddThenTheActivation() {
        // Relu and relu6 clamp in the Vector API's add; the others run after it. Every count from under a vector
        // to past several, NaN, values past the clamps, and the sum written over either operand.
        Random random = new Random(19);
        for (Activation activation : List.of(Activation.NONE, Activation.RELU, Activation.RELU6, Activation.SIGMOID,
                Activation.LEAKY_RELU)) {
            for (int count = 1; count <= 40; count++) {
                float[] a = randoms(random, count + 3);
                float[] b = randoms(random, count + 2);
                for (int i = 0; i < a.length; i++) {
                    a[i] *= 10f;
                }
                a[3 + random.nextInt(count)] = Float.NaN;
                float[] expected = new float[count];
                for (int i = 0; i < count; i++) {
                    expected[i] = a[3 + i] + b[2 + i];
                }
                activation.apply(expected, 0, count, 0.1f);
                float[] out = new float[count + 1];
                Tensors.add(a, 3, b, 2, out, 1, count, activation, 0.1f);
                assertEquals(Arrays.toString(expected), Arrays.toString(Arrays.copyOfRange(out, 1, count + 1)),
                        activation + " after an add of " + count);
                Tensors.add(a, 3, b, 2, a, 3, count, activation, 0.1f);
                assertEquals(Arrays.toString(expected), Arrays.toString(Arrays.copyOfRange(a, 3, count + 3)),
                        activation + " after an add of " + count + " into its first operand");
            }
        }
    }

    @Test
    void maxPoolingWithAnActivationIsThePoolingThenTheActivation() {
        // relu and relu6 clamp as the 2x2 kernel stores; the others run over each pooled plane. Both geometries,
        // rows narrower and wider than a vector, NaN and values past the clamps, two samples.
        Random random = new Random(17);
        for (Activation activation : List.of(Activation.RELU, Activation.RELU6, Activation.SIGMOID,
                Activation.LEAKY_RELU)) {
            for (int width = 3; width <= 37; width += 2) {
                for (PoolGeometry g : List.of(new PoolGeometry(3, 6, width, 3, width / 2, 2, 2, 2, 2, 0, 0),
                        new PoolGeometry(3, 6, width, 3, (width - 1) / 2 + 1, 3, 3, 2, 2, 1, 1))) {
                    float[] in = randoms(random, 2 + 2 * g.inSize());
                    for (int i = 2; i < in.length; i++) {
                        in[i] *= 20f;
                    }
                    in[2 + random.nextInt(2 * g.inSize())] = Float.NaN;
                    float[] expected = new float[2 * g.outSize()];
                    Pooling.max(g, in, 2, expected, 0, 2);
                    activation.apply(expected, 0, expected.length, 0.1f);
                    float[] out = new float[1 + 2 * g.outSize()];
                    Pooling.max(g, in, 2, out, 1, 2, activation, 0.1f);
                    assertEquals(Arrays.toString(expected), Arrays.toString(Arrays.copyOfRange(out, 1, out.length)),
                            activation + " after " + g.kernelHeight() + "x" + g.kernelWidth() + " pooling, width "
                                    + width);
                }
            }
        }
    }

    @Test
    void maxpool3Stride2OfEveryRowWidthIsTheLargestOfEachWindow() {
        // ResNet's stem pooling (3x3, stride 2, padding 1) and the unpadded one, on rows narrower and wider than
        // a strip of outputs, heights whose last window is cut or whole, with a NaN that must win wherever it
        // falls in a window. The input ends with the last plane, where a strip's read must stop.
        Random random = new Random(13);
        for (int pad = 0; pad <= 1; pad++) {
            for (int height = 3; height <= 8; height += 5) {
                for (int width = 3 - 2 * pad; width <= 45; width++) {
                    int outHeight = (height + 2 * pad - 3) / 2 + 1;
                    int outWidth = (width + 2 * pad - 3) / 2 + 1;
                    PoolGeometry g = new PoolGeometry(2, height, width, outHeight, outWidth, 3, 3, 2, 2, pad, pad);
                    float[] in = randoms(random, 3 + g.inSize());
                    in[3 + random.nextInt(g.inSize())] = Float.NaN;
                    float[] out = new float[g.outSize()];
                    Pooling.max(g, in, 3, out, 0, 1);
                    for (int c = 0; c < 2; c++) {
                        for (int oy = 0; oy < outHeight; oy++) {
                            for (int ox = 0; ox < outWidth; ox++) {
                                float expected = Float.NEGATIVE_INFINITY;
                                for (int y = 2 * oy - pad; y <= 2 * oy - pad + 2; y++) {
                                    for (int x = 2 * ox - pad; x <= 2 * ox - pad + 2; x++) {
                                        if (y >= 0 && y < height && x >= 0 && x < width) {
                                            expected = Math.max(expected, in[3 + (c * height + y) * width + x]);
                                        }
                                    }
                                }
                                assertEquals(expected, out[(c * outHeight + oy) * outWidth + ox], "padding " + pad
                                        + ", " + height + "x" + width + ", channel " + c + " at " + oy + ", " + ox);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void batchedPoolingIsPoolingPerSample() {
        Random random = new Random(3);
        PoolGeometry g = new PoolGeometry(5, 9, 8, 5, 4, 3, 3, 2, 2, 1, 1);
        int batch = 2;
        float[] in = randoms(random, batch * g.inSize());
        float[] max = new float[batch * g.outSize()];
        float[] average = new float[batch * g.outSize()];
        Pooling.max(g, in, 0, max, 0, batch);
        Pooling.average(g, in, 0, average, 0, batch);
        for (int n = 0; n < batch; n++) {
            float[] sample = Arrays.copyOfRange(in, n * g.inSize(), (n + 1) * g.inSize());
            float[] expected = new float[g.outSize()];
            Pooling.max(g, sample, expected);
            assertClose("max, sample " + n, expected, Arrays.copyOfRange(max, n * g.outSize(), (n + 1) * g.outSize()));
            Pooling.average(g, sample, expected);
            assertClose("average, sample " + n, expected,
                    Arrays.copyOfRange(average, n * g.outSize(), (n + 1) * g.outSize()));
        }
    }

    /**
     * Sums of {@code terms} random products rounded in another order differ by up to about terms·ε times
     * their magnitude, so a result near zero after cancellation gets an absolute allowance that grows with
     * the sum's length. A wrong index is off by the size of a whole term and still fails.
     */
    static void assertCloseForSums(String name, float[] expected, float[] actual, int terms) {
        assertEquals(expected.length, actual.length, name + ": length");
        for (int i = 0; i < expected.length; i++) {
            float tolerance = 1e-6f * terms + 1e-4f * Math.abs(expected[i]);
            if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
                fail(name + "[" + i + "]: plain loops " + expected[i] + ", fast kernel "
                        + actual[i]);
            }
        }
    }

    static List<ConvKernel.Algorithm> applicable(ConvGeometry g) {
        List<ConvKernel.Algorithm> algorithms = new ArrayList<>(List.of(ConvKernel.Algorithm.DIRECT));
        if (g.paddingMode() == PaddingMode.ZEROS) {
            algorithms.add(ConvKernel.Algorithm.GEMM);
            if (g.groups() > 1 && g.groups() == g.inChannels()) {
                algorithms.add(ConvKernel.Algorithm.DEPTHWISE);
            }
            if (Winograd.applies(g)) {
                algorithms.add(ConvKernel.Algorithm.WINOGRAD);
            }
        }
        return algorithms;
    }

    static float[] randoms(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    static float[] positives(Random random, int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = 0.5f + random.nextFloat();
        }
        return values;
    }
}
