package io.github.netspec.syntax;

/** A name given to a statement ({@code conv1:}) or a reference to one ({@code from conv1}). */
public record Label(String name, Position position) {}
