package com.acme.app;

import com.acme.vision.Mnist;

/** Compiles only if the spec in com/acme/vision generated com.acme.vision.Mnist. */
public final class Uses {
    private Uses() {}

    public static final int CLASSES = Mnist.OUTPUT_SIZE;
}
