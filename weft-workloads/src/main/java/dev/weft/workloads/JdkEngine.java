package dev.weft.workloads;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The workloads on JDK threads from a thread factory (virtual threads on the default scheduler,
 * platform threads, or any other, such as weft-bench's minimal scheduler), with one fixed JDK
 * structure per primitive, the same wherever the catalogue runs (weft bench, JMH, demo):
 *
 * <ul>
 *   <li>task: {@code ThreadFactory.newThread} + {@code Thread.start}, joined with
 *       {@code Thread.join};</li>
 *   <li>fork: {@code CompletableFuture.supplyAsync} on a thread-per-task executor over the same
 *       factory;</li>
 *   <li>unbuffered pipe: {@link SynchronousQueue}, the JDK's rendezvous;</li>
 *   <li>buffered pipe: {@link ArrayBlockingQueue}, because a buffered channel is a bounded ring
 *       under one lock, which is what it is (a {@code LinkedBlockingQueue} allocates a node per
 *       message and splits the lock, a different algorithm);</li>
 *   <li>yield, sleep: {@code Thread.yield}, {@code Thread.sleep}. There is no safe point:
 *       virtual threads are never preempted and platform threads are preempted by the OS
 *       anywhere.</li>
 * </ul>
 *
 * The workloads that measure a JDK class itself (SynchronousQueue, LinkedTransferQueue and
 * Exchanger ping-pongs) do not go through the pipes: they use that class on every engine.
 */
public final class JdkEngine implements Engine {
    private final ThreadFactory threads;
    private final ExecutorService forkPool;
    /** What to close with the engine: the scheduler behind {@link #threads}, if it has one. */
    private final AutoCloseable scheduler;
    /** The first exception that escaped a task, rethrown by {@link #run} so a failure is never a number. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread.UncaughtExceptionHandler recordFailure = (t, e) -> failure.compareAndSet(null, e);

    /**
     * An engine on the threads of {@code threads}, which must be safe to call from several
     * threads at once (tasks start tasks concurrently); {@code scheduler} is closed with the
     * engine.
     */
    public JdkEngine(ThreadFactory threads, AutoCloseable scheduler) {
        this.threads = threads;
        this.forkPool = Executors.newThreadPerTaskExecutor(threads);
        this.scheduler = scheduler;
    }

    /** Virtual threads on the JDK's default scheduler. */
    public static JdkEngine virtualThreads() {
        // The builder's factory, not the builder: only the factory is thread-safe.
        return new JdkEngine(Thread.ofVirtual().name("bench-vt").factory(), () -> {});
    }

    /** Platform threads, one OS thread per task. */
    public static JdkEngine platformThreads() {
        return new JdkEngine(Thread.ofPlatform().name("bench-pt").factory(), () -> {});
    }

    @Override
    public void run(Runnable main) {
        joinQuietly(startThread(main));
        rethrowFailure();
    }

    @Override
    public void runOnPlatformThread(Runnable main) {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("runOnPlatformThread called from a virtual thread: it must start its tasks from a platform thread");
        }
        main.run();
        rethrowFailure();
    }

    @Override
    public Task start(Runnable body) {
        return new ThreadTask(startThread(body));
    }

    @Override
    public <T> Forked<T> fork(Supplier<T> body) {
        return CompletableFuture.supplyAsync(body, forkPool)::join;
    }

    @Override
    public Pipe unbuffered() {
        return new QueuePipe(new SynchronousQueue<>());
    }

    @Override
    public Pipe buffered(int capacity) {
        return new QueuePipe(new ArrayBlockingQueue<>(capacity));
    }

    @Override
    public void yieldNow() {
        Thread.yield();
    }

    @Override
    public void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    @Override
    public void safePoint() {}

    @Override
    public void close() {
        forkPool.close();
        try {
            scheduler.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the scheduler of a JDK engine failed: " + e, e);
        }
    }

    private Thread startThread(Runnable body) {
        Thread t = threads.newThread(body);
        t.setUncaughtExceptionHandler(recordFailure);
        t.start();
        return t;
    }

    private void rethrowFailure() {
        Throwable e = failure.get();
        if (e != null) {
            throw new IllegalStateException("a task failed: " + e, e);
        }
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    static IllegalStateException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new IllegalStateException("interrupted while running a workload", e);
    }

    private record ThreadTask(Thread thread) implements Task {
        @Override
        public void join() {
            joinQuietly(thread);
        }
    }

    private record QueuePipe(BlockingQueue<Object> q) implements Pipe {
        private static final Object POISON = new Object();

        @Override
        public void put(Object v) {
            try {
                q.put(v);
            } catch (InterruptedException e) {
                throw interrupted(e);
            }
        }

        @Override
        public Object take() {
            try {
                Object v = q.take();
                return v == POISON ? null : v;
            } catch (InterruptedException e) {
                throw interrupted(e);
            }
        }

        @Override
        public void closeFor(int consumers) {
            for (int i = 0; i < consumers; i++) {
                put(POISON);
            }
        }
    }
}
