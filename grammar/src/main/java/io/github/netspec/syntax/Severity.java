package io.github.netspec.syntax;

/** How bad a diagnostic is. Only errors fail a build. */
public enum Severity {
    ERROR,
    WARNING;

    /** The word used in rendered diagnostics, as javac writes it. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
