package io.github.netspec.generator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.netspec.syntax.Diagnostic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every spec under src/test/resources/diagnostics, in the style of jlox's test suite: a comment
 * {@code // error: TEXT} (or {@code // warning: TEXT}) on a line expects exactly one diagnostic of that
 * severity on that line whose message contains TEXT. Every diagnostic must be expected, and every
 * expectation met. Every spec must have an error, except those named {@code warning_*}, which test
 * warnings (or their absence) on valid networks.
 */
class DiagnosticsCorpusTest {

    private static final Pattern EXPECTATION = Pattern.compile("//\\s*(error|warning):\\s*(.*?)\\s*$");

    record Expectation(int line, String severity, String text) {}

    static Stream<String> specs() throws Exception {
        Path directory = directory();
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".net")).sorted().toList().stream();
        }
    }

    static Path directory() throws Exception {
        return Path.of(DiagnosticsCorpusTest.class.getResource("/diagnostics").toURI());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void reportsExactlyTheExpectedDiagnostics(String name) throws Exception {
        String text = Files.readString(directory().resolve(name));
        List<Expectation> expected = expectations(text);
        NetCompiler.Result result = NetCompiler.compile(List.of(new NetCompiler.Source(name, text)), "test");

        List<String> problems = new ArrayList<>();
        List<Diagnostic> unmatched = new ArrayList<>(result.diagnostics());
        for (Expectation e : expected) {
            Diagnostic match = unmatched.stream()
                    .filter(d -> d.position().line() == e.line() && d.severity().word().equals(e.severity())
                            && d.message().contains(e.text()))
                    .findFirst().orElse(null);
            if (match == null) {
                problems.add("line " + e.line() + ": expected " + e.severity() + " containing \"" + e.text() + "\"");
            } else {
                unmatched.remove(match);
            }
        }
        unmatched.forEach(d -> problems.add("unexpected: " + d.render()));
        assertTrue(problems.isEmpty(), name + ":\n  " + String.join("\n  ", problems));
        if (!name.startsWith("warning_")) {
            assertTrue(result.hasErrors(), name + " is in the corpus of invalid specs but has no error");
        }
    }

    static List<Expectation> expectations(String text) {
        List<Expectation> expectations = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = EXPECTATION.matcher(lines[i]);
            if (m.find()) {
                expectations.add(new Expectation(i + 1, m.group(1), m.group(2)));
            }
        }
        return expectations;
    }
}
