package io.github.netspec.maven;

import io.github.netspec.generator.GeneratedSources;
import io.github.netspec.generator.NetCompiler;
import io.github.netspec.generator.Plan;
import io.github.netspec.report.Diagram;
import io.github.netspec.report.DiagramLayout;
import io.github.netspec.report.HtmlReport;
import io.github.netspec.report.Summarizer;
import io.github.netspec.syntax.Diagnostic;
import io.github.netspec.syntax.Network;
import io.github.netspec.syntax.SpecParser;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Generation, shared by the main and test goals, and the HTML report of what was generated. It is incremental the way the compiler after it needs:
 * when no spec, no setting and no part of the generator changed since the last successful run, nothing
 * is regenerated and no file is touched; otherwise only the files whose bytes change are rewritten, and
 * the files the last run generated that nothing generates any more are removed (only those: the record
 * of what we wrote is kept under {@code target/netspec/state}).
 */
abstract class AbstractGenerateMojo extends AbstractNetspecMojo {

    @Parameter(defaultValue = "${mojoExecution}", readonly = true, required = true)
    private MojoExecution mojoExecution;

    @Parameter(defaultValue = "${project.build.directory}", readonly = true, required = true)
    private File buildDirectory;

    /**
     * Writes an HTML page with every network's summary table and diagram ({@code netspec summary} and
     * {@code netspec diagram}) to {@code reportDirectory}, and logs its path.
     */
    @Parameter(property = "netspec.report", defaultValue = "true")
    private boolean report;

    /** Where the report goes. */
    @Parameter(property = "netspec.reportDirectory", defaultValue = "${project.build.directory}/netspec")
    private File reportDirectory;

    protected abstract File sourceDirectory();

    protected abstract File outputDirectory();

    /** The other goal's specs (test for main, main for test), read only to know the networks they declare. */
    protected abstract File otherSourceDirectory();

    /** Registers the output folder with the compiler (main or test sources). */
    protected abstract void addSourceRoot(String path);

    /** The report's file name in {@code reportDirectory}: the main and test goals each write their own. */
    protected abstract String reportFileName();

    @Override
    protected final void run() throws MojoExecutionException, MojoFailureException {
        Path sourceRoot = absolute(sourceDirectory());
        Path outputRoot = absolute(outputDirectory());
        // Registered even when there is nothing to do, so IDEs importing the project see the folder.
        addSourceRoot(outputRoot.toString());

        List<Spec> specs = findSpecs(sourceRoot);
        if (weights != null && !weights.isEmpty()) {
            // Only then do the other goal's specs matter: a configured network may be declared there.
            List<Spec> bothGoals = new ArrayList<>(specs);
            bothGoals.addAll(findSpecs(absolute(otherSourceDirectory())));
            requireConfiguredNetworksExist(bothGoals);
        }
        Path stateFile = absolute(buildDirectory).resolve("netspec").resolve("state")
                .resolve(mojoExecution.getGoal() + "-" + mojoExecution.getExecutionId() + ".txt");
        BuildState previous = BuildState.read(stateFile);
        if (specs.isEmpty() && previous.outputs().isEmpty()) {
            getLog().info("netspec: no specs in " + sourceRoot);
            return;
        }
        String fingerprint = fingerprint(specs, outputRoot);
        Path reportFile = absolute(reportDirectory).resolve(reportFileName());
        if (fingerprint.equals(previous.fingerprint()) && previous.outputsIntact(outputRoot)
                && (!report || Files.isRegularFile(reportFile))) {
            getLog().info("netspec: " + plural(specs.size(), "spec") + " unchanged since the last build; "
                    + plural(previous.outputs().size(), "generated class") + " up to date in " + outputRoot);
            if (report) {
                getLog().info("netspec: report at " + reportFile);
            }
            return;
        }

        List<Diagnostic> diagnostics = new ArrayList<>();
        Map<Path, byte[]> files = new TreeMap<>();
        List<Plan> plans = new ArrayList<>();
        for (Map.Entry<String, List<Spec>> group : byPackage(specs).entrySet()) {
            NetCompiler.Result result = analyze(group.getKey(), group.getValue(), true);
            diagnostics.addAll(result.diagnostics());
            files.putAll(result.files());
            plans.addAll(result.plans());
        }
        diagnostics.sort(null);
        reportAndFailIfNeeded(sourceRoot, diagnostics);
        if (report) {
            writeReport(reportFile, plans);
        }

        try {
            GeneratedSources.Report report = GeneratedSources.sync(outputRoot, files, previous.outputs().keySet());
            report.written().forEach(p -> buildContext.refresh(outputRoot.resolve(p).toFile()));
            report.removed().forEach(p -> {
                buildContext.refresh(outputRoot.resolve(p).toFile());
                getLog().info("netspec: removed " + outputRoot.resolve(p) + ", which no spec generates any more");
            });
            BuildState.of(fingerprint, files).write(stateFile);
            getLog().info("netspec: " + plural(files.size(), "class") + " from " + plural(specs.size(), "spec") + " in "
                    + outputRoot + " (" + report.written().size() + " written, " + report.unchanged().size() + " unchanged)");
        } catch (IOException e) {
            throw new MojoExecutionException("netspec: cannot write generated sources to " + outputRoot + ": " + e.getMessage(), e);
        }
    }

    /** Every weights file the specs and the configuration name, resolved as the checker resolves them. */
    private List<Path> weightsFiles(List<Spec> specs) {
        List<Path> files = new ArrayList<>(configuredWeights().values());
        for (Spec spec : specs) {
            for (Network network : SpecParser.parse(spec.relativePath(), spec.text()).file().networks()) {
                network.weights().ifPresent(clause -> {
                    try {
                        files.add(spec.location().getParent().resolve(clause.path()).normalize());
                    } catch (InvalidPathException invalid) {
                        // the checker reports the path; it has no file to fingerprint
                    }
                });
            }
        }
        return files;
    }

    private static String describeFile(Path file) {
        try {
            return Files.size(file) + " bytes, modified " + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException missing) {
            return "missing";
        }
    }

    /** The summary and diagram of every network on one page, written only when its bytes change. */
    private void writeReport(Path reportFile, List<Plan> plans) throws MojoExecutionException {
        List<Diagram> diagrams = plans.stream()
                .sorted(Comparator.comparing((Plan plan) -> plan.network().file()).thenComparing(plan -> plan.network().name()))
                .map(plan -> DiagramLayout.layout(Summarizer.summarize(plan))).toList();
        String title = project.getName() != null ? project.getName() : project.getArtifactId();
        byte[] page = HtmlReport.render(title, diagrams).getBytes(StandardCharsets.UTF_8);
        try {
            GeneratedSources.update(reportFile.getParent(), Map.of(reportFile.getFileName(), page));
        } catch (IOException e) {
            throw new MojoExecutionException("netspec: cannot write the report " + reportFile + ": " + e.getMessage(), e);
        }
        getLog().info("netspec: report at " + reportFile);
    }

    /** Everything the output depends on: the generator's own code, the settings, and every spec. */
    private String fingerprint(List<Spec> specs, Path outputRoot) {
        List<byte[]> parts = new ArrayList<>();
        parts.add(utf8("netspec build state 1"));
        parts.add(utf8(GeneratorIdentity.DIGEST));
        parts.add(utf8(packageName == null ? "(package from folders)" : "package " + packageName.trim()));
        parts.add(utf8("includes " + includes + " excludes " + excludes + " output " + outputRoot));
        parts.add(utf8("report " + report + " in " + reportDirectory + " titled " + project.getName()));
        // A weights file decides diagnostics: its size and time stand for its contents, which may be gigabytes.
        for (Path file : weightsFiles(specs)) {
            parts.add(utf8("weights " + file + " " + describeFile(file)));
        }
        for (Spec spec : specs) {
            parts.add(utf8(spec.relativePath()));
            parts.add(utf8(spec.text()));
        }
        return BuildState.fingerprint(parts);
    }

    /**
     * A digest of the jars that decide the generated code (grammar, generator, this plugin), so a rebuilt
     * generator under the same SNAPSHOT version regenerates everything. The jars cannot change while the
     * plugin is loaded, so they are read once per JVM rather than once per module of a reactor.
     */
    private static final class GeneratorIdentity {
        static final String DIGEST = BuildState.fingerprint(List.of(
                codeIdentity(SpecParser.class), codeIdentity(NetCompiler.class), codeIdentity(AbstractGenerateMojo.class)));

        /** The digest of the jar a class was loaded from, or its location when it is not a jar. */
        private static byte[] codeIdentity(Class<?> type) {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            if (source == null) {
                return utf8(type.getName());
            }
            try {
                Path location = Path.of(source.getLocation().toURI());
                if (!Files.isRegularFile(location)) {
                    return utf8(location.toString());
                }
                try (InputStream jar = Files.newInputStream(location)) {
                    return utf8(BuildState.digest(jar.readAllBytes()));
                }
            } catch (IOException | URISyntaxException | IllegalArgumentException unreadable) {
                // Without the digest, the location alone still tells apart two installed versions.
                return utf8(String.valueOf(source.getLocation()));
            }
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
