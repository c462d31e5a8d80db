package io.github.netspec.syntax;

import java.util.List;

/** A parsed {@code .net} file: the networks and blocks it declares, in source order. */
public record SourceFile(String path, List<Network> networks, List<Block> blocks) {
    public SourceFile {
        networks = List.copyOf(networks);
        blocks = List.copyOf(blocks);
    }
}
