package dev.weft.cli;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.SchedulerStats;
import dev.weft.SchedulingPolicy;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * The demo's workloads about time: sleepers (how late timers fire), the mixed workload (CPU
 * hogs, sleepers and a latency-sensitive ping-pong, with and without time slices) and the
 * priority ping-pong (the same pair ahead of hogs under the PRIORITY policy).
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

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What one mixed run measured. */
    record MixedResult(Histogram roundTrips, SchedulerStats stats, long millis) {}

    /** Iterations of the hog loop per millisecond of CPU on this machine, measured once. */
    static long hogIterationsPerMilli() {
        long iterations = 0;
        long x = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < 50_000_000) {
            for (int i = 0; i < 1000; i++) {
                x += Long.numberOfTrailingZeros(x + i) + 1;
            }
            iterations += 1000;
        }
        DemoCommand.check(x > 0, "calibration");
        return Math.max(1, iterations / 50);
    }

    /**
     * 2 × procs CPU hogs (each does hogMillis of CPU work, reaching a safe point every 1,000
     * iterations) which are let take every processor first, then 1,000 goroutines sleeping 1 ms in
     * a loop and a ping-pong over unbuffered channels that sleeps 1 ms before each round trip;
     * what is recorded is the time beyond the sleep: waiting for a processor, plus the round trip.
     */
    static MixedResult mixed(int procs, Duration timeslice, long hogMillis, long itersPerMilli, int rounds) {
        Histogram h = new Histogram(3);
        long t0 = System.nanoTime();
        try (Weft rt = Weft.builder().procs(procs).timeslice(timeslice).name("mixed").build()) {
            rt.run(() -> {
                AtomicBoolean done = new AtomicBoolean();
                long work = hogMillis * itersPerMilli / 1000;
                Goroutine[] hogs = new Goroutine[2 * procs];
                CountDownLatch hogsOnEveryP = new CountDownLatch(procs);
                for (int i = 0; i < hogs.length; i++) {
                    hogs[i] = Go.go(() -> {
                        hogsOnEveryP.countDown();
                        DemoCommand.check(hog(work) > 0, "hog");
                    });
                }
                // Let the hogs take every processor before the latency-sensitive work starts.
                awaitQuietly(hogsOnEveryP);
                Goroutine[] sleepers = new Goroutine[1000];
                for (int i = 0; i < sleepers.length; i++) {
                    sleepers[i] = Go.go(() -> {
                        while (!done.get()) {
                            Go.sleep(Duration.ofMillis(1));
                        }
                    });
                }
                timedPingPong(h, rounds);
                done.set(true);
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

    /**
     * A high-priority ping-pong against 4 low-priority CPU hogs on {@code procs} processors: the
     * hogs (priority 2, a safe point every 1,000 iterations, {@code hogMillis} of work each) take
     * the processors first; then the pair (priority 24) sleeps 1 ms before each timed round trip.
     * Recorded: the time beyond the sleep. {@code policy} null runs the same on JDK virtual threads
     * (which have no priorities) with a SynchronousQueue pair.
     */
    static PriorityResult priorityPingPong(SchedulingPolicy policy, int procs, long hogMillis, long itersPerMilli,
                                           int rounds) {
        Histogram h = new Histogram(3);
        long work = hogMillis * itersPerMilli / 1000;
        long[] roundsNanos = new long[1];
        if (policy == null) {
            virtualPriorityPingPong(h, roundsNanos, procs, work, rounds);
            return new PriorityResult(h, roundsNanos[0] / 1_000_000);
        }
        try (Weft rt = Weft.builder().procs(procs).policy(policy).name("priority-" + policy).build()) {
            rt.run(() -> {
                Go.current().setPriority(24);
                CountDownLatch hogsOnEveryP = new CountDownLatch(procs);
                Goroutine[] hogs = new Goroutine[4];
                for (int i = 0; i < hogs.length; i++) {
                    hogs[i] = Go.go(2, () -> {
                        hogsOnEveryP.countDown();
                        DemoCommand.check(hog(work) > 0, "hog");
                    });
                }
                awaitQuietly(hogsOnEveryP);
                roundsNanos[0] = timedPingPong(h, rounds);
                for (Goroutine g : hogs) {
                    g.join();
                }
            });
        }
        return new PriorityResult(h, roundsNanos[0] / 1_000_000);
    }

    /**
     * From a goroutine: an echo goroutine and {@code rounds} round trips over unbuffered
     * channels, each after a 1 ms sleep; records in {@code h} the time beyond the sleep (how long
     * the pair waited for a processor, plus the round trip). Returns the time all rounds took.
     */
    private static long timedPingPong(Histogram h, int rounds) {
        Chan<Long> ping = Chan.make();
        Chan<Long> pong = Chan.make();
        Goroutine echo = Go.go(() -> {
            for (Long v : ping) {
                pong.send(v);
            }
        });
        long pause = Duration.ofMillis(1).toNanos();
        long start = System.nanoTime();
        for (long i = 0; i < rounds; i++) {
            long s = System.nanoTime();
            Go.sleep(Duration.ofNanos(pause));
            ping.send(i);
            DemoCommand.check(pong.recv() == i, "ping-pong out of order");
            h.recordValue(Math.max(0, System.nanoTime() - s - pause));
        }
        long elapsed = System.nanoTime() - start;
        ping.close();
        echo.join();
        return elapsed;
    }

    /** The round trips' latencies beyond the sleep, and how long all the rounds took from the first's start. */
    record PriorityResult(Histogram latency, long roundsMillis) {}

    /** {@code work} loops of 1,000 steps of integer work, with a safe point after each loop. */
    private static long hog(long work) {
        long x = 0;
        for (long k = 0; k < work; k++) {
            for (int j = 0; j < 1000; j++) {
                x += Long.numberOfTrailingZeros(x + j) + 1;
            }
            Go.checkpoint();
        }
        return x;
    }

    private static void virtualPriorityPingPong(Histogram h, long[] roundsNanos, int procs, long work, int rounds) {
        // The JDK's scheduler has as many carriers as processors by default; the hogs get no
        // priority and no safe points matter (Go.checkpoint is a no-op outside weft).
        CountDownLatch hogsOnEveryP = new CountDownLatch(procs);
        List<Thread> hogs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            hogs.add(Thread.ofVirtual().start(() -> {
                hogsOnEveryP.countDown();
                DemoCommand.check(hog(work) > 0, "hog");
            }));
        }
        awaitQuietly(hogsOnEveryP);
        SynchronousQueue<Long> ping = new SynchronousQueue<>();
        SynchronousQueue<Long> pong = new SynchronousQueue<>();
        long start = System.nanoTime();
        try {
            Thread pinger = Thread.ofVirtual().start(() -> {
                try {
                    long pause = Duration.ofMillis(1).toNanos();
                    for (long i = 0; i < rounds; i++) {
                        long s = System.nanoTime();
                        Thread.sleep(Duration.ofNanos(pause));
                        ping.put(i);
                        DemoCommand.check(pong.take() == i, "ping-pong out of order");
                        h.recordValue(Math.max(0, System.nanoTime() - s - pause));
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread echo = Thread.ofVirtual().start(() -> {
                try {
                    for (long i = 0; i < rounds; i++) {
                        pong.put(ping.take());
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            pinger.join();
            roundsNanos[0] = System.nanoTime() - start; // a pinger queued behind the hogs shows here
            echo.join();
            for (Thread t : hogs) {
                t.join();
            }
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
