package io.github.netspec.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetspecTest {

    private static final String VALID = """
            network Tiny {
                input [1, 8, 8]
                conv2d(4, kernel=3, padding=same, activation=relu)
                flatten
                dense(2)
            }
            """;

    @TempDir
    Path folder;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new Netspec(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private String spec(String name, String text) throws Exception {
        return Files.writeString(folder.resolve(name), text).toString();
    }

    @Test
    void aCleanSpecExitsZeroAndPrintsNothing() throws Exception {
        assertEquals(Netspec.OK, run("check", spec("tiny.net", VALID)));
        assertEquals("", out());
        assertEquals("", err());
    }

    @Test
    void errorsArePrintedWithExcerptAndHintAndExitOne() throws Exception {
        String file = spec("bad.net", "network A {\n    input [1, 4, 4]\n    conv2d(8, kernel=7)\n}\n");
        assertEquals(Netspec.SPEC_ERRORS, run("check", file));
        String expected = String.join(System.lineSeparator(),
                file + ":3:5: error: conv2d output height is -2 (below 1): floor((4 + 0 + 0 - 1*(7-1) - 1) / 1) + 1 = -2;"
                        + " the kernel spans 7 but the padded input height is 4",
                "    conv2d(8, kernel=7)",
                "    ^~~~~~~~~~~~~~~~~~~",
                "  hint: the input is [1, 4, 4]; use padding=same, or a kernel that spans at most 4",
                "1 error and 0 warnings in 1 file", "");
        assertEquals(expected, out());
    }

    @Test
    void warningsAloneExitZeroUnlessTheyShouldFail() throws Exception {
        String file = spec("warn.net", "network W {\n    input [1, 7, 7]\n    maxpool(2)\n}\n");
        assertEquals(Netspec.OK, run("check", file));
        assertTrue(out().contains(":3:5: warning: maxpool never reads the last 1 row and the last 1 column"), out());
        assertEquals(Netspec.SPEC_ERRORS, run("check", "--fail-on-warning", file));
    }

    @Test
    void everyFileIsReportedInOneRun() throws Exception {
        String first = spec("a.net", "network A {\n    input [1, 4, 4]\n    dense(3)\n}\n");
        String second = spec("b.net", "network B {\n    input [1, 4, 4]\n    conv2d(8)\n}\n");
        assertEquals(Netspec.SPEC_ERRORS, run("check", first, second));
        assertTrue(out().contains(first + ":3:5: error: dense needs a flat input"), out());
        assertTrue(out().contains(second + ":3:5: error: conv2d needs 'kernel'"), out());
        assertTrue(out().contains("2 errors and 0 warnings in 2 files"), out());
    }

    @Test
    void usageMistakesExitTwo() throws Exception {
        assertEquals(Netspec.USAGE, run());
        assertEquals(Netspec.USAGE, run("chek", "x.net"));
        assertTrue(err().contains("unknown command 'chek'"), err());
        assertEquals(Netspec.USAGE, run("check"));
        assertEquals(Netspec.USAGE, run("check", "--werror", "x.net"));
        assertEquals(Netspec.USAGE, run("generate", spec("tiny.net", VALID)));
        assertTrue(err().contains("generate needs -d DIR"), err());
        assertEquals(Netspec.USAGE, run("generate", "-d", folder.toString(), "-p", "not a package", "tiny.net"));
        assertFalse(err().contains("Exception"), err());
    }

    @Test
    void anUnreadableFileExitsTwoWithoutAStackTrace() {
        assertEquals(Netspec.USAGE, run("check", folder.resolve("missing.net").toString()));
        assertTrue(err().contains("cannot read " + folder.resolve("missing.net") + ": no such file or folder"), err());
        assertFalse(err().contains("\tat "), err());
    }

    @Test
    void invalidUtf8IsADiagnosticNotACrash() throws Exception {
        Path file = folder.resolve("bytes.net");
        Files.write(file, new byte[] {'n', 'e', 't', (byte) 0xC3, (byte) 0x28, '\n'});
        assertEquals(Netspec.SPEC_ERRORS, run("check", file.toString()));
        assertTrue(out().contains(file + ":1:"), out());
    }

    @Test
    void generateWritesTheClassesInPackageFoldersAndNothingOnErrors() throws Exception {
        Path output = folder.resolve("out");
        assertEquals(Netspec.OK, run("generate", "-d", output.toString(), "-p", "com.acme", spec("tiny.net", VALID)));
        Path generated = output.resolve("com/acme/Tiny.java");
        assertTrue(Files.readString(generated).contains("public final class Tiny"));
        assertTrue(out().contains("wrote " + generated), out());

        Path elsewhere = folder.resolve("elsewhere");
        String broken = spec("broken.net", "network Broken {\n    input [1, 4, 4]\n    dense(3)\n}\n");
        assertEquals(Netspec.SPEC_ERRORS, run("generate", "-d", elsewhere.toString(), spec("tiny.net", VALID), broken));
        assertFalse(Files.exists(elsewhere), "nothing is written when any spec has an error");
    }

    @Test
    void helpAndVersionExitZero() {
        assertEquals(Netspec.OK, run("--help"));
        assertTrue(out().contains("usage: netspec check"), out());
        assertEquals(Netspec.OK, run("--version"));
        assertTrue(out().contains("netspec "), out());
    }

    private static final String TWO_NETWORKS = VALID + """
            network Wide {
                x: input [3, 16, 16]
                a: conv2d(8, kernel=3, stride=2, padding=same)
                from x
                b: conv2d(8, kernel=1, stride=2)
                add(a)
            }
            """;

    @Test
    void summaryPrintsATablePerNetworkWithItsTotals() throws Exception {
        assertEquals(Netspec.OK, run("summary", spec("two.net", TWO_NETWORKS)));
        String table = out();
        assertTrue(table.contains("Tiny ("), table);
        assertTrue(table.contains("Wide ("), table);
        assertTrue(table.contains("padding t,b,l,r"), table);
        assertTrue(table.matches("(?s).*\\ba\\s+conv2d\\s+\\[8, 8, 8\\]\\s+0,1,0,1\\s+224\\s+13,824\\s+3x3\\s+2x2.*"), table);
        assertTrue(table.contains("parameters: 256 (1.0 KiB as float32)"), table);
        assertEquals("", err());
    }

    @Test
    void summaryJsonIsTheDocumentedSchema() throws Exception {
        assertEquals(Netspec.OK, run("summary", "--json", spec("two.net", TWO_NETWORKS)));
        String json = out();
        assertTrue(json.startsWith("{\n  \"schema\": \"netspec-summary/1\",\n  \"networks\": ["), json);
        assertTrue(json.contains("{\"name\": \"b\", \"layer\": \"conv2d\""), json);
        assertTrue(json.contains("{\"from\": \"x\", \"edge\": \"from\"}"), json);
        assertTrue(json.contains("{\"from\": \"a\", \"edge\": \"add\"}"), json);
    }

    @Test
    void summaryOfABadSpecPrintsItsErrorsAndExitsOne() throws Exception {
        assertEquals(Netspec.SPEC_ERRORS, run("summary", spec("bad.net", "network A { input [1, 4, 4] conv2d(8, kernel=7) }")));
        assertTrue(out().contains("bad.net:1:29: error: "), out());
        assertFalse(out().contains("parameters:"), out());
    }

    @Test
    void diagramNeedsToKnowWhichNetwork() throws Exception {
        String file = spec("two.net", TWO_NETWORKS);
        assertEquals(Netspec.USAGE, run("diagram", file));
        assertTrue(err().contains("the files declare 2 networks (Tiny, Wide); choose one with --network NAME"), err());
        assertEquals(Netspec.USAGE, run("diagram", "--network", "Narrow", file));
        assertTrue(err().contains("no network named Narrow; the files declare Tiny, Wide"), err());

        Path svg = folder.resolve("out/wide.svg");
        assertEquals(Netspec.OK, run("diagram", "--network", "Wide", "-o", svg.toString(), file));
        String picture = Files.readString(svg);
        assertTrue(picture.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), picture);
        assertTrue(picture.contains("data-from=\"a\" data-to=\"add_1\""), picture);
        assertFalse(picture.contains(">Tiny"), picture);
    }

    @Test
    void diagramOfOneNetworkGoesToStandardOutput() throws Exception {
        assertEquals(Netspec.OK, run("diagram", spec("tiny.net", VALID)));
        assertTrue(out().startsWith("<svg "), out());
        assertTrue(out().endsWith("</svg>\n"), out());
    }

    @Test
    void reportWritesOnePageWithEveryNetwork() throws Exception {
        String file = spec("two.net", TWO_NETWORKS);
        assertEquals(Netspec.USAGE, run("report", file));
        assertTrue(err().contains("report needs -o FILE.html"), err());
        Path page = folder.resolve("report/index.html");
        assertEquals(Netspec.OK, run("report", "-o", page.toString(), "--title", "Two <nets>", file));
        String html = Files.readString(page);
        assertTrue(html.contains("<h1>netspec: Two &lt;nets&gt;</h1>"), html);
        assertEquals(2, html.split("<table class=\"summary\">", -1).length - 1, html);
        assertEquals(2, html.split("<svg ", -1).length - 1, html);
    }

    @Test
    void eachCommandRefusesTheOptionsOfAnother() throws Exception {
        String file = spec("tiny.net", VALID);
        assertEquals(Netspec.USAGE, run("check", "--json", file));
        assertTrue(err().contains("check does not take --json"), err());
        assertEquals(Netspec.USAGE, run("summary", "-d", "out", file));
        assertTrue(err().contains("summary does not take -d"), err());
        assertEquals(Netspec.USAGE, run("generate", "-d", "out", "-o", "x", file));
        assertTrue(err().contains("generate does not take -o"), err());
    }

    @Test
    void importWritesACheckedSpecAndItsWeightsOrNothing() throws Exception {
        String model = Path.of(NetspecTest.class.getResource("/onnx/Decoders.onnx").toURI()).toString();
        Path spec = folder.resolve("out/decoders_small.net");
        Path weights = folder.resolve("out/decoders.safetensors");
        assertEquals(Netspec.OK, run("import", model, "-o", spec.toString(), "--weights", weights.toString()));
        assertTrue(Files.readString(spec).contains("network DecodersSmall {"), Files.readString(spec));
        assertTrue(Files.size(weights) > 0);
        assertEquals(Netspec.OK, run("check", spec.toString()));

        String unsupported = Path.of(NetspecTest.class.getResource("/onnx/Branches.onnx").toURI()).toString();
        Path other = folder.resolve("branches.net");
        assertEquals(Netspec.SPEC_ERRORS, run("import", unsupported, "-o", other.toString(), "--weights",
                folder.resolve("branches.safetensors").toString()));
        assertTrue(err().contains("uses what netspec cannot express: "), err());
        assertFalse(Files.exists(other), "nothing is written for a model that cannot be imported");
        assertFalse(Files.exists(folder.resolve("branches.safetensors")));

        assertEquals(Netspec.USAGE, run("import", folder.resolve("missing.onnx").toString(), "-o", other.toString(),
                "--weights", "w.safetensors"));
        assertTrue(err().contains("cannot import") && err().contains("no such file"), err());
        assertEquals(Netspec.USAGE, run("import", model, "-o", other.toString()));
        assertTrue(err().contains("import needs one MODEL.onnx, -o SPEC.net and --weights WEIGHTS.safetensors"), err());
    }
}
