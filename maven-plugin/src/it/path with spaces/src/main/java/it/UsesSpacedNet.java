package it;

/** Compiles only if the class generated from "my nets/spaced net.net" is on the source path. */
public final class UsesSpacedNet {
    private UsesSpacedNet() {}

    public static final int OUT = it.spaced.SpacedNet.OUTPUT_SIZE;
}
