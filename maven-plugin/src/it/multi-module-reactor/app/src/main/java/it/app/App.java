package it.app;

import it.nets.Classifier;

/** Uses the class the other module generated, so this module compiles only if the reactor wiring works. */
public final class App {
    private App() {}

    public static int classes() {
        return Classifier.OUTPUT_SIZE;
    }
}
