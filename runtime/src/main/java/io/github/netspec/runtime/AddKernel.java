package io.github.netspec.runtime;

/**
 * {@code out = activation(out + in)} over a batch of {@code size} floats a sample, as a {@link TaskKernel}: an
 * add of two tensors that sums into one of them, with the activation that alone reads the sum (ResNet's relu
 * after each residual add) in the same pass, shared by a team in runs of the batch's floats. As two passes on
 * the calling thread alone, ResNet-18's adds and relus took 0.51 ms of the 18.7–19.5 ms its steps took on two
 * threads (batch 1, sums of each step's fastest time); shared, 0.09.
 */
public final class AddKernel implements TaskKernel {

    /** Floats under which a run is not worth handing to another thread. */
    private static final int MIN_TASK_FLOATS = 8192;
    /** Runs start on a 64-byte line, so that no two threads write one. */
    private static final int LINE_FLOATS = 16;

    private final int size;
    private final Activation activation;
    private final float alpha;

    /**
     * @param size floats a sample
     * @param alpha read by leaky_relu and elu only
     */
    public AddKernel(int size, Activation activation, float alpha) {
        this.size = size;
        this.activation = activation;
        this.alpha = alpha;
    }

    @Override
    public int tasks(int batch, int threads) {
        long runs = (long) batch * size / MIN_TASK_FLOATS;
        return threads == 1 ? 1 : (int) Math.max(1, Math.min(runs, ThreadTeam.TASKS_PER_THREAD * threads));
    }

    /** Adds {@code in} into {@code out}: sample n at {@code out[outOffset + n·size]}, {@code in}'s likewise. */
    @Override
    public void run(int from, int to, int threads, float[] in, int inOffset, float[] out, int outOffset, int batch,
                    Scratch scratch) {
        int tasks = tasks(batch, threads);
        int first = runStart(from, tasks, batch);
        int count = runStart(to, tasks, batch) - first;
        Tensors.add(out, outOffset + first, in, inOffset + first, out, outOffset + first, count, activation, alpha);
    }

    /**
     * Where run {@code task} of {@code tasks} starts in the batch's floats, or the end for {@code task = tasks}:
     * an even split of whole lines, the last run taking the floats after the last whole line too.
     */
    private int runStart(int task, int tasks, int batch) {
        int floats = batch * size;
        return task == tasks ? floats : ThreadTeam.share(task, tasks, floats / LINE_FLOATS) * LINE_FLOATS;
    }

    /**
     * An add moves three floats through memory for one addition: counted as 16 multiply-adds, about what a
     * convolution does in the same time (ResNet-18's 64×56×56 add took 65 µs on one core, 0.32 ns a float,
     * where a convolution at 100 GFLOP/s does 16 multiply-adds).
     */
    @Override
    public long multiplyAdds(int batch) {
        return 16L * batch * size;
    }
}
