package io.github.netspec.runtime;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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
 * row by row for that reason.
 */
final class VectorKernels {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int LANES = S.length();
    private static final int L = LANES;
    /** Two vectors of columns per tile. */
    static final int NR = 2 * LANES;

    private VectorKernels() {}

    /**
     * One MR×NR tile ({@link Gemm#MR} = 6 rows, two vectors of columns): {@code C[i][j] = init[i][j] +
     * Σk A[k][i]·B[k][j]} over {@code 0 <= k < kc}. A is an MR-row panel read in order from {@code aOffset};
     * B is an NR-wide packed panel, row k's NR columns at {@code b[bOffset + k·NR]}, so both stream with unit
     * stride. {@code init} is C itself to go on with a sum, or a tile of bias rows to start one. The six rows
     * are spelled out: an array of vectors would live in memory, not in registers.
     *
     * <p>B is packed rather than read where it lies (im2col's rows are scattered over the input's planes)
     * because a table of row starts costs a load and two bounds checks per k in this loop: a tile-only
     * microbenchmark on one core of the build machine (Zen 3, AVX2) ran at 77 GFLOP/s on a packed panel and
     * 50 on scattered rows; packing a 256×256 block and then running 64 rows of A over it still made 62.
     *
     * <p>One way in, with no branch: when the accumulators came from either a load or a broadcast, C2 (JDK 17)
     * merged the two at a phi it could not keep in registers, and the tile ran at 42 GFLOP/s instead of 75
     * (the same microbenchmark; a loop of independent FMAs measures 78).
     *
     * <p>The sums are clamped to {@code [bounds[0], bounds[1]]} as they are stored ({@link Activation#clampBounds}:
     * relu's and relu6's at the end of a sum, {@code NONE}'s otherwise), with {@link #clampTile}'s compare and
     * blend. An earlier version that clamped with max and min here halved the tile's speed, so callers clamped
     * the stored tile in a pass of its own. Clamped here, with the bounds read from an array after the loop,
     * MobileNetV2's stem (3→32, 3×3 at stride 2, 224×224, alone, one core, Zen 3) took 440–442 µs instead of
     * 463, and 446–448 with the bounds as two float parameters; VggLike's 5×5 3→64 layer in-network 0.528–0.533
     * ms instead of 0.560–0.567. ResNet-18's layers, whose Winograd products run this tile unclamped, did not
     * move (sum of step minima 31.4–31.7 ms against 31.7–31.8, two processes each).
     *
     * <p>A bound at infinity clamps nothing (only an infinite sum compares equal to it, and is replaced by
     * itself), so its compares and blends are skipped: relu's upper bound, both of {@code NONE}'s. In a layer of
     * little depth they are a large part of a tile's work: MnistNet's 1→32 3×3 convolution (depth 9, relu) at
     * batch 8 on one core took 0.0815–0.084 ms a call instead of 0.088–0.092 (per step, fastest of 6 s, three
     * processes each, alternating). The sums merge at phis after the skippable blocks; unlike a merge before
     * the loop (above), that cost nothing measurable. {@link #clampTile} compares relu's infinite bound rather
     * than branch, because vector calls in a branch that some networks never take once left kernels in the
     * allocating fallback; {@code AllocationTest}, which runs every sample network (relu, relu6 and unclamped
     * tiles) in one JVM, passed seven runs of seven with these branches.
     *
     * <p>The loop steps A's and B's offsets instead of computing them from a counter k. On paper the two are
     * the same instructions, but C2 compiled the counter form differently from one JVM to the next: a copy
     * of this tile over 11 A panels and a 256-deep packed block of 15 B panels (fastest of 3000 sweeps, one
     * core, Zen 3) ran at 65–86 GFLOP/s with a counter (eight of eleven JVMs at 84–86, three at 65–67; 95
     * with {@code -XX:-UseLoopPredicate}), and with stepped offsets at 95–99 in 16 JVMs of 18 and 67–70 in
     * two. On the same core a C loop of independent FMAs measures 100, a Java one 87–92. Batch 1, one core:
     * Seed000Convs' 5×5 stride-2 layer took 1.75 ms before and 1.54 after (two processes each), and ResNet-18
     * as a whole 35.6 and 33.0 ms (fastest calls, three alternating processes each). The kernels for fewer
     * rows or columns below step the same way.
     */
    static void tile(float[] a, int aOffset, float[] b, int bOffset, int kc, float[] init, int initOffset,
                     int initLd, float[] c, int cOffset, int ldc, float[] bounds) {
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
        int aEnd = aOffset + kc * Gemm.MR;
        for (int aColumn = aOffset, bRow = bOffset; aColumn < aEnd; aColumn += Gemm.MR, bRow += NR) {
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
        float lowBound = bounds[0];
        float highBound = bounds[1];
        if (lowBound != Float.NEGATIVE_INFINITY) {
            FloatVector low = FloatVector.broadcast(S, lowBound);
            c00 = c00.blend(low, c00.compare(VectorOperators.LE, low));
            c01 = c01.blend(low, c01.compare(VectorOperators.LE, low));
            c10 = c10.blend(low, c10.compare(VectorOperators.LE, low));
            c11 = c11.blend(low, c11.compare(VectorOperators.LE, low));
            c20 = c20.blend(low, c20.compare(VectorOperators.LE, low));
            c21 = c21.blend(low, c21.compare(VectorOperators.LE, low));
            c30 = c30.blend(low, c30.compare(VectorOperators.LE, low));
            c31 = c31.blend(low, c31.compare(VectorOperators.LE, low));
            c40 = c40.blend(low, c40.compare(VectorOperators.LE, low));
            c41 = c41.blend(low, c41.compare(VectorOperators.LE, low));
            c50 = c50.blend(low, c50.compare(VectorOperators.LE, low));
            c51 = c51.blend(low, c51.compare(VectorOperators.LE, low));
        }
        if (highBound != Float.POSITIVE_INFINITY) {
            FloatVector high = FloatVector.broadcast(S, highBound);
            c00 = c00.blend(high, c00.compare(VectorOperators.GE, high));
            c01 = c01.blend(high, c01.compare(VectorOperators.GE, high));
            c10 = c10.blend(high, c10.compare(VectorOperators.GE, high));
            c11 = c11.blend(high, c11.compare(VectorOperators.GE, high));
            c20 = c20.blend(high, c20.compare(VectorOperators.GE, high));
            c21 = c21.blend(high, c21.compare(VectorOperators.GE, high));
            c30 = c30.blend(high, c30.compare(VectorOperators.GE, high));
            c31 = c31.blend(high, c31.compare(VectorOperators.GE, high));
            c40 = c40.blend(high, c40.compare(VectorOperators.GE, high));
            c41 = c41.blend(high, c41.compare(VectorOperators.GE, high));
            c50 = c50.blend(high, c50.compare(VectorOperators.GE, high));
            c51 = c51.blend(high, c51.compare(VectorOperators.GE, high));
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
     * {@link #tile} for the first vector of columns only: a grid's last tile when at most LANES of its columns
     * are left. The packed panel and the init and output tiles keep their NR-wide layout; the second vector of
     * each is neither read nor written. A 7×7 image (49 columns, three whole tiles and one column) then
     * computes 56 columns for 49 instead of 64, and a 14×14 one 200 for 196 instead of 208. MobileNetV2's
     * 7×7 1×1 layers ran about 4% faster so on one core (960→320: 0.510 ms, now 0.486; fastest of 300 calls in
     * each of three processes, Zen 3).
     */
    static void tileHalf(float[] a, int aOffset, float[] b, int bOffset, int kc, float[] init, int initOffset,
                         int initLd, float[] c, int cOffset, int ldc) {
        FloatVector c0 = FloatVector.fromArray(S, init, initOffset + 0 * initLd);
        FloatVector c1 = FloatVector.fromArray(S, init, initOffset + 1 * initLd);
        FloatVector c2 = FloatVector.fromArray(S, init, initOffset + 2 * initLd);
        FloatVector c3 = FloatVector.fromArray(S, init, initOffset + 3 * initLd);
        FloatVector c4 = FloatVector.fromArray(S, init, initOffset + 4 * initLd);
        FloatVector c5 = FloatVector.fromArray(S, init, initOffset + 5 * initLd);
        int aEnd = aOffset + kc * Gemm.MR;
        for (int aColumn = aOffset, bRow = bOffset; aColumn < aEnd; aColumn += Gemm.MR, bRow += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bRow);
            c0 = FloatVector.broadcast(S, a[aColumn + 0]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[aColumn + 1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[aColumn + 2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[aColumn + 3]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[aColumn + 4]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[aColumn + 5]).fma(b0, c5);
        }
        c0.intoArray(c, cOffset + 0 * ldc);
        c1.intoArray(c, cOffset + 1 * ldc);
        c2.intoArray(c, cOffset + 2 * ldc);
        c3.intoArray(c, cOffset + 3 * ldc);
        c4.intoArray(c, cOffset + 4 * ldc);
        c5.intoArray(c, cOffset + 5 * ldc);
    }

    /**
     * {@link #tile} for the first four rows only: the last weight panel of a layer whose channels leave three or
     * four rows there (MobileNetV2's 16 and 64 channels, ResNet-18's 64 and 256). A is still read MR floats a
     * k apart, as packed. On MobileNetV2's 32→16 layer at 112×112 its panel took about 46 µs where a full tile's
     * took 56 (the layer with 12 channels, two full panels, 204 µs; with 16, 260 before and 250 after).
     */
    static void tileRows4(float[] a, int aOffset, float[] b, int bOffset, int kc, float[] init, int initOffset,
                          int initLd, float[] c, int cOffset, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, init, initOffset + 0 * initLd);
        FloatVector c01 = FloatVector.fromArray(S, init, initOffset + 0 * initLd + L);
        FloatVector c10 = FloatVector.fromArray(S, init, initOffset + 1 * initLd);
        FloatVector c11 = FloatVector.fromArray(S, init, initOffset + 1 * initLd + L);
        FloatVector c20 = FloatVector.fromArray(S, init, initOffset + 2 * initLd);
        FloatVector c21 = FloatVector.fromArray(S, init, initOffset + 2 * initLd + L);
        FloatVector c30 = FloatVector.fromArray(S, init, initOffset + 3 * initLd);
        FloatVector c31 = FloatVector.fromArray(S, init, initOffset + 3 * initLd + L);
        int aEnd = aOffset + kc * Gemm.MR;
        for (int aColumn = aOffset, bRow = bOffset; aColumn < aEnd; aColumn += Gemm.MR, bRow += NR) {
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
        }
        c00.intoArray(c, cOffset + 0 * ldc);
        c01.intoArray(c, cOffset + 0 * ldc + L);
        c10.intoArray(c, cOffset + 1 * ldc);
        c11.intoArray(c, cOffset + 1 * ldc + L);
        c20.intoArray(c, cOffset + 2 * ldc);
        c21.intoArray(c, cOffset + 2 * ldc + L);
        c30.intoArray(c, cOffset + 3 * ldc);
        c31.intoArray(c, cOffset + 3 * ldc + L);
    }

    /**
     * {@link #tile} for the first two rows only: the last weight panel of a layer whose channels leave one or
     * two rows there (MnistNet's and MobileNetV2's 32 channels, ResNet-18's 128 and 512). MnistNet's 1→32
     * convolution at batch 8 took 99.8 µs with a full tile there, 87.2 with this, 81.4 with 30 channels and no
     * such panel (one core, Zen 3). Its sums are not split into even and odd k for more chains: that would round
     * differently from the half-width tile that ends the same rows, and a layer's bits must not depend on how a
     * team splits it ({@code ThreadTeamTest} failed 11 splits that way).
     */
    static void tileRows2(float[] a, int aOffset, float[] b, int bOffset, int kc, float[] init, int initOffset,
                          int initLd, float[] c, int cOffset, int ldc) {
        FloatVector c00 = FloatVector.fromArray(S, init, initOffset);
        FloatVector c01 = FloatVector.fromArray(S, init, initOffset + L);
        FloatVector c10 = FloatVector.fromArray(S, init, initOffset + initLd);
        FloatVector c11 = FloatVector.fromArray(S, init, initOffset + initLd + L);
        int aEnd = aOffset + kc * Gemm.MR;
        for (int aColumn = aOffset, bRow = bOffset; aColumn < aEnd; aColumn += Gemm.MR, bRow += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bRow);
            FloatVector b1 = FloatVector.fromArray(S, b, bRow + L);
            FloatVector a0 = FloatVector.broadcast(S, a[aColumn]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[aColumn + 1]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
        }
        c00.intoArray(c, cOffset);
        c01.intoArray(c, cOffset + L);
        c10.intoArray(c, cOffset + ldc);
        c11.intoArray(c, cOffset + ldc + L);
    }

    /**
     * {@code C = min(max(C, low), high)} over the first {@code rows} rows of an MR×NR tile {@link #tile} (or a
     * kernel for fewer rows) has just stored at {@code c[cOffset]}, rows {@code ldc} apart: relu and relu6 in
     * the GEMM's epilogue. Run right after each tile, its loads meet the tile's stores while they are still in
     * flight. A pass over a panel's chunk once all its tiles were stored cost more: MobileNetV2's 16→96 layer
     * at 112×112 took 0.91–0.94 ms that way, 0.87–0.90 this way (then with max and min), and 0.71–0.73 with no
     * activation (fastest of 200 calls, one core, Zen 3). Clamping a copy out of an L1 scratch instead was
     * slower still (0.96). {@link #tile} itself now clamps as it stores (see there); this runs after the
     * kernels for fewer rows or columns.
     *
     * <p>Each bound is a compare and a blend, two AVX2 instructions, where {@code max} and {@code min} take five
     * each for Java's NaN and signed-zero rules. For these bounds (0 or minus infinity below, 6 or none above)
     * the bits are the same: NaN fails both compares and stays NaN, and -0 compares equal to a lower bound of
     * +0 and becomes +0, as {@code max(-0, +0)} does. MobileNetV2's 1×1 relu6 layers took 4.46–4.48 ms in all,
     * 4.34–4.36 this way (three processes each, one core, Zen 3); the whole network's fastest call moved within
     * noise (11.87–12.08 against 11.85–11.94 ms). Relu's infinite upper bound is compared too: vector calls in
     * a branch that some networks take and others never do are how kernels fell into the allocating fallback.
     */
    static void clampTile(float[] c, int cOffset, int ldc, int rows, float low, float high) {
        for (int i = 0; i < rows; i++) {
            int row = cOffset + i * ldc;
            FloatVector first = FloatVector.fromArray(S, c, row);
            FloatVector second = FloatVector.fromArray(S, c, row + L);
            first = first.blend(low, first.compare(VectorOperators.LE, low));
            second = second.blend(low, second.compare(VectorOperators.LE, low));
            first.blend(high, first.compare(VectorOperators.GE, high)).intoArray(c, row);
            second.blend(high, second.compare(VectorOperators.GE, high)).intoArray(c, row + L);
        }
    }

    /**
     * {@code out = min(max(a + b, low), high)} over {@code count} floats, a vector at a time; {@code out} may be
     * a or b itself. The bounds are {@link #clampTile}'s compare and blend (relu, relu6, or none with infinite
     * bounds), which cost nothing beside the three arrays' traffic.
     */
    static void add(float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset, int count, float low,
                    float high) {
        int i = 0;
        for (; i + L <= count; i += L) {
            FloatVector sum = FloatVector.fromArray(S, a, aOffset + i).add(FloatVector.fromArray(S, b, bOffset + i));
            sum = sum.blend(low, sum.compare(VectorOperators.LE, low));
            sum.blend(high, sum.compare(VectorOperators.GE, high)).intoArray(out, outOffset + i);
        }
        for (; i < count; i++) {
            out[outOffset + i] = Math.min(Math.max(a[aOffset + i] + b[bOffset + i], low), high);
        }
    }

    /**
     * Packs rows {@code k0 .. k0 + kc} of a block of B whose row k starts at {@code b[base + rowStarts[k]]}
     * (im2col read from {@link ImplicitIm2col}'s planes), {@code tiles} NR-wide panels of them, into
     * {@code packed[panel·kc·NR + kk·NR + j]}: the layout {@link #tile} reads. Each source row is read in order.
     */
    static void packPanels(float[] b, int base, int[] rowStarts, int k0, int kc, int tiles, float[] packed,
                           int packedOffset) {
        int panelSize = kc * NR;
        for (int kk = 0; kk < kc; kk++) {
            int from = base + rowStarts[k0 + kk];
            int to = packedOffset + kk * NR;
            for (int panel = 0; panel < tiles; panel++, from += NR, to += panelSize) {
                FloatVector.fromArray(S, b, from).intoArray(packed, to);
                FloatVector.fromArray(S, b, from + L).intoArray(packed, to + L);
            }
        }
    }

    /*
     * Why each Winograd transform below (F(2×2)'s two and F(4×4)'s two) is one method, with a loop over
     * columns or rows, and why F(2×2)'s multiply by ±1 where they could choose between an add and a subtract. JDK 17 compiles the Vector API to vector
     * instructions only where C2 inlines every call of an expression and knows each vector's exact class;
     * elsewhere the expression runs through the API's scalar fallback, allocating as it goes. Written as small
     * helpers (one per column of the input transform), the transforms were inlined into Winograd.run, where
     * C2 put off inlining the last statements' calls and then ran them in the fallback (with
     * -XX:-IncrementalInline the output transform's fallback went away); and the helper that C2 compiled on
     * its own merged an add and a subtract into one vector of unknown class, so all its stores fell back.
     * Which of this happened changed from JVM process to process: JFR found 10–18% of ResNet-18's
     * steady-state samples in the fallback. Each method here is too large for C2 to inline into a caller
     * (over FreqInlineSize, 325 bytecodes; F(4×4)'s are 616 and 438), so it compiles on its own, and no vector
     * merges two others: F(4×4)'s loops choose only offsets and a float between their two halves.
     */

    /**
     * {@link Winograd}'s input transform {@code V = Bᵀ d B} of NR-wide panels of tiles {@code from ..} of a
     * block, for every input channel: window point (i, j) of a channel's tiles is one run of the planes, at
     * {@code rowStarts[c·16 + 4i + j]}. Point ξ = 4i + j of panel p goes to {@code v[vOffset + ξ·pointStride +
     * p·channels·NR + c·NR]}, the packed B panel {@link #tile} reads.
     *
     * <p>For each column j and LANES tiles: {@code r_i = d[i][a] ± d[i][b]} (column j of {@code d B}, as
     * {@link Winograd#COLUMN_FIRST} and its neighbours give it, the ± as a multiply-add by ±1, which rounds
     * exactly as the add or subtract would), then {@code V[0..3][j] = r0 - r2, r1 + r2, r2 - r1, r1 - r3}, to
     * points j, 4 + j, 8 + j and 12 + j.
     */
    static void winogradInput(float[] planes, int[] rowStarts, int channels, int from, int panels, float[] v,
                              int vOffset, int pointStride) {
        for (int c = 0; c < channels; c++) {
            int window = c * Winograd.POINTS;
            for (int p = 0; p < panels; p++) {
                for (int half = 0; half < NR; half += L) {
                    int n = from + p * NR + half;
                    int tiles = vOffset + (p * channels + c) * NR + half;
                    for (int j = 0; j < 4; j++) {
                        int a = window + Winograd.COLUMN_FIRST[j];
                        int b = window + Winograd.COLUMN_SECOND[j];
                        FloatVector sign = FloatVector.broadcast(S, Winograd.COLUMN_ADDS[j] ? 1f : -1f);
                        FloatVector r0 = FloatVector.fromArray(S, planes, rowStarts[b] + n)
                                .fma(sign, FloatVector.fromArray(S, planes, rowStarts[a] + n));
                        FloatVector r1 = FloatVector.fromArray(S, planes, rowStarts[b + 4] + n)
                                .fma(sign, FloatVector.fromArray(S, planes, rowStarts[a + 4] + n));
                        FloatVector r2 = FloatVector.fromArray(S, planes, rowStarts[b + 8] + n)
                                .fma(sign, FloatVector.fromArray(S, planes, rowStarts[a + 8] + n));
                        FloatVector r3 = FloatVector.fromArray(S, planes, rowStarts[b + 12] + n)
                                .fma(sign, FloatVector.fromArray(S, planes, rowStarts[a + 12] + n));
                        int to = tiles + j * pointStride;
                        r0.sub(r2).intoArray(v, to);
                        r1.add(r2).intoArray(v, to + 4 * pointStride);
                        r2.sub(r1).intoArray(v, to + 8 * pointStride);
                        r1.sub(r3).intoArray(v, to + 12 * pointStride);
                    }
                }
            }
        }
    }

    /**
     * {@link Winograd}'s output transform {@code Y = Aᵀ M A} plus the bias for {@code count} tiles (a multiple
     * of LANES) of one output channel: point ξ's products at {@code m[mOffset + ξ·pointStride]}, the tile's
     * four outputs {@code y00, y01, y10, y11} to {@code y[yOffset + q·yStride]}, q = 0..3.
     *
     * <p>A row of Y at a time, reading 12 of the 16 points each: {@code s_j = m0j + m1j + m2j} for the top row,
     * {@code m1j - m2j - m3j} for the bottom, in that order as multiply-adds by ±1 (exact); then {@code y_0 =
     * s0 + s1 + s2} and {@code y_1 = s1 - s2 - s3}, plus the bias.
     */
    static void winogradOutput(float[] m, int mOffset, int pointStride, int count, float bias, float[] y,
                               int yOffset, int yStride) {
        FloatVector b = FloatVector.broadcast(S, bias);
        for (int row = 0; row < 2; row++) {
            FloatVector sign = FloatVector.broadcast(S, row == 0 ? 1f : -1f);
            int first = mOffset + 4 * row * pointStride;
            int to = yOffset + 2 * row * yStride;
            for (int n = 0; n < count; n += L) {
                int at = first + n;
                FloatVector s0 = FloatVector.fromArray(S, m, at + 8 * pointStride).fma(sign,
                        FloatVector.fromArray(S, m, at + 4 * pointStride).fma(sign, FloatVector.fromArray(S, m, at)));
                FloatVector s1 = FloatVector.fromArray(S, m, at + 9 * pointStride).fma(sign,
                        FloatVector.fromArray(S, m, at + 5 * pointStride).fma(sign,
                                FloatVector.fromArray(S, m, at + pointStride)));
                FloatVector s2 = FloatVector.fromArray(S, m, at + 10 * pointStride).fma(sign,
                        FloatVector.fromArray(S, m, at + 6 * pointStride).fma(sign,
                                FloatVector.fromArray(S, m, at + 2 * pointStride)));
                FloatVector s3 = FloatVector.fromArray(S, m, at + 11 * pointStride).fma(sign,
                        FloatVector.fromArray(S, m, at + 7 * pointStride).fma(sign,
                                FloatVector.fromArray(S, m, at + 3 * pointStride)));
                s0.add(s1).add(s2).add(b).intoArray(y, to + n);
                s1.sub(s2).sub(s3).add(b).intoArray(y, to + yStride + n);
            }
        }
    }

    /**
     * {@link Winograd}'s input transform for F(4×4, 3×3), {@code V = Bᵀ d B} with d a 6×6 window, of NR-wide
     * panels of tiles {@code from ..} of a block, for every input channel. Window point (i, j) of a channel's
     * tiles is one run of the planes in {@code s}, at {@code rowStarts[c·36 + 6i + j]}; point ξ = 6i + j of panel
     * p goes to {@code s[vOffset + ξ·pointStride + p·channels·NR + c·NR]}, the packed B panel {@link #tile} reads.
     *
     * <p>Both halves of the transform apply Bᵀ (for the points {@link Winograd#LARGE_G} gives) to six values
     * x0..x5:
     * <pre>
     *   t0 = (x0 + x4) - 2·x2 + 1.5·(x3 - x1)        t3 = (x4 - x2) + 2·(x3 - x1)
     *   t1 = (x4 - x1) + 0.5·x2 + 2.5·x3             t4 = (x4 - x2) - 0.5·(x3 - x1)
     *   t2 = (x4 + x1) - 2.5·x2 + 0.5·x3             t5 = (x1 + x5) - 2·x3 + 1.5·(x4 - x2)
     * </pre>
     * so one loop of twelve steps runs them: steps 0–5 take row i of d and write {@code d B}'s row i to the
     * staging vectors at {@code s[staging + (6i + j)·LANES]}; steps 6–11 take column j of those and write
     * {@code Bᵀ (d B)}'s column j to the points. Only the offsets differ between the halves, so no vector is
     * chosen between two (see the note above {@link #winogradInput}).
     */
    static void winogradInput6(float[] s, int[] rowStarts, int channels, int from, int panels, int vOffset,
                               int pointStride, int staging) {
        FloatVector oneHalf = FloatVector.broadcast(S, 0.5f);
        FloatVector minusOneHalf = FloatVector.broadcast(S, -0.5f);
        FloatVector threeHalves = FloatVector.broadcast(S, 1.5f);
        FloatVector two = FloatVector.broadcast(S, 2f);
        FloatVector minusTwo = FloatVector.broadcast(S, -2f);
        FloatVector fiveHalves = FloatVector.broadcast(S, 2.5f);
        FloatVector minusFiveHalves = FloatVector.broadcast(S, -2.5f);
        for (int c = 0; c < channels; c++) {
            int window = c * 36;
            for (int p = 0; p < panels; p++) {
                for (int half = 0; half < NR; half += L) {
                    int n = from + p * NR + half;
                    int tiles = vOffset + (p * channels + c) * NR + half;
                    for (int step = 0; step < 12; step++) {
                        int x0;
                        int x1;
                        int x2;
                        int x3;
                        int x4;
                        int x5;
                        int to;
                        int stride;
                        if (step < 6) {
                            int row = window + 6 * step;
                            x0 = rowStarts[row] + n;
                            x1 = rowStarts[row + 1] + n;
                            x2 = rowStarts[row + 2] + n;
                            x3 = rowStarts[row + 3] + n;
                            x4 = rowStarts[row + 4] + n;
                            x5 = rowStarts[row + 5] + n;
                            to = staging + 6 * step * L;
                            stride = L;
                        } else {
                            int j = step - 6;
                            x0 = staging + j * L;
                            x1 = x0 + 6 * L;
                            x2 = x0 + 12 * L;
                            x3 = x0 + 18 * L;
                            x4 = x0 + 24 * L;
                            x5 = x0 + 30 * L;
                            to = tiles + j * pointStride;
                            stride = 6 * pointStride;
                        }
                        FloatVector a0 = FloatVector.fromArray(S, s, x0);
                        FloatVector a1 = FloatVector.fromArray(S, s, x1);
                        FloatVector a2 = FloatVector.fromArray(S, s, x2);
                        FloatVector a3 = FloatVector.fromArray(S, s, x3);
                        FloatVector a4 = FloatVector.fromArray(S, s, x4);
                        FloatVector a5 = FloatVector.fromArray(S, s, x5);
                        FloatVector oddDifference = a3.sub(a1);
                        FloatVector evenDifference = a4.sub(a2);
                        oddDifference.fma(threeHalves, a2.fma(minusTwo, a0.add(a4))).intoArray(s, to);
                        a3.fma(fiveHalves, a2.fma(oneHalf, a4.sub(a1))).intoArray(s, to + stride);
                        a3.fma(oneHalf, a2.fma(minusFiveHalves, a4.add(a1))).intoArray(s, to + 2 * stride);
                        oddDifference.fma(two, evenDifference).intoArray(s, to + 3 * stride);
                        oddDifference.fma(minusOneHalf, evenDifference).intoArray(s, to + 4 * stride);
                        evenDifference.fma(threeHalves, a3.fma(minusTwo, a1.add(a5))).intoArray(s, to + 5 * stride);
                    }
                }
            }
        }
    }

    /**
     * {@link Winograd}'s output transform for F(4×4, 3×3), {@code Y = Aᵀ M A} plus the bias, for {@code count}
     * tiles (a multiple of LANES) of one output channel: point ξ's products at {@code s[mOffset + ξ·pointStride]},
     * the tile's 16 outputs, row by row, to {@code s[yOffset + q·yStride]}, q = 4r + c.
     *
     * <p>Both halves apply Aᵀ to six values x0..x5:
     * <pre>
     *   y0 = x0 + (x1 + x2) + x3 + x4       y2 = (x1 + x2) + 4·x4 + x3 / 4
     *   y1 = (x1 - x2) - 2·x4 + x3 / 2      y3 = (x1 - x2) - 8·x4 + x3 / 8 + x5
     * </pre>
     * in a loop of ten steps, as {@link #winogradInput6} does: steps 0–5 take column j of M and write
     * {@code Aᵀ M}'s column j to the staging vectors at {@code s[staging + (6r + j)·LANES]}; steps 6–9 take row r
     * of those and write Y's row r, adding the bias (0 in the first half, so its sums round as the second's).
     */
    static void winogradOutput6(float[] s, int mOffset, int pointStride, int count, float bias, int yOffset,
                                int yStride, int staging) {
        FloatVector oneHalf = FloatVector.broadcast(S, 0.5f);
        FloatVector quarter = FloatVector.broadcast(S, 0.25f);
        FloatVector eighth = FloatVector.broadcast(S, 0.125f);
        FloatVector minusTwo = FloatVector.broadcast(S, -2f);
        FloatVector four = FloatVector.broadcast(S, 4f);
        FloatVector minusEight = FloatVector.broadcast(S, -8f);
        for (int n = 0; n < count; n += L) {
            for (int step = 0; step < 10; step++) {
                int x0;
                int step1;
                int to;
                int stride;
                float add;
                if (step < 6) {
                    x0 = mOffset + step * pointStride + n;
                    step1 = 6 * pointStride;
                    to = staging + step * L;
                    stride = 6 * L;
                    add = 0f;
                } else {
                    x0 = staging + 6 * (step - 6) * L;
                    step1 = L;
                    to = yOffset + 4 * (step - 6) * yStride + n;
                    stride = yStride;
                    add = bias;
                }
                FloatVector b = FloatVector.broadcast(S, add);
                FloatVector a0 = FloatVector.fromArray(S, s, x0);
                FloatVector a1 = FloatVector.fromArray(S, s, x0 + step1);
                FloatVector a2 = FloatVector.fromArray(S, s, x0 + 2 * step1);
                FloatVector a3 = FloatVector.fromArray(S, s, x0 + 3 * step1);
                FloatVector a4 = FloatVector.fromArray(S, s, x0 + 4 * step1);
                FloatVector a5 = FloatVector.fromArray(S, s, x0 + 5 * step1);
                FloatVector sum12 = a1.add(a2);
                FloatVector difference12 = a1.sub(a2);
                a0.add(sum12).add(a3).add(a4).add(b).intoArray(s, to);
                a3.fma(oneHalf, a4.fma(minusTwo, difference12)).add(b).intoArray(s, to + stride);
                a3.fma(quarter, a4.fma(four, sum12)).add(b).intoArray(s, to + 2 * stride);
                a3.fma(eighth, a4.fma(minusEight, difference12)).add(a5).add(b).intoArray(s, to + 3 * stride);
            }
        }
    }

    /**
     * {@link Gemm#vectorTimesMatrix} over a matrix packed in NR-wide panels ({@code [j / NR][k][j % NR]}): each
     * panel is one sequential stream. Every output sums its k in order, one fused multiply-add each, as
     * {@link #tile} does, so a sample gets the same bits alone as in a batch (a team may split a batch by
     * samples, {@link SampleSplit}). Four panels at a time keep eight such chains in flight to hide the FMA
     * latency.
     */
    static void vectorTimesMatrix(float[] x, int xOffset, int depth, float[] w, int fromCol, int toCol, float[] y,
                                  int yOffset) {
        int j = fromCol;
        for (; j + 4 * NR <= toCol; j += 4 * NR) {
            int first = j * depth;
            int second = first + NR * depth;
            int third = second + NR * depth;
            int fourth = third + NR * depth;
            FloatVector s00 = FloatVector.zero(S);
            FloatVector s01 = s00;
            FloatVector s10 = s00;
            FloatVector s11 = s00;
            FloatVector s20 = s00;
            FloatVector s21 = s00;
            FloatVector s30 = s00;
            FloatVector s31 = s00;
            for (int k = 0; k < depth; k++) {
                int row = k * NR;
                FloatVector xk = FloatVector.broadcast(S, x[xOffset + k]);
                s00 = xk.fma(FloatVector.fromArray(S, w, first + row), s00);
                s01 = xk.fma(FloatVector.fromArray(S, w, first + row + L), s01);
                s10 = xk.fma(FloatVector.fromArray(S, w, second + row), s10);
                s11 = xk.fma(FloatVector.fromArray(S, w, second + row + L), s11);
                s20 = xk.fma(FloatVector.fromArray(S, w, third + row), s20);
                s21 = xk.fma(FloatVector.fromArray(S, w, third + row + L), s21);
                s30 = xk.fma(FloatVector.fromArray(S, w, fourth + row), s30);
                s31 = xk.fma(FloatVector.fromArray(S, w, fourth + row + L), s31);
            }
            s00.intoArray(y, yOffset + j);
            s01.intoArray(y, yOffset + j + L);
            s10.intoArray(y, yOffset + j + NR);
            s11.intoArray(y, yOffset + j + NR + L);
            s20.intoArray(y, yOffset + j + 2 * NR);
            s21.intoArray(y, yOffset + j + 2 * NR + L);
            s30.intoArray(y, yOffset + j + 3 * NR);
            s31.intoArray(y, yOffset + j + 3 * NR + L);
        }
        for (; j < toCol; j += NR) {
            int panel = j * depth;
            FloatVector s0 = FloatVector.zero(S);
            FloatVector s1 = s0;
            for (int k = 0; k < depth; k++) {
                int row = panel + k * NR;
                FloatVector xk = FloatVector.broadcast(S, x[xOffset + k]);
                s0 = xk.fma(FloatVector.fromArray(S, w, row), s0);
                s1 = xk.fma(FloatVector.fromArray(S, w, row + L), s1);
            }
            s0.intoArray(y, yOffset + j);
            s1.intoArray(y, yOffset + j + L);
        }
    }

    /**
     * Five outputs of a narrow dense layer for one sample: {@code sums[at + i] = Σk w[rows[i] + k]·x[input + k]}
     * over {@code depth}, for the weight rows starting at {@code w0 .. w4} (a group of fewer outputs repeats its
     * last row and ignores the extra sums). Each sum is one chain of vector multiply-adds, then its lanes added,
     * then the tail past the last whole vector a float at a time; {@link #dotsTwoByFive} forms its sums the
     * same way, so a sample gets the same bits at any batch (the JIT's lane order being the same in both).
     * Five chains keep the FMA pipes busy and read each input vector once for five outputs: MnistNet's
     * 6272→10 layer took 3.7 µs instead of 4.9 with four chains on one output at a time (one core, Zen 3).
     */
    static void dotsOneByFive(float[] w, int w0, int w1, int w2, int w3, int w4, int depth, float[] x, int input,
                              float[] sums, int at) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        FloatVector s4 = s0;
        int k = 0;
        for (; k + L <= depth; k += L) {
            FloatVector xk = FloatVector.fromArray(S, x, input + k);
            s0 = FloatVector.fromArray(S, w, w0 + k).fma(xk, s0);
            s1 = FloatVector.fromArray(S, w, w1 + k).fma(xk, s1);
            s2 = FloatVector.fromArray(S, w, w2 + k).fma(xk, s2);
            s3 = FloatVector.fromArray(S, w, w3 + k).fma(xk, s3);
            s4 = FloatVector.fromArray(S, w, w4 + k).fma(xk, s4);
        }
        sums[at] = s0.reduceLanes(VectorOperators.ADD);
        sums[at + 1] = s1.reduceLanes(VectorOperators.ADD);
        sums[at + 2] = s2.reduceLanes(VectorOperators.ADD);
        sums[at + 3] = s3.reduceLanes(VectorOperators.ADD);
        sums[at + 4] = s4.reduceLanes(VectorOperators.ADD);
        for (; k < depth; k++) {
            sums[at] += w[w0 + k] * x[input + k];
            sums[at + 1] += w[w1 + k] * x[input + k];
            sums[at + 2] += w[w2 + k] * x[input + k];
            sums[at + 3] += w[w3 + k] * x[input + k];
            sums[at + 4] += w[w4 + k] * x[input + k];
        }
    }

    /**
     * {@link #dotsOneByFive} for two samples at once (inputs at {@code x[first]} and {@code x[second]}), reading
     * the weights once for both: ten chains, the first sample's sums to {@code sums[at ..]}, the second's to
     * {@code sums[at + 5 ..]}. At batch > 1 a narrow layer's dot products wait on reading their operands from
     * L2, not on the multiply-adds: MnistNet's 6272→10 layer took 18.2 µs at batch 8 against 30.2 with one
     * output of two samples at a time (one core, Zen 3).
     */
    static void dotsTwoByFive(float[] w, int w0, int w1, int w2, int w3, int w4, int depth, float[] x, int first,
                              int second, float[] sums, int at) {
        FloatVector p0 = FloatVector.zero(S);
        FloatVector p1 = p0;
        FloatVector p2 = p0;
        FloatVector p3 = p0;
        FloatVector p4 = p0;
        FloatVector q0 = p0;
        FloatVector q1 = p0;
        FloatVector q2 = p0;
        FloatVector q3 = p0;
        FloatVector q4 = p0;
        int k = 0;
        for (; k + L <= depth; k += L) {
            FloatVector xp = FloatVector.fromArray(S, x, first + k);
            FloatVector xq = FloatVector.fromArray(S, x, second + k);
            FloatVector v0 = FloatVector.fromArray(S, w, w0 + k);
            p0 = v0.fma(xp, p0);
            q0 = v0.fma(xq, q0);
            FloatVector v1 = FloatVector.fromArray(S, w, w1 + k);
            p1 = v1.fma(xp, p1);
            q1 = v1.fma(xq, q1);
            FloatVector v2 = FloatVector.fromArray(S, w, w2 + k);
            p2 = v2.fma(xp, p2);
            q2 = v2.fma(xq, q2);
            FloatVector v3 = FloatVector.fromArray(S, w, w3 + k);
            p3 = v3.fma(xp, p3);
            q3 = v3.fma(xq, q3);
            FloatVector v4 = FloatVector.fromArray(S, w, w4 + k);
            p4 = v4.fma(xp, p4);
            q4 = v4.fma(xq, q4);
        }
        sums[at] = p0.reduceLanes(VectorOperators.ADD);
        sums[at + 1] = p1.reduceLanes(VectorOperators.ADD);
        sums[at + 2] = p2.reduceLanes(VectorOperators.ADD);
        sums[at + 3] = p3.reduceLanes(VectorOperators.ADD);
        sums[at + 4] = p4.reduceLanes(VectorOperators.ADD);
        sums[at + 5] = q0.reduceLanes(VectorOperators.ADD);
        sums[at + 6] = q1.reduceLanes(VectorOperators.ADD);
        sums[at + 7] = q2.reduceLanes(VectorOperators.ADD);
        sums[at + 8] = q3.reduceLanes(VectorOperators.ADD);
        sums[at + 9] = q4.reduceLanes(VectorOperators.ADD);
        for (; k < depth; k++) {
            sums[at] += w[w0 + k] * x[first + k];
            sums[at + 1] += w[w1 + k] * x[first + k];
            sums[at + 2] += w[w2 + k] * x[first + k];
            sums[at + 3] += w[w3 + k] * x[first + k];
            sums[at + 4] += w[w4 + k] * x[first + k];
            sums[at + 5] += w[w0 + k] * x[second + k];
            sums[at + 6] += w[w1 + k] * x[second + k];
            sums[at + 7] += w[w2 + k] * x[second + k];
            sums[at + 8] += w[w3 + k] * x[second + k];
            sums[at + 9] += w[w4 + k] * x[second + k];
        }
    }

    /*
     * The depthwise kernels. Each sum is one chain of dependent FMAs over the taps, in (ky, kx) order as PyTorch
     * sums them, so a kernel keeps several output vectors in flight: eight chains at a time where the run is
     * long enough (on one core, Zen 3, a 56×56 grid took 3.3 ns a vector so, 4.4 with four chains), fewer on a
     * short run. Each width of step is a method of its own, and a kernel calls the ones its run needs: written
     * as one method, the three loops were more than C2 inlines into one compilation, and in some JVMs the last
     * loop's vector operations ran in the Vector API's Java fallback, allocating a box per operation
     * (AllocationTest caught it on Coverage2d). A step's last one moves back to end at the run's end, redoing a
     * few outputs, so nothing is written past it; only a run under one vector writes a whole vector (the
     * caller's room). With at most eight sums live, unlike the tile's twelve, the clamp costs a few
     * instructions, not registers. Its bounds are broadcast once a call: {@code max(float)} inlines a broadcast
     * of its own at every use, and with sixteen of them the last stores of the eight-vector step ran past C2's
     * inlining budget in the tests' JVM (AllocationTest caught Seed002Separable allocating 256 KiB a call
     * once the pooling and add kernels changed what had been compiled before it).
     */

    /**
     * A depthwise convolution over {@link ImplicitIm2col}'s planes: output n is {@code bias + Σt w[filter + t]
     * ·planes[tapStarts[t] + n]} over the taps t, for {@code 0 <= n < count}, clamped to {@code [low, high]}
     * (relu, relu6, or nothing with infinite bounds; NaN stays NaN) and written to {@code out[output + n]}:
     * eight vectors at a time, then four or one.
     */
    static void depthwiseGrid(float[] planes, int[] tapStarts, float[] w, int filter, float bias, float[] out,
                              int output, int count, float low, float high) {
        int n = count >= 8 * L ? depthwiseEights(planes, tapStarts, w, filter, bias, out, output, count, low, high) : 0;
        if (n == count) {
            return;
        }
        if (count >= 4 * L) {
            depthwiseFours(planes, tapStarts, w, filter, bias, out, output, n, count, low, high);
        } else {
            depthwiseOnes(planes, tapStarts, w, filter, bias, out, output, n, count, low, high);
        }
    }

    /** {@link #depthwiseGrid}'s outputs eight vectors at a time while a whole step fits; returns where it stopped. */
    private static int depthwiseEights(float[] planes, int[] tapStarts, float[] w, int filter, float bias, float[] out,
                                       int output, int count, float low, float high) {
        FloatVector lower = FloatVector.broadcast(S, low);
        FloatVector upper = FloatVector.broadcast(S, high);
        int n = 0;
        for (; n + 8 * L <= count; n += 8 * L) {
            FloatVector s0 = FloatVector.broadcast(S, bias);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            FloatVector s4 = s0;
            FloatVector s5 = s0;
            FloatVector s6 = s0;
            FloatVector s7 = s0;
            for (int t = 0; t < tapStarts.length; t++) {
                int source = tapStarts[t] + n;
                FloatVector weight = FloatVector.broadcast(S, w[filter + t]);
                s0 = weight.fma(FloatVector.fromArray(S, planes, source), s0);
                s1 = weight.fma(FloatVector.fromArray(S, planes, source + L), s1);
                s2 = weight.fma(FloatVector.fromArray(S, planes, source + 2 * L), s2);
                s3 = weight.fma(FloatVector.fromArray(S, planes, source + 3 * L), s3);
                s4 = weight.fma(FloatVector.fromArray(S, planes, source + 4 * L), s4);
                s5 = weight.fma(FloatVector.fromArray(S, planes, source + 5 * L), s5);
                s6 = weight.fma(FloatVector.fromArray(S, planes, source + 6 * L), s6);
                s7 = weight.fma(FloatVector.fromArray(S, planes, source + 7 * L), s7);
            }
            s0.max(lower).min(upper).intoArray(out, output + n);
            s1.max(lower).min(upper).intoArray(out, output + n + L);
            s2.max(lower).min(upper).intoArray(out, output + n + 2 * L);
            s3.max(lower).min(upper).intoArray(out, output + n + 3 * L);
            s4.max(lower).min(upper).intoArray(out, output + n + 4 * L);
            s5.max(lower).min(upper).intoArray(out, output + n + 5 * L);
            s6.max(lower).min(upper).intoArray(out, output + n + 6 * L);
            s7.max(lower).min(upper).intoArray(out, output + n + 7 * L);
        }
        return n;
    }

    /** {@link #depthwiseGrid}'s outputs {@code [from, count)}, four vectors at a time; {@code count >= 4L}. */
    private static void depthwiseFours(float[] planes, int[] tapStarts, float[] w, int filter, float bias, float[] out,
                                       int output, int from, int count, float low, float high) {
        FloatVector lower = FloatVector.broadcast(S, low);
        FloatVector upper = FloatVector.broadcast(S, high);
        for (int n = from; n < count; n += 4 * L) {
            n = Math.min(n, count - 4 * L);
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
            s0.max(lower).min(upper).intoArray(out, output + n);
            s1.max(lower).min(upper).intoArray(out, output + n + L);
            s2.max(lower).min(upper).intoArray(out, output + n + 2 * L);
            s3.max(lower).min(upper).intoArray(out, output + n + 3 * L);
        }
    }

    /** {@link #depthwiseGrid}'s outputs {@code [from, count)}, a vector at a time. */
    private static void depthwiseOnes(float[] planes, int[] tapStarts, float[] w, int filter, float bias, float[] out,
                                      int output, int from, int count, float low, float high) {
        FloatVector lower = FloatVector.broadcast(S, low);
        FloatVector upper = FloatVector.broadcast(S, high);
        for (int n = from; n < count; n += L) {
            int at = count >= L ? Math.min(n, count - L) : n;
            FloatVector sum = FloatVector.broadcast(S, bias);
            for (int t = 0; t < tapStarts.length; t++) {
                FloatVector weight = FloatVector.broadcast(S, w[filter + t]);
                sum = weight.fma(FloatVector.fromArray(S, planes, tapStarts[t] + at), sum);
            }
            sum.max(lower).min(upper).intoArray(out, output + at);
        }
    }

    /** Outputs one step of {@link #depthwise3x3} covers, and so how far past its first mask it reads. */
    static final int DEPTHWISE_MASKED_STEP = 4 * L;
    private static final VectorSpecies<Integer> MASK_LANES = S.withLanes(int.class);

    /**
     * {@link MaskedDepthwise}'s kernel: output n is {@code bias + Σ w[filter + 3ky + kx]·x(ky, kx)} for
     * {@code 0 <= n < count} (at least {@link #DEPTHWISE_MASKED_STEP}), clamped and stored as
     * {@link #depthwiseGrid} does, with the taps in the same (ky, kx) order. The middle column of taps reads
     * {@code x(ky, 1) = plane[n + ky·rowStep + columnStep]}; the side columns read at 0 and
     * {@code 2·columnStep} and clear the lanes whose tap falls beside the row, ANDing them with
     * {@code masks[n mod width ..]} (left) and {@code masks[rightMasks + n mod width ..]} (right). Four vectors
     * at a time, the last step moved back to end at count: their eight masks stay in registers for the whole
     * step. Eight vectors at a time, as {@link #depthwiseGrid} runs, would need sixteen masks, loaded again for
     * each tap: written that way, with the taps unrolled or in a loop, and with the masks as an AND or as a
     * blend under a {@code VectorMask} read from a boolean table, C2 left parts of the kernel to the Vector
     * API's Java fallback, and it ran 3–10 times slower than this one.
     */
    static void depthwise3x3(float[] plane, int rowStep, int columnStep, int width, int[] masks, int rightMasks,
                             float[] w, int filter, float bias, float[] out, int output, int count, float low,
                             float high) {
        FloatVector lower = FloatVector.broadcast(S, low);
        FloatVector upper = FloatVector.broadcast(S, high);
        for (int n = 0; n < count; n += 4 * L) {
            n = Math.min(n, count - 4 * L);
            int left = n % width;
            int right = rightMasks + left;
            IntVector l0 = IntVector.fromArray(MASK_LANES, masks, left);
            IntVector l1 = IntVector.fromArray(MASK_LANES, masks, left + L);
            IntVector l2 = IntVector.fromArray(MASK_LANES, masks, left + 2 * L);
            IntVector l3 = IntVector.fromArray(MASK_LANES, masks, left + 3 * L);
            IntVector r0 = IntVector.fromArray(MASK_LANES, masks, right);
            IntVector r1 = IntVector.fromArray(MASK_LANES, masks, right + L);
            IntVector r2 = IntVector.fromArray(MASK_LANES, masks, right + 2 * L);
            IntVector r3 = IntVector.fromArray(MASK_LANES, masks, right + 3 * L);
            FloatVector s0 = FloatVector.broadcast(S, bias);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int ky = 0; ky < 3; ky++) {
                int a = n + ky * rowStep;
                int b = a + columnStep;
                int c = b + columnStep;
                FloatVector wa = FloatVector.broadcast(S, w[filter + 3 * ky]);
                s0 = wa.fma(FloatVector.fromArray(S, plane, a).reinterpretAsInts().and(l0).reinterpretAsFloats(),
                        s0);
                s1 = wa.fma(FloatVector.fromArray(S, plane, a + L).reinterpretAsInts().and(l1).reinterpretAsFloats(),
                        s1);
                s2 = wa.fma(FloatVector.fromArray(S, plane, a + 2 * L).reinterpretAsInts().and(l2)
                        .reinterpretAsFloats(), s2);
                s3 = wa.fma(FloatVector.fromArray(S, plane, a + 3 * L).reinterpretAsInts().and(l3)
                        .reinterpretAsFloats(), s3);
                FloatVector wb = FloatVector.broadcast(S, w[filter + 3 * ky + 1]);
                s0 = wb.fma(FloatVector.fromArray(S, plane, b), s0);
                s1 = wb.fma(FloatVector.fromArray(S, plane, b + L), s1);
                s2 = wb.fma(FloatVector.fromArray(S, plane, b + 2 * L), s2);
                s3 = wb.fma(FloatVector.fromArray(S, plane, b + 3 * L), s3);
                FloatVector wc = FloatVector.broadcast(S, w[filter + 3 * ky + 2]);
                s0 = wc.fma(FloatVector.fromArray(S, plane, c).reinterpretAsInts().and(r0).reinterpretAsFloats(),
                        s0);
                s1 = wc.fma(FloatVector.fromArray(S, plane, c + L).reinterpretAsInts().and(r1).reinterpretAsFloats(),
                        s1);
                s2 = wc.fma(FloatVector.fromArray(S, plane, c + 2 * L).reinterpretAsInts().and(r2)
                        .reinterpretAsFloats(), s2);
                s3 = wc.fma(FloatVector.fromArray(S, plane, c + 3 * L).reinterpretAsInts().and(r3)
                        .reinterpretAsFloats(), s3);
            }
            s0.max(lower).min(upper).intoArray(out, output + n);
            s1.max(lower).min(upper).intoArray(out, output + n + L);
            s2.max(lower).min(upper).intoArray(out, output + n + 2 * L);
            s3.max(lower).min(upper).intoArray(out, output + n + 3 * L);
        }
    }

    /**
     * {@link #depthwiseGrid} at column stride 2 over a row of {@link Stride2Depthwise}'s plane: output n is
     * {@code bias + Σt w[filter + t]·planes[base + tapStarts[t] + 2n]}. Each vector of outputs sums two vectors
     * of consecutive input columns and keeps the even lanes (as {@link #max2x2Step} does): twice the
     * multiply-adds, but unit-stride loads and no strided copy. A row of four vectors or more goes four output
     * vectors (eight chains) at a time, a narrower one two or one. Reads run to
     * {@code base + tapStarts[t] + 2·max(count, L) - 1}.
     */
    static void depthwiseStride2(float[] planes, int base, int[] tapStarts, float[] w, int filter, float bias,
                                 float[] out, int output, int count, float low, float high) {
        if (count >= 4 * L) {
            stride2Fours(planes, base, tapStarts, w, filter, bias, out, output, count, low, high);
        } else if (count >= 2 * L) {
            stride2Twos(planes, base, tapStarts, w, filter, bias, out, output, count, low, high);
        } else {
            stride2Ones(planes, base, tapStarts, w, filter, bias, out, output, count, low, high);
        }
    }

    /** {@link #depthwiseStride2} four output vectors at a time; {@code count >= 4L}. */
    private static void stride2Fours(float[] planes, int base, int[] tapStarts, float[] w, int filter, float bias,
                                     float[] out, int output, int count, float low, float high) {
        FloatVector lower = FloatVector.broadcast(S, low);
        FloatVector upper = FloatVector.broadcast(S, high);
        for (int n = 0; n < count; n += 4 * L) {
            n = Math.min(n, count - 4 * L);
            FloatVector s0 = FloatVector.broadcast(S, bias);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            FloatVector s4 = s0;
            FloatVector s5 = s0;
            FloatVector s6 = s0;
            FloatVector s7 = s0;
            for (int t = 0; t < tapStarts.length; t++) {
                int source = base + tapStarts[t] + 2 * n;
                FloatVector weight = FloatVector.broadcast(S, w[filter + t]);
                s0 = weight.fma(FloatVector.fromArray(S, planes, source), s0);
                s1 = weight.fma(FloatVector.fromArray(S, planes, source + L), s1);
                s2 = weight.fma(FloatVector.fromArray(S, planes, source + 2 * L), s2);
                s3 = weight.fma(FloatVector.fromArray(S, planes, source + 3 * L), s3);
                s4 = weight.fma(FloatVector.fromArray(S, planes, source + 4 * L), s4);
                s5 = weight.fma(FloatVector.fromArray(S, planes, source + 5 * L), s5);
                s6 = weight.fma(FloatVector.fromArray(S, planes, source + 6 * L), s6);
                s7 = weight.fma(FloatVector.fromArray(S, planes, source + 7 * L), s7);
            }
            s0.rearrange(EVENS).blend(s1.rearrange(EVENS), UPPER_HALF).max(lower).min(upper).intoArray(out, output + n);
            s2.rearrange(EVENS).blend(s3.rearrange(EVENS), UPPER_HALF).max(lower).min(upper)
                    .intoArray(out, output + n + L);
            s4.rearrange(EVENS).blend(s5.rearrange(EVENS), UPPER_HALF).max(lower).min(upper)
                    .intoArray(out, output + n + 2 * L);
            s6.rearrange(EVENS).blend(s7.rearrange(EVENS), UPPER_HALF).max(lower).min(upper)
                    .intoArray(out, output + n + 3 * L);
        }
    }

    /** {@link #depthwiseStride2} two output vectors at a time; {@code count >= 2L}. */
    private static void stride2Twos(float[] planes, int base, int[] tapStarts, float[] w, int filter, float bias,
                                    float[] out, int output, int count, float low, float high) {
        FloatVector lower = FloatVector.broadcast(S, low);
        FloatVector upper = FloatVector.broadcast(S, high);
        for (int n = 0; n < count; n += 2 * L) {
            n = Math.min(n, count - 2 * L);
            FloatVector s0 = FloatVector.broadcast(S, bias);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int t = 0; t < tapStarts.length; t++) {
                int source = base + tapStarts[t] + 2 * n;
                FloatVector weight = FloatVector.broadcast(S, w[filter + t]);
                s0 = weight.fma(FloatVector.fromArray(S, planes, source), s0);
                s1 = weight.fma(FloatVector.fromArray(S, planes, source + L), s1);
                s2 = weight.fma(FloatVector.fromArray(S, planes, source + 2 * L), s2);
                s3 = weight.fma(FloatVector.fromArray(S, planes, source + 3 * L), s3);
            }
            s0.rearrange(EVENS).blend(s1.rearrange(EVENS), UPPER_HALF).max(lower).min(upper).intoArray(out, output + n);
            s2.rearrange(EVENS).blend(s3.rearrange(EVENS), UPPER_HALF).max(lower).min(upper)
                    .intoArray(out, output + n + L);
        }
    }

    /** {@link #depthwiseStride2} an output vector at a time. */
    private static void stride2Ones(float[] planes, int base, int[] tapStarts, float[] w, int filter, float bias,
                                    float[] out, int output, int count, float low, float high) {
        FloatVector lower = FloatVector.broadcast(S, low);
        FloatVector upper = FloatVector.broadcast(S, high);
        for (int n = 0; n < count; n += L) {
            int at = count >= L ? Math.min(n, count - L) : n;
            FloatVector s0 = FloatVector.broadcast(S, bias);
            FloatVector s1 = s0;
            for (int t = 0; t < tapStarts.length; t++) {
                int source = base + tapStarts[t] + 2 * at;
                FloatVector weight = FloatVector.broadcast(S, w[filter + t]);
                s0 = weight.fma(FloatVector.fromArray(S, planes, source), s0);
                s1 = weight.fma(FloatVector.fromArray(S, planes, source + L), s1);
            }
            s0.rearrange(EVENS).blend(s1.rearrange(EVENS), UPPER_HALF).max(lower).min(upper).intoArray(out, output + at);
        }
    }

    /*
     * Even and odd lanes of two vectors gathered into one: one shuffle repeats a vector's evens (or odds) in
     * both halves, and a blend takes the lower half from the first vector and the upper from the second.
     * JDK 17 compiles each of these to one instruction; a shuffle across two vectors it does not.
     */
    private static final VectorShuffle<Float> EVENS = VectorShuffle.fromOp(S, i -> 2 * i % L);
    private static final VectorShuffle<Float> ODDS = VectorShuffle.fromOp(S, i -> (2 * i + 1) % L);
    private static final VectorMask<Float> UPPER_HALF = VectorMask.fromLong(S, -1L << (L / 2));
    /** Lane i takes lane 4i mod L: every fourth lane, repeated in each quarter; the quarters below pick one. */
    private static final VectorShuffle<Float> FOURTHS = VectorShuffle.fromOp(S, i -> 4 * i % L);
    private static final VectorMask<Float> SECOND_QUARTER = quarter(1);
    private static final VectorMask<Float> THIRD_QUARTER = quarter(2);
    private static final VectorMask<Float> LAST_QUARTER = quarter(3);

    /** Lanes {@code [k·L/4, (k + 1)·L/4)}. */
    private static VectorMask<Float> quarter(int k) {
        return VectorMask.fromLong(S, ((1L << (L / 4)) - 1) << (k * L / 4));
    }

    /**
     * {@code maxpool(2)} over one plane: output row r, {@code outWidth} wide from {@code out[outPlane]}, is the
     * largest of each 2×2 window of input rows 2r and 2r + 1, {@code inWidth} wide from {@code in[plane]},
     * and at least {@code low} (0 for a relu moved past the pooling, else minus infinity); a vector of outputs
     * per step. A row's last partial step moves back to end at the row's end, redoing some
     * outputs: a 14-wide row is two steps, not one and six scalar tails. Like {@link Math#max}, a vector's max
     * returns NaN if either value is NaN, as PyTorch's max pooling does. The rows loop here, not in the caller,
     * and a row of one or two steps has no loop of its own: MnistNet's 32×28×28 pooling (448 rows of two steps)
     * took 4.8 µs with a call per row, 6.1 with the rows here but a loop over each row's steps, and 4.1 as
     * written (fastest of a 10 s run on one core, Zen 3); VggLike's 256×32×32 took 45.9 µs, now 37.7, and its
     * 128×64×64 (four steps a row) 81 both ways. The lower bound is a compare and a blend, as in
     * {@link #clampTile}: MnistNet's pooling at batch 8 then took 31.5–33.4 µs instead of 34.3–35.6 (AVX2).
     */
    static void max2x2Plane(float[] in, int plane, int inWidth, float[] out, int outPlane, int outWidth, int rows,
                            float low) {
        int last = outWidth - L;
        for (int r = 0; r < rows; r++) {
            int top = plane + 2 * r * inWidth;
            int bottom = top + inWidth;
            int outRow = outPlane + r * outWidth;
            if (last < 0) {
                for (int ox = 0; ox < outWidth; ox++) {
                    int x = 2 * ox;
                    float largest = Math.max(Math.max(in[top + x], in[bottom + x]),
                            Math.max(in[top + x + 1], in[bottom + x + 1]));
                    out[outRow + ox] = Math.max(largest, low);
                }
                continue;
            }
            if (last <= L) {
                max2x2Step(in, top, bottom, out, outRow, 0, low);
                if (last > 0) {
                    max2x2Step(in, top, bottom, out, outRow + last, 2 * last, low);
                }
                continue;
            }
            for (int ox = 0; ox < outWidth; ox += L) {
                ox = Math.min(ox, last);
                max2x2Step(in, top, bottom, out, outRow + ox, 2 * ox, low);
            }
        }
    }

    /**
     * LANES outputs of a 2×2 max pooling row, to {@code out[at ..]}, from columns {@code [x, x + 2·LANES)} of
     * both input rows, and at least {@code low}.
     */
    private static void max2x2Step(float[] in, int top, int bottom, float[] out, int at, int x, float low) {
        FloatVector left = FloatVector.fromArray(S, in, top + x).max(FloatVector.fromArray(S, in, bottom + x));
        FloatVector right = FloatVector.fromArray(S, in, top + x + L).max(FloatVector.fromArray(S, in, bottom + x + L));
        FloatVector evens = left.rearrange(EVENS).blend(right.rearrange(EVENS), UPPER_HALF);
        FloatVector odds = left.rearrange(ODDS).blend(right.rearrange(ODDS), UPPER_HALF);
        FloatVector largest = evens.max(odds);
        largest.blend(low, largest.compare(VectorOperators.LE, low)).intoArray(out, at);
    }

    /**
     * {@code out[outOffset + 2i] = a[aOffset + i]} and {@code out[outOffset + 2i + 1] = b[bOffset + i]} for
     * {@code i < LANES}: two runs zipped into one, as {@link Winograd} writes a tile row's two output columns.
     * Each half of the output spreads half of each vector over alternate lanes and blends the two: the
     * one-vector shuffles and blend {@link #EVENS} is built on, where a shuffle across two vectors is not.
     */
    static void interleave(float[] a, int aOffset, float[] b, int bOffset, float[] out, int outOffset) {
        FloatVector first = FloatVector.fromArray(S, a, aOffset);
        FloatVector second = FloatVector.fromArray(S, b, bOffset);
        first.rearrange(SPREAD_LOW).blend(second.rearrange(SPREAD_LOW), ODD_LANES).intoArray(out, outOffset);
        first.rearrange(SPREAD_HIGH).blend(second.rearrange(SPREAD_HIGH), ODD_LANES).intoArray(out, outOffset + L);
    }

    /**
     * {@code out[outOffset + 4i + q] = y[offset + q·stride + i]} for q < 4 and {@code i < LANES}: four runs
     * zipped into one, as {@link Winograd} writes a row of F(4×4) tiles' four output columns. It zips runs 0
     * and 2, then 1 and 3, as {@link #interleave} does, then the two results, whose pairs then fall in order.
     */
    static void interleave4(float[] y, int offset, int stride, float[] out, int outOffset) {
        FloatVector first = FloatVector.fromArray(S, y, offset);
        FloatVector second = FloatVector.fromArray(S, y, offset + stride);
        FloatVector third = FloatVector.fromArray(S, y, offset + 2 * stride);
        FloatVector fourth = FloatVector.fromArray(S, y, offset + 3 * stride);
        FloatVector lowFirstThird = first.rearrange(SPREAD_LOW).blend(third.rearrange(SPREAD_LOW), ODD_LANES);
        FloatVector highFirstThird = first.rearrange(SPREAD_HIGH).blend(third.rearrange(SPREAD_HIGH), ODD_LANES);
        FloatVector lowSecondFourth = second.rearrange(SPREAD_LOW).blend(fourth.rearrange(SPREAD_LOW), ODD_LANES);
        FloatVector highSecondFourth = second.rearrange(SPREAD_HIGH)
                .blend(fourth.rearrange(SPREAD_HIGH), ODD_LANES);
        lowFirstThird.rearrange(SPREAD_LOW).blend(lowSecondFourth.rearrange(SPREAD_LOW), ODD_LANES)
                .intoArray(out, outOffset);
        lowFirstThird.rearrange(SPREAD_HIGH).blend(lowSecondFourth.rearrange(SPREAD_HIGH), ODD_LANES)
                .intoArray(out, outOffset + L);
        highFirstThird.rearrange(SPREAD_LOW).blend(highSecondFourth.rearrange(SPREAD_LOW), ODD_LANES)
                .intoArray(out, outOffset + 2 * L);
        highFirstThird.rearrange(SPREAD_HIGH).blend(highSecondFourth.rearrange(SPREAD_HIGH), ODD_LANES)
                .intoArray(out, outOffset + 3 * L);
    }

    /** Lane i takes lane i / 2 (or L/2 + i / 2): a vector's lower (upper) half, each value twice. */
    private static final VectorShuffle<Float> SPREAD_LOW = VectorShuffle.fromOp(S, i -> i / 2);
    private static final VectorShuffle<Float> SPREAD_HIGH = VectorShuffle.fromOp(S, i -> L / 2 + i / 2);
    private static final VectorMask<Float> ODD_LANES = VectorMask.fromLong(S, 0xAAAAAAAAAAAAAAAAL & ((1L << L) - 1));

    /**
     * Output columns {@code [o, o + LANES)} of every row of a 3×3 max pooling at stride 2 (ResNet's stem), at
     * least {@code low}: a strip down the plane. Output (oy, ox) is the largest of columns
     * {@code column0 + 2·ox + kx} (kx = 0, 1, 2) of input rows {@code 2·oy - padTop + ky} (ky = 0, 1, 2), a row
     * past the top or bottom edge replaced by the edge row, which changes no maximum. The caller keeps the
     * strip's columns inside the row; each row's read also takes the column after the last tap, so that must
     * be inside {@code in}.
     *
     * <p>Each input row's three taps are maximized first ({@link #rowTaps}); an output is then the largest of
     * three rows' taps, and the last of them is the first of the next output row's, carried down the strip.
     * That is seven lanewise maxima per vector of outputs, where the general loops, a pass over the output
     * row per tap, take nine with their shuffles and stores, and taking the three rows' maximum before the
     * taps takes twelve: a lanewise max is five instructions on AVX2 (Java's NaN and signed zeros), and it
     * sets the pace. The lower bound is a compare and a blend, as in {@link #clampTile}, with the same bits for
     * 0 or minus infinity. ResNet-18's 64 planes of 112×112 with relu on one core (AVX2, fastest of 3000
     * calls): 0.90 ms with the general loops, 0.48 with the rows' maximum first, 0.42 in strips, edges
     * included, and 0.34 with the blend (ONNX Runtime's profile: 0.17). NaN wins, as in {@link Math#max}.
     */
    static void max3x3Stride2Strip(float[] in, int plane, int inWidth, int inHeight, int padTop, int column0,
                                   float[] out, int outPlane, int outWidth, int outHeight, int o, float low) {
        int x = plane + column0 + 2 * o;
        int lastRow = inHeight - 1;
        FloatVector carried = rowTaps(in, x + Math.max(-padTop, 0) * inWidth);
        for (int oy = 0; oy < outHeight; oy++) {
            int y0 = 2 * oy - padTop;
            FloatVector middle = rowTaps(in, x + Math.min(y0 + 1, lastRow) * inWidth);
            FloatVector below = rowTaps(in, x + Math.min(y0 + 2, lastRow) * inWidth);
            FloatVector largest = carried.max(middle).max(below);
            largest.blend(low, largest.compare(VectorOperators.LE, low)).intoArray(out, outPlane + oy * outWidth + o);
            carried = below;
        }
    }

    /**
     * The largest of taps {@code x + 2i + kx} (kx = 0, 1, 2) for each lane i: the evens, the odds and the evens
     * two columns on of {@code 2·LANES + 2} columns from {@code x}. Small enough that C2 inlines it, so the
     * vector it returns is not boxed.
     */
    private static FloatVector rowTaps(float[] in, int x) {
        FloatVector left = FloatVector.fromArray(S, in, x);
        FloatVector right = FloatVector.fromArray(S, in, x + L);
        FloatVector tap0 = left.rearrange(EVENS).blend(right.rearrange(EVENS), UPPER_HALF);
        FloatVector tap1 = left.rearrange(ODDS).blend(right.rearrange(ODDS), UPPER_HALF);
        FloatVector tap2 = FloatVector.fromArray(S, in, x + 2).rearrange(EVENS)
                .blend(FloatVector.fromArray(S, in, x + 2 + L).rearrange(EVENS), UPPER_HALF);
        return tap0.max(tap1).max(tap2);
    }

    /**
     * {@code out[outOffset + i] = max(out[outOffset + i], in[inOffset + 2i])} for {@code i < count}: one kernel
     * tap of a stride-2 max pooling over an output row. A last partial step moves back to end at
     * {@code count}, taking some maxima twice, which changes nothing; where a vector would read past
     * {@code in}'s end it goes a float at a time. NaN wins, as in {@link Math#max}.
     */
    static void maxEvens(float[] in, int inOffset, float[] out, int outOffset, int count) {
        int i = 0;
        for (; i < count && count >= L; i += L) {
            int at = Math.min(i, count - L);
            int source = inOffset + 2 * at;
            if (source + 2 * L > in.length) {
                break;
            }
            FloatVector evens = FloatVector.fromArray(S, in, source).rearrange(EVENS)
                    .blend(FloatVector.fromArray(S, in, source + L).rearrange(EVENS), UPPER_HALF);
            FloatVector.fromArray(S, out, outOffset + at).max(evens).intoArray(out, outOffset + at);
        }
        for (; i < count; i++) {
            out[outOffset + i] = Math.max(out[outOffset + i], in[inOffset + 2 * i]);
        }
    }

    /**
     * {@code to[toOffset + i] = from[fromOffset + i·stride]} for {@code i < count}, at stride 1, 2 or 4: one row
     * of a phase plane ({@link ImplicitIm2col}). Stride 2 takes the evens of two vectors, as {@link #max2x2Step}
     * does; a scalar loop took about a nanosecond a float, most of a stride-2 depthwise layer's time. Stride 4
     * (a convolution at stride 4, as AlexNet's first) takes each vector's every fourth lane into its quarter of
     * the result. It may
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
            } else if (stride == 2) {
                FloatVector second = FloatVector.fromArray(S, from, source + L);
                first.rearrange(EVENS).blend(second.rearrange(EVENS), UPPER_HALF).intoArray(to, toOffset + at);
            } else {
                FloatVector second = FloatVector.fromArray(S, from, source + L);
                FloatVector third = FloatVector.fromArray(S, from, source + 2 * L);
                FloatVector fourth = FloatVector.fromArray(S, from, source + 3 * L);
                first.rearrange(FOURTHS).blend(second.rearrange(FOURTHS), SECOND_QUARTER)
                        .blend(third.rearrange(FOURTHS), THIRD_QUARTER).blend(fourth.rearrange(FOURTHS), LAST_QUARTER)
                        .intoArray(to, toOffset + at);
            }
        }
        for (; i < count; i++) {
            to[toOffset + i] = from[fromOffset + i * stride];
        }
    }

    /**
     * {@code planes[row + kx·planeStride + x] = p[from + 4x + kx]} for {@code kx < 6} and {@code x < count}: one
     * input row (zero-padded in {@code p}, which must hold {@code 4·count + 4} floats and up to a vector more)
     * dealt to the rows of the six planes of Winograd F(4×4)'s windows ({@link ImplicitIm2col}). Per LANES
     * columns it loads four vectors and takes the evens and odds of each pair, then the evens and odds of
     * those: the four column phases (kx = 0..3) in order, as {@link #EVENS} and {@link #ODDS} gather them, one
     * instruction each; kx = 4 and 5 are phases 0 and 1 of the four vectors one step (four floats) on. It
     * writes whole vectors, up to a vector past {@code count} in each plane, so the caller must have room there
     * and write it afterwards.
     */
    static void dealByPhases(float[] p, int from, int count, float[] planes, int row, int planeStride) {
        dealPhases(p, from, count, planes, row, planeStride, 4);
        dealPhases(p, from + 4, count, planes, row + 4 * planeStride, planeStride, 2);
    }

    /**
     * {@link #dealByPhases} for {@code phases} (4 or 2) planes from the one {@code from} and {@code row} are
     * at: the evens of the evens, the evens of the odds, then for four the odds of each. The six planes take
     * two calls, four from kx = 0 and two from kx = 4: with both in one loop, C2 left the loop's last two
     * stores to the Vector API's allocating fallback in 5 JVMs of 8 (JFR: 1 to 54 of 500–640 steady-state
     * samples of Seed000Convs at batch 1, a minute apart), and as two loops in none of 14.
     */
    private static void dealPhases(float[] p, int from, int count, float[] planes, int row, int planeStride,
                                   int phases) {
        for (int x = 0; x < count; x += L) {
            int source = from + 4 * x;
            int to = row + x;
            FloatVector a = FloatVector.fromArray(S, p, source);
            FloatVector b = FloatVector.fromArray(S, p, source + L);
            FloatVector c = FloatVector.fromArray(S, p, source + 2 * L);
            FloatVector d = FloatVector.fromArray(S, p, source + 3 * L);
            FloatVector evensAb = a.rearrange(EVENS).blend(b.rearrange(EVENS), UPPER_HALF);
            FloatVector oddsAb = a.rearrange(ODDS).blend(b.rearrange(ODDS), UPPER_HALF);
            FloatVector evensCd = c.rearrange(EVENS).blend(d.rearrange(EVENS), UPPER_HALF);
            FloatVector oddsCd = c.rearrange(ODDS).blend(d.rearrange(ODDS), UPPER_HALF);
            evensAb.rearrange(EVENS).blend(evensCd.rearrange(EVENS), UPPER_HALF).intoArray(planes, to);
            oddsAb.rearrange(EVENS).blend(oddsCd.rearrange(EVENS), UPPER_HALF).intoArray(planes, to + planeStride);
            if (phases == 4) {
                evensAb.rearrange(ODDS).blend(evensCd.rearrange(ODDS), UPPER_HALF)
                        .intoArray(planes, to + 2 * planeStride);
                oddsAb.rearrange(ODDS).blend(oddsCd.rearrange(ODDS), UPPER_HALF)
                        .intoArray(planes, to + 3 * planeStride);
            }
        }
    }

    /**
     * {@code x[i] = min(max(x[i], low), high)} over {@code [from, to)}: relu, relu6. A last partial vector
     * moves back and clamps some values twice, which changes nothing. NaN stays NaN.
     */
    static void clamp(float[] x, int from, int to, float low, float high) {
        FloatVector lower = FloatVector.broadcast(S, low);
        FloatVector upper = FloatVector.broadcast(S, high);
        int count = to - from;
        if (count < L) {
            for (int i = from; i < to; i++) {
                x[i] = Math.min(Math.max(x[i], low), high);
            }
            return;
        }
        for (int i = 0; i < count; i += L) {
            int at = from + Math.min(i, count - L);
            FloatVector.fromArray(S, x, at).max(lower).min(upper).intoArray(x, at);
        }
    }
}
