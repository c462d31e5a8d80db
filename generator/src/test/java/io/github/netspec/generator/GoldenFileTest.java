package io.github.netspec.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Generated code is a reviewed artifact: it must equal src/test/resources/goldens/Golden.java byte for
 * byte. When it changes on purpose, the new text is written to target/goldens/ and printed, so the
 * reviewer can read the diff and copy it over the golden.
 */
class GoldenFileTest {

    private static NetCompiler.Result compileGolden() throws Exception {
        Path spec = Path.of(GoldenFileTest.class.getResource("/goldens/golden.net").toURI());
        return NetCompiler.compile(List.of(new NetCompiler.Source("goldens/golden.net", Files.readString(spec))),
                "com.example.nets");
    }

    @Test
    void generatedSourceEqualsTheGolden() throws Exception {
        NetCompiler.Result result = compileGolden();
        assertFalse(result.hasErrors(), result.diagnostics().toString());
        String actual = result.classes().get(0).javaSource();

        var golden = GoldenFileTest.class.getResource("/goldens/Golden.java");
        String expected = golden == null ? null : Files.readString(Path.of(golden.toURI()), StandardCharsets.UTF_8);
        if (!actual.equals(expected)) {
            Path written = Path.of("target", "goldens", "Golden.java");
            Files.createDirectories(written.getParent());
            Files.writeString(written, actual, StandardCharsets.UTF_8);
            fail((golden == null ? "no golden yet" : "generated code differs from the golden")
                    + "; the new text is in " + written.toAbsolutePath() + ":\n" + actual);
        }
    }

    @Test
    void labelsThatLookLikeTheClassConstantsGetOtherNames() {
        NetCompiler.Result result = NetCompiler.compile(List.of(new NetCompiler.Source("n.net",
                "network N { input [2, 4, 4] input_size: maxpool(2) output_shape: avgpool(2) inputs: relu }")), "p");
        assertFalse(result.hasErrors(), result.diagnostics().toString());
        String source = result.classes().get(0).javaSource();
        assertFalse(source.contains("PoolKernel INPUT_SIZE ="), source);
        assertFalse(source.contains("PoolKernel OUTPUT_SHAPE ="), source);
    }

    @Test
    void labelsThatLookLikeTheClassFieldsOrParametersGetOtherNames() {
        NetCompiler.Result result = NetCompiler.compile(List.of(new NetCompiler.Source("n.net",
                "network N { input [2, 4, 4] team: conv2d(2, 1) samples: conv2d(2, 1) input_offset: conv2d(2, 1)"
                        + " output_offset: conv2d(2, 1) }")), "p");
        assertFalse(result.hasErrors(), result.diagnostics().toString());
        String source = result.classes().get(0).javaSource();
        for (String taken : List.of("team", "samples", "inputOffset", "outputOffset")) {
            assertFalse(source.contains("ConvKernel " + taken + ";"), taken + " is the class's own:\n" + source);
        }
    }

    @Test
    void aSumOfThreeAppliesItsFusedActivationWithItsLastAdd() {
        // Two adds into a fresh buffer (x is the caller's input, so nothing is summed in place): the relu after
        // them goes with the second, which writes the final sum, and no add kernel is declared.
        NetCompiler.Result result = NetCompiler.compile(List.of(new NetCompiler.Source("n.net",
                "network N { x: input [2, 4, 4] c: conv2d(2, 1) conv2d(2, 1) add(c, x) relu conv2d(2, 1) }")), "p");
        assertFalse(result.hasErrors(), result.diagnostics().toString());
        String source = result.classes().get(0).javaSource();
        List<String> adds = source.lines().filter(line -> line.contains("Tensors.add(")).toList();
        assertEquals(2, adds.size(), source);
        assertFalse(adds.get(0).contains("Activation"), source);
        assertTrue(adds.get(1).endsWith(", Activation.RELU, 0.0f);"), source);
        assertFalse(source.contains("AddKernel") || source.contains("RELU.apply"), source);
    }

    @Test
    void aTeamSplitsABatchBySamplesOnlyWhereTheDenseWeightsAreSmall() {
        // 2048 x 2048 dense weights (4M floats) may be read by every thread; 2049 x 2048 are one row too many.
        for (int inFeatures : new int[] {2048, 2049}) {
            NetCompiler.Result result = NetCompiler.compile(List.of(new NetCompiler.Source("n.net",
                    "network N { input [" + inFeatures + "] fc: dense(2048) }")), "p");
            assertFalse(result.hasErrors(), result.diagnostics().toString());
            String source = result.classes().get(0).javaSource();
            boolean small = (long) inFeatures * 2048 <= JavaEmitter.SAMPLE_SPLIT_DENSE_WEIGHTS;
            assertEquals(small, source.contains("SampleSplit.pays(batch, team.threads())"), source);
            assertEquals(small, source.contains("private final SampleSplit samples;"), source);
            assertTrue(source.contains("run(input, 0, output, 0, batch, team);"), source);
        }
    }

    @Test
    void generationIsDeterministicAndHasNoMachineDetails() throws Exception {
        String first = compileGolden().classes().get(0).javaSource();
        String second = compileGolden().classes().get(0).javaSource();
        assertEquals(first, second);
        assertFalse(first.contains(System.getProperty("user.dir")), "no absolute paths in generated code");
        assertFalse(first.matches("(?s).*20\\d\\d-\\d\\d-\\d\\d.*"), "no dates in generated code");
    }
}
