package io.github.netspec.syntax;

import java.util.List;

/**
 * What the parser made of one file. When {@code diagnostics} holds errors, {@code file} holds only what
 * could be recovered and later phases should not check it.
 */
public record ParseResult(SourceFile file, List<Diagnostic> diagnostics) {
    public ParseResult {
        diagnostics = List.copyOf(diagnostics);
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError);
    }
}
