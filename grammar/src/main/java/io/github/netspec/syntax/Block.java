package io.github.netspec.syntax;

import java.util.List;
import java.util.Optional;

/**
 * {@code block NAME(params) { statements }}: a piece of network that networks (and other blocks) in the
 * same file use like a layer.
 *
 * @param keyword the word before the name as written; the checker accepts only {@code block}
 * @param position where the name is
 */
public record Block(String keyword, Position keywordPosition, String name, Position position, List<Parameter> parameters,
                    List<Statement> statements) {

    public Block {
        parameters = List.copyOf(parameters);
        statements = List.copyOf(statements);
    }

    /** {@code name} or {@code name=default}. */
    public record Parameter(String name, Optional<Value> defaultValue, Position position) {}
}
