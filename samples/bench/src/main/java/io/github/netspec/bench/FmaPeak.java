package io.github.netspec.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * One core's fused multiply-add throughput from Java, the peak the table's "% of peak" divides by: twelve
 * independent chains of vector FMAs, enough to cover the FMA latency on every x86 core of the last decade,
 * with nothing else in the loop: {@link #FLOPS_PER_CALL} in the measured nanoseconds per call is GFLOP/s.
 * Measured in the same run as the networks, it follows the clock the machine runs at then.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FmaPeak {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int STEPS = 1 << 16;
    private static final int CHAINS = 12;
    /** Two per FMA, per lane. */
    static final long FLOPS_PER_CALL = 2L * STEPS * CHAINS * S.length();

    /** Not constants, so the JIT cannot fold the chains away. */
    private float factor = 0.999_999f;
    private float addend = 1e-7f;

    @Benchmark
    public float fma() {
        FloatVector a = FloatVector.broadcast(S, factor);
        FloatVector b = FloatVector.broadcast(S, addend);
        FloatVector c0 = FloatVector.broadcast(S, 1f);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector c5 = c0;
        FloatVector c6 = c0;
        FloatVector c7 = c0;
        FloatVector c8 = c0;
        FloatVector c9 = c0;
        FloatVector c10 = c0;
        FloatVector c11 = c0;
        for (int i = 0; i < STEPS; i++) {
            c0 = c0.fma(a, b);
            c1 = c1.fma(a, b);
            c2 = c2.fma(a, b);
            c3 = c3.fma(a, b);
            c4 = c4.fma(a, b);
            c5 = c5.fma(a, b);
            c6 = c6.fma(a, b);
            c7 = c7.fma(a, b);
            c8 = c8.fma(a, b);
            c9 = c9.fma(a, b);
            c10 = c10.fma(a, b);
            c11 = c11.fma(a, b);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6.add(c7).add(c8).add(c9).add(c10).add(c11))
                .reduceLanes(VectorOperators.ADD);
    }
}
