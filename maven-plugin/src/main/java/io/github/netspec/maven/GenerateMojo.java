package io.github.netspec.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Checks every spec under {@code sourceDirectory} and generates one Java class per network into
 * {@code outputDirectory}, which becomes a compile source root. Any error in any spec fails the build,
 * after every error of every file has been logged.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public final class GenerateMojo extends AbstractGenerateMojo {

    /** Where the specs are; subfolders give the package when {@code packageName} is not set. */
    @Parameter(property = "netspec.sourceDirectory", defaultValue = "${project.basedir}/src/main/net")
    private File sourceDirectory;

    /** Where the generated Java goes, in folders that mirror the packages. */
    @Parameter(property = "netspec.outputDirectory", defaultValue = "${project.build.directory}/generated-sources/netspec")
    private File outputDirectory;

    @Override
    protected File sourceDirectory() {
        return sourceDirectory;
    }

    @Override
    protected File outputDirectory() {
        return outputDirectory;
    }

    @Override
    protected void addSourceRoot(String path) {
        project.addCompileSourceRoot(path);
    }

    @Override
    protected String reportFileName() {
        return "index.html";
    }

    /** Read only for the names of the networks the {@code weights} configuration may list. */
    @Parameter(defaultValue = "${project.basedir}/src/test/net", readonly = true)
    private File otherSourceDirectory;

    @Override
    protected File otherSourceDirectory() {
        return otherSourceDirectory;
    }
}
