package io.github.netspec.syntax;

/**
 * {@code weights "path"} at the top of a network: the safetensors file to check the network's weights
 * against at build time.
 *
 * @param keyword the word before the path as written; the checker accepts only {@code weights}
 * @param path the path with its escapes ({@code \"} and {@code \\}) undone
 * @param position where the clause starts
 * @param pathPosition where the quoted path is
 */
public record WeightsClause(String keyword, String path, Position position, Position pathPosition) {}
