package io.github.netspec.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each kernel against PyTorch's result for the same case (see src/test/python/make_kernel_references.py). */
class KernelReferenceTest {

    private static SafeTensors cases;

    @BeforeAll
    static void open() throws Exception {
        cases = SafeTensors.open(resource("cases.safetensors"));
    }

    @AfterAll
    static void close() throws IOException {
        cases.close();
    }

    static Path resource(String name) throws Exception {
        return Path.of(KernelReferenceTest.class.getResource("/kernels/" + name).toURI());
    }

    static Stream<String> caseLines(String kind) throws Exception {
        List<String> lines = Files.readAllLines(resource("cases.txt"));
        return lines.stream().filter(l -> l.startsWith(kind + " ")).map(l -> l.substring(kind.length() + 1));
    }

    static Stream<String> convCases() throws Exception {
        return caseLines("conv");
    }

    static Stream<String> poolCases() throws Exception {
        return caseLines("pool");
    }

    static Stream<String> activationCases() throws Exception {
        return caseLines("activation");
    }

    static float[] tensor(String name) {
        try {
            return cases.floats(cases.info(name).orElseThrow(() -> new AssertionError("no tensor " + name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convCases")
    void convolutionMatchesPyTorch(String line) {
        String[] f = line.split(" ");
        int[] n = numbers(f);
        // name cin h w cout kh kw sh sw dh dw top bottom left right groups mode bias outH outW
        ConvGeometry g = new ConvGeometry(n[1], n[2], n[3], n[4], n[18], n[19], n[5], n[6], n[7], n[8], n[9], n[10],
                n[11], n[13], n[15], PaddingMode.valueOf(f[16].toUpperCase(java.util.Locale.ROOT)));
        float[] bias = f[17].equals("1") ? tensor(f[0] + ".bias") : null;
        float[] out = new float[g.outSize()];
        Convolution.forward(g, tensor(f[0] + ".input"), tensor(f[0] + ".weight"), bias, out);
        assertClose(f[0], tensor(f[0] + ".output"), out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("poolCases")
    void poolingMatchesPyTorch(String line) {
        String[] f = line.split(" ");
        int[] n = numbers(f);
        // name kind c h w kh kw sh sw pt pl outH outW
        PoolGeometry g = new PoolGeometry(n[2], n[3], n[4], n[11], n[12], n[5], n[6], n[7], n[8], n[9], n[10]);
        float[] out = new float[g.outSize()];
        if (f[1].equals("max")) {
            Pooling.max(g, tensor(f[0] + ".input"), out);
        } else {
            Pooling.average(g, tensor(f[0] + ".input"), out);
        }
        assertClose(f[0], tensor(f[0] + ".output"), out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("activationCases")
    void activationMatchesPyTorch(String name) {
        float[] x = tensor("activation.input");
        switch (name) {
            case "relu" -> Activations.relu(x);
            case "relu6" -> Activations.relu6(x);
            case "sigmoid" -> Activations.sigmoid(x);
            case "tanh" -> Activations.tanh(x);
            case "gelu" -> Activations.gelu(x);
            case "silu" -> Activations.silu(x);
            case "hardswish" -> Activations.hardswish(x);
            case "leaky_relu" -> Activations.leakyRelu(x, 0.1f);
            case "elu" -> Activations.elu(x, 0.7f);
            default -> fail("no activation " + name);
        }
        assertClose(name, tensor("activation." + name), x);
    }

    @Test
    void softmaxIsOverTheChannelAxis() {
        float[] x = tensor("softmax.input"); // [5 channels, 6 positions]
        Activations.softmax(x, 5, 6);
        assertClose("softmax", tensor("softmax.output"), x);
    }

    @Test
    void foldedBatchNormMatchesPyTorch() {
        float[] x = tensor("batchnorm.input"); // [4, 3, 5]
        BatchNorm.fold(tensor("batchnorm.gamma"), tensor("batchnorm.beta"), tensor("batchnorm.mean"),
                tensor("batchnorm.var"), 1e-3).apply(x, 15);
        assertClose("batchnorm", tensor("batchnorm.output"), x);
    }

    @Test
    void denseMatchesPyTorch() {
        float[] out = new float[11];
        Dense.forward(37, 11, tensor("dense.input"), tensor("dense.weight"), tensor("dense.bias"), out);
        assertClose("dense", tensor("dense.output"), out);
    }

    /** The case line's fields as ints, by column; words (name, kind, mode) read as 0. */
    private static int[] numbers(String[] fields) {
        int[] numbers = new int[fields.length];
        for (int i = 0; i < fields.length; i++) {
            numbers[i] = fields[i].matches("-?\\d+") ? Integer.parseInt(fields[i]) : 0;
        }
        return numbers;
    }

    static void assertClose(String name, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, name + ": length");
        for (int i = 0; i < expected.length; i++) {
            float tolerance = 1e-5f + 1e-4f * Math.abs(expected[i]);
            if (!(Math.abs(expected[i] - actual[i]) <= tolerance)) {
                fail(name + "[" + i + "]: PyTorch " + expected[i] + ", netspec " + actual[i]);
            }
        }
    }
}
