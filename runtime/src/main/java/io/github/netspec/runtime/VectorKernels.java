package io.github.netspec.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
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

    /** Row starts of a B block packed in NR-wide panels ({@code [k][j % NR]} within a panel), for {@link #tile}. */
    static final int[] PACKED_ROWS = new int[Gemm.KC];

    static {
        for (int k = 0; k < PACKED_ROWS.length; k++) {
            PACKED_ROWS[k] = k * NR;
        }
    }

    /**
     * One MR×NR tile ({@link Gemm#MR} = 6 rows, two vectors of columns): {@code C[i][j] = init[i][j] +
     * Σk A[k][i]·B[k][j]} over {@code k0 <= k < k0 + kc}. A is an MR-row panel read in order from
     * {@code aOffset} (k0's column). B row k's NR columns start at {@code b[bBase + bRows[k]]}: consecutive in a
     * packed panel ({@link #PACKED_ROWS}), scattered over the input for {@link ImplicitIm2col}. {@code init}
     * is C itself to go on with a sum, or a tile of bias rows to start one. The six rows are spelled out: an
     * array of vectors would live in memory, not in registers.
     *
     * <p>One way in, with no branch: when the accumulators came from either a load or a broadcast, C2 (JDK 17)
     * merged the two at a phi it could not keep in registers, and the tile ran at 42 GFLOP/s instead of 75
     * (a tile-only microbenchmark on one core, Zen 3, AVX2; a loop of independent FMAs measures 78). No activation here either, not even
     * relu as a max: any lanewise max, min or blend in this method halved its speed, so callers activate the
     * stored tile while it is in L1.
     */
    static void tile(float[] a, int aOffset, float[] b, int bBase, int[] bRows, int k0, int kc, float[] init,
                     int initOffset, int initLd, float[] c, int cOffset, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, init, initOffset + 0 * initLd);
        FloatVector c01 = FloatVector.fromArray(S, init, initOffset + 0 * initLd + L);
        FloatVector c10 = FloatVector.fromArray(S, init, initOffset + 1 * initLd);
        FloatVector c11 = FloatVector.fromArray(S, init, initOffset + 1 * initLd + L);
        FloatVector c20 = FloatVector.fromArray(S, init, initOffset + 2 * initLd);
        FloatVector c21 = FloatVector.fromArray(S, init, initOffset + 2 * initLd + L);
        FloatVector c30 = FloatVector.fromArray(S, init, initOffset + 3 * initLd);
        FloatVector c31 = FloatVector.fromArray(S, init, initOffset + 3 * initLd + L);
        FloatVector c40 = FloatVector.fromArray(S, init, initOffset + 4 * initLd);
        FloatVector c41 = FloatVector.fromArray(S, init, initOffset + 4 * initLd + L);
        FloatVector c50 = FloatVector.fromArray(S, init, initOffset + 5 * initLd);
        FloatVector c51 = FloatVector.fromArray(S, init, initOffset + 5 * initLd + L);
        for (int k = 0; k < kc; k++) {
            int bRow = bBase + bRows[k0 + k];
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
     * {@code Σk w[wOffset + k]·x[xOffset + k]} over {@code depth}: one output of a narrow dense layer. Four
     * vectors at a time into separate sums hide the FMA latency; the tail is summed a float at a time.
     */
    static float dot(float[] w, int wOffset, float[] x, int xOffset, int depth) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int k = 0;
        for (; k + 4 * L <= depth; k += 4 * L) {
            s0 = FloatVector.fromArray(S, w, wOffset + k).fma(FloatVector.fromArray(S, x, xOffset + k), s0);
            s1 = FloatVector.fromArray(S, w, wOffset + k + L).fma(FloatVector.fromArray(S, x, xOffset + k + L), s1);
            s2 = FloatVector.fromArray(S, w, wOffset + k + 2 * L)
                    .fma(FloatVector.fromArray(S, x, xOffset + k + 2 * L), s2);
            s3 = FloatVector.fromArray(S, w, wOffset + k + 3 * L)
                    .fma(FloatVector.fromArray(S, x, xOffset + k + 3 * L), s3);
        }
        for (; k + L <= depth; k += L) {
            s0 = FloatVector.fromArray(S, w, wOffset + k).fma(FloatVector.fromArray(S, x, xOffset + k), s0);
        }
        float sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; k < depth; k++) {
            sum += w[wOffset + k] * x[xOffset + k];
        }
        return sum;
    }

    /**
     * A depthwise convolution over {@link ImplicitIm2col}'s planes: output n is {@code bias + Σt w[filter + t]
     * ·planes[tapStarts[t] + n]} over the taps t, for {@code 0 <= n < count}, clamped to {@code [low, high]}
     * (relu, relu6, or nothing with infinite bounds; NaN stays NaN) and written to {@code out[output + n]}.
     * With four sums live, unlike {@link #tile}'s twelve, the clamp costs a few instructions, not registers.
     * Four vectors at a time keep four FMA chains in flight; the taps run in (ky, kx) order, as PyTorch sums
     * them. The last partial vector moves back to end at {@code count}, redoing a few outputs, so nothing is
     * written past it; only a count under one vector writes a whole vector (the caller's room).
     */
    static void depthwiseGrid(float[] planes, int[] tapStarts, float[] w, int filter, float bias, float[] out,
                              int output, int count, float low, float high) {
        int n = 0;
        for (; n + 4 * L <= count; n += 4 * L) {
            FloatVector s0 = FloatVector.broadcast(S, bias);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int t = 0; t < tapStarts.length; t++) {
                int source = tapStarts[t] + n;
                FloatVector weight = FloatVector.broadcast(S, w[filter + t]);
                s0 = weight.fma(FloatVector.fromArray(S, planes, source), s0);
                s1 = weight.fma(FloatVector.fromArray(S, planes, source + L), s1);
                s2 = weight.fma(FloatVector.fromArray(S, planes, source + 2 * L), s2);
                s3 = weight.fma(FloatVector.fromArray(S, planes, source + 3 * L), s3);
            }
            s0.max(low).min(high).intoArray(out, output + n);
            s1.max(low).min(high).intoArray(out, output + n + L);
            s2.max(low).min(high).intoArray(out, output + n + 2 * L);
            s3.max(low).min(high).intoArray(out, output + n + 3 * L);
        }
        for (; n < count; n += L) {
            int at = count >= L ? Math.min(n, count - L) : n;
            FloatVector sum = FloatVector.broadcast(S, bias);
            for (int t = 0; t < tapStarts.length; t++) {
                FloatVector weight = FloatVector.broadcast(S, w[filter + t]);
                sum = weight.fma(FloatVector.fromArray(S, planes, tapStarts[t] + at), sum);
            }
            sum.max(low).min(high).intoArray(out, output + at);
        }
    }

    /*
     * Even and odd lanes of two vectors gathered into one: one shuffle repeats a vector's evens (or odds) in
     * both halves, and a blend takes the lower half from the first vector and the upper from the second. JDK 17 compiles each of these
     * to one instruction; a shuffle across two vectors it does not.
     */
    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(S, i -> 2 * i % L);
    private static final VectorShuffle<Float> ODDS = VectorShuffle.fromOp(S, i -> (2 * i + 1) % L);
    private static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(S, -1L << (L / 2));

    /**
     * One output row of {@code maxpool(2)}: {@code out[ox] = max(top[2ox], top[2ox + 1], bottom[2ox],
     * bottom[2ox + 1])} for {@code 0 <= ox < count}, where {@code top} and {@code bottom} are input rows of
     * {@code in}. The two rows' maxima first, lane by lane, then each adjacent pair's; a vector's max, like
     * {@link Math#max}, returns NaN if either value is NaN.
     */
    static void max2x2Row(float[] in, int top, int bottom, float[] out, int outRow, int count) {
        int ox = 0;
        for (; ox < count && count >= L; ox += L) {
            // A last partial step moves back to end at the row's end, doing some outputs twice: a 14-wide row
            // is two steps, not one and six scalar tails.
            ox = Math.min(ox, count - L);
            int x = 2 * ox;
            FloatVector low = FloatVector.fromArray(S, in, top + x).max(FloatVector.fromArray(S, in, bottom + x));
            FloatVector high = FloatVector.fromArray(S, in, top + x + L)
                    .max(FloatVector.fromArray(S, in, bottom + x + L));
            FloatVector evens = low.rearrange(EVENS).blend(high.rearrange(EVENS), UPPER_HALF);
            FloatVector odds = low.rearrange(ODDS).blend(high.rearrange(ODDS), UPPER_HALF);
            evens.max(odds).intoArray(out, outRow + ox);
        }
        for (; ox < count; ox++) {
            int x = 2 * ox;
            out[outRow + ox] = Math.max(Math.max(in[top + x], in[bottom + x]), Math.max(in[top + x + 1], in[bottom + x + 1]));
        }
    }

    /**
     * {@code to[toOffset + i] = from[fromOffset + i·stride]} for {@code i < count}, at stride 1 or 2: one row of
     * a phase plane ({@link ImplicitIm2col}). Stride 2 takes the evens of two vectors, as {@link #max2x2Row}
     * does; a scalar loop took about a nanosecond a float, most of a stride-2 depthwise layer's time. It may
     * write up to a vector past {@code toOffset + count}, so the caller must have room there and write it
     * afterwards. Reads may pass the run's end, but where a vector would pass {@code from}'s end it goes a
     * float at a time.
     */
    static void copyStrided(float[] from, int fromOffset, int stride, float[] to, int toOffset, int count) {
        int i = 0;
        for (; i < count; i += L) {
            // A last partial step moves back when the run holds a whole vector; a shorter run spills.
            int at = count >= L ? Math.min(i, count - L) : i;
            int source = fromOffset + at * stride;
            if (source + stride * L > from.length) {
                break;
            }
            FloatVector first = FloatVector.fromArray(S, from, source);
            if (stride == 1) {
                first.intoArray(to, toOffset + at);
            } else {
                FloatVector second = FloatVector.fromArray(S, from, source + L);
                first.rearrange(EVENS).blend(second.rearrange(EVENS), UPPER_HALF).intoArray(to, toOffset + at);
            }
        }
        for (; i < count; i++) {
            to[toOffset + i] = from[fromOffset + i * stride];
        }
    }

    /**
     * {@code x[i] = min(max(x[i], low), high)} over {@code [from, to)}: relu, relu6. A last partial vector
     * moves back and clamps some values twice, which changes nothing. NaN stays NaN.
     */
    static void clamp(float[] x, int from, int to, float low, float high) {
        int count = to - from;
        if (count < L) {
            for (int i = from; i < to; i++) {
                x[i] = Math.min(Math.max(x[i], low), high);
            }
            return;
        }
        for (int i = 0; i < count; i += L) {
            int at = from + Math.min(i, count - L);
            FloatVector.fromArray(S, x, at).max(low).min(high).intoArray(x, at);
        }
    }
}
