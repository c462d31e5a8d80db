package io.github.netspec.runtime;

/**
 * A layer whose work on a batch splits into independent tasks that write disjoint parts of the output, so
 * a {@link ThreadTeam} can share them out. Running tasks {@code [0, tasks(batch, threads))} in any order, on
 * any threads, each with its own {@link Scratch}, gives exactly the same output as running them in order.
 *
 * <p>How finely a layer splits depends on the team: one thread wants the fewest, largest tasks (splitting a
 * convolution's output channels repeats its im2col packing), several threads want enough to keep all busy.
 */
public interface TaskKernel {

    /** How many tasks a batch splits into for a team of {@code threads} threads. */
    int tasks(int batch, int threads);

    /**
     * Runs tasks {@code [from, to)} of the split for {@code threads} threads. Sample n is read at
     * {@code in[inOffset + n·inSize]} and written at {@code out[outOffset + n·outSize]}. Allocates nothing.
     */
    void run(int from, int to, int threads, float[] in, int inOffset, float[] out, int outOffset, int batch,
             Scratch scratch);

    /** Multiply-adds of the whole batch: what sharing the layer can gain, against the cost of a hand-off. */
    long multiplyAdds(int batch);

    /** Floats of {@link Scratch} one thread needs to run this kernel's tasks; none unless a kernel says so. */
    default int scratchSize() {
        return 0;
    }

    /** How wide the scalar kernels' accumulator rows must be for this kernel; none unless a kernel says so. */
    default int accumulatorWidth() {
        return 0;
    }

    /** How many accumulator rows the scalar kernels need for this kernel; MR are always there. */
    default int accumulatorRows() {
        return 0;
    }

    /**
     * How many row arrays of NC floats the scalar kernels need for this kernel; KC are always there, and a
     * kernel needs no more unless it says so.
     */
    default int scratchRows() {
        return 0;
    }

    /** Runs the whole batch on the calling thread. Allocates nothing. */
    default void forward(float[] in, int inOffset, float[] out, int outOffset, int batch, Scratch scratch) {
        run(0, tasks(batch, 1), 1, in, inOffset, out, outOffset, batch, scratch);
    }
}
