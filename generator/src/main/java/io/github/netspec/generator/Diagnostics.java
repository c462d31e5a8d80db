package io.github.netspec.generator;

import io.github.netspec.syntax.Diagnostic;
import io.github.netspec.syntax.Position;
import java.util.ArrayList;
import java.util.List;

/** Collects one file's diagnostics as a phase finds them. */
final class Diagnostics {

    private final String file;
    private final List<Diagnostic> collected = new ArrayList<>();

    Diagnostics(String file) {
        this.file = file;
    }

    void error(Position at, String message) {
        collected.add(Diagnostic.error(file, at, message));
    }

    void error(Position at, String message, String hint) {
        collected.add(Diagnostic.error(file, at, message, hint));
    }

    void warning(Position at, String message, String hint) {
        collected.add(Diagnostic.warning(file, at, message, hint));
    }

    String file() {
        return file;
    }

    int errorCount() {
        return (int) collected.stream().filter(Diagnostic::isError).count();
    }

    List<Diagnostic> all() {
        return List.copyOf(collected);
    }
}
