package io.github.netspec.syntax;

import java.util.List;

/** {@code network NAME { statements }}. */
public record Network(String name, Position position, List<Statement> statements) {
    public Network {
        statements = List.copyOf(statements);
    }
}
