package io.github.netspec.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.netspec.syntax.Diagnostic;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A network checked against the weights file it names, with the file's header written here. */
class WeightsCheckerTest {

    @TempDir
    Path folder;

    private static final String SPEC = """
            network Small {
                weights "small.safetensors"
                input [3, 8, 8]
                conv1: conv2d(8, kernel=3, padding=1, activation=relu)
                bn: batchnorm
                conv3: conv2d(16, kernel=3, groups=2)
                flatten
                fc: dense(10)
            }
            """;

    /** Every tensor Small reads, with the shapes the spec gives them. */
    private static Map<String, String> complete() {
        Map<String, String> tensors = new LinkedHashMap<>();
        tensors.put("conv1.weight", "F32 8,3,3,3");
        tensors.put("conv1.bias", "F32 8");
        tensors.put("bn.weight", "F32 8");
        tensors.put("bn.bias", "F32 8");
        tensors.put("bn.running_mean", "F32 8");
        tensors.put("bn.running_var", "F32 8");
        tensors.put("bn.num_batches_tracked", "I64 1");
        tensors.put("conv3.weight", "F32 16,4,3,3");
        tensors.put("conv3.bias", "F32 16");
        tensors.put("fc.weight", "F16 10,576");
        tensors.put("fc.bias", "F16 10");
        return tensors;
    }

    private List<Diagnostic> check(String spec, Map<String, String> tensors) throws Exception {
        writeSafetensors(folder.resolve("small.safetensors"), tensors);
        Path file = Files.writeString(folder.resolve("small.net"), spec);
        return NetCompiler.check(List.of(NetCompiler.Source.read(file, "small.net")), "").diagnostics();
    }

    @Test
    void aMatchingFileIsSilent() throws Exception {
        assertEquals(List.of(), check(SPEC, complete()), "num_batches_tracked and F16 tensors are fine");
    }

    @Test
    void aWrongShapeFailsAtTheLayersLineWithBothShapesAndWhy() throws Exception {
        Map<String, String> tensors = complete();
        tensors.put("conv3.weight", "F32 16,8,3,3");
        tensors.put("conv1.weight", "F32 8,3,5,5");
        tensors.put("fc.weight", "F32 10,600");
        List<Diagnostic> diagnostics = check(SPEC, tensors);
        assertEquals(List.of(
                "small.net:4:12: error: conv1.weight is [8, 3, 5, 5] in small.safetensors but the spec needs [8, 3, 3, 3]:"
                        + " the kernel of conv1 is 3x3",
                "small.net:6:12: error: conv3.weight is [16, 8, 3, 3] in small.safetensors but the spec needs"
                        + " [16, 4, 3, 3]: the input to conv3 has 8 channels in 2 groups of 4",
                "small.net:8:9: error: fc.weight is [10, 600] in small.safetensors but the spec needs [10, 576]:"
                        + " the input to fc has 576 features"), headlines(diagnostics));
    }

    @Test
    void missingAndUnreadTensorsAreNamed() throws Exception {
        Map<String, String> tensors = complete();
        tensors.remove("bn.running_var");
        tensors.remove("conv1.weight");
        tensors.remove("conv1.bias");
        tensors.put("features.0.weight", "F32 8,3,3,3");
        tensors.put("features.0.bias", "F32 8");
        List<Diagnostic> diagnostics = check(SPEC, tensors);
        assertEquals(List.of(
                "small.net:2:13: warning: small.safetensors has 2 tensors that no layer reads: features.0.bias [8],"
                        + " features.0.weight [8, 3, 3, 3]",
                "small.net:4:12: error: conv1.weight is not in small.safetensors; conv1 needs it as [8, 3, 3, 3]",
                "small.net:4:12: error: conv1.bias is not in small.safetensors; conv1 needs it as [8]",
                "small.net:5:9: error: bn.running_var is not in small.safetensors; bn needs it as [8]"),
                headlines(diagnostics));
        assertTrue(diagnostics.get(1).hint().orElseThrow().contains("no layer reads features.0.weight [8, 3, 3, 3]"),
                diagnostics.get(1).render());
    }

    @Test
    void aNonFloatTensorIsAnError() throws Exception {
        Map<String, String> tensors = complete();
        tensors.put("fc.bias", "I32 10");
        assertEquals(List.of("small.net:8:9: error: fc.bias is I32 in small.safetensors; netspec loads F32, F16, BF16"
                + " and F64 tensors"), headlines(check(SPEC, tensors)));
    }

    @Test
    void aMissingOrBrokenFileIsAnErrorAtThePath() throws Exception {
        Path file = Files.writeString(folder.resolve("gone.net"), SPEC.replace("small.safetensors", "models/gone.safetensors"));
        List<Diagnostic> missing = NetCompiler.check(List.of(NetCompiler.Source.read(file, "gone.net")), "").diagnostics();
        assertEquals(1, missing.size());
        assertTrue(missing.get(0).render().startsWith("gone.net:2:13: error: weights file models/gone.safetensors does not"
                + " exist (looked for " + folder.resolve("models/gone.safetensors") + ")"), missing.get(0).render());

        Files.write(folder.resolve("small.safetensors"), new byte[] {1, 2, 3});
        Path spec = Files.writeString(folder.resolve("small.net"), SPEC);
        List<Diagnostic> broken = NetCompiler.check(List.of(NetCompiler.Source.read(spec, "small.net")), "").diagnostics();
        assertEquals(1, broken.size());
        assertTrue(broken.get(0).message().startsWith("weights file small.safetensors is not a valid safetensors file: "),
                broken.get(0).render());
    }

    @Test
    void theBuildConfigurationTakesTheClausesPlace() throws Exception {
        Map<String, String> tensors = complete();
        tensors.put("conv1.bias", "F32 9");
        Path configured = folder.resolve("elsewhere.safetensors");
        writeSafetensors(configured, tensors);
        String spec = SPEC.replace("    weights \"small.safetensors\"\n", "");
        List<Diagnostic> diagnostics = NetCompiler.check(List.of(new NetCompiler.Source("small.net", spec)), "",
                Map.of("Small", configured)).diagnostics();
        assertEquals(List.of("small.net:3:12: error: conv1.bias is [9] in " + configured
                + " but the spec needs [8]: conv1 has 8 output channels"), headlines(diagnostics));
    }

    @Test
    void aWrongShapeInsideABlockNamesTheCall() throws Exception {
        String spec = """
                block unit(out) {
                    conv: conv2d(out, kernel=3, padding=1)
                }
                network Small {
                    weights "small.safetensors"
                    input [3, 8, 8]
                    u: unit(8)
                }
                """;
        Map<String, String> tensors = new LinkedHashMap<>();
        tensors.put("u.conv.weight", "F32 8,3,1,1");
        tensors.put("u.conv.bias", "F32 8");
        assertEquals(List.of("small.net:2:11: error: u.conv.weight is [8, 3, 1, 1] in small.safetensors but the spec needs"
                + " [8, 3, 3, 3]: the kernel of u.conv is 3x3 (in block unit called at small.net:7:8)"),
                headlines(check(spec, tensors)));
    }

    @Test
    void onlyTheWordWeightsOpensAClause() throws Exception {
        List<Diagnostic> diagnostics = check(SPEC.replace("weights \"", "wieghts \""), complete());
        assertEquals(List.of("small.net:2:5: error: unknown clause 'wieghts': the only clause before a network's"
                + " statements is weights \"path\""), headlines(diagnostics));
        assertEquals(List.of(), check(SPEC.replace("bn: batchnorm", "weights: batchnorm")
                .replace("\"bn.", "\"weights."), renamed(complete(), "bn.", "weights.")), "weights is still a label");
    }

    private static Map<String, String> renamed(Map<String, String> tensors, String from, String to) {
        Map<String, String> renamed = new LinkedHashMap<>();
        tensors.forEach((name, value) -> renamed.put(name.startsWith(from) ? to + name.substring(from.length()) : name, value));
        return renamed;
    }

    private static List<String> headlines(List<Diagnostic> diagnostics) {
        return diagnostics.stream().map(d -> d.render().lines().findFirst().orElseThrow()).collect(Collectors.toList());
    }

    /** A safetensors file of zeros: the header as safetensors.torch writes it, padded to 8 bytes, then the data. */
    static void writeSafetensors(Path file, Map<String, String> tensors) throws Exception {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Map.Entry<String, String> tensor : tensors.entrySet()) {
            String[] parts = tensor.getValue().split(" ");
            long elements = 1;
            for (String d : parts[1].split(",")) {
                elements *= Long.parseLong(d);
            }
            int width = switch (parts[0]) {
                case "F64", "I64" -> 8;
                case "F16", "BF16" -> 2;
                default -> 4;
            };
            header.append(header.length() == 1 ? "" : ",").append('"').append(tensor.getKey()).append("\":{\"dtype\":\"")
                    .append(parts[0]).append("\",\"shape\":[").append(parts[1]).append("],\"data_offsets\":[")
                    .append(offset).append(',').append(offset + elements * width).append("]}");
            offset += elements * width;
        }
        header.append('}');
        while (header.length() % 8 != 0) {
            header.append(' ');
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(8 + json.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(json.length).put(json);
        Files.write(file, bytes.array());
    }
}
