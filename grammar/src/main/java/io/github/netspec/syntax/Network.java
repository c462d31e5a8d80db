package io.github.netspec.syntax;

import java.util.List;
import java.util.Optional;

/**
 * {@code network NAME { [weights "path"] statements }}.
 *
 * @param position where the name is
 * @param weights the weights file the build checks the network against, if the spec names one
 * @param lastLine the line the declaration ends on, so a syntax error can be placed inside or outside it
 */
public record Network(String name, Position position, Optional<WeightsClause> weights, List<Statement> statements,
                      int lastLine) {
    public Network {
        statements = List.copyOf(statements);
    }

    /** Whether the declaration spans the given line. */
    public boolean covers(int line) {
        return line >= position.line() && line <= lastLine;
    }
}
