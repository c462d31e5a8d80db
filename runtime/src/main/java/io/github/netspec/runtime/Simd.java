package io.github.netspec.runtime;

/**
 * Which kernels this JVM runs. The Vector API ({@code jdk.incubator.vector}) is an incubator module that
 * the JVM only resolves when started with {@code --add-modules jdk.incubator.vector}; without it the
 * runtime uses its scalar kernels, which are blocked so that HotSpot auto-vectorizes their inner loops.
 *
 * <p>The choice is a {@code static final} constant, so the JIT folds every {@code if (Simd.VECTOR)} away.
 * Classes that use the Vector API are only touched behind that check, so they are never loaded on a JVM
 * without the module. {@code -Dnetspec.scalar=true} forces the scalar kernels, for comparison.
 */
public final class Simd {

    static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("netspec.scalar");

    private Simd() {}

    /** True when the Vector API kernels are in use. */
    public static boolean vectorized() {
        return VECTOR;
    }

    /** A line for logs and benchmark reports: which kernels run, and how wide their vectors are. */
    public static String describe() {
        return VECTOR ? "Vector API, " + VectorKernels.LANES + " floats per vector"
                : "scalar (start the JVM with --add-modules jdk.incubator.vector for the Vector API kernels)";
    }
}
