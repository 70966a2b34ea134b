package dev.weft.workloads;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The workloads on one weft runtime, which this engine builds, owns and closes: goroutines
 * ({@code Go.go}; {@code Weft.go} from the platform thread of {@link #runOnPlatformThread}),
 * channels for pipes, {@code Go.yield}, {@code Go.sleep}, {@code Go.checkpoint} and
 * priorities. The runtime's uncaught-exception handler is the engine's: it records the first
 * failure of any goroutine for {@link #run} to rethrow. {@code weft bench} builds one per
 * measured run, outside the timed part, so that no runtime's idle carriers linger beside
 * another peer's run; a JMH trial or the demo runs several workloads on one.
 */
public final class WeftEngine implements Engine {
    private final Weft rt;
    /** The first exception that escaped a goroutine, rethrown by run so a failure is never a number. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    /**
     * The platform thread inside {@link #runOnPlatformThread}, if any. Written and compared by
     * that thread itself; any other thread reads a value that is not itself, which is all it needs.
     */
    private Thread outsideCaller;

    /** Builds the runtime from {@code builder}, whose uncaught-exception handler this engine takes over. */
    public WeftEngine(Weft.Builder builder) {
        this.rt = builder.uncaughtExceptionHandler((g, t) -> failure.compareAndSet(null, t)).build();
    }

    /** The runtime, for callers that read its counters around a workload (the demo). */
    public Weft runtime() {
        return rt;
    }

    @Override
    public void run(Runnable main) {
        rt.run(main);
        rethrowFailure();
    }

    @Override
    public void runOnPlatformThread(Runnable main) {
        if (Go.current() != null) {
            throw new IllegalStateException("runOnPlatformThread called from a goroutine: it must start its tasks from outside");
        }
        outsideCaller = Thread.currentThread();
        try {
            main.run();
        } finally {
            outsideCaller = null;
        }
        rethrowFailure();
    }

    @Override
    public Task start(Runnable body) {
        // From outside, Weft.go (the global queue); inside, Go.go, which also honours a pending
        // preemption request at once, as Go's newproc does.
        return new GoroutineTask(Thread.currentThread() == outsideCaller ? rt.go(body) : Go.go(body));
    }

    /** Priorities order goroutines under the PRIORITY policy; FIFO records and ignores them. */
    @Override
    public Task start(int priority, Runnable body) {
        return new GoroutineTask(Thread.currentThread() == outsideCaller ? rt.go(priority, body) : Go.go(priority, body));
    }

    @Override
    public <T> Forked<T> fork(Supplier<T> body) {
        Object[] out = new Object[1];
        Goroutine g = Go.go(() -> out[0] = body.get());
        return () -> {
            g.join();
            @SuppressWarnings("unchecked")
            T v = (T) out[0];
            return v;
        };
    }

    @Override
    public Pipe unbuffered() {
        return new ChanPipe(Chan.make());
    }

    @Override
    public Pipe buffered(int capacity) {
        return new ChanPipe(Chan.make(capacity));
    }

    @Override
    public void yieldNow() {
        Go.yield();
    }

    @Override
    public void sleep(Duration d) {
        Go.sleep(d);
    }

    @Override
    public void safePoint() {
        Go.checkpoint();
    }

    @Override
    public void close() {
        rt.close();
    }

    private void rethrowFailure() {
        Throwable t = failure.get();
        if (t != null) {
            throw new IllegalStateException("a goroutine of " + rt.name() + " failed: " + t, t);
        }
    }

    private record GoroutineTask(Goroutine g) implements Task {
        @Override
        public void join() {
            g.join();
        }

        @Override
        public Thread thread() {
            return g.thread();
        }
    }

    private record ChanPipe(Chan<Object> ch) implements Pipe {
        @Override
        public void put(Object v) {
            ch.send(v);
        }

        @Override
        public Object take() {
            return ch.recv();
        }

        @Override
        public void closeFor(int consumers) {
            ch.close();
        }
    }
}
