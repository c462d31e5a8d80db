package it;

/** Compiles only against its own module's generated class. */
public final class Uses3 {
    private Uses3() {}

    public static final int OUT = Net3.OUTPUT_SIZE;
}
