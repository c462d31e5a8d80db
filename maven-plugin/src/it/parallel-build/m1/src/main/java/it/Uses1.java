package it;

/** Compiles only against its own module's generated class. */
public final class Uses1 {
    private Uses1() {}

    public static final int OUT = Net1.OUTPUT_SIZE;
}
