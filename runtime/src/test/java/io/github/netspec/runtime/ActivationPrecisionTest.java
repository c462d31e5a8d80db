package io.github.netspec.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Values where a careless formula loses every digit, against exact values of erfc and GELU. */
class ActivationPrecisionTest {

    @Test
    void erfcKeepsRelativePrecisionInTheTails() {
        // Reference values of erfc from tables (Abramowitz & Stegun, and the series to 20 digits).
        assertEquals(1.0, SpecialFunctions.erfc(0.0), 1e-15);
        assertEquals(0.157299207050285, SpecialFunctions.erfc(1.0), 1e-14);
        assertEquals(1.842700792949715, SpecialFunctions.erfc(-1.0), 1e-14);
        assertEquals(4.677734981047266e-3, SpecialFunctions.erfc(2.0), 1e-15);
        assertEquals(1.537459794428035e-12, SpecialFunctions.erfc(5.0), 1e-25);
        assertEquals(2.088487583762545e-45, SpecialFunctions.erfc(10.0), 1e-57);
    }

    @Test
    void geluOfLargeNegativeInputsIsTinyButNotZero() {
        float[] x = {-5f, -10f, 0f, 3f};
        Activations.gelu(x);
        // x * Phi(x): Phi(-5) = 2.866515719e-7, Phi(-10) = 7.619853024e-24.
        assertEquals(-1.4332578595e-6f, x[0], 1e-12f);
        assertEquals(-7.619853024e-23f, x[1], 1e-29f);
        assertEquals(0f, x[2]);
        assertEquals(2.99595031f, x[3], 1e-6f);
    }
}
