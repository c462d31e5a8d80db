package io.github.netspec.maven;

import io.github.netspec.syntax.Diagnostic;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Checks the main and test specs and reports every diagnostic, failing the build on errors (and on
 * warnings with {@code failOnWarning}); it writes nothing. Runs as {@code mvn netspec:check}, or bound
 * to {@code validate} for CI.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public final class CheckMojo extends AbstractNetspecMojo {

    @Parameter(property = "netspec.sourceDirectory", defaultValue = "${project.basedir}/src/main/net")
    private File sourceDirectory;

    @Parameter(property = "netspec.testSourceDirectory", defaultValue = "${project.basedir}/src/test/net")
    private File testSourceDirectory;

    @Override
    protected void run() throws MojoExecutionException, MojoFailureException {
        List<Diagnostic> diagnostics = new ArrayList<>();
        int specCount = 0;
        Path projectRoot = project.getBasedir().toPath().toAbsolutePath().normalize();
        List<Spec> allSpecs = new ArrayList<>();
        for (File directory : List.of(sourceDirectory, testSourceDirectory)) {
            allSpecs.addAll(findSpecs(absolute(directory)));
        }
        requireConfiguredNetworksExist(allSpecs);
        for (File directory : List.of(sourceDirectory, testSourceDirectory)) {
            Path root = absolute(directory);
            List<Spec> specs = findSpecs(root);
            specCount += specs.size();
            for (Map.Entry<String, List<Spec>> group : byPackage(specs).entrySet()) {
                // Relative to the project, so one report can hold main and test specs.
                analyze(group.getKey(), group.getValue(), false).diagnostics()
                        .forEach(d -> diagnostics.add(d.withFile(projectRoot.relativize(root.resolve(d.file())).toString())));
            }
        }
        diagnostics.sort(null);
        reportAndFailIfNeeded(projectRoot, diagnostics);
        getLog().info("netspec: checked " + plural(specCount, "spec") + ": "
                + plural(diagnostics.size(), "warning") + ", no errors");
    }
}
