package io.github.netspec.syntax;

/**
 * A place in a source file: 1-based line and 1-based column, as javac and IDEs count them, and how many
 * characters of that line the thing there covers. The width is what a diagnostic underlines
 * ({@code ^~~~~}); it is at least 1 and never reaches past the line the position starts on.
 */
public record Position(int line, int column, int width) implements Comparable<Position> {

    public Position {
        if (line < 1 || column < 1 || width < 1) {
            throw new IllegalArgumentException("positions are 1-based with a width of at least 1: "
                    + line + ":" + column + " width " + width);
        }
    }

    /** A single-character position, such as the place a missing token should go. */
    public Position(int line, int column) {
        this(line, column, 1);
    }

    /** Orders by where things start; the width does not take part. */
    @Override
    public int compareTo(Position other) {
        return line != other.line ? Integer.compare(line, other.line) : Integer.compare(column, other.column);
    }

    /** {@code LINE:COL}, as diagnostics print it. */
    @Override
    public String toString() {
        return line + ":" + column;
    }
}
