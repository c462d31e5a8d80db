package io.github.netspec.syntax;

import java.util.List;

/**
 * {@code network NAME { statements }}.
 *
 * @param position where the name is
 * @param lastLine the line the declaration ends on, so a syntax error can be placed inside or outside it
 */
public record Network(String name, Position position, List<Statement> statements, int lastLine) {
    public Network {
        statements = List.copyOf(statements);
    }

    /** Whether the declaration spans the given line. */
    public boolean covers(int line) {
        return line >= position.line() && line <= lastLine;
    }
}
