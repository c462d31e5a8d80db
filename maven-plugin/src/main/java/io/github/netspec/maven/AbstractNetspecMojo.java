package io.github.netspec.maven;

import io.github.netspec.generator.GeneratedSources;
import io.github.netspec.generator.NetCompiler;
import io.github.netspec.syntax.Diagnostic;
import io.github.netspec.syntax.SpecParser;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.inject.Inject;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.sonatype.plexus.build.incremental.BuildContext;
import org.sonatype.plexus.build.incremental.DefaultBuildContext;

/**
 * What every netspec goal shares: finding the specs, checking them by package, and reporting every
 * diagnostic of every file before failing the build once, with a count.
 */
abstract class AbstractNetspecMojo extends AbstractMojo {

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    /** Eclipse (m2e) supplies its own, which turns diagnostics into markers on the spec's line. */
    @Inject
    protected BuildContext buildContext;

    /**
     * The package of every generated class. When unset, a spec's folder under the source directory names
     * its package ({@code src/main/net/com/acme/mnist.net} gives {@code com.acme}), as ANTLR does.
     */
    @Parameter(property = "netspec.packageName")
    protected String packageName;

    /** Which files under the source directory are specs, as Ant patterns. Default: {@code **}{@code /*.net}. */
    @Parameter
    protected List<String> includes;

    /** Files under the source directory to leave out, as Ant patterns. */
    @Parameter
    protected List<String> excludes;

    /** Skips the goal entirely. */
    @Parameter(property = "netspec.skip", defaultValue = "false")
    protected boolean skip;

    /** Fails the build on warnings too, as it always does on errors. */
    @Parameter(property = "netspec.failOnWarning", defaultValue = "false")
    protected boolean failOnWarning;

    /**
     * The weights file of each network, by the network's name: the build checks every tensor's presence,
     * dtype and shape against the spec and fails at the layer's line. Relative paths start at the project's
     * folder. A network listed here is checked against this file instead of its spec's {@code weights} clause.
     */
    @Parameter
    protected Map<String, String> weights;

    /** One spec file, as found under a source root, and where it is. */
    record Spec(String relativePath, String text, Path location) {}

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("netspec: skipped (netspec.skip is true)");
            return;
        }
        run();
    }

    protected abstract void run() throws MojoExecutionException, MojoFailureException;

    /** The specs under {@code root} that the includes and excludes select, read. */
    protected List<Spec> findSpecs(Path root) throws MojoExecutionException {
        try {
            List<Spec> specs = new ArrayList<>();
            for (String relative : SpecFiles.find(root, includes, excludes)) {
                Path location = root.resolve(relative);
                specs.add(new Spec(relative, NetCompiler.Source.read(location, relative).text(), location));
            }
            return specs;
        } catch (IOException e) {
            throw new MojoExecutionException("netspec: cannot read the specs under " + root + ": " + e.getMessage(), e);
        }
    }

    /** The package each spec's classes go to: the configured one, or the spec's folder. */
    protected Map<String, List<Spec>> byPackage(List<Spec> specs) {
        Map<String, List<Spec>> groups = new TreeMap<>();
        for (Spec spec : specs) {
            String pkg = packageName != null ? packageName.trim() : GeneratedSources.folderPackage(Path.of(spec.relativePath()));
            groups.computeIfAbsent(pkg, k -> new ArrayList<>()).add(spec);
        }
        return groups;
    }

    /** Checks (or compiles) one package's specs; a bad configured package name is a configuration error. */
    protected NetCompiler.Result analyze(String pkg, List<Spec> specs, boolean generate) throws MojoExecutionException {
        List<NetCompiler.Source> sources = specs.stream()
                .map(s -> new NetCompiler.Source(s.relativePath(), s.text(), s.location())).toList();
        Map<String, Path> configured = configuredWeights();
        try {
            return generate ? NetCompiler.compile(sources, pkg, configured) : NetCompiler.check(sources, pkg, configured);
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("netspec: packageName " + e.getMessage()
                    + (packageName == null ? " (it comes from the spec folders; set <packageName> instead)" : ""), e);
        }
    }

    /** The {@code weights} configuration with each path resolved against the project's folder. */
    protected Map<String, Path> configuredWeights() {
        Map<String, Path> files = new TreeMap<>();
        if (weights != null) {
            weights.forEach((network, path) -> files.put(network, project.getBasedir().toPath().resolve(path.trim())
                    .toAbsolutePath().normalize()));
        }
        return files;
    }

    /**
     * Fails when {@code weights} names a network that no spec declares: a misspelt name would otherwise
     * silently check nothing.
     */
    protected void requireConfiguredNetworksExist(List<Spec> specs) throws MojoExecutionException {
        if (weights == null || weights.isEmpty()) {
            return;
        }
        Set<String> declared = new TreeSet<>();
        for (Spec spec : specs) {
            SpecParser.parse(spec.relativePath(), spec.text()).file().networks().forEach(n -> declared.add(n.name()));
        }
        for (String network : new TreeSet<>(weights.keySet())) {
            if (!declared.contains(network)) {
                throw new MojoExecutionException("netspec: <weights> names the network " + network
                        + ", but no spec declares it; the specs declare " + (declared.isEmpty() ? "none" : String.join(", ", declared)));
            }
        }
    }

    /**
     * Logs every diagnostic with the spec's absolute path, so consoles and IDEs link to the line, and
     * hands it to the build context for IDE markers; then fails the build if it must.
     *
     * @param diagnostics paths relative to {@code root}
     */
    protected void reportAndFailIfNeeded(Path root, List<Diagnostic> diagnostics) throws MojoFailureException {
        boolean ideContext = !(buildContext instanceof DefaultBuildContext); // the default one would log them twice
        diagnostics.stream().map(Diagnostic::file).distinct().forEach(file -> {
            if (ideContext) {
                buildContext.removeMessages(root.resolve(file).toFile());
            }
        });
        for (Diagnostic d : diagnostics) {
            Diagnostic located = d.withFile(root.resolve(d.file()).toString());
            if (d.isError()) {
                getLog().error(located.render());
            } else {
                getLog().warn(located.render());
            }
            if (ideContext) {
                String message = d.message() + d.hint().map(h -> " (hint: " + h + ")").orElse("");
                buildContext.addMessage(root.resolve(d.file()).toFile(), d.position().line(), d.position().column(), message,
                        d.isError() ? BuildContext.SEVERITY_ERROR : BuildContext.SEVERITY_WARNING, null);
            }
        }
        long errors = diagnostics.stream().filter(Diagnostic::isError).count();
        long warnings = diagnostics.size() - errors;
        if (errors > 0) {
            long files = diagnostics.stream().filter(Diagnostic::isError).map(Diagnostic::file).distinct().count();
            throw new MojoFailureException("netspec: " + plural(errors, "error") + " in " + plural(files, "file")
                    + "; see the messages above");
        }
        if (failOnWarning && warnings > 0) {
            long files = diagnostics.stream().map(Diagnostic::file).distinct().count();
            throw new MojoFailureException("netspec: " + plural(warnings, "warning") + " in " + plural(files, "file")
                    + ", and failOnWarning is set; see the messages above");
        }
    }

    protected static String plural(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : noun.endsWith("s") ? "es" : "s");
    }

    protected static Path absolute(File file) {
        return file.toPath().toAbsolutePath().normalize();
    }
}
