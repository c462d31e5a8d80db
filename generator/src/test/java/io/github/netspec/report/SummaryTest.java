package io.github.netspec.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.netspec.generator.NetCompiler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SummaryTest {

    static Path samples() {
        return Path.of(System.getProperty("netspec.samples", "../samples"));
    }

    static List<Summary> summarize(String path, String text) {
        NetCompiler.Result result = NetCompiler.plan(List.of(new NetCompiler.Source(path, text)), "");
        assertFalse(result.hasErrors(), result.diagnostics().toString());
        return result.plans().stream().map(Summarizer::summarize).toList();
    }

    /** Every network of samples/networks, by name. */
    static Map<String, Summary> sampleSummaries() throws Exception {
        List<Summary> all = new ArrayList<>();
        try (Stream<Path> specs = Files.list(samples().resolve("networks/src/main/net"))) {
            for (Path spec : specs.sorted().toList()) {
                all.addAll(summarize(spec.getFileName().toString(), Files.readString(spec)));
            }
        }
        return all.stream().collect(Collectors.toMap(Summary::network, Function.identity()));
    }

    static Stream<String> pytorchCounts() throws Exception {
        return Files.readAllLines(samples().resolve("networks/src/test/resources/reference/parameter_counts.txt"))
                .stream().filter(line -> !line.startsWith("#") && !line.isBlank());
    }

    /** The counts samples/reference/make_references.py took from PyTorch: parameters(), and MACs by forward hooks. */
    @ParameterizedTest
    @MethodSource("pytorchCounts")
    void parametersAndMacsMatchPyTorch(String line) throws Exception {
        String[] parts = line.split(" ");
        Summary summary = sampleSummaries().get(parts[0]);
        assertNotNull(summary, parts[0]);
        assertEquals(Long.parseLong(parts[1]), summary.totals().parameters(), parts[0] + " parameters");
        if (!parts[2].equals("-")) {
            assertEquals(Long.parseLong(parts[2]), summary.totals().macs(), parts[0] + " MACs");
        }
        assertEquals(summary.totals().parameters(), summary.rows().stream().mapToLong(Summary.Row::parameters).sum());
        assertEquals(summary.totals().macs(), summary.rows().stream().mapToLong(Summary.Row::macs).sum());
    }

    /**
     * ResNet-18's last convolution sees 435x435 pixels, 32 apart: 7 (stem) + 2*2 (pool, jump 2) + 8 convolutions
     * of 3 at jumps 4, 8, 16, 32 with the first of each later stage strided: 11 + 32 + 56 + 112 + 224 = 435.
     */
    @Test
    void resnet18ReceptiveFieldIs435() throws Exception {
        Summary resnet = sampleSummaries().get("ResNet18");
        Summary.Row last = row(resnet, "layer4.1.conv2");
        assertEquals(List.of(435L, 435L), last.receptiveField());
        assertEquals(List.of(32.0, 32.0), last.jump());
        assertEquals(List.of(19L, 19L), row(resnet, "layer1.0.conv1").receptiveField()); // 11 + 2*4
        assertEquals(List.of(4.0, 4.0), row(resnet, "layer1.0.conv1").jump());
    }

    private static final String BRANCHES = """
            network Merge {
                x: input [1, 32, 32]
                a: conv2d(4, kernel=3, padding=1)
                maxpool(2)
                p: conv2d(4, kernel=3, padding=1)
                from x
                q: conv2d(4, kernel=7, stride=2, padding=3)
                s: add(p)
                c: concat(p)
                d: conv2d(4, kernel=3, dilation=2, padding=2)
                h: conv2d(8, kernel=3, stride=2, padding=same)
                g: globalavgpool
                flatten
                f: dense(3)
            }
            """;

    /** Computed by hand from rf += dilation*(kernel-1)*jump and jump *= stride. */
    @Test
    void receptiveFieldsFollowEveryBranch() {
        Summary summary = summarize("merge.net", BRANCHES).get(0);
        assertField(summary, "a", 3, 1);
        assertField(summary, "maxpool_1", 4, 2);
        assertField(summary, "p", 8, 2);    // 4 + 2*2
        assertField(summary, "q", 7, 2);    // straight from the input
        assertField(summary, "s", 8, 2);    // the add sees the larger of its inputs' fields
        assertField(summary, "c", 8, 2);
        assertField(summary, "d", 16, 2);   // 8 + 2*2*2
        assertField(summary, "h", 20, 4);   // 16 + 2*2
        assertField(summary, "g", 48, 32);  // 20 + (8-1)*4: every position of the 8x8 grid
        assertEquals(List.of(48L, 48L), row(summary, "f").receptiveField());
        assertNull(row(summary, "f").jump(), "a dense output has no positions");
        assertNull(row(summary, "flatten_1").jump());
    }

    @Test
    void paddingIsResolvedToItsFourSides() {
        Summary summary = summarize("merge.net", BRANCHES).get(0);
        assertEquals(List.of(1, 1, 1, 1), row(summary, "a").padding());
        assertEquals(List.of(0, 1, 0, 1), row(summary, "h").padding(), "same at stride 2 puts the odd pixel last");
        assertEquals(List.of(0, 0, 0, 0), row(summary, "maxpool_1").padding());
        assertNull(row(summary, "s").padding());
        assertEquals(List.of("q", "p"), row(summary, "s").inputs());
        assertEquals(List.of(Summary.Edge.FROM), row(summary, "q").edges(), "after from x, q does not read p");
        assertEquals(List.of(Summary.Edge.FLOW, Summary.Edge.ADD), row(summary, "s").edges());
        assertEquals(List.of(Summary.Edge.FLOW, Summary.Edge.CONCAT), row(summary, "c").edges());
    }

    @Test
    void sequencesHaveOneAxisAndFlatInputsNone() {
        Summary sequence = summarize("s.net", """
                network S {
                    input [2, 20]
                    conv1d(4, kernel=3, padding=causal, dilation=2)
                    maxpool(2)
                }
                """).get(0);
        assertEquals(List.of(4, 0), sequence.rows().get(1).padding());
        assertEquals(List.of(5L), sequence.rows().get(1).receptiveField());
        assertEquals(List.of(6L), sequence.rows().get(2).receptiveField());
        assertEquals(List.of(2.0), sequence.rows().get(2).jump());

        Summary flat = summarize("f.net", "network F { input [6] dense(4) relu }").get(0);
        assertNull(flat.rows().get(1).receptiveField());
        assertEquals(28, flat.totals().parameters());
        assertEquals(24, flat.totals().macs());
    }

    @Test
    void memoryTotalsComeFromTheBufferPlan() throws Exception {
        Summary resnet = sampleSummaries().get("ResNet18");
        Summary.Totals totals = resnet.totals();
        assertEquals(3 * 224 * 224 * 4, totals.inputBytes());
        assertEquals(1000 * 4, totals.outputBytes());
        assertEquals(totals.arenaBytes() + totals.inputBytes() + totals.outputBytes(), totals.peakBytes());
        // Liveness lets the 112x112 stem tensors and the later stages share memory.
        assertTrue(totals.arenaBytes() * 2 < totals.unplannedBytes(), totals.toString());
        assertEquals(resnet.rows().stream().mapToLong(Summary.Row::activationBytes).sum(), totals.activationBytes());
        assertEquals(4 * 64 * 112 * 112, row(resnet, "conv1").activationBytes());
        assertEquals(9600, totals.buffers()); // running mean and variance of 4,800 batch norm channels
    }

    /** The summary of goldens/golden.net, as a table and as JSON, is a reviewed artifact like the generated code. */
    @Test
    void tableAndJsonEqualTheirGoldens() throws Exception {
        Path spec = Path.of(SummaryTest.class.getResource("/goldens/golden.net").toURI());
        List<Summary> summaries = summarize("goldens/golden.net", Files.readString(spec));
        assertGolden("summary.txt", summaries.stream().map(SummaryTable::render).collect(Collectors.joining("\n")));
        assertGolden("summary.json", SummaryJson.render(summaries));
    }

    static void assertGolden(String name, String actual) throws Exception {
        var golden = SummaryTest.class.getResource("/goldens/" + name);
        String expected = golden == null ? null : Files.readString(Path.of(golden.toURI()), StandardCharsets.UTF_8);
        if (!actual.equals(expected)) {
            Path written = Path.of("target", "goldens", name);
            Files.createDirectories(written.getParent());
            Files.writeString(written, actual, StandardCharsets.UTF_8);
            fail((golden == null ? "no golden yet" : name + " differs from the golden") + "; the new text is in "
                    + written.toAbsolutePath() + ":\n" + actual);
        }
    }

    /** docs/summary.md is the schema's contract: every field the JSON has must be documented there. */
    @Test
    void everyJsonFieldIsDocumented() throws Exception {
        String json = SummaryJson.render(List.copyOf(sampleSummaries().values()));
        String documentation = Files.readString(samples().resolve("../docs/summary.md"));
        java.util.regex.Matcher fields = java.util.regex.Pattern.compile("\"([A-Za-z]+)\": ").matcher(json);
        java.util.Set<String> seen = new java.util.TreeSet<>();
        while (fields.find()) {
            seen.add(fields.group(1));
        }
        assertTrue(seen.size() > 20, seen.toString());
        for (String field : seen) {
            assertTrue(documentation.contains("`" + field + "`"), field + " is not documented in docs/summary.md");
        }
        for (Summary.Edge edge : Summary.Edge.values()) {
            assertTrue(documentation.contains("`" + edge.jsonName() + "`"), edge + " is not documented");
        }
    }

    @Test
    void jsonEscapesWhatJsonMust() {
        Summary summary = summarize("dir \"quoted\"\\x.net", "network Q { input [2] dense(1) }").get(0);
        String json = SummaryJson.render(List.of(summary));
        assertTrue(json.contains("\"file\": \"dir \\\"quoted\\\"\\\\x.net\""), json);
    }

    private static void assertField(Summary summary, String name, long size, long jump) {
        Summary.Row row = row(summary, name);
        assertEquals(List.of(size, size), row.receptiveField(), name + " receptive field");
        assertEquals(List.of((double) jump, (double) jump), row.jump(), name + " jump");
    }

    static Summary.Row row(Summary summary, String name) {
        return summary.rows().stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no layer " + name + " in " + summary.network()));
    }

    private static void assertTrue(boolean condition, String message) {
        org.junit.jupiter.api.Assertions.assertTrue(condition, message);
    }
}
