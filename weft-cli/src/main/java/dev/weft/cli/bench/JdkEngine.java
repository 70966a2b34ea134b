package dev.weft.cli.bench;

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
 * The workloads on plain JDK threads, virtual (the default scheduler) or platform, with the
 * nearest idiomatic JDK tools: {@code Thread.Builder} start and {@code Thread.join},
 * {@code CompletableFuture} on a thread-per-task executor for fork-join,
 * {@code SynchronousQueue} for an unbuffered channel, {@code ArrayBlockingQueue} for a buffered
 * one, {@code Thread.yield} and {@code Thread.sleep}. There is no safe point: virtual threads
 * are never preempted and platform threads are preempted by the OS anywhere.
 */
final class JdkEngine implements Engine {
    /** A factory, not the builder: tasks start tasks concurrently and only the factory is thread-safe. */
    private final ThreadFactory threads;
    private final ExecutorService forkPool;
    /** The first exception that escaped a task, rethrown by {@link #run} so a failure is never a number. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private JdkEngine(Thread.Builder builder) {
        this.threads = builder.uncaughtExceptionHandler((t, e) -> failure.compareAndSet(null, e)).factory();
        this.forkPool = Executors.newThreadPerTaskExecutor(threads);
    }

    static JdkEngine virtualThreads() {
        return new JdkEngine(Thread.ofVirtual().name("bench-vt"));
    }

    static JdkEngine platformThreads() {
        return new JdkEngine(Thread.ofPlatform().name("bench-pt"));
    }

    @Override
    public void run(Runnable main) {
        Thread t = startThread(main);
        joinQuietly(t);
        Throwable e = failure.get();
        if (e != null) {
            throw new IllegalStateException("a task failed: " + e, e);
        }
    }

    @Override
    public Task start(Runnable body) {
        Thread t = startThread(body);
        return () -> joinQuietly(t);
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
    }

    private Thread startThread(Runnable body) {
        Thread t = threads.newThread(body);
        t.start();
        return t;
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    private static IllegalStateException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new IllegalStateException("interrupted", e);
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
