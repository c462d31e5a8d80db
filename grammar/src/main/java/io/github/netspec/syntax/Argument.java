package io.github.netspec.syntax;

import java.util.Optional;

/**
 * One layer argument: positional ({@code 32}) or named ({@code stride=2}).
 *
 * @param position where the argument starts: at the key when named, else at the value
 */
public record Argument(Optional<String> key, Value value, Position position) {}
