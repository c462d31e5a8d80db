package io.github.netspec.generator;

import io.github.netspec.syntax.Block;
import io.github.netspec.syntax.Diagnostic;
import io.github.netspec.syntax.Network;
import io.github.netspec.syntax.ParseResult;
import io.github.netspec.syntax.SpecParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.lang.model.SourceVersion;

/**
 * The compiler as a library: parse, check, plan and emit a set of spec files. It never prints, exits or
 * throws for a bad spec; everything wrong comes back as diagnostics, from every file at once.
 */
public final class NetCompiler {

    /**
     * One spec file: its path as diagnostics should show it, its text, and where it is on disk (null when
     * it is not a file), which a relative {@code weights "path"} starts from.
     */
    public record Source(String path, String text, Path location) {

        public Source(String path, String text) {
            this(path, text, null);
        }

        /**
         * Reads a spec. Bytes that are not UTF-8 become U+FFFD, which the lexer reports as an unexpected
         * character at its line, rather than the whole read failing on a decoding exception.
         *
         * @param shownPath the path diagnostics should show
         */
        public static Source read(Path file, String shownPath) throws IOException {
            return new Source(shownPath, new String(Files.readAllBytes(file), StandardCharsets.UTF_8), file);
        }
    }

    /** The Java source generated for one network. */
    public record GeneratedClass(String qualifiedName, String specPath, String javaSource) {
        /** The file's path relative to a source root, mirroring the package. */
        public String relativePath() {
            return qualifiedName.replace('.', '/') + ".java";
        }
    }

    /**
     * Every diagnostic, sorted by file and position; the plans of the networks, in source order; and the
     * generated classes, one per plan. Plans and classes are there only when no source has an error (a
     * build with errors writes nothing) and only when asked for: {@link #check} makes neither.
     */
    public record Result(List<Diagnostic> diagnostics, List<Plan> plans, List<GeneratedClass> classes) {
        public Result {
            diagnostics = List.copyOf(diagnostics);
            plans = List.copyOf(plans);
            classes = List.copyOf(classes);
        }

        public boolean hasErrors() {
            return diagnostics.stream().anyMatch(Diagnostic::isError);
        }

        public long errorCount() {
            return diagnostics.stream().filter(Diagnostic::isError).count();
        }

        /** The generated files, UTF-8, by their path relative to a source root. */
        public Map<Path, byte[]> files() {
            Map<Path, byte[]> files = new TreeMap<>();
            classes.forEach(c -> files.put(Path.of(c.relativePath()), c.javaSource().getBytes(StandardCharsets.UTF_8)));
            return files;
        }
    }

    private NetCompiler() {}

    /**
     * Checks the specs and, when none has an error, generates their classes.
     *
     * @param packageName the Java package of every generated class; empty for the unnamed package
     * @throws IllegalArgumentException if {@code packageName} is not a valid Java package name
     */
    public static Result compile(List<Source> sources, String packageName) {
        return compile(sources, packageName, Map.of());
    }

    /**
     * As {@link #compile(List, String)}, checking each network named in {@code weights} against that
     * safetensors file (in place of any {@code weights "path"} clause in its spec).
     */
    public static Result compile(List<Source> sources, String packageName, Map<String, Path> weights) {
        Result planned = plan(sources, packageName, weights);
        List<GeneratedClass> classes = new ArrayList<>();
        for (Plan plan : planned.plans()) {
            String javaSource = JavaEmitter.emit(plan, packageName).toString();
            CheckedNetwork network = plan.network();
            classes.add(new GeneratedClass(qualified(packageName, network.name()), network.file(), javaSource));
        }
        return new Result(planned.diagnostics(), planned.plans(), classes);
    }

    /**
     * Checks and plans the specs without emitting Java: what the summary, the diagram and the report read.
     *
     * @throws IllegalArgumentException if {@code packageName} is not a valid Java package name
     */
    public static Result plan(List<Source> sources, String packageName) {
        return plan(sources, packageName, Map.of());
    }

    private static Result plan(List<Source> sources, String packageName, Map<String, Path> weights) {
        Analysis analysis = analyze(sources, packageName, weights);
        if (analysis.diagnostics().stream().anyMatch(Diagnostic::isError)) {
            return new Result(analysis.diagnostics(), List.of(), List.of()); // a failed build writes nothing
        }
        List<Plan> plans = analysis.networks().stream().map(Planner::plan).toList();
        return new Result(analysis.diagnostics(), plans, List.of());
    }

    /**
     * Checks the specs without generating anything: the same diagnostics as {@link #compile}, for a
     * check-only build step or an editor.
     *
     * @param packageName the package the classes would be in, which decides which networks clash
     * @throws IllegalArgumentException if {@code packageName} is not a valid Java package name
     */
    public static Result check(List<Source> sources, String packageName) {
        return check(sources, packageName, Map.of());
    }

    /** As {@link #check(List, String)}, with weights files as in {@link #compile(List, String, Map)}. */
    public static Result check(List<Source> sources, String packageName, Map<String, Path> weights) {
        return new Result(analyze(sources, packageName, weights).diagnostics(), List.of(), List.of());
    }

    /** Every diagnostic, sorted, and the networks that passed their checks. */
    private record Analysis(List<Diagnostic> diagnostics, List<CheckedNetwork> networks) {}

    private static Analysis analyze(List<Source> sources, String packageName, Map<String, Path> weights) {
        if (!packageName.isEmpty() && !SourceVersion.isName(packageName)) {
            throw new IllegalArgumentException("'" + packageName + "' is not a valid Java package name");
        }
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<CheckedNetwork> checkedNetworks = new ArrayList<>();
        Map<String, Declared> declaredClasses = new HashMap<>();
        for (Source source : sources) {
            ParseResult parsed = SpecParser.parse(source.path(), source.text());
            List<String> lines = Diagnostic.lines(source.text());
            parsed.diagnostics().forEach(d -> diagnostics.add(d.withSourceLine(lines)));
            Diagnostics fileDiagnostics = new Diagnostics(source.path());
            Map<String, Block> blocks = BlockExpander.declare(parsed.file().blocks(), fileDiagnostics);
            // A syntax error outside every network is in a block, whose partial tree would make its callers report
            // consequences of that error.
            boolean brokenBlocks = parsed.diagnostics().stream().anyMatch(
                    d -> parsed.file().networks().stream().noneMatch(n -> n.covers(d.position().line())));
            for (Network written : parsed.file().networks()) {
                if (parsed.diagnostics().stream().anyMatch(d -> written.covers(d.position().line()))) {
                    continue; // its tree is partial; checking it would report consequences of the syntax error
                }
                Network network = BlockExpander.expand(written, blocks, fileDiagnostics);
                if (brokenBlocks && !network.statements().equals(written.statements())) {
                    continue;
                }
                Declared previous = declaredClasses.putIfAbsent(network.name(), new Declared(source.path(), network));
                if (previous != null) {
                    fileDiagnostics.error(network.position(), "network " + network.name() + " is also declared at "
                                    + previous.path() + ":" + previous.network().position()
                                    + "; both would generate the class " + qualified(packageName, network.name()),
                            "rename one of them");
                }
                // A duplicate is still checked, so its own errors are reported in the same build, but never emitted.
                ShapeChecker.check(network, fileDiagnostics).ifPresent(checked -> {
                    Lint.check(checked, fileDiagnostics);
                    WeightsChecker.check(checked, network.weights(), source.location(), weights.get(network.name()),
                            fileDiagnostics);
                    if (previous == null) {
                        checkedNetworks.add(checked);
                    }
                });
            }
            fileDiagnostics.all().forEach(d -> diagnostics.add(d.withSourceLine(lines)));
        }
        diagnostics.sort(null);
        return new Analysis(diagnostics, checkedNetworks);
    }

    private record Declared(String path, Network network) {}

    private static String qualified(String packageName, String name) {
        return packageName.isEmpty() ? name : packageName + "." + name;
    }
}
