package io.github.netspec.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.netspec.generator.NetCompiler;
import io.github.netspec.runtime.SafeTensors;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ONNX exports of the sample networks (samples/reference/export_onnx.py), imported, compiled to Java
 * and run: they must give the outputs PyTorch gave for the original networks on the committed inputs.
 */
class OnnxRoundTripTest {

    private static final Path SAMPLES = Path.of(System.getProperty("netspec.samples", "../samples"));
    private static final float RELATIVE = 1e-4f;
    private static final float ABSOLUTE = 1e-5f;

    @TempDir
    Path folder;

    private static Path model(String name) throws Exception {
        return Path.of(OnnxRoundTripTest.class.getResource("/onnx/" + name + ".onnx").toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"MnistNet", "UNetSmall", "InceptionBlock", "Decoders", "Upsample1d"})
    void anImportedModelComputesWhatPyTorchComputed(String name) throws Exception {
        OnnxImporter.Imported imported = OnnxImporter.translate(OnnxImporter.read(model(name)), name, name + ".onnx");
        Path weights = folder.resolve(name + ".safetensors");
        SafeTensorsWriter.write(weights, imported.weights());

        NetCompiler.Result compiled = NetCompiler.compile(List.of(new NetCompiler.Source(name + ".net", imported.spec())),
                "imported");
        assertFalse(compiled.hasErrors(), imported.spec() + compiled.diagnostics());
        assertTrue(compiled.diagnostics().isEmpty(), "the imported spec draws no warning: " + compiled.diagnostics());
        Class<?> network = compileAndLoad("imported." + name, compiled.classes().get(0).javaSource());

        Object loaded = network.getMethod("load", Path.class).invoke(null, weights);
        try (SafeTensors io = SafeTensors.open(SAMPLES.resolve("networks/src/test/resources/reference/" + name
                + ".io.safetensors"))) {
            float[] inputs = io.floats(io.info("input").orElseThrow());
            float[] expected = io.floats(io.info("output").orElseThrow());
            int batch = inputs.length / network.getField("INPUT_SIZE").getInt(null);
            float[] actual = new float[expected.length];
            Method predict = network.getMethod("predict", float[].class, int.class, float[].class);
            predict.invoke(loaded, inputs, batch, actual);
            for (int i = 0; i < expected.length; i++) {
                float tolerance = ABSOLUTE + RELATIVE * Math.abs(expected[i]);
                assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance,
                        name + " output " + i + ": PyTorch " + expected[i] + ", imported " + actual[i]);
            }
        }
    }

    @Test
    void labelsComeFromPyTorchsModuleNamesAndBranchesFromFrom() throws Exception {
        String spec = OnnxImporter.translate(OnnxImporter.read(model("InceptionBlock")), "InceptionBlock", "i.onnx").spec();
        assertTrue(spec.contains("    b2_reduce: conv2d(6, kernel=1)\n"), spec);
        assertTrue(spec.contains("    b3: conv2d(4, kernel=5, padding=2)\n"), spec);
        assertTrue(spec.contains("    maxpool(3, stride=1, padding=1)\n"), spec);
        assertTrue(spec.contains("    x: input [16, 12, 12]\n"), spec);
        assertTrue(spec.contains("    from x\n"), spec);
        assertTrue(spec.matches("(?s).*concat\\(\\w+, \\w+, \\w+\\).*"), spec);
    }

    @Test
    void everythingThatCannotBeExpressedIsListedInOneMessage() throws Exception {
        OnnxImporter.UnsupportedModelException e = assertThrows(OnnxImporter.UnsupportedModelException.class,
                () -> OnnxImporter.translate(OnnxImporter.read(model("Branches")), "Branches", "Branches.onnx"));
        assertTrue(e.getMessage().startsWith("Branches.onnx uses what netspec cannot express: "), e.getMessage());
        assertTrue(e.getMessage().contains("Pad x2"), e.getMessage());
        assertTrue(e.getMessage().contains("HardSigmoid x1"), e.getMessage());
    }

    @Test
    void aFileThatIsNotAModelSaysSo() throws Exception {
        Path text = Files.writeString(folder.resolve("notes.onnx"), "not a model");
        IOException e = assertThrows(IOException.class, () -> OnnxImporter.read(text));
        assertTrue(e.getMessage().contains("is not an ONNX model"), e.getMessage());
    }

    /** Compiles one generated class with the JDK's compiler against this test's class path, and loads it. */
    private Class<?> compileAndLoad(String qualifiedName, String source) throws Exception {
        Path sources = folder.resolve("src");
        Path file = sources.resolve(qualifiedName.replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        Path classes = Files.createDirectories(folder.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path"), file.toString());
        assertEquals(0, status, "the generated class does not compile");
        URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        return loader.loadClass(qualifiedName);
    }
}
