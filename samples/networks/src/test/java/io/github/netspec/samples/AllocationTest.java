package io.github.netspec.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code predict} into the caller's array allocates nothing once a thread has warmed up: every intermediate
 * tensor lives in the thread's planned arena, every kernel's scratch is reused. Measured with HotSpot's
 * per-thread allocation counter, so a single boxed value or lambda anywhere in the path fails it.
 */
class AllocationTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.netspec.samples.PyTorchReferenceTest#networks")
    void steadyStatePredictAllocatesNothing(String name) throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "this JVM cannot count allocated bytes");
        threads.setThreadAllocatedMemoryEnabled(true);
        PyTorchReferenceTest.Reference reference = PyTorchReferenceTest.Reference.load(name);
        Class<?> type = reference.type();
        Object network = reference.network();
        int batch = 2;
        float[] input = new float[batch * reference.inputSize()];
        float[] output = new float[batch * reference.outputSize()];
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) Math.sin(i);
        }
        // Through a direct call, not reflection: Method.invoke boxes its int argument.
        Predictor predictor = predictor(network, type.getMethod("predict", float[].class, int.class, float[].class));
        for (int warmUp = 0; warmUp < 20; warmUp++) {
            predictor.predict(input, batch, output);
        }
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        for (int call = 0; call < 20; call++) {
            predictor.predict(input, batch, output);
        }
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertEquals(0, allocated, name + " allocated " + allocated + " bytes in 20 calls of predict(input, "
                + batch + ", output)");
    }

    interface Predictor {
        void predict(float[] input, int batch, float[] output);
    }

    /** A typed call for each generated class, so the measurement sees only what predict itself allocates. */
    private static Predictor predictor(Object network, Method method) {
        if (network instanceof Branches n) {
            return n::predict;
        }
        if (network instanceof Coverage2d n) {
            return n::predict;
        }
        if (network instanceof Flat n) {
            return n::predict;
        }
        if (network instanceof MnistNet n) {
            return n::predict;
        }
        if (network instanceof Seed000Convs n) {
            return n::predict;
        }
        if (network instanceof Seed002Padded n) {
            return n::predict;
        }
        if (network instanceof Seed002Separable n) {
            return n::predict;
        }
        if (network instanceof Seed002Strided n) {
            return n::predict;
        }
        if (network instanceof Seed003NoPadding n) {
            return n::predict;
        }
        if (network instanceof Seed003Same n) {
            return n::predict;
        }
        if (network instanceof Seed003Strided n) {
            return n::predict;
        }
        if (network instanceof Sequence1d n) {
            return n::predict;
        }
        throw new AssertionError("no typed predict for " + method.getDeclaringClass().getSimpleName()
                + "; add it to AllocationTest.predictor");
    }
}
