package io.github.netspec.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * As {@code generate}, for networks that only tests use: reads {@code src/test/net}, writes
 * {@code target/generated-test-sources/netspec}, and adds it as a test source root.
 */
@Mojo(name = "generate-test", defaultPhase = LifecyclePhase.GENERATE_TEST_SOURCES, threadSafe = true)
public final class GenerateTestMojo extends AbstractGenerateMojo {

    /** Where the test specs are; subfolders give the package when {@code packageName} is not set. */
    @Parameter(property = "netspec.testSourceDirectory", defaultValue = "${project.basedir}/src/test/net")
    private File testSourceDirectory;

    /** Where the generated test Java goes, in folders that mirror the packages. */
    @Parameter(property = "netspec.testOutputDirectory",
            defaultValue = "${project.build.directory}/generated-test-sources/netspec")
    private File testOutputDirectory;

    @Override
    protected File sourceDirectory() {
        return testSourceDirectory;
    }

    @Override
    protected File outputDirectory() {
        return testOutputDirectory;
    }

    @Override
    protected void addSourceRoot(String path) {
        project.addTestCompileSourceRoot(path);
    }

    @Override
    protected String reportFileName() {
        return "test-index.html";
    }

    /** Read only for the names of the networks the {@code weights} configuration may list. */
    @Parameter(defaultValue = "${project.basedir}/src/main/net", readonly = true)
    private File otherSourceDirectory;

    @Override
    protected File otherSourceDirectory() {
        return otherSourceDirectory;
    }
}
