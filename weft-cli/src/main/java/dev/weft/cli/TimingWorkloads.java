package dev.weft.cli;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.SchedulerStats;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * The demo's workloads about time: sleepers (how late timers fire) and the mixed workload (CPU
 * hogs, sleepers and a latency-sensitive ping-pong, with and without time slices).
 */
final class TimingWorkloads {
    private TimingWorkloads() {}

    /** Percentiles of a histogram of nanoseconds, in microseconds or milliseconds. */
    static String percentiles(Histogram h) {
        return String.format("p50 %s, p99 %s, max %s", human(h.getValueAtPercentile(50)),
                human(h.getValueAtPercentile(99)), human(h.getMaxValue()));
    }

    private static String human(long nanos) {
        return nanos >= 1_000_000 ? String.format("%.1f ms", nanos / 1e6) : String.format("%d µs", nanos / 1_000);
    }

    /** n goroutines each sleep 10 ms once; returns the lateness percentiles. */
    static String sleepers(Weft rt, int n) {
        long[] lateness = new long[n];
        AtomicInteger woke = new AtomicInteger();
        long sleep = Duration.ofMillis(10).toNanos();
        rt.run(() -> {
            Goroutine[] gs = new Goroutine[n];
            for (int i = 0; i < n; i++) {
                int k = i;
                gs[i] = Go.go(() -> {
                    long t0 = System.nanoTime();
                    Go.sleep(Duration.ofNanos(sleep));
                    lateness[k] = System.nanoTime() - t0 - sleep;
                    woke.incrementAndGet();
                });
            }
            for (Goroutine g : gs) {
                g.join();
            }
        });
        DemoCommand.check(woke.get() == n, "sleepers woke " + woke.get() + " != " + n);
        Histogram h = new Histogram(3);
        for (long l : lateness) {
            DemoCommand.check(l >= 0, "a sleeper woke early: " + l + " ns");
            h.recordValue(l);
        }
        return "lateness " + percentiles(h);
    }

    /** What one mixed run measured. */
    record MixedResult(Histogram roundTrips, SchedulerStats stats, long millis) {}

    /**
     * 2 × procs CPU hogs (each computes for hogMillis, reaching a safe point every iteration),
     * 1,000 goroutines sleeping 1 ms in a loop, and a ping-pong over unbuffered channels whose
     * round trips are timed, one every millisecond.
     */
    static MixedResult mixed(int procs, Duration timeslice, long hogMillis, int rounds) {
        Histogram h = new Histogram(3);
        long t0 = System.nanoTime();
        try (Weft rt = Weft.builder().procs(procs).timeslice(timeslice).name("mixed").build()) {
            rt.run(() -> {
                AtomicBoolean done = new AtomicBoolean();
                long hogNanos = hogMillis * 1_000_000;
                Goroutine[] hogs = new Goroutine[2 * procs];
                for (int i = 0; i < hogs.length; i++) {
                    hogs[i] = Go.go(() -> {
                        long start = System.nanoTime();
                        long x = 0;
                        while (System.nanoTime() - start < hogNanos) {
                            x += Long.numberOfTrailingZeros(x + start);
                            Go.checkpoint();
                        }
                        DemoCommand.check(x >= 0, "hog");
                    });
                }
                Goroutine[] sleepers = new Goroutine[1000];
                for (int i = 0; i < sleepers.length; i++) {
                    sleepers[i] = Go.go(() -> {
                        while (!done.get()) {
                            Go.sleep(Duration.ofMillis(1));
                        }
                    });
                }
                Chan<Long> ping = Chan.make();
                Chan<Long> pong = Chan.make();
                Goroutine echo = Go.go(() -> {
                    for (Long v : ping) {
                        pong.send(v);
                    }
                });
                for (long i = 0; i < rounds; i++) {
                    long s = System.nanoTime();
                    ping.send(i);
                    DemoCommand.check(pong.recv() == i, "ping-pong out of order");
                    h.recordValue(System.nanoTime() - s);
                    Go.sleep(Duration.ofMillis(1));
                }
                ping.close();
                done.set(true);
                echo.join();
                for (Goroutine g : sleepers) {
                    g.join();
                }
                for (Goroutine g : hogs) {
                    g.join();
                }
            });
            return new MixedResult(h, rt.stats(), (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
