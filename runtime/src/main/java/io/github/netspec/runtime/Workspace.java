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
     * @param scratchSize the largest {@code scratchSize()} of the network's kernels
     * @param accumulatorWidth the largest {@code accumulatorWidth()} of the network's kernels
     */
    public Workspace(int arenaPerSample, int scratchSize, int accumulatorWidth) {
        this.arenaPerSample = arenaPerSample;
        this.scratch = new Scratch(scratchSize, accumulatorWidth);
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
