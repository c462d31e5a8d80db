package io.github.netspec.syntax;

import java.util.Objects;
import java.util.Optional;

/**
 * One problem found in a spec. Every phase collects these instead of throwing, so a single run reports
 * every problem in every file.
 *
 * @param file the path as the user gave it (never made absolute here, so output stays reproducible)
 * @param hint how to fix it, or empty when there is nothing useful to suggest
 */
public record Diagnostic(Severity severity, String file, Position position, String message, Optional<String> hint)
        implements Comparable<Diagnostic> {

    public Diagnostic {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(hint, "hint");
    }

    public static Diagnostic error(String file, Position position, String message) {
        return new Diagnostic(Severity.ERROR, file, position, message, Optional.empty());
    }

    public static Diagnostic error(String file, Position position, String message, String hint) {
        return new Diagnostic(Severity.ERROR, file, position, message, Optional.of(hint));
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code path:LINE:COL: error: message}, the form IDEs and terminals turn into links. */
    public String headline() {
        return file + ":" + position.line() + ":" + position.column() + ": " + severity.word() + ": " + message;
    }

    /** The headline, then the hint on its own indented line. */
    public String render() {
        return hint.map(h -> headline() + System.lineSeparator() + "  hint: " + h).orElse(headline());
    }

    /** Orders by file, then position, so reports read top to bottom. */
    @Override
    public int compareTo(Diagnostic other) {
        int byFile = file.compareTo(other.file);
        return byFile != 0 ? byFile : position.compareTo(other.position);
    }

    @Override
    public String toString() {
        return render();
    }
}
