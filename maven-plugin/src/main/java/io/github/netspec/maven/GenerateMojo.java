package io.github.netspec.maven;

import io.github.netspec.generator.GeneratedSources;
import io.github.netspec.generator.NetCompiler;
import io.github.netspec.syntax.Diagnostic;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Checks every {@code .net} spec under {@code sourceDirectory} and generates one Java class per network
 * into {@code outputDirectory}, which becomes a compile source root. Any error in any spec fails the
 * build, after every error of every file has been logged.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractMojo {

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    /** Where the specs are; subfolders give the package when {@code packageName} is not set. */
    @Parameter(property = "netspec.sourceDirectory", defaultValue = "${project.basedir}/src/main/net")
    private File sourceDirectory;

    /** Where the generated Java goes. The plugin owns this folder and removes its stale files. */
    @Parameter(property = "netspec.outputDirectory", defaultValue = "${project.build.directory}/generated-sources/netspec")
    private File outputDirectory;

    /**
     * The package of every generated class. When unset, a spec's folder under {@code sourceDirectory}
     * names its package ({@code src/main/net/com/acme/mnist.net} gives {@code com.acme}), as ANTLR does.
     */
    @Parameter(property = "netspec.packageName")
    private String packageName;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        Path sourceRoot = sourceDirectory.toPath().toAbsolutePath().normalize();
        Path outputRoot = outputDirectory.toPath().toAbsolutePath().normalize();
        project.addCompileSourceRoot(outputRoot.toString());
        List<Path> specs = findSpecs(sourceRoot);
        if (specs.isEmpty()) {
            getLog().info("netspec: no .net specs in " + sourceRoot);
            return;
        }

        List<Diagnostic> diagnostics = new ArrayList<>();
        List<NetCompiler.GeneratedClass> classes = new ArrayList<>();
        for (Map.Entry<String, List<NetCompiler.Source>> group : byPackage(sourceRoot, specs).entrySet()) {
            NetCompiler.Result result;
            try {
                result = NetCompiler.compile(group.getValue(), group.getKey());
            } catch (IllegalArgumentException e) {
                throw new MojoExecutionException("netspec: packageName " + e.getMessage(), e);
            }
            diagnostics.addAll(result.diagnostics());
            classes.addAll(result.classes());
        }
        report(sourceRoot, diagnostics);
        long errors = diagnostics.stream().filter(Diagnostic::isError).count();
        if (errors > 0) {
            long files = diagnostics.stream().filter(Diagnostic::isError).map(Diagnostic::file).distinct().count();
            throw new MojoFailureException("netspec: " + plural(errors, "error") + " in " + plural(files, "file")
                    + "; see the messages above");
        }
        write(outputRoot, classes);
        getLog().info("netspec: " + plural(classes.size(), "network") + " from " + plural(specs.size(), "spec")
                + " in " + outputRoot);
    }

    private static List<Path> findSpecs(Path sourceRoot) throws MojoExecutionException {
        if (!Files.isDirectory(sourceRoot)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            return files.filter(p -> p.toString().endsWith(".net") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new MojoExecutionException("netspec: cannot list " + sourceRoot + ": " + e.getMessage(), e);
        }
    }

    /** Groups specs by the package their classes go to; diagnostics name each spec relative to the root. */
    private Map<String, List<NetCompiler.Source>> byPackage(Path sourceRoot, List<Path> specs) throws MojoExecutionException {
        Map<String, List<NetCompiler.Source>> groups = new TreeMap<>();
        for (Path spec : specs) {
            Path relative = sourceRoot.relativize(spec);
            String text;
            try {
                text = Files.readString(spec, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new MojoExecutionException("netspec: cannot read " + spec + ": " + e.getMessage(), e);
            }
            String pkg = packageName != null ? packageName.trim() : GeneratedSources.folderPackage(relative);
            groups.computeIfAbsent(pkg, k -> new ArrayList<>()).add(new NetCompiler.Source(unixPath(relative), text));
        }
        return groups;
    }

    /** Logs each diagnostic with the spec's absolute path, so consoles and IDEs link to the line. */
    private void report(Path sourceRoot, List<Diagnostic> diagnostics) {
        for (Diagnostic d : diagnostics) {
            Diagnostic located = d.withFile(sourceRoot.resolve(d.file()).toString());
            if (d.isError()) {
                getLog().error(located.render());
            } else {
                getLog().warn(located.render());
            }
        }
    }

    private void write(Path outputRoot, List<NetCompiler.GeneratedClass> classes) throws MojoExecutionException {
        Map<Path, byte[]> files = new TreeMap<>();
        for (NetCompiler.GeneratedClass generated : classes) {
            files.put(Path.of(generated.relativePath()), generated.javaSource().getBytes(StandardCharsets.UTF_8));
        }
        try {
            GeneratedSources.Report report = GeneratedSources.sync(outputRoot, files);
            report.removed().forEach(p -> getLog().info("netspec: removed " + p + ", which no spec generates any more"));
            getLog().debug("netspec: wrote " + report.written() + ", unchanged " + report.unchanged());
        } catch (IOException e) {
            throw new MojoExecutionException("netspec: cannot write generated sources to " + outputRoot + ": " + e.getMessage(), e);
        }
    }

    private static String unixPath(Path path) {
        return path.toString().replace(File.separatorChar, '/');
    }

    private static String plural(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}
