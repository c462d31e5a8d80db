package io.github.netspec.runtime;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Threads that share one layer's tasks: the calling thread and {@code threads - 1} workers claim the tasks
 * of a {@link TaskKernel} one at a time until none are left, so uneven tasks balance themselves.
 *
 * <p>A network runs dozens of layers per call, some in microseconds, so a hand-off must cost far less than
 * a thread pool's: no task objects, no futures, nothing allocated. The job lives in fields published by one
 * atomic cursor; idle workers spin briefly (the next layer is usually microseconds away) and then park.
 * Layers too small to gain from a hand-off run on the calling thread alone.
 *
 * <p>One job runs at a time: callers on several threads take turns, layer by layer. For many concurrent
 * callers, a single-threaded network per caller thread ({@link #single()}, the default) scales better.
 * Workers are daemon threads; {@link #close()} stops them, and so does the garbage collector once the team
 * is unreachable.
 */
public final class ThreadTeam implements AutoCloseable {

    /** Tasks per thread a kernel aims for when it splits for a team, so that uneven tasks still balance. */
    static final int TASKS_PER_THREAD = 4;

    /** Below this many multiply-adds in a whole layer (a few microseconds), one thread is faster. */
    static final long MIN_PARALLEL_WORK = 1L << 17;

    /**
     * Where task {@code task} of {@code tasks} starts in an even split of {@code items} (planes, rows, runs),
     * or the end for {@code task = tasks}: task t takes {@code [share(t), share(t + 1))}.
     */
    static int share(int task, int tasks, int items) {
        return (int) ((long) task * items / tasks);
    }

    private static final ThreadTeam SINGLE = new ThreadTeam(null);

    private final Crew crew;
    private final Cleaner.Cleanable cleanable;

    private ThreadTeam(Crew crew) {
        this.crew = crew;
        this.cleanable = crew == null ? null : Cleaners.CLEANER.register(this, crew::close);
    }

    /** Everything on the calling thread: what a network uses unless told otherwise. */
    public static ThreadTeam single() {
        return SINGLE;
    }

    /**
     * A team of {@code threads} threads in all: the caller and {@code threads - 1} workers started now.
     *
     * @throws IllegalArgumentException if {@code threads} is not positive
     */
    public static ThreadTeam of(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a thread team needs at least 1 thread, not " + threads
                    + "; use 1 to run on the calling thread alone");
        }
        return threads == 1 ? SINGLE : new ThreadTeam(new Crew(threads - 1));
    }

    /** Threads that work on a layer, the caller included. */
    public int threads() {
        return crew == null ? 1 : crew.workers.length + 1;
    }

    /**
     * Runs every task of {@code kernel}, shared among the team when the layer is large enough to gain from it.
     * Returns when all are done. Allocates nothing in steady state.
     *
     * @param scratch the calling thread's scratch; workers have their own
     */
    public void forward(TaskKernel kernel, float[] in, int inOffset, float[] out, int outOffset, int batch,
                        Scratch scratch) {
        if (crew == null || kernel.multiplyAdds(batch) < MIN_PARALLEL_WORK) {
            kernel.forward(in, inOffset, out, outOffset, batch, scratch);
            return;
        }
        int threads = threads();
        int tasks = kernel.tasks(batch, threads);
        if (tasks < 2) {
            kernel.run(0, tasks, threads, in, inOffset, out, outOffset, batch, scratch);
        } else {
            crew.run(kernel, tasks, threads, in, inOffset, out, outOffset, batch, scratch);
        }
    }

    /** Stops the workers. A closed team must not be used again; the single team ignores this. */
    @Override
    public void close() {
        if (cleanable != null) {
            cleanable.clean();
        }
    }

    /** The workers and the job they share. Referenced by the workers, never by the team's users. */
    private static final class Crew {

        /** How long an idle worker spins before it parks: longer than the gap between two layers. */
        private static final long SPIN_NANOS = 200_000;
        /** The cursor's task index once a job is over, so a late worker's stale claim can never succeed. */
        private static final int JOB_OVER = Integer.MAX_VALUE;

        private final Thread[] workers;
        private final Scratch[] scratches;
        private final ReentrantLock turn = new ReentrantLock();
        /** The job's number in the high 32 bits, the next unclaimed task in the low 32. */
        private final AtomicLong cursor = new AtomicLong();
        private final AtomicInteger completed = new AtomicInteger();
        private volatile boolean closed;
        private volatile Throwable failure;
        private int job;

        // The job. Written before the cursor publishes it, read only by a thread holding a claimed task.
        private TaskKernel kernel;
        private int tasks;
        private int threads;
        private float[] in;
        private int inOffset;
        private float[] out;
        private int outOffset;
        private int batch;

        Crew(int workerCount) {
            workers = new Thread[workerCount];
            scratches = new Scratch[workerCount];
            for (int i = 0; i < workerCount; i++) {
                int index = i;
                scratches[i] = Scratch.forKernels();
                workers[i] = new Thread(() -> work(index), "netspec-worker-" + (i + 1));
                workers[i].setDaemon(true);
                workers[i].start();
            }
        }

        void run(TaskKernel kernel, int tasks, int threads, float[] in, int inOffset, float[] out, int outOffset,
                 int batch, Scratch callerScratch) {
            turn.lock();
            try {
                if (closed) {
                    throw new IllegalStateException("this thread team was closed; make a new one");
                }
                this.kernel = kernel;
                this.tasks = tasks;
                this.threads = threads;
                this.in = in;
                this.inOffset = inOffset;
                this.out = out;
                this.outOffset = outOffset;
                this.batch = batch;
                failure = null;
                completed.set(0);
                int current = ++job;
                cursor.set((long) current << 32);
                for (Thread worker : workers) {
                    LockSupport.unpark(worker);
                }
                claim(current, callerScratch);
                awaitCompletion(tasks);
                cursor.set((long) current << 32 | JOB_OVER);
                // Do not keep the caller's arrays reachable between calls.
                this.in = null;
                this.out = null;
                this.kernel = null;
                Throwable failed = failure;
                if (failed instanceof RuntimeException unchecked) {
                    throw unchecked;
                }
                if (failed instanceof Error error) {
                    throw error;
                }
                if (failed != null) {
                    throw new IllegalStateException("a layer's task failed", failed);
                }
            } finally {
                turn.unlock();
            }
        }

        /**
         * Claims and runs tasks of job {@code current} until none are left. A task that throws is recorded for
         * the caller and the claiming goes on, so every task is still accounted for and the call returns.
         */
        private void claim(int current, Scratch scratch) {
            while (true) {
                long seen = cursor.get();
                int task = (int) seen;
                if ((int) (seen >>> 32) != current || task >= tasks) {
                    return;
                }
                if (!cursor.compareAndSet(seen, seen + 1)) {
                    continue;
                }
                try {
                    kernel.run(task, task + 1, threads, in, inOffset, out, outOffset, batch, scratch);
                } catch (Throwable t) {
                    failure = t;
                }
                completed.incrementAndGet();
            }
        }

        private void awaitCompletion(int tasks) {
            int spins = 0;
            while (completed.get() < tasks) {
                if (++spins < 1 << 16) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield(); // a worker was descheduled: let it run
                }
            }
        }

        private void work(int index) {
            int done = 0;
            long idleSince = System.nanoTime();
            while (!closed) {
                int current = (int) (cursor.get() >>> 32);
                if (current == done) {
                    if (System.nanoTime() - idleSince < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.park(this); // run() unparks every worker after publishing a job
                    }
                    continue;
                }
                done = current;
                claim(current, scratchFor(index, current));
                idleSince = System.nanoTime();
            }
        }

        /** The worker's scratch, grown the first time a layer needs more; null once the job is over. */
        private Scratch scratchFor(int index, int current) {
            long seen = cursor.get();
            TaskKernel job = kernel;
            if ((int) (seen >>> 32) != current || (int) seen >= tasks || job == null) {
                return scratches[index]; // the job is over; claim() will find nothing to do
            }
            if (!scratches[index].fits(job)) {
                scratches[index] = scratches[index].grownFor(job);
            }
            return scratches[index];
        }

        void close() {
            closed = true;
            for (Thread worker : workers) {
                LockSupport.unpark(worker);
            }
        }
    }

    /** Made on first use, so single-threaded programs never start the cleaner's thread. */
    private static final class Cleaners {
        static final Cleaner CLEANER = Cleaner.create();
    }
}
