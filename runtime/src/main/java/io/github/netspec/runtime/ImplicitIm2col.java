package io.github.netspec.runtime;

/**
 * The im2col matrix of a zero-padded convolution, read where it already lies instead of written out.
 *
 * <p>Copy one group's input, zero-padded, into <em>phase planes</em>: for a stride of (sh, sw), phase (py, px)
 * row q column x holds the input at row {@code q·sh + py - padTop}, column {@code x·sw + px - padLeft} (0 in
 * the padding). Lay the output out on a <em>grid</em> of {@link #gridWidth} = outWidth + reach columns per row,
 * the reach columns at the end of each row being junk that is computed and thrown away. Then, for tap (c, ky,
 * kx), output grid column {@code n = oy·gridWidth + ox} reads phase {@code ((ky·dh) % sh, (kx·dw) % sw)} of
 * channel c at {@code n + (ky·dh / sh)·gridWidth + kx·dw / sw}: im2col row k is one contiguous run of the
 * planes, starting at {@link #rowStarts}{@code [k]}. The GEMM tile reads B straight from there.
 *
 * <p>Writing im2col out copies each input value about kernel-area times, in runs as short as a tile; this
 * copies it about once, in whole rows, and a 1×1 convolution at stride 1 without padding reads its input
 * without copying it at all. The price is the junk columns: {@code reach / gridWidth} of the work, 3% for a
 * 3×3 convolution on 56×56, 22% on 7×7 (where rounding 49 columns up to whole tiles wastes as much anyway).
 *
 * <p>Work is done in blocks of whole output rows, each copying the input rows it reads (its rows plus the
 * kernel's reach); {@link #maxRows} is sized so that a block's planes stay in L2 while every MR-row panel of
 * weights sweeps over them.
 */
final class ImplicitIm2col {

    /** Floats the planes of one block may take: 256 KiB, half of a 512 KiB L2, the rest for weights and output. */
    private static final int PLANES_BUDGET = 256 * 1024 / Float.BYTES;
    /** Grid columns of one GEMM block at most: the MR rows of sums it keeps stay in L1 (6 × 512 floats, 12 KiB). */
    static final int GEMM_GRID_COLUMNS = 512;

    private final ConvGeometry g;
    /** Output columns per grid row: the output's, plus the widest tap's reach. */
    final int gridWidth;
    /** Output rows of a block, for one thread; a team may use fewer. */
    final int maxRows;
    /** Per im2col row k (input channel of the group, ky, kx): where its run starts in a block's planes. */
    final int[] rowStarts;
    /** Per im2col row k when the input is read in place: the start relative to the block's first column. */
    final int[] inPlaceStarts;
    /** The phases (py, px) some tap reads; the others are never copied. */
    private final int[] phaseRows;
    private final int[] phaseColumns;
    /** Rows of one phase plane: a block's rows plus the kernel's reach in phase rows. */
    private final int planeRows;
    private final int channelsPerGroup;
    /** 1×1 at stride 1 without padding: its own im2col, readable in place. */
    private final boolean pointwise;

    /** @param maxGridColumns the most grid columns a block may have, as its sums must fit somewhere */
    ImplicitIm2col(ConvGeometry g, int maxGridColumns) {
        this.g = g;
        int reachRows = (g.kernelHeight() - 1) * g.dilationHeight() / g.strideHeight();
        int reachColumns = (g.kernelWidth() - 1) * g.dilationWidth() / g.strideWidth();
        this.gridWidth = g.outWidth() + reachColumns;
        this.channelsPerGroup = g.inChannels() / g.groups();
        this.pointwise = g.kernelHeight() == 1 && g.kernelWidth() == 1 && g.strideHeight() == 1
                && g.strideWidth() == 1 && g.padTop() == 0 && g.padLeft() == 0;
        this.phaseRows = phasesUsed(g.kernelHeight(), g.dilationHeight(), g.strideHeight());
        this.phaseColumns = phasesUsed(g.kernelWidth(), g.dilationWidth(), g.strideWidth());
        int phaseCount = phaseRows.length * phaseColumns.length;
        int rowsInBudget = PLANES_BUDGET / (channelsPerGroup * phaseCount * gridWidth) - reachRows;
        this.maxRows = clamp(Math.min(rowsInBudget, maxGridColumns / gridWidth), 1, g.outHeight());
        this.planeRows = maxRows + reachRows;
        int kernelArea = g.kernelHeight() * g.kernelWidth();
        this.rowStarts = new int[channelsPerGroup * kernelArea];
        this.inPlaceStarts = new int[rowStarts.length];
        for (int k = 0; k < rowStarts.length; k++) {
            int channel = k / kernelArea;
            int ky = k % kernelArea / g.kernelWidth();
            int kx = k % g.kernelWidth();
            int tapRow = ky * g.dilationHeight();
            int tapColumn = kx * g.dilationWidth();
            int phase = indexOf(phaseRows, tapRow % g.strideHeight()) * phaseColumns.length
                    + indexOf(phaseColumns, tapColumn % g.strideWidth());
            rowStarts[k] = (channel * phaseCount + phase) * planeSize()
                    + tapRow / g.strideHeight() * gridWidth + tapColumn / g.strideWidth();
            inPlaceStarts[k] = channel * g.inHeight() * g.inWidth();
        }
    }

    private static int clamp(int value, int low, int high) {
        return Math.max(low, Math.min(high, value));
    }

    /** The remainders {@code (tap·dilation) % stride} over the kernel's taps, in increasing order. */
    private static int[] phasesUsed(int kernel, int dilation, int stride) {
        boolean[] used = new boolean[stride];
        int count = 0;
        for (int tap = 0; tap < kernel; tap++) {
            int phase = tap * dilation % stride;
            if (!used[phase]) {
                used[phase] = true;
                count++;
            }
        }
        int[] phases = new int[count];
        for (int phase = 0, i = 0; phase < stride; phase++) {
            if (used[phase]) {
                phases[i++] = phase;
            }
        }
        return phases;
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        throw new AssertionError(value + " is not a phase in use");
    }

    private int planeSize() {
        return planeRows * gridWidth;
    }

    /**
     * Floats of the planes of one block, plus slack: the last tile of a block reads up to a tile and the
     * widest tap's reach past the last plane, into columns whose sums are thrown away.
     */
    int planesSize() {
        return channelsPerGroup * phaseRows.length * phaseColumns.length * planeSize() + gridWidth + Gemm.NR;
    }

    /**
     * A 1×1 convolution at stride 1 without padding is its own im2col: grid and output columns coincide and
     * row k is input channel k. It is read in place when the block's last tile stays inside the input array.
     */
    boolean readsInPlace(int input, int firstRow, int rows, int inputLength) {
        return pointwise && input + inPlaceStarts[inPlaceStarts.length - 1] + firstRow * gridWidth
                + Gemm.roundUp(rows * gridWidth, Gemm.NR) <= inputLength;
    }

    /**
     * Copies the phase planes that output rows {@code [firstRow, firstRow + rows)} read, of the group whose
     * first input channel starts at {@code in[input]}, to {@code planes[0 ..]}.
     */
    void copyPlanes(float[] in, int input, int firstRow, int rows, float[] planes) {
        int copiedRows = rows + planeRows - maxRows;
        int inPlane = g.inHeight() * g.inWidth();
        int target = 0;
        for (int channel = 0; channel < channelsPerGroup; channel++) {
            for (int py : phaseRows) {
                for (int px : phaseColumns) {
                    int plane = target;
                    for (int q = 0; q < copiedRows; q++) {
                        int iy = (firstRow + q) * g.strideHeight() + py - g.padTop();
                        int row = plane + q * gridWidth;
                        if (iy < 0 || iy >= g.inHeight()) {
                            java.util.Arrays.fill(planes, row, row + gridWidth, 0f);
                        } else {
                            copyRow(in, input + channel * inPlane + iy * g.inWidth(), px - g.padLeft(), planes, row);
                        }
                    }
                    target += planeSize();
                }
            }
        }
    }

    /**
     * Grid column x of one phase row: the input at column {@code x·stride + shift}, or 0 in the padding. The
     * padding at either end is a column or two, zeroed in a loop: a call to {@code Arrays.fill} for each cost
     * more than the copy itself on small planes.
     */
    private void copyRow(float[] in, int inputRow, int shift, float[] planes, int row) {
        int stride = g.strideWidth();
        // The columns x whose input column x·stride + shift lies inside the row.
        int lo = clamp(Math.floorDiv(-shift + stride - 1, stride), 0, gridWidth);
        int hi = clamp(Math.floorDiv(g.inWidth() - 1 - shift, stride) + 1, lo, gridWidth);
        for (int x = 0; x < lo; x++) {
            planes[row + x] = 0f;
        }
        if (stride == 1 && hi > lo) { // with nothing to copy, the source index may lie outside the input
            System.arraycopy(in, inputRow + shift + lo, planes, row + lo, hi - lo);
        } else {
            for (int x = lo; x < hi; x++) {
                planes[row + x] = in[inputRow + x * stride + shift];
            }
        }
        for (int x = hi; x < gridWidth; x++) {
            planes[row + x] = 0f;
        }
    }
}
