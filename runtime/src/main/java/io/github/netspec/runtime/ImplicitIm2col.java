package io.github.netspec.runtime;

import java.util.Arrays;

/**
 * The im2col matrix of a zero-padded convolution, read from copies of the input laid out so that each of its
 * rows is one contiguous run, instead of written out.
 *
 * <p>im2col row k, for input channel c and kernel tap (ky, kx), holds at output pixel (oy, ox) the input at
 * row {@code oy·sh + ky·dh - padTop} and column {@code ox·sw + kx·dw - padLeft}, or 0 in the padding. Split
 * {@code ky·dh} into a row phase {@code py = ky·dh % sh} and a row shift {@code ky·dh / sh}. For each channel
 * and row phase, copy the input rows a block of output rows reads into <em>planes</em> of {@link #gridWidth}
 * columns, laid out in one of two ways:
 * <ul>
 *   <li><b>One plane per kernel column</b> ({@code shifted}): plane kx, row q, column x holds the input at row
 *   {@code (firstRow + q)·sh + py - padTop} and column {@code x·sw + kx·dw - padLeft}, or 0 outside the input.
 *   The grid is the output itself, {@code gridWidth = outWidth}: tiles can store straight into the output and
 *   nothing is computed to be thrown away. Each input value is copied about kernel-width times; at stride 1,
 *   where input and output are equally wide, a plane is the input shifted by a column, copied in one piece
 *   with a column or two zeroed per row.
 *   <li><b>One plane per column phase</b>: plane px holds the input at column {@code x·sw + px - padLeft},
 *   {@code gridWidth = outWidth + reach} where reach is the widest tap's shift; tap kx reads phase
 *   {@code kx·dw % sw} from column {@code kx·dw / sw} on. Each input value is copied about once, and
 *   neighbouring taps read overlapping runs, but reach columns a row are computed to be thrown away and the
 *   output is copied out of a scratch grid.
 * </ul>
 * Either way output pixel (oy, ox) of tap (ky, kx) lies at grid column {@code n = oy·gridWidth + ox} of its
 * plane, shifted by the tap: im2col row k is one run, starting at {@link #rowStarts}{@code [k]}, which the
 * GEMM packs from and the depthwise kernel reads in place.
 *
 * <p>Work is done in blocks of whole output rows, each copying the input rows it reads (its rows plus the
 * kernel's reach); {@link #maxRows} is sized so that a block's planes stay in L2 while every MR-row panel of
 * weights sweeps over them.
 */
final class ImplicitIm2col {

    /**
     * Floats the planes of one block may take when every weight panel reads them again: 256 KiB, half of a
     * 512 KiB L2, the rest for weights and output.
     */
    static final int PLANES_BUDGET = 256 * 1024 / Float.BYTES;

    private final ConvGeometry g;
    /** Columns per grid row: the output's, plus in the phase layout the widest tap's shift. */
    final int gridWidth;
    /** Output rows of a block, for one thread; a team may use fewer. */
    final int maxRows;
    /** Per im2col row k (input channel of the group, ky, kx): where its run starts in a block's planes. */
    final int[] rowStarts;
    /** Per im2col row k when the input is read in place: the start relative to the block's first column. */
    final int[] inPlaceStarts;
    /** The row phases py some tap reads; the others are never copied. */
    private final int[] phaseRows;
    /** Per plane of a channel's row phase, the input column its column 0 holds. */
    private final int[] columnOffsets;
    /** Per plane of a channel's row phase, the columns {@code [insideFrom, insideTo)} inside the input. */
    private final int[] insideFrom;
    private final int[] insideTo;
    /** Rows of one plane: a block's rows plus the kernel's reach in phase rows. */
    private final int planeRows;
    private final int channelsPerGroup;
    /** 1×1 at stride 1 without padding: its own im2col, readable in place. */
    private final boolean pointwise;
    /** Stride 1 and planes as wide as the input: a plane is one run of the input, shifted by a column. */
    private final boolean copiesInOnePiece;
    /**
     * On the Vector API, a plane per column of a 6-wide kernel at column stride 4 times its dilation (Winograd
     * F(4×4)'s windows, or such a convolution's own im2col): {@link #copyByPhases} deals each input row to all
     * six planes at once.
     */
    private final boolean dealsByPhases;

    /**
     * @param shifted one plane per kernel column (else one per column phase, with junk columns)
     * @param planesBudget floats the planes of a block may take, which sets {@link #maxRows}
     */
    ImplicitIm2col(ConvGeometry g, boolean shifted, int planesBudget) {
        this.g = g;
        int reachRows = (g.kernelHeight() - 1) * g.dilationHeight() / g.strideHeight();
        int reachColumns = (g.kernelWidth() - 1) * g.dilationWidth() / g.strideWidth();
        this.gridWidth = shifted ? g.outWidth() : g.outWidth() + reachColumns;
        this.channelsPerGroup = g.inChannels() / g.groups();
        this.pointwise = g.kernelHeight() == 1 && g.kernelWidth() == 1 && g.strideHeight() == 1
                && g.strideWidth() == 1 && g.padTop() == 0 && g.padLeft() == 0;
        this.copiesInOnePiece = g.strideHeight() == 1 && g.strideWidth() == 1 && gridWidth == g.inWidth();
        this.dealsByPhases = Simd.VECTOR && shifted && g.kernelWidth() == 6
                && g.strideWidth() == 4 * g.dilationWidth() && g.padLeft() >= 0;
        this.phaseRows = phasesUsed(g.kernelHeight(), g.dilationHeight(), g.strideHeight());
        int[] phaseColumns = phasesUsed(g.kernelWidth(), g.dilationWidth(), g.strideWidth());
        this.columnOffsets = new int[shifted ? g.kernelWidth() : phaseColumns.length];
        this.insideFrom = new int[columnOffsets.length];
        this.insideTo = new int[columnOffsets.length];
        for (int v = 0; v < columnOffsets.length; v++) {
            int offset = (shifted ? v * g.dilationWidth() : phaseColumns[v]) - g.padLeft();
            int stride = g.strideWidth();
            columnOffsets[v] = offset;
            insideFrom[v] = clamp(Math.floorDiv(-offset + stride - 1, stride), 0, gridWidth);
            insideTo[v] = clamp(Math.floorDiv(g.inWidth() - 1 - offset, stride) + 1, insideFrom[v], gridWidth);
        }
        int planesPerChannel = phaseRows.length * columnOffsets.length;
        int rowsInBudget = planesBudget / (channelsPerGroup * planesPerChannel * gridWidth) - reachRows;
        this.maxRows = clamp(rowsInBudget, 1, g.outHeight());
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
            int column = shifted ? kx : indexOf(phaseColumns, tapColumn % g.strideWidth());
            int plane = (channel * phaseRows.length + indexOf(phaseRows, tapRow % g.strideHeight()))
                    * columnOffsets.length + column;
            rowStarts[k] = plane * planeSize() + tapRow / g.strideHeight() * gridWidth
                    + (shifted ? 0 : tapColumn / g.strideWidth());
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

    /** Floats of one plane; {@link #copyByPhases} writes whole vectors, so a vector more after its last row. */
    private int planeSize() {
        return planeRows * gridWidth + (dealsByPhases ? VectorKernels.LANES : 0);
    }

    /**
     * Floats of the planes of one block, plus slack: the last tile of a block reads up to a tile and the widest
     * tap's shift past the last plane, into columns whose sums are thrown away, and a vector copy may write a
     * vector past it.
     */
    int planesSize() {
        return rowBufferOffset() + (dealsByPhases ? rowBufferLength() : 0);
    }

    /** Where {@link #copyByPhases} keeps a zero-padded input row: after the planes and their slack. */
    private int rowBufferOffset() {
        return channelsPerGroup * phaseRows.length * columnOffsets.length * planeSize() + gridWidth + Gemm.NR;
    }

    /**
     * Input columns {@code d·j - padLeft} for {@code j < 4·columns + 4} (d the dilation), with {@code columns}
     * the plane width rounded up to whole vectors: every column {@link VectorKernels#dealByPhases} reads.
     */
    private int rowBufferLength() {
        return 4 * Gemm.roundUp(gridWidth, VectorKernels.LANES) + 4;
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
     * Copies the planes that output rows {@code [firstRow, firstRow + rows)} read, of the group whose first
     * input channel starts at {@code in[input]}, to {@code planes[0 ..]}.
     */
    void copyPlanes(float[] in, int input, int firstRow, int rows, float[] planes) {
        int copiedRows = rows + planeRows - maxRows;
        if (dealsByPhases) {
            copyByPhases(in, input, firstRow, copiedRows, planes);
            return;
        }
        int inPlane = g.inHeight() * g.inWidth();
        int target = 0;
        for (int channel = 0; channel < channelsPerGroup; channel++) {
            for (int py : phaseRows) {
                for (int column = 0; column < columnOffsets.length; column++) {
                    if (copiesInOnePiece) {
                        copyInOnePiece(in, input + channel * inPlane, firstRow, copiedRows, column, planes, target);
                    } else {
                        copyByRows(in, input + channel * inPlane, firstRow, copiedRows, py, column, planes, target);
                    }
                    target += planeSize();
                }
            }
        }
    }

    /**
     * {@link #copyPlanes} for {@link #dealsByPhases}: each input row a plane row holds is copied once, with its
     * padding, to a buffer (every d-th column with dilation d), and {@link VectorKernels#dealByPhases} deals
     * the buffer's columns to the row in all six planes of its row phase (plane kx takes buffer columns
     * {@code 4x + kx}, input columns {@code d·(4x + kx) - padLeft}), in whole vectors: what a row spills
     * into the next is written over when the rows are written in order, and the last row spills into the
     * plane's slack. Copied a plane row at a time, with a strided pass for each, ResNet-18's 64-channel 56×56
     * layer spent 0.36 ms copying (1.1 ns a float; 3.3 at 14×14, where a plane row is four floats), a fifth of
     * the layer; dealt, 0.18 ms (0.11 and 0.14 ms at 28×28 and 14×14, against 0.34 and 0.40).
     */
    private void copyByPhases(float[] in, int input, int firstRow, int copiedRows, float[] planes) {
        int inPlane = g.inHeight() * g.inWidth();
        int plane = planeSize();
        int buffer = rowBufferOffset();
        int bufferEnd = buffer + rowBufferLength();
        // Buffer column j holds input column d·j - padLeft: the input's columns land in [inFrom, inTo).
        int dilation = g.dilationWidth();
        int inFrom = Math.min((g.padLeft() + dilation - 1) / dilation, rowBufferLength());
        int inTo = Math.min((g.padLeft() + g.inWidth() + dilation - 1) / dilation, rowBufferLength());
        int firstColumn = dilation * inFrom - g.padLeft();
        Arrays.fill(planes, buffer, buffer + inFrom, 0f);
        Arrays.fill(planes, buffer + inTo, bufferEnd, 0f);
        int target = 0;
        for (int channel = 0; channel < channelsPerGroup; channel++) {
            for (int py : phaseRows) {
                for (int q = 0; q < copiedRows; q++) {
                    int iy = inputRow(firstRow, q, py);
                    int source = input + channel * inPlane + iy * g.inWidth() + firstColumn;
                    if (iy < 0 || iy >= g.inHeight()) {
                        Arrays.fill(planes, buffer + inFrom, buffer + inTo, 0f); // a padding row
                    } else if (dilation == 1) {
                        System.arraycopy(in, source, planes, buffer + inFrom, inTo - inFrom);
                    } else {
                        for (int j = inFrom; j < inTo; j++) {
                            planes[buffer + j] = in[source + dilation * (j - inFrom)];
                        }
                    }
                    VectorKernels.dealByPhases(planes, buffer, gridWidth, planes, target + q * gridWidth, plane);
                }
                target += columnOffsets.length * plane;
            }
        }
    }

    /** The input row plane row q of row phase py holds; outside {@code [0, inHeight)} it is padding. */
    private int inputRow(int firstRow, int q, int py) {
        return (firstRow + q) * g.strideHeight() + py - g.padTop();
    }

    /**
     * One plane at stride 1 where a plane row is as wide as an input row: the input rows it holds, shifted by the
     * plane's column offset, are one run of the input. Copy it at once, then zero the columns the shift carried
     * across row ends, and the padding rows.
     */
    private void copyInOnePiece(float[] in, int channel, int firstRow, int copiedRows, int column, float[] planes,
                                int plane) {
        int width = gridWidth;
        // The plane rows [inFrom, inTo) hold input rows; the rest are padding.
        int inFrom = clamp(g.padTop() - firstRow, 0, copiedRows);
        int inTo = clamp(g.inHeight() + g.padTop() - firstRow, inFrom, copiedRows);
        Arrays.fill(planes, plane, plane + inFrom * width, 0f);
        Arrays.fill(planes, plane + inTo * width, plane + copiedRows * width, 0f);
        int lo = insideFrom[column];
        int hi = insideTo[column];
        if (inTo == inFrom) {
            return;
        }
        if (hi <= lo) { // a shift of a whole row or more: every column is padding
            Arrays.fill(planes, plane + inFrom * width, plane + inTo * width, 0f);
            return;
        }
        // Plane column x of a row is input column x + offset: row after row, one run. Its first lo and last
        // width - hi values lie outside their row (and maybe outside the array), so they are not read.
        int first = plane + inFrom * width;
        int source = channel + inputRow(firstRow, inFrom, 0) * g.inWidth() + columnOffsets[column];
        int run = (inTo - inFrom) * width;
        System.arraycopy(in, source + lo, planes, first + lo, run - lo - (width - hi));
        zeroColumns(planes, first, run, 0, lo);
        zeroColumns(planes, first, run, hi, width);
    }

    /**
     * Columns {@code [from, to)} of every row of a plane's run of {@code run} floats from {@code first}: a
     * column at a time, down the rows. Here that is one column of a stride-1 plane; with a call per row to
     * {@link #zeroPadding}, zeroing took 15–16% of MobileNetV2's 144-channel 56×56 depthwise layer under JFR,
     * this way 8%.
     */
    private void zeroColumns(float[] planes, int first, int run, int from, int to) {
        for (int x = from; x < to; x++) {
            for (int at = first + x; at < first + run; at += gridWidth) {
                planes[at] = 0f;
            }
        }
    }

    /**
     * One plane, a row at a time: plane column x is the input at column {@code x·sw + offset}, or 0 in the
     * padding. The padding is zeroed after the copy, which on the Vector API may spill past the row into the
     * padding, the next row (rewritten later) or the slack after the planes.
     */
    private void copyByRows(float[] in, int channel, int firstRow, int copiedRows, int py, int column,
                            float[] planes, int plane) {
        int stride = g.strideWidth();
        int lo = insideFrom[column];
        int hi = insideTo[column];
        for (int q = 0; q < copiedRows; q++) {
            int iy = inputRow(firstRow, q, py);
            int row = plane + q * gridWidth;
            if (iy < 0 || iy >= g.inHeight() || hi <= lo) {
                Arrays.fill(planes, row, row + gridWidth, 0f);
                continue;
            }
            int source = channel + iy * g.inWidth() + lo * stride + columnOffsets[column];
            if (Simd.VECTOR && (stride <= 2 || stride == 4)) {
                VectorKernels.copyStrided(in, source, stride, planes, row + lo, hi - lo);
            } else if (stride == 1) {
                System.arraycopy(in, source, planes, row + lo, hi - lo);
            } else {
                for (int x = lo; x < hi; x++) {
                    planes[row + x] = in[source + (x - lo) * stride];
                }
            }
            zeroPadding(planes, row, lo, hi);
        }
    }

    /**
     * Columns {@code [0, lo)} and {@code [hi, gridWidth)} of a plane row: a column or two, zeroed in a loop (an
     * {@code Arrays.fill} call for each cost more than the copy on small planes).
     */
    private void zeroPadding(float[] planes, int row, int lo, int hi) {
        for (int x = 0; x < lo; x++) {
            planes[row + x] = 0f;
        }
        for (int x = hi; x < gridWidth; x++) {
            planes[row + x] = 0f;
        }
    }
}
