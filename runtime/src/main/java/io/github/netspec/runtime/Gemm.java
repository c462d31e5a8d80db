package io.github.netspec.runtime;

import java.util.Arrays;

/**
 * The matrix product under convolution and dense layers, blocked as GotoBLAS/OpenBLAS block it.
 *
 * <p>{@code C = act(bias + A·B)}. A (weights, or a few input rows) is packed into panels of {@link #MR}
 * rows: panel p holds {@code A[p·MR + i][k]} at {@code k·MR + i}, so the micro-kernel reads it in order and
 * broadcasts one value per row. B is row-major with a leading dimension, read {@link #NR} columns at a time.
 * The micro-kernel keeps an MR×NR tile of C in registers for a whole run of {@code k}, which is what turns
 * a memory-bound loop into an FMA-bound one.
 *
 * <p>Each kernel exists twice. The Vector API tile ({@link VectorKernels#tile}) reads B from NR-wide panels
 * ({@code [j / NR][k][j % NR]}): a dense layer's weights are stored that way, and a convolution packs one
 * KC×NC block of im2col at a time from the input's planes ({@link ImplicitIm2col}), so the whole of im2col
 * is never written out. The scalar kernel here reads B as rows of their own (see {@link Scratch}), so HotSpot
 * auto-vectorizes its long inner loops.
 */
final class Gemm {

    /**
     * Rows of a register tile. Six rows of two vectors is 12 accumulators, two B vectors and a broadcast:
     * 15 registers, which fits AVX2's 16 without spilling (and leaves room in AVX-512's 32).
     */
    static final int MR = 6;
    /** Columns of a register tile: two vectors (16 floats with AVX2, 32 with AVX-512). */
    static final int NR = Simd.VECTOR ? VectorKernels.NR : 32;
    /** Depth of one block of k, so an A panel slice (KC·MR floats) stays in L1. */
    static final int KC = 256;
    /** Columns of one block of im2col, packed or written out, so its KC rows (256 KiB) stay in L2. */
    static final int NC = roundUp(256, NR);

    private Gemm() {}

    static int roundUp(int value, int multiple) {
        return (value + multiple - 1) / multiple * multiple;
    }

    static int panels(int rows) {
        return (rows + MR - 1) / MR;
    }

    /**
     * Packs {@code rows}×{@code depth} of row-major {@code a} (leading dimension {@code lda}) into MR-row panels
     * at {@code dst[dstOffset]}; rows past {@code rows} are zero so edge panels need no special case.
     */
    static void pack(float[] a, int aOffset, int rows, int depth, int lda, float[] dst, int dstOffset) {
        for (int panel = 0; panel < panels(rows); panel++) {
            int panelStart = dstOffset + panel * depth * MR;
            for (int i = 0; i < MR; i++) {
                int row = panel * MR + i;
                if (row < rows) {
                    int source = aOffset + row * lda;
                    for (int k = 0; k < depth; k++) {
                        dst[panelStart + k * MR + i] = a[source + k];
                    }
                } else {
                    for (int k = 0; k < depth; k++) {
                        dst[panelStart + k * MR + i] = 0f;
                    }
                }
            }
        }
    }

    /**
     * The scalar path's product of one im2col block of B ({@code kc} row arrays of {@code cols} columns, in
     * {@link Scratch#blockRows}) with the matching {@code kc}-deep slices of every A panel, into C.
     *
     * @param aOffset where panel 0's slice starts; panel p's starts {@code p·panelStride} later
     * @param first this block starts the sum: C starts from the bias instead of from what it holds
     * @param last this block ends the sum: the activation is applied, a panel's rows at a time
     * @param bias one value per row of C (padded by MR), or null for zero
     */
    static void multiplyBlock(float[] a, int aOffset, int panelStride, int rows, Scratch scratch, int kc, int cols,
                              float[] c, int cOffset, int ldc, boolean first, boolean last, float[] bias,
                              int biasOffset, Activation activation, float alpha) {
        float[][] sums = scratch.accumulators;
        for (int panel = 0; panel < panels(rows); panel++) {
            int tileRows = Math.min(MR, rows - panel * MR);
            int cRow = cOffset + panel * MR * ldc;
            int biasRow = biasOffset + panel * MR;
            for (int i = 0; i < tileRows; i++) {
                if (first) {
                    Arrays.fill(sums[i], 0, cols, bias == null ? 0f : bias[biasRow + i]);
                } else {
                    System.arraycopy(c, cRow + i * ldc, sums[i], 0, cols);
                }
            }
            scalarPanel(a, aOffset + panel * panelStride, MR, tileRows, scratch.blockRows, 0, kc, 0, cols, sums, 0);
            for (int i = 0; i < tileRows; i++) {
                System.arraycopy(sums[i], 0, c, cRow + i * ldc, cols);
                if (last && activation != Activation.NONE) {
                    activation.apply(c, cRow + i * ldc, cRow + i * ldc + cols, alpha);
                }
            }
        }
    }

    /**
     * The scalar kernel: {@code sums[firstSum + i][j] += Σk A[k][i]·b[firstRow + k][j]} for {@code rows} rows
     * of A and the columns {@code fromCol <= j < toCol}, where {@code A[k][i] = a[aOffset + k·aStep + i]}: an
     * MR-row panel with a step of MR, one row of weights in order (a depthwise filter) with a step of 1. The
     * innermost loop runs over a whole row with one index into every array (see {@link Scratch}), long enough
     * for HotSpot's vectorized main loop to carry it, while the MR accumulator rows stay in L1 and B streams
     * through once.
     *
     * <p>Four k at a time: a loop that loads, adds to and stores a row of sums for every k is bound by those
     * loads and stores; adding four products per store quarters them. Java never contracts {@code a·b + c}
     * into one FMA by itself, but HotSpot vectorizes {@link Math#fma} into FMA instructions, which take one
     * instruction and one rounding where a multiply and an add take two. Best of two runs on the scalar path,
     * ResNet-18 at batch 1 took 142 ms with them and 149 ms with {@code a0·b0[j] + … + a3·b3[j]}.
     */
    static void scalarPanel(float[] a, int aOffset, int aStep, int rows, float[][] b, int firstRow, int kc,
                            int fromCol, int toCol, float[][] sums, int firstSum) {
        int k = 0;
        for (; k + 4 <= kc; k += 4) {
            float[] b0 = b[firstRow + k];
            float[] b1 = b[firstRow + k + 1];
            float[] b2 = b[firstRow + k + 2];
            float[] b3 = b[firstRow + k + 3];
            int aColumn = aOffset + k * aStep;
            for (int i = 0; i < rows; i++) {
                float a0 = a[aColumn + i];
                float a1 = a[aColumn + aStep + i];
                float a2 = a[aColumn + 2 * aStep + i];
                float a3 = a[aColumn + 3 * aStep + i];
                float[] sum = sums[firstSum + i];
                for (int j = fromCol; j < toCol; j++) {
                    float partial = Math.fma(a1, b1[j], Math.fma(a0, b0[j], sum[j]));
                    sum[j] = Math.fma(a3, b3[j], Math.fma(a2, b2[j], partial));
                }
            }
        }
        for (; k < kc; k++) {
            float[] bk = b[firstRow + k];
            int aColumn = aOffset + k * aStep;
            for (int i = 0; i < rows; i++) {
                float aik = a[aColumn + i];
                float[] sum = sums[firstSum + i];
                for (int j = fromCol; j < toCol; j++) {
                    sum[j] = Math.fma(aik, bk[j], sum[j]);
                }
            }
        }
    }

    /**
     * {@code y[j] = Σk x[k]·w[k][j]} for {@code fromCol <= j < toCol} (multiples of NR), with w packed in
     * NR-wide panels: a vector times a matrix, streaming the matrix once in memory order. Dense layers at
     * batch 1 are bound by reading their weights, so that order is what matters.
     */
    static void vectorTimesMatrix(float[] x, int xOffset, int depth, float[] w, int fromCol, int toCol, float[] y,
                                  int yOffset) {
        VectorKernels.vectorTimesMatrix(x, xOffset, depth, w, fromCol, toCol, y, yOffset);
    }

    /**
     * The scalar {@link #vectorTimesMatrix}, over the matrix's rows as separate arrays (see {@link Scratch}). It
     * rounds as {@link #scalarPanel} does, one fused multiply-add per k in order, so a sample's outputs do not
     * depend on how many samples share its call: a team that splits a batch by samples gets the same bits.
     */
    static void vectorTimesMatrix(float[] x, int xOffset, int depth, float[][] w, int fromCol, int toCol,
                                  float[] y) {
        Arrays.fill(y, fromCol, toCol, 0f);
        for (int k = 0; k < depth; k++) {
            float xk = x[xOffset + k];
            float[] wk = w[k];
            for (int j = fromCol; j < toCol; j++) {
                y[j] = Math.fma(xk, wk[j], y[j]);
            }
        }
    }
}
