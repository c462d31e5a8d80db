package io.github.netspec.generator;

import static org.junit.jupiter.api.Assertions.fail;

import io.github.netspec.syntax.Diagnostic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Snapshots of the exact text users read: headline, source excerpt with its underline, and hint, for a
 * representative dozen of the diagnostics corpus. The corpus test checks what is reported; this one
 * checks how it looks. A changed rendering is written to target/rendered/ for review, as goldens are.
 */
class RenderedDiagnosticsTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "conv_output_height_zero",
        "dilated_kernel_larger_than_input",
        "syntax_missing_closing_paren",
        "syntax_missing_closing_brace",
        "syntax_stray_character",
        "unknown_layer_typo",
        "unknown_parameter_keras_name",
        "dense_after_conv_without_flatten",
        "residual_add_without_projection",
        "assertion_names_the_layer_that_changed_height",
        "label_used_before_it_is_defined",
        "groups_do_not_divide_input_channels",
        "warning_pool_on_odd_size",
        "every_error_of_a_file_is_reported",
    })
    void rendersExactly(String name) throws Exception {
        String spec = Files.readString(resource("/diagnostics/" + name + ".net"), StandardCharsets.UTF_8);
        NetCompiler.Result result = NetCompiler.compile(List.of(new NetCompiler.Source("src/main/net/" + name + ".net", spec)), "");
        String actual = result.diagnostics().stream().map(Diagnostic::render).collect(Collectors.joining("\n"))
                .replace(System.lineSeparator(), "\n") + "\n";

        var snapshot = RenderedDiagnosticsTest.class.getResource("/rendered/" + name + ".txt");
        String expected = snapshot == null ? null : Files.readString(Path.of(snapshot.toURI()), StandardCharsets.UTF_8);
        if (!actual.equals(expected)) {
            Path written = Path.of("target", "rendered", name + ".txt");
            Files.createDirectories(written.getParent());
            Files.writeString(written, actual, StandardCharsets.UTF_8);
            fail((snapshot == null ? "no snapshot yet" : "rendering differs from the snapshot")
                    + "; the new text is in " + written.toAbsolutePath() + ":\n" + actual);
        }
    }

    private static Path resource(String name) throws Exception {
        return Path.of(RenderedDiagnosticsTest.class.getResource(name).toURI());
    }
}
