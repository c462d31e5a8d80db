package io.github.netspec.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API micro-kernels. Only {@link Simd#VECTOR} code paths touch this class, so a JVM without
 * {@code jdk.incubator.vector} never loads it.
 *
 * <p>Each kernel is one method with its vectors in local variables: a {@code FloatVector} passed to a method
 * HotSpot does not inline is boxed, which costs several times the arithmetic. The tile kernel is written out
 * row by row for that reason (it is generated; see the comment on {@link #tile}).
 */
final class VectorKernels {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int LANES = S.length();
    private static final int L = LANES;
    /** Two vectors of columns per tile. */
    static final int NR = 2 * LANES;

    private VectorKernels() {}

    /**
     * One MR×NR tile ({@link Gemm#MR} = 6 rows, two vectors of columns): {@code C[i][j] = (accumulate ? C[i][j]
     * : bias[i]) + Σk A[k][i]·B[k][j]}. A is an MR-row panel, B an NR-wide panel, both read in order. The six
     * rows are spelled out: an array of vectors would live in memory, not in registers.
     *
     * <p>No activation here, not even relu as a max: on JDK 17 any lanewise max, min or blend in this method
     * halved its speed (measured on Zen 3, AVX2), so callers activate the stored tile while it is in L1.
     */
    static void tile(float[] a, int aOffset, float[] b, int bOffset, int kc,
                     float[] c, int cOffset, int ldc, boolean accumulate, float[] bias, int biasOffset) {
        FloatVector c00;
        FloatVector c01;
        FloatVector c10;
        FloatVector c11;
        FloatVector c20;
        FloatVector c21;
        FloatVector c30;
        FloatVector c31;
        FloatVector c40;
        FloatVector c41;
        FloatVector c50;
        FloatVector c51;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, c, cOffset + 0 * ldc);
            c01 = FloatVector.fromArray(S, c, cOffset + 0 * ldc + L);
            c10 = FloatVector.fromArray(S, c, cOffset + 1 * ldc);
            c11 = FloatVector.fromArray(S, c, cOffset + 1 * ldc + L);
            c20 = FloatVector.fromArray(S, c, cOffset + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, cOffset + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, cOffset + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, cOffset + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, cOffset + 4 * ldc);
            c41 = FloatVector.fromArray(S, c, cOffset + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, cOffset + 5 * ldc);
            c51 = FloatVector.fromArray(S, c, cOffset + 5 * ldc + L);
        } else {
            c00 = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOffset + 0]);
            c01 = c00;
            c10 = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOffset + 1]);
            c11 = c10;
            c20 = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOffset + 2]);
            c21 = c20;
            c30 = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOffset + 3]);
            c31 = c30;
            c40 = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOffset + 4]);
            c41 = c40;
            c50 = FloatVector.broadcast(S, bias == null ? 0f : bias[biasOffset + 5]);
            c51 = c50;
        }
        for (int k = 0; k < kc; k++) {
            int bRow = bOffset + k * NR;
            int aColumn = aOffset + k * Gemm.MR;
            FloatVector b0 = FloatVector.fromArray(S, b, bRow);
            FloatVector b1 = FloatVector.fromArray(S, b, bRow + L);
            FloatVector a0 = FloatVector.broadcast(S, a[aColumn + 0]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[aColumn + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[aColumn + 2]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[aColumn + 3]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[aColumn + 4]);
            c40 = a4.fma(b0, c40);
            c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[aColumn + 5]);
            c50 = a5.fma(b0, c50);
            c51 = a5.fma(b1, c51);
        }
        c00.intoArray(c, cOffset + 0 * ldc);
        c01.intoArray(c, cOffset + 0 * ldc + L);
        c10.intoArray(c, cOffset + 1 * ldc);
        c11.intoArray(c, cOffset + 1 * ldc + L);
        c20.intoArray(c, cOffset + 2 * ldc);
        c21.intoArray(c, cOffset + 2 * ldc + L);
        c30.intoArray(c, cOffset + 3 * ldc);
        c31.intoArray(c, cOffset + 3 * ldc + L);
        c40.intoArray(c, cOffset + 4 * ldc);
        c41.intoArray(c, cOffset + 4 * ldc + L);
        c50.intoArray(c, cOffset + 5 * ldc);
        c51.intoArray(c, cOffset + 5 * ldc + L);
    }

    /**
     * {@link Gemm#vectorTimesMatrix} over a matrix packed in NR-wide panels ({@code [j / NR][k][j % NR]}): each
     * panel is one sequential stream. Four k at a time into separate sums hides the FMA latency.
     */
    static void vectorTimesMatrix(float[] x, int xOffset, int depth, float[] w, int fromCol, int toCol, float[] y,
                                  int yOffset) {
        for (int j = fromCol; j < toCol; j += NR) {
            int panel = j * depth;
            FloatVector s00 = FloatVector.zero(S);
            FloatVector s01 = s00;
            FloatVector s10 = s00;
            FloatVector s11 = s00;
            FloatVector s20 = s00;
            FloatVector s21 = s00;
            FloatVector s30 = s00;
            FloatVector s31 = s00;
            int k = 0;
            for (; k + 4 <= depth; k += 4) {
                int row = panel + k * NR;
                FloatVector x0 = FloatVector.broadcast(S, x[xOffset + k]);
                FloatVector x1 = FloatVector.broadcast(S, x[xOffset + k + 1]);
                FloatVector x2 = FloatVector.broadcast(S, x[xOffset + k + 2]);
                FloatVector x3 = FloatVector.broadcast(S, x[xOffset + k + 3]);
                s00 = x0.fma(FloatVector.fromArray(S, w, row), s00);
                s01 = x0.fma(FloatVector.fromArray(S, w, row + L), s01);
                s10 = x1.fma(FloatVector.fromArray(S, w, row + NR), s10);
                s11 = x1.fma(FloatVector.fromArray(S, w, row + NR + L), s11);
                s20 = x2.fma(FloatVector.fromArray(S, w, row + 2 * NR), s20);
                s21 = x2.fma(FloatVector.fromArray(S, w, row + 2 * NR + L), s21);
                s30 = x3.fma(FloatVector.fromArray(S, w, row + 3 * NR), s30);
                s31 = x3.fma(FloatVector.fromArray(S, w, row + 3 * NR + L), s31);
            }
            for (; k < depth; k++) {
                int row = panel + k * NR;
                FloatVector xk = FloatVector.broadcast(S, x[xOffset + k]);
                s00 = xk.fma(FloatVector.fromArray(S, w, row), s00);
                s01 = xk.fma(FloatVector.fromArray(S, w, row + L), s01);
            }
            s00.add(s10).add(s20.add(s30)).intoArray(y, yOffset + j);
            s01.add(s11).add(s21.add(s31)).intoArray(y, yOffset + j + L);
        }
    }

    /**
     * One output row of a depthwise convolution over phase planes (see {@code ConvKernel}): output x is
     * {@code bias + Σ w[ky][kx]·phases[rowStart + ky·rowStep + tapOffsets[kx] + x]} over ky in
     * {@code [kyFrom, kyTo)}, summed in (ky, kx) order. Four vectors of outputs at a time keep every tap's
     * sum in registers and four FMA chains in flight; the row is written once. The last partial vector goes
     * through {@code phases[tailAt]}.
     */
    static void depthwiseRow(float[] phases, int rowStart, int rowStep, int kyFrom, int kyTo, int[] tapOffsets,
                             float[] w, int filter, float bias, float[] out, int outRow, int count, int tailAt) {
        int x = 0;
        for (; x + 4 * L <= count; x += 4 * L) {
            depthwiseFour(phases, rowStart + x, rowStep, kyFrom, kyTo, tapOffsets, w, filter, bias, out, outRow + x);
        }
        for (; x + L <= count; x += L) {
            depthwiseOne(phases, rowStart + x, rowStep, kyFrom, kyTo, tapOffsets, w, filter, bias, out, outRow + x);
        }
        if (x < count) {
            // A whole vector into the scratch at tailAt, reading past the row (the scratch has a vector of slack
            // after the planes), and only the valid part copied out: 7×7 rows are all tail.
            depthwiseOne(phases, rowStart + x, rowStep, kyFrom, kyTo, tapOffsets, w, filter, bias, phases, tailAt);
            System.arraycopy(phases, tailAt, out, outRow + x, count - x);
        }
    }

    /** {@code x[i] = min(max(x[i], low), high)} over {@code [from, to)}; NaN stays NaN. */
    static void clamp(float[] x, int from, int to, float low, float high) {
        int i = from;
        for (int bound = from + S.loopBound(to - from); i < bound; i += L) {
            FloatVector.fromArray(S, x, i).max(low).min(high).intoArray(x, i);
        }
        for (; i < to; i++) {
            x[i] = Math.min(Math.max(x[i], low), high);
        }
    }

    /*
     * The taps run as one flat loop: with the sums carried through two nested loops, C2 (JDK 17) stopped
     * intrinsifying fma and boxed every vector, allocating on each tap.
     */

    private static void depthwiseFour(float[] phases, int start, int rowStep, int kyFrom, int kyTo, int[] tapOffsets,
                                      float[] w, int filter, float bias, float[] out, int at) {
        FloatVector s0 = FloatVector.broadcast(S, bias);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int width = tapOffsets.length;
        int row = start + kyFrom * rowStep;
        int kx = 0;
        for (int tap = kyFrom * width; tap < kyTo * width; tap++) {
            int source = row + tapOffsets[kx];
            FloatVector weight = FloatVector.broadcast(S, w[filter + tap]);
            s0 = weight.fma(FloatVector.fromArray(S, phases, source), s0);
            s1 = weight.fma(FloatVector.fromArray(S, phases, source + L), s1);
            s2 = weight.fma(FloatVector.fromArray(S, phases, source + 2 * L), s2);
            s3 = weight.fma(FloatVector.fromArray(S, phases, source + 3 * L), s3);
            if (++kx == width) {
                kx = 0;
                row += rowStep;
            }
        }
        s0.intoArray(out, at);
        s1.intoArray(out, at + L);
        s2.intoArray(out, at + 2 * L);
        s3.intoArray(out, at + 3 * L);
    }

    private static void depthwiseOne(float[] phases, int start, int rowStep, int kyFrom, int kyTo, int[] tapOffsets,
                                     float[] w, int filter, float bias, float[] out, int at) {
        FloatVector sum = FloatVector.broadcast(S, bias);
        int width = tapOffsets.length;
        int row = start + kyFrom * rowStep;
        int kx = 0;
        for (int tap = kyFrom * width; tap < kyTo * width; tap++) {
            FloatVector weight = FloatVector.broadcast(S, w[filter + tap]);
            sum = weight.fma(FloatVector.fromArray(S, phases, row + tapOffsets[kx]), sum);
            if (++kx == width) {
                kx = 0;
                row += rowStep;
            }
        }
        sum.intoArray(out, at);
    }
}
