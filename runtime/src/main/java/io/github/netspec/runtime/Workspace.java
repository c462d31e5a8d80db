package io.github.netspec.runtime;

/**
 * The memory one thread needs to run a network: an arena holding every intermediate tensor at the offsets
 * the generator planned, and the kernels' scratch. The arena grows to the largest batch seen and is then
 * reused, so {@code predict} allocates nothing in steady state. Not thread-safe: one per thread.
 */
public final class Workspace {

    private final int arenaPerSample;
    private final Scratch scratch;
    private float[] arena = new float[0];
    private int batchCapacity;

    /**
     * @param arenaPerSample the planned peak of live activations for one sample, in floats
     * @param kernels every kernel of the network, so the scratch fits each of them
     */
    public Workspace(int arenaPerSample, TaskKernel... kernels) {
        this.arenaPerSample = arenaPerSample;
        this.scratch = Scratch.forKernels(kernels);
    }

    /** The arena, large enough for {@code batch} samples (each planned buffer scaled by the batch). */
    public float[] arena(int batch) {
        if (batch > batchCapacity) {
            arena = new float[Math.multiplyExact(arenaPerSample, batch)];
            batchCapacity = batch;
        }
        return arena;
    }

    public Scratch scratch() {
        return scratch;
    }
}
