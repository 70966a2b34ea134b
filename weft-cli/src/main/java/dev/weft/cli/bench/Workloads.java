package dev.weft.cli.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * The workloads, written once against {@link Engine} so that every peer runs the same
 * algorithm. Each runs inside {@link Engine#run}, times itself from inside its main task (so
 * a runtime's start and stop are not counted), checks its own result (a sum, a count, a
 * finisher) and throws {@link IllegalStateException} when it is wrong: a broken peer fails
 * rather than producing a fast wrong number. Each returns the nanoseconds it measured.
 */
final class Workloads {
    private Workloads() {}

    /** Priorities of the mixed workload (0 lowest, 31 highest). */
    static final int HOG_PRIORITY = 0;
    static final int LATENCY_PRIORITY = 31;

    /** n trivial tasks, each adding its index to a sum, started from one task and joined. */
    static long spawn(Engine e, int n) {
        LongAdder sum = new LongAdder();
        long nanos = timed(e, () -> {
            Engine.Task[] ts = new Engine.Task[n];
            for (int i = 0; i < n; i++) {
                int k = i;
                ts[i] = e.start(() -> sum.add(k));
            }
            for (Engine.Task t : ts) {
                t.join();
            }
        });
        check("spawn sum", sum.sum(), sumBelow(n));
        return nanos;
    }

    /**
     * Skynet: {@code leaves} leaf tasks in a 10-ary tree; each leaf sends its number, each inner
     * node sums its ten children's values from its own unbuffered pipe and sends the sum up.
     */
    static long skynet(Engine e, int leaves) {
        long[] result = new long[1];
        long nanos = timed(e, () -> {
            Engine.Pipe top = e.unbuffered();
            e.start(() -> skynetNode(e, top, 0, leaves));
            result[0] = (Long) top.take();
        });
        check("skynet sum", result[0], sumBelow(leaves));
        return nanos;
    }

    private static void skynetNode(Engine e, Engine.Pipe up, long num, int size) {
        if (size == 1) {
            up.put(num);
            return;
        }
        Engine.Pipe children = e.unbuffered();
        int sub = size / 10;
        for (int i = 0; i < 10; i++) {
            long n = num + (long) i * sub;
            e.start(() -> skynetNode(e, children, n, sub));
        }
        long sum = 0;
        for (int i = 0; i < 10; i++) {
            sum += (Long) children.take();
        }
        up.put(sum);
    }

    /** Round trips over two unbuffered pipes; the echoed values (cached Integers, no allocation) are summed. */
    static long pingPong(Engine e, int rounds) {
        long[] sum = new long[1];
        long nanos = timed(e, () -> {
            Engine.Pipe ping = e.unbuffered();
            Engine.Pipe pong = e.unbuffered();
            Engine.Task echo = e.start(() -> {
                for (int i = 0; i < rounds; i++) {
                    pong.put(ping.take());
                }
            });
            long s = 0;
            for (int i = 0; i < rounds; i++) {
                ping.put(i & 127);
                s += (Integer) pong.take();
            }
            echo.join();
            sum[0] = s;
        });
        check("ping-pong sum", sum[0], (long) (rounds / 128) * sumBelow(128) + sumBelow(rounds % 128));
        return nanos;
    }

    /**
     * The thread ring: task i takes from pipe i and puts the token less one into pipe i+1; the
     * task that takes 0 is the finisher (expected: {@code hops % 503}). It then sends a stop
     * value -(finisher+1) round the ring, which every task forwards once and exits on, except
     * the finisher's predecessor, which has no one left to forward it to.
     */
    static long ring(Engine e, int hops) {
        AtomicInteger finisher = new AtomicInteger(-1);
        long nanos = timed(e, () -> {
            Engine.Pipe[] ps = new Engine.Pipe[Sizes.RING];
            for (int i = 0; i < ps.length; i++) {
                ps[i] = e.unbuffered();
            }
            Engine.Task[] ts = new Engine.Task[Sizes.RING];
            for (int i = 0; i < ts.length; i++) {
                int id = i;
                int next = (i + 1) % Sizes.RING;
                Engine.Pipe in = ps[i];
                Engine.Pipe out = ps[next];
                ts[i] = e.start(() -> {
                    for (;;) {
                        int v = (Integer) in.take();
                        if (v > 0) {
                            out.put(v - 1);
                        } else if (v == 0) {
                            finisher.set(id);
                            out.put(-(id + 1));
                            return;
                        } else {
                            if (next != -v - 1) {
                                out.put(v);
                            }
                            return;
                        }
                    }
                });
            }
            ps[0].put(hops);
            for (Engine.Task t : ts) {
                t.join();
            }
        });
        check("ring finisher", finisher.get(), hops % Sizes.RING);
        return nanos;
    }

    /** {@code producers} x 100 messages into one buffered pipe (capacity 1,024), 4 consumers; count and sum checked. */
    static long fanIn(Engine e, int producers) {
        LongAdder sum = new LongAdder();
        LongAdder count = new LongAdder();
        long nanos = timed(e, () -> {
            Engine.Pipe q = e.buffered(Sizes.FAN_IN_CAPACITY);
            Engine.Task[] consumers = new Engine.Task[Sizes.CONSUMERS];
            for (int c = 0; c < consumers.length; c++) {
                consumers[c] = e.start(() -> {
                    long s = 0;
                    long n = 0;
                    for (Object v; (v = q.take()) != null; ) {
                        s += (Integer) v;
                        n++;
                    }
                    sum.add(s);
                    count.add(n);
                });
            }
            Engine.Task[] ps = new Engine.Task[producers];
            for (int i = 0; i < producers; i++) {
                int base = i * Sizes.PER_PRODUCER;
                ps[i] = e.start(() -> {
                    for (int k = 0; k < Sizes.PER_PRODUCER; k++) {
                        q.put(base + k);
                    }
                });
            }
            for (Engine.Task t : ps) {
                t.join();
            }
            q.closeFor(Sizes.CONSUMERS);
            for (Engine.Task t : consumers) {
                t.join();
            }
        });
        long n = (long) producers * Sizes.PER_PRODUCER;
        check("fan-in count", count.sum(), n);
        check("fan-in sum", sum.sum(), sumBelow(n));
        return nanos;
    }

    /** Fork-join fib(n): each call of n >= the cutoff forks fib(n-1) and computes fib(n-2) itself. */
    static long fib(Engine e, int n) {
        long[] result = new long[1];
        long nanos = timed(e, () -> result[0] = fibForked(e, n));
        check("fib(" + n + ")", result[0], fibSequential(n));
        return nanos;
    }

    private static long fibForked(Engine e, int n) {
        if (n < Sizes.FIB_CUTOFF) {
            return fibSequential(n);
        }
        Engine.Forked<Long> left = e.fork(() -> fibForked(e, n - 1));
        long right = fibForked(e, n - 2);
        return left.join() + right;
    }

    private static long fibSequential(int n) {
        long a = 0;
        long b = 1;
        for (int i = 0; i < n; i++) {
            long t = a + b;
            a = b;
            b = t;
        }
        return a;
    }

    /** Tasks that fork-join fib(n) forks: one per call of n >= the cutoff. */
    static long fibTasks(int n) {
        long below = 0;
        long at = 0;
        // tasks(k) = 0 below the cutoff, else 1 + tasks(k-1) + tasks(k-2): walk k up to n.
        for (int k = Sizes.FIB_CUTOFF; k <= n; k++) {
            long next = 1 + at + below;
            below = at;
            at = next;
        }
        return at;
    }

    /** n tasks each sleep 10 ms once; every one must wake, none early. */
    static long sleepers(Engine e, int n) {
        AtomicInteger woke = new AtomicInteger();
        AtomicInteger early = new AtomicInteger();
        Duration d = Duration.ofMillis(Sizes.SLEEP_MILLIS);
        long nanos = timed(e, () -> {
            Engine.Task[] ts = new Engine.Task[n];
            for (int i = 0; i < n; i++) {
                ts[i] = e.start(() -> {
                    long t0 = System.nanoTime();
                    e.sleep(d);
                    if (System.nanoTime() - t0 < d.toNanos()) {
                        early.incrementAndGet();
                    }
                    woke.incrementAndGet();
                });
            }
            for (Engine.Task t : ts) {
                t.join();
            }
        });
        check("sleepers woken", woke.get(), n);
        check("sleepers woken early", early.get(), 0);
        return nanos;
    }

    /** The yields {@link #yields} does: {@code yields} shared evenly among the tasks. */
    static long yieldsDone(int tasks, int yields) {
        return (long) tasks * Math.max(1, yields / tasks);
    }

    /** {@code tasks} tasks yield in a loop, {@link #yieldsDone} yields in all. */
    static long yields(Engine e, int tasks, int yields) {
        int each = Math.max(1, yields / tasks);
        LongAdder done = new LongAdder();
        long nanos = timed(e, () -> {
            Engine.Task[] ts = new Engine.Task[tasks];
            for (int i = 0; i < tasks; i++) {
                ts[i] = e.start(() -> {
                    for (int k = 0; k < each; k++) {
                        e.yieldNow();
                    }
                    done.add(each);
                });
            }
            for (Engine.Task t : ts) {
                t.join();
            }
        });
        check("yields done", done.sum(), yieldsDone(tasks, yields));
        return nanos;
    }

    /** Where the hogs leave their arithmetic, so the JIT cannot drop the loop as dead code. */
    private static final LongAdder HOG_SINK = new LongAdder();

    /** CPU hogs in the mixed workload: two per processor, so every processor has one waiting. */
    static int hogs() {
        return 2 * Runtime.getRuntime().availableProcessors();
    }

    /**
     * The mixed latency workload: a ping-pong pair at priority 31 doing {@code rounds} round
     * trips, sleeping 1 ms before each, beside {@link #hogs()} CPU hogs at priority 0 (a safe
     * point every 1,000 iterations) that take every processor while it first sleeps. The latency of a round is the
     * time beyond the sleep (waiting for a processor, plus the round trip), recorded with
     * HdrHistogram's coordinated-omission correction (expected interval 1 ms): a round stuck
     * behind a hog for 400 ms also counts the ~400 rounds that a 1 ms schedule would have
     * made meanwhile, so a peer that stalls once cannot hide it behind 199 quick rounds.
     * The hogs stop when the ping-pong is done, or at the latest 2 ms per round (plus 100 ms)
     * after they started, so a peer that never preempts them still finishes.
     * Returns the p99 latency in nanoseconds.
     */
    static long mixed(Engine e, int rounds) {
        Histogram h = new Histogram(3);
        long pause = Duration.ofMillis(1).toNanos();
        int[] outOfOrder = new int[1];
        e.run(() -> {
            AtomicBoolean done = new AtomicBoolean();
            long deadline = System.nanoTime() + Duration.ofMillis(100L + 2L * rounds).toNanos();
            Engine.Pipe ping = e.unbuffered();
            Engine.Pipe pong = e.unbuffered();
            Engine.Task echo = e.start(LATENCY_PRIORITY, () -> {
                for (int i = 0; i < rounds; i++) {
                    pong.put(ping.take());
                }
            });
            // Started before the hogs but asleep (1 ms) while they take every processor: its
            // first wake-up already competes with them.
            Engine.Task pinger = e.start(LATENCY_PRIORITY, () -> {
                for (int i = 0; i < rounds; i++) {
                    long s = System.nanoTime();
                    e.sleep(Duration.ofNanos(pause));
                    ping.put(i & 127);
                    if ((Integer) pong.take() != (i & 127)) {
                        outOfOrder[0]++;
                    }
                    h.recordValueWithExpectedInterval(Math.max(0, System.nanoTime() - s - pause), pause);
                }
            });
            Engine.Task[] hogs = new Engine.Task[hogs()];
            for (int i = 0; i < hogs.length; i++) {
                hogs[i] = e.start(HOG_PRIORITY, () -> {
                    long x = 0;
                    while (!done.get() && System.nanoTime() < deadline) {
                        for (int j = 0; j < 1000; j++) {
                            x += Long.numberOfTrailingZeros(x + j) + 1;
                        }
                        e.safePoint();
                    }
                    HOG_SINK.add(x);
                });
            }
            pinger.join();
            done.set(true);
            echo.join();
            for (Engine.Task t : hogs) {
                t.join();
            }
        });
        check("mixed rounds out of order", outOfOrder[0], 0);
        if (h.getTotalCount() < rounds) {
            throw new IllegalStateException("mixed: " + h.getTotalCount() + " latencies recorded, expected at least " + rounds);
        }
        return h.getValueAtPercentile(99);
    }

    /** Runs {@code main} on the engine and returns the nanoseconds it took, timed inside the main task. */
    private static long timed(Engine e, Runnable main) {
        long[] nanos = new long[1];
        e.run(() -> {
            long t0 = System.nanoTime();
            main.run();
            nanos[0] = System.nanoTime() - t0;
        });
        return nanos[0];
    }

    private static long sumBelow(long n) {
        return n * (n - 1) / 2;
    }

    private static void check(String what, long got, long expected) {
        if (got != expected) {
            throw new IllegalStateException("bench self-check failed: " + what + " = " + got + ", expected " + expected);
        }
    }
}
