package it;

/** Compiles only against its own module's generated class. */
public final class Uses4 {
    private Uses4() {}

    public static final int OUT = Net4.OUTPUT_SIZE;
}
