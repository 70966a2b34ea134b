package dev.weft.bench;

import dev.weft.Go;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sleepers (issue 4): 100,000 threads each sleep 10 ms once, all started from one thread of the
 * peer and joined; wall time per run. weft sleeps with {@code Go.sleep} on its per-P timer heaps,
 * JDK virtual threads with {@code Thread.sleep} on the default scheduler (its delay queue), both
 * at parallelism 2 (the machine's cores). The lower bound is 10 ms plus spawning 100,000 threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Djdk.virtualThreadScheduler.parallelism=2")
public class SleepBench {
    static final int SLEEPERS = 100_000;

    @Param({"weft", "vthread"})
    public String peer;

    private Peer p;

    @Setup(Level.Trial)
    public void setUp() {
        p = new Peer(peer, 2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        p.close();
    }

    @Benchmark
    public int sleepers() throws InterruptedException {
        AtomicInteger woke = new AtomicInteger();
        boolean weft = peer.startsWith("weft");
        p.run(() -> {
            Thread[] ts = new Thread[SLEEPERS];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = p.start(() -> {
                    if (weft) {
                        Go.sleep(Duration.ofMillis(10));
                    } else {
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    woke.incrementAndGet();
                });
            }
            for (Thread t : ts) {
                SchedBench.joinQuietly(t);
            }
        });
        return SchedBench.check(woke.get(), SLEEPERS);
    }
}
