package io.github.netspec.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.netspec.syntax.Diagnostic;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The editor grammar (editors/textmate/netspec.tmLanguage.json) knows exactly the language's layers and
 * words, and tokenizes every sample spec without an unknown token in vscode-textmate, VS Code's own
 * tokenizer (editors/test/tokenize.test.mjs, run with Node.js). The Node part is skipped when Node.js or
 * npm is not on the PATH, unless {@code NETSPEC_REQUIRE_TOOLS=1}, as {@code .ci/run} sets.
 */
class TextMateGrammarTest {

    private static final Path EDITORS = Path.of(System.getProperty("netspec.samples", "../samples")).resolve("../editors")
            .normalize();

    @TempDir
    Path folder;

    private static String grammar() throws Exception {
        return Files.readString(EDITORS.resolve("textmate/netspec.tmLanguage.json"));
    }

    /** The words of the alternation in the pattern that gives {@code scope}: {@code \\b(a|b|c)\\b}. */
    private static Set<String> alternation(String grammar, String scope) {
        Matcher matcher = Pattern.compile("\"match\": \"\\\\\\\\b\\(([a-z0-9_|]+)\\)\\\\\\\\b\",\\s*\"name\": \""
                + Pattern.quote(scope) + "\"").matcher(grammar);
        assertTrue(matcher.find(), "no word list for " + scope);
        return new TreeSet<>(Arrays.asList(matcher.group(1).split("\\|")));
    }

    @Test
    void theGrammarKnowsEveryLayerAndNoOther() throws Exception {
        assertEquals(new TreeSet<>(LayerCatalog.layerNames()), alternation(grammar(), "support.function.layer.netspec"));
    }

    @Test
    void theGrammarKnowsEveryWordAValueCanBe() throws Exception {
        Set<String> words = new TreeSet<>(Activation.words());
        words.addAll(ArgumentBinder.PADDING_MODES);
        words.addAll(ArgumentBinder.UPSAMPLE_MODES);
        words.addAll(List.of("same", "valid", "causal"));
        assertEquals(words, alternation(grammar(), "constant.language.netspec"));
    }

    @Test
    void vscodeTextmateTokenizesTheSamplesAndTheProblemMatcherReadsDiagnostics() throws Exception {
        String node = onPath("node");
        String npm = onPath("npm");
        if ((node == null || npm == null) && "1".equals(System.getenv("NETSPEC_REQUIRE_TOOLS"))) {
            throw new AssertionError("NETSPEC_REQUIRE_TOOLS=1 but node or npm is not on the PATH");
        }
        Assumptions.assumeTrue(node != null && npm != null, "Node.js and npm are not on the PATH");

        Path tests = EDITORS.resolve("test");
        run(tests, List.of(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"), null);
        Path diagnostics = folder.resolve("diagnostics.json");
        Files.writeString(diagnostics, diagnosticsJson(), StandardCharsets.UTF_8);
        String output = run(tests, List.of(node, "--test"), diagnostics);
        assertTrue(output.contains("# fail 0") && output.contains("# skipped 0"), output);
    }

    /** Diagnostics of a bad spec as the command line prints them and as the Maven plugin logs them. */
    private static String diagnosticsJson() {
        String spec = "network A {\n    input [1, 4, 4]\n    conv2d(8, kernel=7)\n    dense(2)\n}\n";
        NetCompiler.Result result = NetCompiler.check(List.of(new NetCompiler.Source("src/main/net/a b.net", spec)), "");
        List<String> cases = new ArrayList<>();
        for (Diagnostic d : result.diagnostics()) {
            String headline = d.render().lines().findFirst().orElseThrow();
            String severity = d.isError() ? "error" : "warning";
            String message = headline.substring(headline.indexOf(severity + ": ") + severity.length() + 2);
            cases.add(json(headline, d.file(), d, severity, message));
            String absolute = "/home/me/app/" + d.file();
            String logged = (d.isError() ? "[ERROR] " : "[WARNING] ") + d.withFile(absolute).render().lines().findFirst().orElseThrow();
            cases.add(json(logged, absolute, d, severity, message));
        }
        assertTrue(cases.size() >= 2, result.diagnostics().toString());
        return "[\n" + String.join(",\n", cases) + "\n]\n";
    }

    private static String json(String text, String file, Diagnostic d, String severity, String message) {
        return "{\"text\": " + quote(text) + ", \"file\": " + quote(file) + ", \"line\": " + d.position().line()
                + ", \"column\": " + d.position().column() + ", \"severity\": \"" + severity + "\", \"message\": "
                + quote(message) + "}";
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String run(Path directory, List<String> command, Path diagnostics) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        if (diagnostics != null) {
            builder.environment().put("NETSPEC_DIAGNOSTICS", diagnostics.toString());
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), command + " did not finish");
        assertEquals(0, process.exitValue(), command + " failed:\n" + output);
        return output;
    }

    private static String onPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(folder -> Path.of(folder, program)).filter(Files::isExecutable).map(Path::toString)
                .findFirst().orElse(null);
    }
}
