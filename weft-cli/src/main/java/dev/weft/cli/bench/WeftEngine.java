package dev.weft.cli.bench;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The workloads on one weft runtime, built fresh for each measured run (outside the timed
 * part) so that no runtime's idle carriers linger beside another peer's run: goroutines,
 * channels, {@code Go.yield}, {@code Go.sleep}, {@code Go.checkpoint} and priorities.
 */
final class WeftEngine implements Engine {
    private final Weft rt;

    WeftEngine(Weft.Builder builder) {
        this.rt = builder.name("bench").build();
    }

    @Override
    public void run(Runnable main) {
        rt.run(main);
    }

    @Override
    public Task start(Runnable body) {
        return Go.go(body)::join;
    }

    /** Priorities order goroutines under the PRIORITY policy; FIFO records and ignores them. */
    @Override
    public Task start(int priority, Runnable body) {
        return Go.go(priority, body)::join;
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
