package io.github.netspec.generator;

import io.github.netspec.syntax.Diagnostic;
import io.github.netspec.syntax.Network;
import io.github.netspec.syntax.ParseResult;
import io.github.netspec.syntax.SpecParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.SourceVersion;

/**
 * The compiler as a library: parse, check, plan and emit a set of spec files. It never prints, exits or
 * throws for a bad spec; everything wrong comes back as diagnostics, from every file at once.
 */
public final class NetCompiler {

    /** One spec file: its path as diagnostics should show it, and its text. */
    public record Source(String path, String text) {}

    /** The Java source generated for one network. */
    public record GeneratedClass(String qualifiedName, String specPath, String javaSource) {
        /** The file's path relative to a source root, mirroring the package. */
        public String relativePath() {
            return qualifiedName.replace('.', '/') + ".java";
        }
    }

    /** Every diagnostic, sorted by file and position, and the classes of networks that had no errors. */
    public record Result(List<Diagnostic> diagnostics, List<GeneratedClass> classes) {
        public Result {
            diagnostics = List.copyOf(diagnostics);
            classes = List.copyOf(classes);
        }

        public boolean hasErrors() {
            return diagnostics.stream().anyMatch(Diagnostic::isError);
        }

        public long errorCount() {
            return diagnostics.stream().filter(Diagnostic::isError).count();
        }
    }

    private NetCompiler() {}

    /**
     * @param packageName the Java package of every generated class; empty for the unnamed package
     * @throws IllegalArgumentException if {@code packageName} is not a valid Java package name
     */
    public static Result compile(List<Source> sources, String packageName) {
        if (!packageName.isEmpty() && !SourceVersion.isName(packageName)) {
            throw new IllegalArgumentException("'" + packageName + "' is not a valid Java package name");
        }
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<GeneratedClass> classes = new ArrayList<>();
        Map<String, Declared> declaredClasses = new HashMap<>();
        for (Source source : sources) {
            ParseResult parsed = SpecParser.parse(source.path(), source.text());
            parsed.diagnostics().forEach(d -> diagnostics.add(d.withSourceLine(source.text())));
            Diagnostics fileDiagnostics = new Diagnostics(source.path());
            for (Network network : parsed.file().networks()) {
                if (parsed.diagnostics().stream().anyMatch(d -> network.covers(d.position().line()))) {
                    continue; // its tree is partial; checking it would report consequences of the syntax error
                }
                Declared previous = declaredClasses.putIfAbsent(network.name(), new Declared(source.path(), network));
                if (previous != null) {
                    fileDiagnostics.error(network.position(), "network " + network.name() + " is also declared at "
                                    + previous.path() + ":" + previous.network().position()
                                    + "; both would generate the class " + qualified(packageName, network.name()),
                            "rename one of them");
                }
                // A duplicate is still checked, so its own errors are reported in the same build, but never emitted.
                ShapeChecker.check(network, fileDiagnostics).filter(checked -> previous == null).ifPresent(checked -> {
                    Lint.check(checked, fileDiagnostics);
                    String javaSource = JavaEmitter.emit(Planner.plan(checked), packageName).toString();
                    classes.add(new GeneratedClass(qualified(packageName, network.name()), source.path(), javaSource));
                });
            }
            fileDiagnostics.all().forEach(d -> diagnostics.add(d.withSourceLine(source.text())));
        }
        diagnostics.sort(null);
        return new Result(diagnostics, classes);
    }

    private record Declared(String path, Network network) {}

    private static String qualified(String packageName, String name) {
        return packageName.isEmpty() ? name : packageName + "." + name;
    }
}
