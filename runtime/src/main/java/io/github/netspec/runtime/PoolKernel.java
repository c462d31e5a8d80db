package io.github.netspec.runtime;

/**
 * A max or average pooling layer as a {@link TaskKernel}, so that a {@link ThreadTeam} shares its planes out
 * like a convolution's work. Run by the pooling's thread alone, a layer between two shared ones waited on
 * data the other core had just written: in ResNet-18 on two threads, its 64×112×112 max pooling took 0.87 ms,
 * against 0.44 on one thread (fastest of 10 s of calls, batch 1).
 */
public final class PoolKernel implements TaskKernel {

    private final PoolGeometry g;
    private final boolean max;
    private final Activation activation;
    private final float alpha;

    private PoolKernel(PoolGeometry g, boolean max, Activation activation, float alpha) {
        this.g = g;
        this.max = max;
        this.activation = activation;
        this.alpha = alpha;
    }

    /**
     * Max pooling followed by {@code activation}, which must never decrease (see
     * {@link Pooling#max(PoolGeometry, float[], int, float[], int, int, Activation, float)}).
     *
     * @param alpha read by leaky_relu and elu only
     */
    public static PoolKernel max(PoolGeometry g, Activation activation, float alpha) {
        return new PoolKernel(g, true, activation, alpha);
    }

    /** Average pooling, {@link Pooling#average(PoolGeometry, float[], int, float[], int, int)}'s. */
    public static PoolKernel average(PoolGeometry g) {
        return new PoolKernel(g, false, Activation.NONE, 0f);
    }

    public PoolGeometry geometry() {
        return g;
    }

    /** One task on one thread; for a team, a few runs of whole planes a thread. */
    @Override
    public int tasks(int batch, int threads) {
        return threads == 1 ? 1 : Math.min(batch * g.channels(), ThreadTeam.TASKS_PER_THREAD * threads);
    }

    @Override
    public void run(int from, int to, int threads, float[] in, int inOffset, float[] out, int outOffset, int batch,
                    Scratch scratch) {
        int planes = batch * g.channels();
        int tasks = tasks(batch, threads);
        int firstPlane = ThreadTeam.share(from, tasks, planes);
        int endPlane = ThreadTeam.share(to, tasks, planes);
        if (max) {
            Pooling.maxPlanes(g, in, inOffset, out, outOffset, firstPlane, endPlane, activation, alpha);
        } else {
            Pooling.averagePlanes(g, in, inOffset, out, outOffset, firstPlane, endPlane);
        }
    }

    /** A comparison or addition per input of each window, counted as a multiply-add. */
    @Override
    public long multiplyAdds(int batch) {
        return (long) batch * g.outSize() * g.kernelHeight() * g.kernelWidth();
    }
}
