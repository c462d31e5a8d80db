package io.github.netspec.syntax;

import java.util.List;

/** A parsed {@code .net} file: the networks it declares, in source order. */
public record SourceFile(String path, List<Network> networks) {
    public SourceFile {
        networks = List.copyOf(networks);
    }
}
