package io.github.netspec.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.netspec.syntax.Diagnostic;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Mutates the valid sample specs at random, 100,000 times, with the edits people and broken files make:
 * tokens deleted, swapped, duplicated or replaced, numbers changed to edge values, lines dropped or
 * repeated, files cut short, and garbage bytes. The compiler must never throw, and must either accept
 * a mutant or report at least one error, every diagnostic at a real place in the file. One mutant in
 * twenty also goes through code generation, and some accepted ones are compiled with javac, so
 * "accepted" means "generates code that compiles".
 *
 * <p>The seed is fixed so a failure reproduces; {@code -Dnetspec.fuzz.seed=N} explores other runs.
 */
class SpecFuzzTest {

    private static final int MUTANTS = 100_000;
    private static final int MUTANTS_COMPILED_WITH_JAVAC = 25;
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*|\\d+(\\.\\d*)?([eE][+-]?\\d+)?|//[^\\n]*|\\s+|.",
            Pattern.DOTALL);
    private static final String[] WORDS = {"conv2d", "conv1d", "depthwise", "separable", "maxpool", "avgpool", "dense",
        "flatten", "batchnorm", "dropout", "relu", "softmax", "add", "concat", "from", "input", "network", "kernel",
        "stride", "padding", "dilation", "groups", "bias", "padding_mode", "activation", "same", "valid", "causal",
        "reflect", "circular", "true", "false", "x", "conv1", "class", "record", "Linear", "kernel_size"};
    private static final String[] NUMBERS = {"0", "1", "2", "3", "7", "-1", "-0", "2147483647", "2147483648",
        "4294967296", "99999999999999999999999999", "1.5", "0.0", "1e-5", "1e309", "65536", "46341"};
    private static final String[] GARBAGE = {"\u0000", "\r", "\t", "\u00e9", "\ud83d\ude00", "\ufffd", "{", "}", "(", ")",
        "[", "]", "->", ":", ",", "=", "/*", "*/", "//", "-", "#", "\\", "\"", "'", "@", "\n\n", "network N {", "}}"};

    @Test
    void randomEditsOfTheSamplesNeverCrashTheCompiler() throws Exception {
        List<String> specs = sampleSpecs();
        long seed = Long.getLong("netspec.fuzz.seed", 20261123L);
        // Each mutant has its own generator, so the run is the same however the work is spread over cores.
        List<Outcome> outcomes = IntStream.range(0, MUTANTS).parallel()
                .mapToObj(i -> tryMutant(specs, seed, i))
                .toList();
        long accepted = outcomes.stream().filter(Outcome::accepted).count();
        // Both outcomes must be common, or the mutations are too mild or too wild to test anything.
        assertTrue(accepted > MUTANTS / 50, "only " + accepted + " mutants were accepted");
        assertTrue(accepted < MUTANTS * 9 / 10, accepted + " mutants were accepted");

        Set<String> distinct = new HashSet<>();
        List<NetCompiler.GeneratedClass> toCompile = outcomes.stream()
                .filter(o -> o.accepted() && o.index() % 1000 == 0)
                .flatMap(o -> o.classes().stream())
                .filter(c -> distinct.add(c.javaSource()))
                .limit(MUTANTS_COMPILED_WITH_JAVAC)
                .toList();
        assertFalse(toCompile.isEmpty());
        compileWithJavac(toCompile);
    }

    /** What one mutant did: accepted or not, and its classes when it was accepted. */
    private record Outcome(int index, boolean accepted, List<NetCompiler.GeneratedClass> classes) {}

    private static Outcome tryMutant(List<String> specs, long seed, int index) {
        Random random = new Random(seed * 1_000_003L + index);
        String mutant = mutate(specs.get(random.nextInt(specs.size())), random);
        // Every 20th mutant goes all the way through code generation; the rest stop after checking, which
        // is where malformed input can do harm (generation only ever sees checked networks).
        boolean generate = index % 20 == 0;
        List<NetCompiler.Source> sources = List.of(new NetCompiler.Source("fuzz.net", mutant));
        NetCompiler.Result result;
        try {
            result = generate ? NetCompiler.compile(sources, "fuzz") : NetCompiler.check(sources, "fuzz");
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("mutant " + index + " (seed " + seed + ") crashed the compiler:\n" + mutant, e);
        }
        checkDiagnostics(mutant, result, index, seed);
        boolean accepted = !result.hasErrors();
        return new Outcome(index, accepted, accepted && index % 1000 == 0 ? result.classes() : List.of());
    }

    private static void checkDiagnostics(String mutant, NetCompiler.Result result, int index, long seed) {
        String[] lines = mutant.split("\n", -1);
        for (Diagnostic d : result.diagnostics()) {
            int line = d.position().line();
            boolean valid = line <= lines.length && d.position().column() <= lines[line - 1].length() + 1
                    && !d.message().isBlank() && d.file().equals("fuzz.net");
            if (!valid) {
                fail("mutant " + index + " (seed " + seed + ") has a diagnostic at no real place: " + d.headline()
                        + "\n" + mutant);
            }
            d.render(); // rendering an excerpt must not fail on any line either
        }
        if (!result.hasErrors()) {
            assertEquals(result.classes().size(), result.classes().stream().map(NetCompiler.GeneratedClass::qualifiedName).distinct().count());
            result.classes().forEach(c -> assertFalse(c.javaSource().isBlank()));
        }
    }

    /** One to three edits, each of the kinds a broken file shows. */
    static String mutate(String text, Random random) {
        String mutant = text;
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            List<String> tokens = tokens(mutant);
            if (tokens.isEmpty()) {
                return GARBAGE[random.nextInt(GARBAGE.length)];
            }
            int at = random.nextInt(tokens.size());
            switch (random.nextInt(9)) {
                case 0 -> tokens.remove(at);
                case 1 -> {
                    int other = random.nextInt(tokens.size());
                    String swap = tokens.get(at);
                    tokens.set(at, tokens.get(other));
                    tokens.set(other, swap);
                }
                case 2 -> tokens.add(at, tokens.get(at));
                case 3 -> tokens.set(at, WORDS[random.nextInt(WORDS.length)]);
                case 4 -> replaceANumber(tokens, random);
                case 5 -> tokens.add(at, GARBAGE[random.nextInt(GARBAGE.length)]);
                case 6 -> {
                    return lineEdit(mutant, random);
                }
                case 7 -> {
                    return mutant.substring(0, random.nextInt(mutant.length() + 1));
                }
                default -> tokens.set(at, String.valueOf((char) random.nextInt(0x80)));
            }
            mutant = String.join("", tokens);
        }
        return mutant;
    }

    private static void replaceANumber(List<String> tokens, Random random) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            if (Character.isDigit(tokens.get(i).charAt(0))) {
                numbers.add(i);
            }
        }
        if (!numbers.isEmpty()) {
            String replacement = random.nextBoolean() ? NUMBERS[random.nextInt(NUMBERS.length)] : Integer.toString(random.nextInt(300));
            tokens.set(numbers.get(random.nextInt(numbers.size())), replacement);
        }
    }

    private static String lineEdit(String text, Random random) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        int at = random.nextInt(lines.size());
        if (random.nextBoolean()) {
            lines.remove(at);
        } else {
            lines.add(at, lines.get(random.nextInt(lines.size())));
        }
        return String.join("\n", lines);
    }

    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            tokens.add(m.group());
        }
        return tokens;
    }

    private static List<String> sampleSpecs() throws Exception {
        Path samples = Path.of(System.getProperty("netspec.samples", "../samples"));
        List<String> specs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(samples)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".net") && p.toString().contains("src" + java.io.File.separator + "main"))
                    .sorted().toList()) {
                specs.add(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        specs.add(Files.readString(Path.of(SpecFuzzTest.class.getResource("/goldens/golden.net").toURI())));
        for (String spec : specs) {
            assertFalse(NetCompiler.compile(List.of(new NetCompiler.Source("seed.net", spec)), "fuzz").hasErrors(),
                    "the fuzz seeds must be valid specs:\n" + spec);
        }
        assertTrue(specs.size() >= 5, "expected the sample specs under " + samples.toAbsolutePath() + ", found " + specs.size());
        return specs;
    }

    /** javac over the generated sources, against the runtime on the test classpath. */
    private static void compileWithJavac(List<NetCompiler.GeneratedClass> classes) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> problems = new DiagnosticCollector<>();
        Path output = Files.createTempDirectory("netspec-fuzz");
        List<JavaFileObject> units = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) {
            // Each mutant compiles in its own package, since two mutants may declare the same class.
            String source = classes.get(i).javaSource().replaceFirst("package fuzz;", "package fuzz" + i + ";");
            String path = "fuzz" + i + "/" + classes.get(i).relativePath().substring("fuzz/".length());
            units.add(new SimpleJavaFileObject(URI.create("string:///" + path), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            });
        }
        List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", output.toString(),
                "-proc:none", "-Xlint:all", "-Werror");
        boolean ok = javac.getTask(null, null, problems, options, null, units).call();
        assertTrue(ok, "generated code of accepted mutants does not compile: " + problems.getDiagnostics());
    }
}
