package io.github.netspec.syntax;

/**
 * Where a block was called: a statement that came from a block carries the chain of calls that put it
 * there, innermost first, so a diagnostic can say "in block basic called at resnet.net:41:9".
 */
public record CallSite(String block, Position position) {}
