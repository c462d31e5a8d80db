package io.github.netspec.syntax;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One problem found in a spec. Every phase collects these instead of throwing, so a single run reports
 * every problem in every file.
 *
 * @param file the path as the user gave it (never made absolute here, so output stays reproducible)
 * @param hint how to fix it, or empty when there is nothing useful to suggest
 * @param sourceLine the text of the line the position is on, for the excerpt under the headline; empty
 *     until whoever holds the source attaches it (see {@link #withSourceLine})
 */
public record Diagnostic(Severity severity, String file, Position position, String message, Optional<String> hint,
                         Optional<String> sourceLine) implements Comparable<Diagnostic> {

    public Diagnostic {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(hint, "hint");
        Objects.requireNonNull(sourceLine, "sourceLine");
    }

    public static Diagnostic error(String file, Position position, String message) {
        return new Diagnostic(Severity.ERROR, file, position, message, Optional.empty(), Optional.empty());
    }

    /** @param hint how to fix it; a blank hint is left out */
    public static Diagnostic error(String file, Position position, String message, String hint) {
        return new Diagnostic(Severity.ERROR, file, position, message, nonBlank(hint), Optional.empty());
    }

    /** @param hint how to fix it; a blank hint is left out */
    public static Diagnostic warning(String file, Position position, String message, String hint) {
        return new Diagnostic(Severity.WARNING, file, position, message, nonBlank(hint), Optional.empty());
    }

    private static Optional<String> nonBlank(String hint) {
        return hint.isBlank() ? Optional.empty() : Optional.of(hint);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The same diagnostic reported against another path, such as the absolute one a build log needs. */
    public Diagnostic withFile(String otherFile) {
        return new Diagnostic(severity, otherFile, position, message, hint, sourceLine);
    }

    /**
     * The same diagnostic with its excerpt taken from the file's lines; unchanged if the line is not there.
     *
     * @param fileLines the file split at '\n', as the lexer counts lines (see {@link #lines})
     */
    public Diagnostic withSourceLine(List<String> fileLines) {
        if (position.line() > fileLines.size()) {
            return this;
        }
        return new Diagnostic(severity, file, position, message, hint, Optional.of(fileLines.get(position.line() - 1).stripTrailing()));
    }

    /** A file's lines as positions count them: split at '\n' only, so a stray '\r' cannot shift an excerpt. */
    public static List<String> lines(String fileText) {
        return List.of(fileText.split("\n", -1));
    }

    /** {@code path:LINE:COL: error: message}, the form IDEs and terminals turn into links. */
    public String headline() {
        return file + ":" + position.line() + ":" + position.column() + ": " + severity.word() + ": " + message;
    }

    /**
     * The full report, as javac and clang print one: the headline; then, when the source line is known,
     * that line with the offending text underlined ({@code ^~~~}); then the hint.
     */
    public String render() {
        String newline = System.lineSeparator();
        StringBuilder text = new StringBuilder(headline());
        sourceLine.filter(line -> !line.isBlank()).ifPresent(line -> text.append(newline).append(line)
                .append(newline).append(underline(line)));
        hint.ifPresent(h -> text.append(newline).append("  hint: ").append(h));
        return text.toString();
    }

    /**
     * A caret under the position's first character and tildes under the rest of its width. The prefix
     * copies the line's tabs, so the caret lines up however wide the terminal draws a tab.
     */
    private String underline(String line) {
        int start = Math.min(position.column() - 1, line.length());
        int width = Math.max(1, Math.min(position.width(), line.length() - start));
        StringBuilder marks = new StringBuilder();
        for (int i = 0; i < start; i++) {
            marks.append(line.charAt(i) == '\t' ? '\t' : ' ');
        }
        return marks.append('^').append("~".repeat(width - 1)).toString();
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
