package it;

/** Compiles only against its own module's generated class. */
public final class Uses2 {
    private Uses2() {}

    public static final int OUT = Net2.OUTPUT_SIZE;
}
