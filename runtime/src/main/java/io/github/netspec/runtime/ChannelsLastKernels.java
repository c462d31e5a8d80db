package io.github.netspec.runtime;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels over channels-last tensors ({@code [height][width][channels]}). Only
 * {@link Simd#VECTOR} code paths touch this class, so a JVM without {@code jdk.incubator.vector} never loads
 * it. As in {@link VectorKernels}, each kernel keeps its vectors in local variables of one method.
 *
 * <p>That is why each kernel writes its clamp out once per accumulator rather than calling a helper: these
 * bodies are past C2's inlining limits, and a helper taking a {@code FloatVector} that is not inlined gets
 * it boxed. Tried on MobileNetV2 (one core, batch 1, fastest of three rounds of 300 calls), a private
 * {@code clamped(s, low, high)} made the depthwise layers 2–3× slower and the whole network 9.2 → 16.2 ms.
 */
final class ChannelsLastKernels {

    private static final VectorSpecies<Float> S = VectorKernels.S;
    private static final int L = VectorKernels.LANES;

    private ChannelsLastKernels() {}

    /**
     * Four neighbouring output pixels of a 3×3 depthwise filter at dilation 1 and column stride 1 or 2, all
     * channels. Tap (ky, kx) of pixel j reads the input pixel at {@code rows[ky][at[ky] + (j·stride + kx)·C]}
     * (rows {@code top}, {@code middle} and {@code bottom}); a row of padding is a row of zeros. Pixel j is
     * written from {@code out[output + j·C]}, clamped to {@code [low, high]}.
     *
     * <p>The four pixels' windows overlap: at stride 1 a row of taps reads six input pixels, not twelve, and
     * at stride 2 nine. Each is loaded once and goes to every pixel that uses it, so the loop runs about one
     * load per multiply-add or fewer; a kernel that loads a fresh vector for every multiply-add runs at about
     * half the FMA rate on Zen 3. All three rows are summed, in a loop of three: summed over only the rows
     * inside the input, a loop of varying count, MobileNetV2's 96-channel 112×112 and 144-channel 56×56 layers
     * ran about 7% slower (one core, Zen 3), where the zeros cost a third more multiply-adds on a plane's first
     * and last rows only. C2 (JDK 17.0.15) keeps it a loop, here and in {@link #depthwise3x3Eights}: their
     * assembly holds one row's multiply-adds and a count to three. Written out three times, the eight-pixel
     * kernel at stride 2 ran slower (MobileNetV2's 96-channel 112×112 layer alone: 312–320 µs against
     * 268–272).
     *
     * <p>The clamp is a compare and a blend per bound, as in {@link VectorKernels#clampTile}, whose comment says
     * why the bits are those of {@code max} and {@code min}; with {@code max(low).min(high)}, the layers that run
     * only runs of four (MobileNetV2's 7×7 ones) took 4–6% longer.
     */
    static void depthwise3x3Fours(float[] top, int atTop, float[] middle, int atMiddle, float[] bottom,
                                  int atBottom, int channels, int stride, float[] w, float[] bias, float[] out,
                                  int output, float low, float high) {
        int c = 0;
        for (; c + L <= channels; c += L) {
            FloatVector s0 = FloatVector.fromArray(S, bias, c);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            for (int ky = 0; ky < 3; ky++) {
                float[] row = ky == 0 ? top : ky == 1 ? middle : bottom;
                int x = (ky == 0 ? atTop : ky == 1 ? atMiddle : atBottom) + c;
                FloatVector w0 = FloatVector.fromArray(S, w, 3 * ky * channels + c);
                FloatVector w1 = FloatVector.fromArray(S, w, (3 * ky + 1) * channels + c);
                FloatVector w2 = FloatVector.fromArray(S, w, (3 * ky + 2) * channels + c);
                if (stride == 1) {
                    // Input pixels 0..5 of the row: pixel j reads j, j + 1 and j + 2.
                    FloatVector x0 = FloatVector.fromArray(S, row, x);
                    FloatVector x1 = FloatVector.fromArray(S, row, x + channels);
                    s0 = w0.fma(x0, s0);
                    FloatVector x2 = FloatVector.fromArray(S, row, x + 2 * channels);
                    s0 = w1.fma(x1, s0);
                    s1 = w0.fma(x1, s1);
                    FloatVector x3 = FloatVector.fromArray(S, row, x + 3 * channels);
                    s0 = w2.fma(x2, s0);
                    s1 = w1.fma(x2, s1);
                    s2 = w0.fma(x2, s2);
                    FloatVector x4 = FloatVector.fromArray(S, row, x + 4 * channels);
                    s1 = w2.fma(x3, s1);
                    s2 = w1.fma(x3, s2);
                    s3 = w0.fma(x3, s3);
                    FloatVector x5 = FloatVector.fromArray(S, row, x + 5 * channels);
                    s2 = w2.fma(x4, s2);
                    s3 = w1.fma(x4, s3);
                    s3 = w2.fma(x5, s3);
                } else {
                    // Input pixels 0..8 of the row: pixel j reads 2j, 2j + 1 and 2j + 2.
                    FloatVector x0 = FloatVector.fromArray(S, row, x);
                    FloatVector x1 = FloatVector.fromArray(S, row, x + channels);
                    FloatVector x2 = FloatVector.fromArray(S, row, x + 2 * channels);
                    s0 = w0.fma(x0, s0);
                    s0 = w1.fma(x1, s0);
                    s0 = w2.fma(x2, s0);
                    s1 = w0.fma(x2, s1);
                    FloatVector x3 = FloatVector.fromArray(S, row, x + 3 * channels);
                    FloatVector x4 = FloatVector.fromArray(S, row, x + 4 * channels);
                    s1 = w1.fma(x3, s1);
                    s1 = w2.fma(x4, s1);
                    s2 = w0.fma(x4, s2);
                    FloatVector x5 = FloatVector.fromArray(S, row, x + 5 * channels);
                    FloatVector x6 = FloatVector.fromArray(S, row, x + 6 * channels);
                    s2 = w1.fma(x5, s2);
                    s2 = w2.fma(x6, s2);
                    s3 = w0.fma(x6, s3);
                    FloatVector x7 = FloatVector.fromArray(S, row, x + 7 * channels);
                    FloatVector x8 = FloatVector.fromArray(S, row, x + 8 * channels);
                    s3 = w1.fma(x7, s3);
                    s3 = w2.fma(x8, s3);
                }
            }
            s0.blend(low, s0.compare(VectorOperators.LE, low)).blend(high, s0.compare(VectorOperators.GE, high))
                    .intoArray(out, output + c);
            s1.blend(low, s1.compare(VectorOperators.LE, low)).blend(high, s1.compare(VectorOperators.GE, high))
                    .intoArray(out, output + channels + c);
            s2.blend(low, s2.compare(VectorOperators.LE, low)).blend(high, s2.compare(VectorOperators.GE, high))
                    .intoArray(out, output + 2 * channels + c);
            s3.blend(low, s3.compare(VectorOperators.LE, low)).blend(high, s3.compare(VectorOperators.GE, high))
                    .intoArray(out, output + 3 * channels + c);
        }
        if (c < channels) {
            depthwise3x3Tail(top, atTop, middle, atMiddle, bottom, atBottom, channels, c, 4, stride, w, bias, out,
                    output, low, high);
        }
    }

    /** Channels {@code [from, C)} of {@code pixels} neighbouring pixels of the 3×3 kernels, one value at a time. */
    private static void depthwise3x3Tail(float[] top, int atTop, float[] middle, int atMiddle, float[] bottom,
                                         int atBottom, int channels, int from, int pixels, int stride, float[] w,
                                         float[] bias, float[] out, int output, float low, float high) {
        for (int c = from; c < channels; c++) {
            for (int j = 0; j < pixels; j++) {
                float sum = bias[c];
                for (int ky = 0; ky < 3; ky++) {
                    float[] row = ky == 0 ? top : ky == 1 ? middle : bottom;
                    int x = (ky == 0 ? atTop : ky == 1 ? atMiddle : atBottom) + j * stride * channels + c;
                    for (int kx = 0; kx < 3; kx++) {
                        sum = Math.fma(w[(3 * ky + kx) * channels + c], row[x + kx * channels], sum);
                    }
                }
                out[output + j * channels + c] = Math.min(Math.max(sum, low), high);
            }
        }
    }

    /**
     * {@link #depthwise3x3Fours} for eight neighbouring output pixels: eight sums in flight instead of four.
     * A pixel's nine multiply-adds form one chain, each waiting for the last (four cycles on Zen 3), so four
     * chains keep at most one of the core's two FMA pipes busy; eight can keep both. At stride 1 a row of taps
     * loads ten input pixels for 24 multiply-adds, at stride 2 seventeen. With runs of eight, MobileNetV2's
     * 144-channel 56×56 layer took 0.287 ms instead of 0.368, its 96-channel 112×112 one at stride 2 0.303
     * instead of 0.351, and its depthwise layers 1.83 ms in all instead of 2.10 (one core, Zen 3, fastest of
     * four processes each).
     */
    static void depthwise3x3Eights(float[] top, int atTop, float[] middle, int atMiddle, float[] bottom,
                                   int atBottom, int channels, int stride, float[] w, float[] bias, float[] out,
                                   int output, float low, float high) {
        int c = 0;
        for (; c + L <= channels; c += L) {
            FloatVector s0 = FloatVector.fromArray(S, bias, c);
            FloatVector s1 = s0;
            FloatVector s2 = s0;
            FloatVector s3 = s0;
            FloatVector s4 = s0;
            FloatVector s5 = s0;
            FloatVector s6 = s0;
            FloatVector s7 = s0;
            for (int ky = 0; ky < 3; ky++) {
                float[] row = ky == 0 ? top : ky == 1 ? middle : bottom;
                int x = (ky == 0 ? atTop : ky == 1 ? atMiddle : atBottom) + c;
                FloatVector w0 = FloatVector.fromArray(S, w, 3 * ky * channels + c);
                FloatVector w1 = FloatVector.fromArray(S, w, (3 * ky + 1) * channels + c);
                FloatVector w2 = FloatVector.fromArray(S, w, (3 * ky + 2) * channels + c);
                if (stride == 1) {
                    // Input pixels 0..9 of the row: pixel j reads j, j + 1 and j + 2.
                    FloatVector x0 = FloatVector.fromArray(S, row, x);
                    s0 = w0.fma(x0, s0);
                    FloatVector x1 = FloatVector.fromArray(S, row, x + channels);
                    s0 = w1.fma(x1, s0);
                    s1 = w0.fma(x1, s1);
                    FloatVector x2 = FloatVector.fromArray(S, row, x + 2 * channels);
                    s0 = w2.fma(x2, s0);
                    s1 = w1.fma(x2, s1);
                    s2 = w0.fma(x2, s2);
                    FloatVector x3 = FloatVector.fromArray(S, row, x + 3 * channels);
                    s1 = w2.fma(x3, s1);
                    s2 = w1.fma(x3, s2);
                    s3 = w0.fma(x3, s3);
                    FloatVector x4 = FloatVector.fromArray(S, row, x + 4 * channels);
                    s2 = w2.fma(x4, s2);
                    s3 = w1.fma(x4, s3);
                    s4 = w0.fma(x4, s4);
                    FloatVector x5 = FloatVector.fromArray(S, row, x + 5 * channels);
                    s3 = w2.fma(x5, s3);
                    s4 = w1.fma(x5, s4);
                    s5 = w0.fma(x5, s5);
                    FloatVector x6 = FloatVector.fromArray(S, row, x + 6 * channels);
                    s4 = w2.fma(x6, s4);
                    s5 = w1.fma(x6, s5);
                    s6 = w0.fma(x6, s6);
                    FloatVector x7 = FloatVector.fromArray(S, row, x + 7 * channels);
                    s5 = w2.fma(x7, s5);
                    s6 = w1.fma(x7, s6);
                    s7 = w0.fma(x7, s7);
                    FloatVector x8 = FloatVector.fromArray(S, row, x + 8 * channels);
                    s6 = w2.fma(x8, s6);
                    s7 = w1.fma(x8, s7);
                    FloatVector x9 = FloatVector.fromArray(S, row, x + 9 * channels);
                    s7 = w2.fma(x9, s7);
                } else {
                    // Input pixels 0..16 of the row: pixel j reads 2j, 2j + 1 and 2j + 2.
                    FloatVector x0 = FloatVector.fromArray(S, row, x);
                    s0 = w0.fma(x0, s0);
                    FloatVector x1 = FloatVector.fromArray(S, row, x + channels);
                    s0 = w1.fma(x1, s0);
                    FloatVector x2 = FloatVector.fromArray(S, row, x + 2 * channels);
                    s0 = w2.fma(x2, s0);
                    s1 = w0.fma(x2, s1);
                    FloatVector x3 = FloatVector.fromArray(S, row, x + 3 * channels);
                    s1 = w1.fma(x3, s1);
                    FloatVector x4 = FloatVector.fromArray(S, row, x + 4 * channels);
                    s1 = w2.fma(x4, s1);
                    s2 = w0.fma(x4, s2);
                    FloatVector x5 = FloatVector.fromArray(S, row, x + 5 * channels);
                    s2 = w1.fma(x5, s2);
                    FloatVector x6 = FloatVector.fromArray(S, row, x + 6 * channels);
                    s2 = w2.fma(x6, s2);
                    s3 = w0.fma(x6, s3);
                    FloatVector x7 = FloatVector.fromArray(S, row, x + 7 * channels);
                    s3 = w1.fma(x7, s3);
                    FloatVector x8 = FloatVector.fromArray(S, row, x + 8 * channels);
                    s3 = w2.fma(x8, s3);
                    s4 = w0.fma(x8, s4);
                    FloatVector x9 = FloatVector.fromArray(S, row, x + 9 * channels);
                    s4 = w1.fma(x9, s4);
                    FloatVector x10 = FloatVector.fromArray(S, row, x + 10 * channels);
                    s4 = w2.fma(x10, s4);
                    s5 = w0.fma(x10, s5);
                    FloatVector x11 = FloatVector.fromArray(S, row, x + 11 * channels);
                    s5 = w1.fma(x11, s5);
                    FloatVector x12 = FloatVector.fromArray(S, row, x + 12 * channels);
                    s5 = w2.fma(x12, s5);
                    s6 = w0.fma(x12, s6);
                    FloatVector x13 = FloatVector.fromArray(S, row, x + 13 * channels);
                    s6 = w1.fma(x13, s6);
                    FloatVector x14 = FloatVector.fromArray(S, row, x + 14 * channels);
                    s6 = w2.fma(x14, s6);
                    s7 = w0.fma(x14, s7);
                    FloatVector x15 = FloatVector.fromArray(S, row, x + 15 * channels);
                    s7 = w1.fma(x15, s7);
                    FloatVector x16 = FloatVector.fromArray(S, row, x + 16 * channels);
                    s7 = w2.fma(x16, s7);
                }
            }
            s0.blend(low, s0.compare(VectorOperators.LE, low)).blend(high, s0.compare(VectorOperators.GE, high))
                    .intoArray(out, output + c);
            s1.blend(low, s1.compare(VectorOperators.LE, low)).blend(high, s1.compare(VectorOperators.GE, high))
                    .intoArray(out, output + channels + c);
            s2.blend(low, s2.compare(VectorOperators.LE, low)).blend(high, s2.compare(VectorOperators.GE, high))
                    .intoArray(out, output + 2 * channels + c);
            s3.blend(low, s3.compare(VectorOperators.LE, low)).blend(high, s3.compare(VectorOperators.GE, high))
                    .intoArray(out, output + 3 * channels + c);
            s4.blend(low, s4.compare(VectorOperators.LE, low)).blend(high, s4.compare(VectorOperators.GE, high))
                    .intoArray(out, output + 4 * channels + c);
            s5.blend(low, s5.compare(VectorOperators.LE, low)).blend(high, s5.compare(VectorOperators.GE, high))
                    .intoArray(out, output + 5 * channels + c);
            s6.blend(low, s6.compare(VectorOperators.LE, low)).blend(high, s6.compare(VectorOperators.GE, high))
                    .intoArray(out, output + 6 * channels + c);
            s7.blend(low, s7.compare(VectorOperators.LE, low)).blend(high, s7.compare(VectorOperators.GE, high))
                    .intoArray(out, output + 7 * channels + c);
        }
        if (c < channels) {
            depthwise3x3Tail(top, atTop, middle, atMiddle, bottom, atBottom, channels, c, 8, stride, w, bias, out,
                    output, low, high);
        }
    }

    /**
     * One output pixel of any depthwise filter, all channels, over the taps with rows
     * {@code [firstTapRow, endTapRow)} and columns {@code [firstTapColumn, endTapColumn)}: tap (ky, kx) reads
     * the input pixel at {@code window + ky·dilationHeight·rowStep + kx·columnStep} (columnStep being the
     * dilation times the channels) and its filters at {@code w[(ky·kernelWidth + kx)·C]}, in the tap order
     * {@link #depthwise3x3Fours} sums them.
     *
     * <p>The sums build up in the output, a tap over all channels at a time: with a vector sum carried through
     * the two loops over taps, C2 (JDK 17) left this method to the Vector API's allocating Java fallback. It
     * runs for the edge pixels only, where the extra loads and stores cost little.
     */
    static void depthwisePixel(float[] in, int window, int rowStep, int dilationHeight, int columnStep,
                               int channels, int kernelWidth, int firstTapRow, int endTapRow, int firstTapColumn,
                               int endTapColumn, float[] w, float[] bias, float[] out, int output, float low,
                               float high) {
        int vectors = channels - channels % L;
        System.arraycopy(bias, 0, out, output, channels);
        for (int ky = firstTapRow; ky < endTapRow; ky++) {
            for (int kx = firstTapColumn; kx < endTapColumn; kx++) {
                int source = window + ky * dilationHeight * rowStep + kx * columnStep;
                int filters = (ky * kernelWidth + kx) * channels;
                for (int c = 0; c < vectors; c += L) {
                    FloatVector weight = FloatVector.fromArray(S, w, filters + c);
                    weight.fma(FloatVector.fromArray(S, in, source + c), FloatVector.fromArray(S, out, output + c))
                            .intoArray(out, output + c);
                }
                for (int c = vectors; c < channels; c++) {
                    out[output + c] = Math.fma(w[filters + c], in[source + c], out[output + c]);
                }
            }
        }
        for (int c = 0; c < vectors; c += L) {
            FloatVector.fromArray(S, out, output + c).max(low).min(high).intoArray(out, output + c);
        }
        for (int c = vectors; c < channels; c++) {
            out[output + c] = Math.min(Math.max(out[output + c], low), high);
        }
    }

    /**
     * {@code out[result + c]} is the mean over the {@code spatial} pixels from {@code in[sample]} of channel c: its
     * values summed from zero in pixel order, then divided, which are the channels-first loop's bits
     * ({@link Pooling#globalAverage}). The sums build up in the output a pixel at a time, so the input is read
     * in order, a vector of channels at a time. The plain loop this replaces did not vectorize: the output and
     * the input are both the arena, and the compiler cannot rule out that a store feeds a later load.
     * MobileNetV2's 1280 channels of 7×7 took 25 µs that way, and 6–9 µs this way; with four vectors of
     * channels summed in registers down the pixels, 8–10 (in-network, one core, two processes each).
     */
    static void pixelMeans(float[] in, int sample, int spatial, int channels, float[] out, int result) {
        Arrays.fill(out, result, result + channels, 0f);
        int vectors = channels / L * L;
        for (int pixel = sample; pixel < sample + spatial * channels; pixel += channels) {
            for (int c = 0; c < vectors; c += L) {
                FloatVector.fromArray(S, out, result + c).add(FloatVector.fromArray(S, in, pixel + c))
                        .intoArray(out, result + c);
            }
            for (int c = vectors; c < channels; c++) {
                out[result + c] += in[pixel + c];
            }
        }
        float count = spatial;
        for (int c = 0; c < vectors; c += L) {
            FloatVector.fromArray(S, out, result + c).div(count).intoArray(out, result + c);
        }
        for (int c = vectors; c < channels; c++) {
            out[result + c] /= count;
        }
    }

    /**
     * {@code out[result + c]} is the largest of channel c's {@code spatial} values from {@code in[sample]}, NaN if
     * any is (as in PyTorch): {@link Pooling#globalMax}'s bits, in {@link #pixelMeans}'s order.
     */
    static void pixelMaxima(float[] in, int sample, int spatial, int channels, float[] out, int result) {
        Arrays.fill(out, result, result + channels, Float.NEGATIVE_INFINITY);
        int vectors = channels / L * L;
        for (int pixel = sample; pixel < sample + spatial * channels; pixel += channels) {
            for (int c = 0; c < vectors; c += L) {
                FloatVector.fromArray(S, out, result + c).max(FloatVector.fromArray(S, in, pixel + c))
                        .intoArray(out, result + c);
            }
            for (int c = vectors; c < channels; c++) {
                out[result + c] = Math.max(out[result + c], in[pixel + c]);
            }
        }
    }

    /**
     * {@link VectorKernels#tile}'s six rows by two vectors of columns, with A's rows read where they lie instead
     * of from a packed panel: row i's k-th value is {@code a[aOffset + i·pixelStep + k·channelStep]}, a pixel's
     * inputs in a channels-last tensor (pixelStep the channels, channelStep 1) or a channels-first one (pixelStep
     * 1, channelStep the pixels). B is an NR-wide packed panel of weights and every row starts from the same
     * NR biases, {@code bias[n ..]}. The sums are clamped to {@code [low, high]} as they are stored, with
     * {@link VectorKernels#clampTile}'s compare and blend: here that cost nothing, where a pass over the
     * stored tile cost MobileNetV2's 16→96 layer at 112×112 a sixth of its time (0.92 ms, now 0.76).
     *
     * <p>Packing A would cost as much as the multiply-adds for a layer with one or two panels of outputs: each
     * input is packed once and used once per panel. Each row keeps an index of its own, stepped in the loop:
     * with one index and the rows at fixed distances from it, C2 (JDK 17) compiled the loop one of two ways
     * from one JVM to the next, and one ran at half the speed (24→144 channels at 56×56: 0.30 or 0.60 ms, one
     * core, Zen 3); this way four JVMs of four ran at 0.30.
     */
    static void pointwiseTile(float[] a, int aOffset, int pixelStep, int channelStep, int depth, float[] b,
                              int bOffset, float[] bias, int n, float[] c, int cOffset, int ldc, float low,
                              float high) {
        FloatVector c00 = FloatVector.fromArray(S, bias, n);
        FloatVector c01 = FloatVector.fromArray(S, bias, n + L);
        FloatVector c10 = c00;
        FloatVector c11 = c01;
        FloatVector c20 = c00;
        FloatVector c21 = c01;
        FloatVector c30 = c00;
        FloatVector c31 = c01;
        FloatVector c40 = c00;
        FloatVector c41 = c01;
        FloatVector c50 = c00;
        FloatVector c51 = c01;
        int a0 = aOffset;
        int a1 = a0 + pixelStep;
        int a2 = a1 + pixelStep;
        int a3 = a2 + pixelStep;
        int a4 = a3 + pixelStep;
        int a5 = a4 + pixelStep;
        int bEnd = bOffset + depth * VectorKernels.NR;
        for (int bRow = bOffset; bRow < bEnd; bRow += VectorKernels.NR, a0 += channelStep, a1 += channelStep,
                a2 += channelStep, a3 += channelStep, a4 += channelStep, a5 += channelStep) {
            FloatVector b0 = FloatVector.fromArray(S, b, bRow);
            FloatVector b1 = FloatVector.fromArray(S, b, bRow + L);
            FloatVector x0 = FloatVector.broadcast(S, a[a0]);
            c00 = x0.fma(b0, c00);
            c01 = x0.fma(b1, c01);
            FloatVector x1 = FloatVector.broadcast(S, a[a1]);
            c10 = x1.fma(b0, c10);
            c11 = x1.fma(b1, c11);
            FloatVector x2 = FloatVector.broadcast(S, a[a2]);
            c20 = x2.fma(b0, c20);
            c21 = x2.fma(b1, c21);
            FloatVector x3 = FloatVector.broadcast(S, a[a3]);
            c30 = x3.fma(b0, c30);
            c31 = x3.fma(b1, c31);
            FloatVector x4 = FloatVector.broadcast(S, a[a4]);
            c40 = x4.fma(b0, c40);
            c41 = x4.fma(b1, c41);
            FloatVector x5 = FloatVector.broadcast(S, a[a5]);
            c50 = x5.fma(b0, c50);
            c51 = x5.fma(b1, c51);
        }
        c00.blend(low, c00.compare(VectorOperators.LE, low)).blend(high, c00.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset);
        c01.blend(low, c01.compare(VectorOperators.LE, low)).blend(high, c01.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset + L);
        c10.blend(low, c10.compare(VectorOperators.LE, low)).blend(high, c10.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset + ldc);
        c11.blend(low, c11.compare(VectorOperators.LE, low)).blend(high, c11.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset + ldc + L);
        c20.blend(low, c20.compare(VectorOperators.LE, low)).blend(high, c20.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset + 2 * ldc);
        c21.blend(low, c21.compare(VectorOperators.LE, low)).blend(high, c21.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset + 2 * ldc + L);
        c30.blend(low, c30.compare(VectorOperators.LE, low)).blend(high, c30.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset + 3 * ldc);
        c31.blend(low, c31.compare(VectorOperators.LE, low)).blend(high, c31.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset + 3 * ldc + L);
        c40.blend(low, c40.compare(VectorOperators.LE, low)).blend(high, c40.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset + 4 * ldc);
        c41.blend(low, c41.compare(VectorOperators.LE, low)).blend(high, c41.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset + 4 * ldc + L);
        c50.blend(low, c50.compare(VectorOperators.LE, low)).blend(high, c50.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset + 5 * ldc);
        c51.blend(low, c51.compare(VectorOperators.LE, low)).blend(high, c51.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset + 5 * ldc + L);
    }

    /**
     * {@link #pointwiseTile} for a last panel of one vector of channels (MobileNetV2's 24 = 16 + 8): six rows
     * by one vector, B's panel still NR wide. Summed into scratch as a whole tile and copied out, that panel
     * cost as much as a full one.
     */
    static void pointwiseTileHalf(float[] a, int aOffset, int pixelStep, int channelStep, int depth, float[] b,
                                  int bOffset, float[] bias, int n, float[] c, int cOffset, int ldc, float low,
                                  float high) {
        FloatVector c0 = FloatVector.fromArray(S, bias, n);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector c5 = c0;
        int a0 = aOffset;
        int a1 = a0 + pixelStep;
        int a2 = a1 + pixelStep;
        int a3 = a2 + pixelStep;
        int a4 = a3 + pixelStep;
        int a5 = a4 + pixelStep;
        int bEnd = bOffset + depth * VectorKernels.NR;
        for (int bRow = bOffset; bRow < bEnd; bRow += VectorKernels.NR, a0 += channelStep, a1 += channelStep,
                a2 += channelStep, a3 += channelStep, a4 += channelStep, a5 += channelStep) {
            FloatVector b0 = FloatVector.fromArray(S, b, bRow);
            c0 = FloatVector.broadcast(S, a[a0]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a4]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a5]).fma(b0, c5);
        }
        c0.blend(low, c0.compare(VectorOperators.LE, low)).blend(high, c0.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset);
        c1.blend(low, c1.compare(VectorOperators.LE, low)).blend(high, c1.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset + ldc);
        c2.blend(low, c2.compare(VectorOperators.LE, low)).blend(high, c2.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset + 2 * ldc);
        c3.blend(low, c3.compare(VectorOperators.LE, low)).blend(high, c3.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset + 3 * ldc);
        c4.blend(low, c4.compare(VectorOperators.LE, low)).blend(high, c4.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset + 4 * ldc);
        c5.blend(low, c5.compare(VectorOperators.LE, low)).blend(high, c5.compare(VectorOperators.GE, high))
                .intoArray(c, cOffset + 5 * ldc);
    }
}
