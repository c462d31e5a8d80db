package io.github.netspec.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sharing a layer among threads must not change a single bit of its output: every output value is summed by
 * one task in the same order whatever the split. The build runs this class on both kernel paths.
 */
class ThreadTeamTest {

    static Stream<ConvGeometry> geometries() {
        return Stream.concat(FastKernelTest.geometries(), Stream.of(
                // 7x7 pixels are one column block: a team needs the output channels split to share it
                new ConvGeometry(64, 7, 7, 100, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1, 1, PaddingMode.ZEROS),
                // one column block, two groups, a partial last panel in each
                new ConvGeometry(32, 9, 9, 46, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1, 2, PaddingMode.ZEROS)));
    }

    @ParameterizedTest
    @MethodSource("geometries")
    void anySplitOfAConvolutionGivesTheSameBits(ConvGeometry g) {
        Random random = new Random(g.hashCode());
        float[] weight = FastKernelTest.randoms(random, g.weightSize());
        float[] bias = FastKernelTest.randoms(random, g.outChannels());
        for (int batch : new int[] {1, 3}) {
            float[] in = FastKernelTest.randoms(random, batch * g.inSize());
            for (ConvKernel.Algorithm algorithm : FastKernelTest.applicable(g)) {
                ConvKernel kernel = ConvKernel.create(algorithm, g, weight, bias, null, Activation.RELU, 0f);
                assertSplitsAgree(g + " by " + algorithm + " at batch " + batch, kernel, in, batch * g.outSize(), batch);
            }
        }
    }

    @Test
    void anySplitOfADenseLayerGivesTheSameBits() {
        Random random = new Random(5);
        int inFeatures = 700;
        int outFeatures = 300;
        DenseKernel kernel = DenseKernel.create(inFeatures, outFeatures, FastKernelTest.randoms(random, inFeatures * outFeatures),
                FastKernelTest.randoms(random, outFeatures), Activation.HARDSWISH, 0f);
        for (int batch : new int[] {1, 2, 7, 13}) {
            float[] in = FastKernelTest.randoms(random, batch * inFeatures);
            assertSplitsAgree("dense at batch " + batch, kernel, in, batch * outFeatures, batch);
        }
    }

    @Test
    void anySplitOfAPoolingOrAnAddGivesTheSameBits() {
        // Large enough for a team to share (over 130k multiply-adds, an add's float counted as 16), and an add
        // of several runs: a run done twice or skipped would show, since the add accumulates into its output.
        Random random = new Random(21);
        PoolGeometry threeByThree = new PoolGeometry(96, 32, 32, 16, 16, 3, 3, 2, 2, 1, 1);
        PoolGeometry twoByTwo = new PoolGeometry(96, 32, 32, 16, 16, 2, 2, 2, 2, 0, 0);
        for (PoolKernel kernel : List.of(PoolKernel.max(threeByThree, Activation.RELU, 0f),
                PoolKernel.average(threeByThree), PoolKernel.max(twoByTwo, Activation.RELU6, 0f))) {
            PoolGeometry g = kernel.geometry();
            for (int batch : new int[] {1, 3}) {
                float[] in = FastKernelTest.randoms(random, batch * g.inSize());
                assertSplitsAgree(g.kernelHeight() + "x" + g.kernelWidth() + " pooling at batch " + batch, kernel,
                        in, batch * g.outSize(), batch);
            }
        }
        for (Activation activation : List.of(Activation.RELU, Activation.ELU)) {
            AddKernel add = new AddKernel(10000, activation, 0.5f);
            for (int batch : new int[] {1, 2, 3}) {
                assertSplitsAgree("add then " + activation + " at batch " + batch, add,
                        FastKernelTest.randoms(random, batch * 10000), batch * 10000, batch);
            }
        }
    }

    /**
     * A team may split a batch by samples ({@link SampleSplit}), each thread running the network on its share,
     * so a sample's outputs must not depend on the batch it came in: dense layers at batch 1 (a vector times
     * the matrix, or dot products) round as at larger batches (tiles, dot products in pairs).
     */
    @Test
    void aSampleGetsTheSameBitsInAnyBatch() {
        Random random = new Random(9);
        int inFeatures = 700;
        for (int outFeatures : new int[] {300, 10, 13}) {
            float[] weight = FastKernelTest.randoms(random, inFeatures * outFeatures);
            float[] bias = FastKernelTest.randoms(random, outFeatures);
            DenseKernel dense = DenseKernel.create(inFeatures, outFeatures, weight, bias, Activation.NONE, 0f);
            assertSamplesAgree("dense " + inFeatures + " -> " + outFeatures, dense, inFeatures, outFeatures, random);
        }
        ConvGeometry g = new ConvGeometry(16, 10, 12, 24, 10, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, PaddingMode.ZEROS);
        for (ConvKernel.Algorithm algorithm : FastKernelTest.applicable(g)) {
            ConvKernel conv = ConvKernel.create(algorithm, g, FastKernelTest.randoms(random, g.weightSize()),
                    FastKernelTest.randoms(random, g.outChannels()), null, Activation.RELU, 0f);
            assertSamplesAgree(g + " by " + algorithm, conv, g.inSize(), g.outSize(), random);
        }
    }

    /** A batch of 13 at once, against each sample alone, slices of 5, 4 and 4 samples, and of 2, 3, 7 and 1. */
    private static void assertSamplesAgree(String what, TaskKernel kernel, int inSize, int outSize, Random random) {
        int batch = 13;
        float[] in = FastKernelTest.randoms(random, batch * inSize);
        float[] whole = new float[batch * outSize];
        kernel.forward(in, 0, whole, 0, batch, scratchFor(kernel));
        float[] alone = new float[batch * outSize];
        for (int sample = 0; sample < batch; sample++) {
            kernel.forward(in, sample * inSize, alone, sample * outSize, 1, scratchFor(kernel));
        }
        assertArrayEquals(whole, alone, what + ", each sample alone");
        float[] slices = new float[batch * outSize];
        for (int slice = 0; slice < 3; slice++) {
            int first = SampleSplit.firstSample(slice, batch, 3);
            int count = SampleSplit.firstSample(slice + 1, batch, 3) - first;
            kernel.forward(in, first * inSize, slices, first * outSize, count, scratchFor(kernel));
        }
        assertArrayEquals(whole, slices, what + ", in slices of a batch");
        float[] uneven = new float[batch * outSize];
        int first = 0;
        for (int count : new int[] {2, 3, 7, 1}) {
            kernel.forward(in, first * inSize, uneven, first * outSize, count, scratchFor(kernel));
            first += count;
        }
        assertArrayEquals(whole, uneven, what + ", in slices of 2, 3, 7 and 1 samples");
    }

    @Test
    void aSampleSplitGivesEachThreadAnEvenShareOfTheBatch() {
        int inSize = 3;
        int outSize = 2;
        for (int threads = 2; threads <= 3; threads++) {
            for (int batch = 1; batch <= 20; batch++) {
                int[] runs = new int[batch];
                int[] sliceSizes = new int[threads];
                int[] slicesSeen = {0};
                SampleSplit split = new SampleSplit((input, inputOffset, output, outputOffset, count) -> {
                    assertEquals(inputOffset / inSize, outputOffset / outSize, "input and output slices agree");
                    for (int s = inputOffset / inSize; s < inputOffset / inSize + count; s++) {
                        runs[s]++;
                    }
                    sliceSizes[slicesSeen[0]++] = count;
                }, inSize, outSize);
                split.forward(new float[batch * inSize], 0, new float[batch * outSize], 0, batch, Scratch.forKernels());
                for (int s = 0; s < batch; s++) {
                    assertEquals(1, runs[s], "sample " + s + " of " + batch + " on " + threads + " threads");
                }
                int slices = split.tasks(batch, threads);
                assertEquals(Math.min(batch, threads), slices);
                // forward() runs the single-thread split: one slice. The team's split, slice by slice:
                java.util.Arrays.fill(runs, 0);
                slicesSeen[0] = 0;
                split.run(0, slices, threads, new float[batch * inSize], 0, new float[batch * outSize], 0, batch,
                        Scratch.forKernels());
                int smallest = Integer.MAX_VALUE;
                int largest = 0;
                for (int slice = 0; slice < slices; slice++) {
                    smallest = Math.min(smallest, sliceSizes[slice]);
                    largest = Math.max(largest, sliceSizes[slice]);
                }
                assertTrue(largest - smallest <= 1, "slices of " + batch + " differ by " + (largest - smallest));
                for (int s = 0; s < batch; s++) {
                    assertEquals(1, runs[s], "sample " + s + " of " + batch + " split for " + threads + " threads");
                }
                boolean even = batch % threads == 0 || batch >= 4 * threads;
                assertEquals(batch >= threads && even, SampleSplit.pays(batch, threads), batch + " on " + threads);
            }
        }
        assertTrue(!SampleSplit.pays(8, 1), "one thread never splits");
    }

    /**
     * The kernel alone on one thread, against: its split for 3 threads run backwards on one thread (the split
     * itself, whatever the scheduling), and teams of 2 and 3 threads (the hand-off).
     */
    private static void assertSplitsAgree(String what, TaskKernel kernel, float[] in, int outSize, int batch) {
        float[] expected = new float[outSize];
        kernel.forward(in, 0, expected, 0, batch, scratchFor(kernel));

        float[] backwards = new float[outSize];
        Scratch scratch = scratchFor(kernel);
        for (int task = kernel.tasks(batch, 3) - 1; task >= 0; task--) {
            kernel.run(task, task + 1, 3, in, 0, backwards, 0, batch, scratch);
        }
        assertArrayEquals(expected, backwards, what + ", split for 3 threads and run backwards");

        for (int threads : new int[] {2, 3}) {
            try (ThreadTeam team = ThreadTeam.of(threads)) {
                float[] out = new float[outSize];
                team.forward(kernel, in, 0, out, 0, batch, scratchFor(kernel));
                assertArrayEquals(expected, out, what + ", " + threads + " threads");
            }
        }
    }

    private static Scratch scratchFor(TaskKernel kernel) {
        return Scratch.forKernels(kernel);
    }

    @Test
    void workersTakeTasksAndEveryTaskRunsOnce() {
        int tasks = 64;
        AtomicIntegerArray runs = new AtomicIntegerArray(tasks);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch twoThreadsSeen = new CountDownLatch(2);
        TaskKernel kernel = new FakeKernel(tasks) {
            @Override
            void task(int task) throws InterruptedException {
                runs.incrementAndGet(task);
                if (threads.add(Thread.currentThread())) {
                    twoThreadsSeen.countDown();
                }
                // The first tasks wait for a second thread to turn up, so the test does not depend on timing.
                twoThreadsSeen.await(10, TimeUnit.SECONDS);
            }
        };
        try (ThreadTeam team = ThreadTeam.of(2)) {
            assertEquals(2, team.threads());
            team.forward(kernel, new float[0], 0, new float[0], 0, 1, Scratch.forKernels());
        }
        for (int task = 0; task < tasks; task++) {
            assertEquals(1, runs.get(task), "task " + task + " ran " + runs.get(task) + " times");
        }
        assertEquals(2, threads.size(), "threads that ran tasks: " + threads);
    }

    @Test
    void aFailingTaskFailsTheCallAndTheTeamGoesOn() {
        TaskKernel failing = new FakeKernel(16) {
            @Override
            void task(int task) {
                throw new ArithmeticException("task " + task);
            }
        };
        try (ThreadTeam team = ThreadTeam.of(2)) {
            ArithmeticException thrown = assertThrows(ArithmeticException.class,
                    () -> team.forward(failing, new float[0], 0, new float[0], 0, 1, Scratch.forKernels()));
            assertTrue(thrown.getMessage().startsWith("task "), thrown.getMessage());

            AtomicIntegerArray runs = new AtomicIntegerArray(16);
            team.forward(new FakeKernel(16) {
                @Override
                void task(int task) {
                    runs.incrementAndGet(task);
                }
            }, new float[0], 0, new float[0], 0, 1, Scratch.forKernels());
            for (int task = 0; task < 16; task++) {
                assertEquals(1, runs.get(task));
            }
        }
    }

    @Test
    void teamSizesAreCheckedAndOneThreadIsTheCaller() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> ThreadTeam.of(0));
        assertEquals("a thread team needs at least 1 thread, not 0; use 1 to run on the calling thread alone",
                zero.getMessage());
        assertSame(ThreadTeam.single(), ThreadTeam.of(1));
        assertEquals(1, ThreadTeam.single().threads());
    }

    @Test
    void aClosedTeamSaysSo() {
        ThreadTeam team = ThreadTeam.of(2);
        team.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class,
                () -> team.forward(new FakeKernel(4) {
                    @Override
                    void task(int task) {}
                }, new float[0], 0, new float[0], 0, 1, Scratch.forKernels()));
        assertEquals("this thread team was closed; make a new one", closed.getMessage());
    }

    /**
     * A worker sizes its scratch for the layers it meets, one at a time. Two layers that each need more of a
     * different part (the scalar path's few-pixels GEMM: many accumulator rows; another layer: wider rows or
     * more floats) must leave it large enough for both, or every call would allocate a new one.
     */
    @Test
    void aWorkersScratchGrowsInEveryPartSoLayersTakingTurnsDoNotReallocateIt() {
        TaskKernel wide = scratchNeeds(4096, 512, 6, 256);
        TaskKernel tall = scratchNeeds(64, 256, 49, 300);
        Scratch scratch = Scratch.forKernels(wide);
        assertTrue(scratch.fits(wide));
        scratch = scratch.grownFor(tall);
        assertTrue(scratch.fits(tall), "grown for the second layer");
        assertTrue(scratch.fits(wide), "and still large enough for the first");
    }

    private static TaskKernel scratchNeeds(int floats, int accumulatorWidth, int accumulatorRows, int rows) {
        return new FakeKernel(1) {
            @Override
            void task(int task) {}

            @Override
            public int scratchSize() {
                return floats;
            }

            @Override
            public int accumulatorWidth() {
                return accumulatorWidth;
            }

            @Override
            public int accumulatorRows() {
                return accumulatorRows;
            }

            @Override
            public int scratchRows() {
                return rows;
            }
        };
    }

    /** A kernel of {@code tasks} tasks, each large enough for a team to share. */
    private abstract static class FakeKernel implements TaskKernel {
        private final int tasks;

        FakeKernel(int tasks) {
            this.tasks = tasks;
        }

        abstract void task(int task) throws Exception;

        @Override
        public int tasks(int batch, int threads) {
            return tasks;
        }

        @Override
        public void run(int from, int to, int threads, float[] in, int inOffset, float[] out, int outOffset,
                        int batch, Scratch scratch) {
            for (int task = from; task < to; task++) {
                try {
                    task(task);
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }

        @Override
        public long multiplyAdds(int batch) {
            return ThreadTeam.MIN_PARALLEL_WORK * tasks;
        }
    }
}
