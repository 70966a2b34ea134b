package dev.weft.workloads;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Exchanger;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The workloads, each written once against {@link Engine} so that every peer runs the same
 * algorithm. Sizes are arguments: {@link Sizes} holds {@code weft bench}'s (and validates the
 * demo's options), the JMH classes pass their own constants.
 *
 * <p>Invariants of every workload: it runs inside {@link Engine#run} (the
 * spawn-from-a-platform-thread one inside {@link Engine#runOnPlatformThread}) and times itself
 * from there, so a runtime's start and stop are not counted; it makes its channels and queues
 * inside that main task (weft's deadlock detection trusts only channels its goroutines made);
 * it checks its own result (a sum, a count, the ring's finisher, every sleeper late) and throws
 * {@link SelfCheckFailedException} when it is wrong, so a broken peer fails rather than
 * producing a fast wrong number; and it touches nothing static but the CPU loops' sink, so
 * workloads may run one after another on one engine.
 */
public final class Workloads {
    private Workloads() {}

    /** Tasks in the thread ring. */
    public static final int RING = 503;
    /** Messages each fan-in producer sends. */
    public static final int PER_PRODUCER = 100;
    /** Capacity of the fan-in pipe. */
    public static final int FAN_IN_CAPACITY = 1024;
    /** Fan-in consumers. */
    public static final int CONSUMERS = 4;
    /** Fork-join fib computes below this n sequentially, forks at and above it. */
    public static final int FIB_CUTOFF = 12;
    /** How long each sleeper sleeps. */
    public static final Duration SLEEP = Duration.ofMillis(10);
    /** Priorities of the mixed workload (0 lowest, 31 highest). */
    public static final int HOG_PRIORITY = 0;
    public static final int LATENCY_PRIORITY = 31;

    /** Where CPU loops leave their arithmetic, so the JIT cannot drop them as dead code. */
    private static final LongAdder SINK = new LongAdder();

    /** n trivial tasks, each adding its index to a sum, started from one task and joined. */
    public static Outcome spawn(Engine e, int n) {
        LongAdder sum = new LongAdder();
        long nanos = timed(e, () -> spawnAndJoin(e, n, sum));
        check("spawn sum", sum.sum(), sumBelow(n));
        return new Outcome(nanos, () -> "sum " + sum.sum());
    }

    /**
     * {@link #spawn}, but started and joined from a platform thread outside the engine, as a
     * program's main thread would: weft takes its path for foreign submissions (the global
     * queue and a wake-up each) instead of the starter's processor.
     */
    public static Outcome spawnFromPlatformThread(Engine e, int n) {
        LongAdder sum = new LongAdder();
        long[] nanos = new long[1];
        e.runOnPlatformThread(() -> {
            long t0 = System.nanoTime();
            spawnAndJoin(e, n, sum);
            nanos[0] = System.nanoTime() - t0;
        });
        check("spawn-from-platform-thread sum", sum.sum(), sumBelow(n));
        return new Outcome(nanos[0], () -> "sum " + sum.sum());
    }

    private static void spawnAndJoin(Engine e, int n, LongAdder sum) {
        Engine.Task[] ts = new Engine.Task[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            ts[i] = e.start(() -> sum.add(k));
        }
        for (Engine.Task t : ts) {
            t.join();
        }
    }

    /**
     * Skynet: {@code leaves} leaf tasks in a 10-ary tree; each leaf sends its number, each inner
     * node sums its ten children's values from its own unbuffered pipe and sends the sum up.
     *
     * @throws IllegalArgumentException if {@code leaves} is not a power of 10
     */
    public static Outcome skynet(Engine e, int leaves) {
        checkSkynetLeaves(leaves);
        long[] result = new long[1];
        long nanos = timed(e, () -> {
            Engine.Pipe top = e.unbuffered();
            e.start(() -> skynetNode(e, top, 0, leaves));
            result[0] = (Long) top.take();
        });
        check("skynet sum", result[0], sumBelow(leaves));
        return new Outcome(nanos, () -> "sum " + result[0]);
    }

    /** @throws IllegalArgumentException unless {@code leaves} is a power of 10, as skynet's tree needs */
    public static void checkSkynetLeaves(int leaves) {
        if (!isPowerOf10(leaves)) {
            throw new IllegalArgumentException("the skynet size must be a power of 10 (1, 10, 100, ...), not " + leaves);
        }
    }

    private static boolean isPowerOf10(int n) {
        if (n < 1) {
            return false;
        }
        while (n % 10 == 0) {
            n /= 10;
        }
        return n == 1;
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
    public static Outcome pingPong(Engine e, int rounds) {
        return rendezvousPingPong(e, "ping-pong", rounds, () -> new PipeRendezvous(e.unbuffered()));
    }

    /**
     * Round trips through two {@link SynchronousQueue}s ({@code put}/{@code take}), the same
     * JDK class on every engine, so the difference between peers is their scheduler alone
     * (including whether the JDK's spin-before-park pays off on its carriers).
     */
    public static Outcome synchronousQueuePingPong(Engine e, int rounds) {
        return rendezvousPingPong(e, "SynchronousQueue ping-pong", rounds,
                () -> new QueueRendezvous(new SynchronousQueue<>()));
    }

    /** Round trips through two {@link LinkedTransferQueue}s ({@code transfer}/{@code take}), on every engine. */
    public static Outcome transferQueuePingPong(Engine e, int rounds) {
        return rendezvousPingPong(e, "LinkedTransferQueue ping-pong", rounds,
                () -> new TransferRendezvous(new LinkedTransferQueue<>()));
    }

    /**
     * Round trips through two {@link Exchanger}s, on every engine: a hand-off is one exchange,
     * the sender giving the value and the receiver null, so a round trip is two exchanges as
     * it is two hand-offs on the queues.
     */
    public static Outcome exchangerPingPong(Engine e, int rounds) {
        return rendezvousPingPong(e, "Exchanger ping-pong", rounds, () -> new ExchangerRendezvous(new Exchanger<>()));
    }

    /** One-way blocking hand-off of a value from one task to another. */
    private interface Rendezvous {
        void give(Object v) throws InterruptedException;

        Object take() throws InterruptedException;
    }

    private record PipeRendezvous(Engine.Pipe p) implements Rendezvous {
        @Override
        public void give(Object v) {
            p.put(v);
        }

        @Override
        public Object take() {
            return p.take();
        }
    }

    private record QueueRendezvous(SynchronousQueue<Object> q) implements Rendezvous {
        @Override
        public void give(Object v) throws InterruptedException {
            q.put(v);
        }

        @Override
        public Object take() throws InterruptedException {
            return q.take();
        }
    }

    private record TransferRendezvous(LinkedTransferQueue<Object> q) implements Rendezvous {
        @Override
        public void give(Object v) throws InterruptedException {
            q.transfer(v);
        }

        @Override
        public Object take() throws InterruptedException {
            return q.take();
        }
    }

    private record ExchangerRendezvous(Exchanger<Object> x) implements Rendezvous {
        @Override
        public void give(Object v) throws InterruptedException {
            x.exchange(v);
        }

        @Override
        public Object take() throws InterruptedException {
            return x.exchange(null);
        }
    }

    /**
     * The ping-pong every rendezvous shares: an echo task takes from "ping" and gives to "pong",
     * the main task gives {@code i & 127} and takes it back; the values taken back are summed
     * and checked. The rendezvous are made inside the main task: weft's deadlock detection
     * trusts only channels made by the runtime's own goroutines.
     */
    private static Outcome rendezvousPingPong(Engine e, String what, int rounds, Supplier<Rendezvous> make) {
        long[] sum = new long[1];
        long nanos = timed(e, () -> {
            Rendezvous ping = make.get();
            Rendezvous pong = make.get();
            try {
                Engine.Task echo = e.start(() -> {
                    try {
                        for (int i = 0; i < rounds; i++) {
                            pong.give(ping.take());
                        }
                    } catch (InterruptedException ex) {
                        throw JdkEngine.interrupted(ex);
                    }
                });
                long s = 0;
                for (int i = 0; i < rounds; i++) {
                    ping.give(i & 127);
                    s += (Integer) pong.take();
                }
                echo.join();
                sum[0] = s;
            } catch (InterruptedException ex) {
                throw JdkEngine.interrupted(ex);
            }
        });
        check(what + " sum", sum[0], (long) (rounds / 128) * sumBelow(128) + sumBelow(rounds % 128));
        return new Outcome(nanos, () -> rounds + " round trips");
    }

    /**
     * Two tasks hand a turn back and forth with {@code LockSupport.park}/{@code unpark} and an
     * atomic turn: the scheduler's switch alone, no queue or channel in between.
     */
    public static Outcome parkPingPong(Engine e, int rounds) {
        AtomicInteger turn = new AtomicInteger();
        long[] hops = new long[1];
        long nanos = timed(e, () -> {
            Thread ping = Thread.currentThread();
            Engine.Task pong = e.start(() -> {
                for (int i = 0; i < rounds; i++) {
                    while (turn.get() != 1) {
                        LockSupport.park();
                    }
                    turn.set(0);
                    hops[0]++;
                    LockSupport.unpark(ping);
                }
            });
            for (int i = 0; i < rounds; i++) {
                turn.set(1);
                LockSupport.unpark(pong.thread());
                while (turn.get() != 0) {
                    LockSupport.park();
                }
            }
            pong.join();
        });
        check("park ping-pong hops", hops[0], rounds);
        return new Outcome(nanos, () -> rounds + " round trips");
    }

    /**
     * The thread ring: task i takes from pipe i and puts the token less one into pipe i+1; the
     * task that takes 0 is the finisher (expected: {@code hops % 503}). It then sends a stop
     * value -(finisher+1) round the ring, which every task forwards once and exits on, except
     * the finisher's predecessor, which has no one left to forward it to.
     */
    public static Outcome ring(Engine e, int hops) {
        AtomicInteger finisher = new AtomicInteger(-1);
        long nanos = timed(e, () -> {
            Engine.Pipe[] ps = new Engine.Pipe[RING];
            for (int i = 0; i < ps.length; i++) {
                ps[i] = e.unbuffered();
            }
            Engine.Task[] ts = new Engine.Task[RING];
            for (int i = 0; i < ts.length; i++) {
                int id = i;
                int next = (i + 1) % RING;
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
        check("ring finisher", finisher.get(), hops % RING);
        return new Outcome(nanos, () -> "finisher " + finisher.get());
    }

    /** {@code producers} x 100 messages into one buffered pipe (capacity 1,024), 4 consumers; count and sum checked. */
    public static Outcome fanIn(Engine e, int producers) {
        LongAdder sum = new LongAdder();
        LongAdder count = new LongAdder();
        long nanos = timed(e, () -> {
            Engine.Pipe q = e.buffered(FAN_IN_CAPACITY);
            Engine.Task[] consumers = new Engine.Task[CONSUMERS];
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
                int base = i * PER_PRODUCER;
                ps[i] = e.start(() -> {
                    for (int k = 0; k < PER_PRODUCER; k++) {
                        q.put(base + k);
                    }
                });
            }
            for (Engine.Task t : ps) {
                t.join();
            }
            q.closeFor(CONSUMERS);
            for (Engine.Task t : consumers) {
                t.join();
            }
        });
        long n = (long) producers * PER_PRODUCER;
        check("fan-in count", count.sum(), n);
        check("fan-in sum", sum.sum(), sumBelow(n));
        return new Outcome(nanos, () -> n + " messages, sum " + sum.sum());
    }

    /** Fork-join fib(n): each call of n >= the cutoff forks fib(n-1) and computes fib(n-2) itself. */
    public static Outcome fib(Engine e, int n) {
        long[] result = new long[1];
        long nanos = timed(e, () -> result[0] = fibForked(e, n));
        check("fib(" + n + ")", result[0], fibSequential(n));
        return new Outcome(nanos, () -> "fib = " + result[0]);
    }

    private static long fibForked(Engine e, int n) {
        if (n < FIB_CUTOFF) {
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
    public static long fibTasks(int n) {
        long below = 0;
        long at = 0;
        // tasks(k) = 0 below the cutoff, else 1 + tasks(k-1) + tasks(k-2): walk k up to n.
        for (int k = FIB_CUTOFF; k <= n; k++) {
            long next = 1 + at + below;
            below = at;
            at = next;
        }
        return at;
    }

    /**
     * n tasks each sleep 10 ms once, started from one task and joined; every one must wake,
     * none early. The result is how late they woke.
     */
    public static Outcome sleepers(Engine e, int n) {
        long sleep = SLEEP.toNanos();
        long[] lateness = new long[n];
        LongAdder woke = new LongAdder();
        long nanos = timed(e, () -> {
            Engine.Task[] ts = new Engine.Task[n];
            for (int i = 0; i < n; i++) {
                int k = i;
                ts[i] = e.start(() -> {
                    long t0 = System.nanoTime();
                    e.sleep(SLEEP);
                    lateness[k] = System.nanoTime() - t0 - sleep;
                    woke.increment();
                });
            }
            for (Engine.Task t : ts) {
                t.join();
            }
        });
        check("sleepers woken", woke.sum(), n);
        check("sleepers woken early", Arrays.stream(lateness).filter(l -> l < 0).count(), 0);
        return new Outcome(nanos, () -> "lateness " + Latency.of(lateness, n, nanos));
    }

    /** The yields {@link #yields} does: {@code yields} shared evenly among the tasks. */
    public static long yieldsDone(int tasks, int yields) {
        return (long) tasks * Math.max(1, yields / tasks);
    }

    /** {@code tasks} tasks yield in a loop, {@link #yieldsDone} yields in all. */
    public static Outcome yields(Engine e, int tasks, int yields) {
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
        return new Outcome(nanos, () -> done.sum() + " yields");
    }

    /**
     * The mixed latency workload: a ping-pong pair at priority 31 doing {@code rounds} round
     * trips, sleeping 1 ms before each, beside {@code hogs} CPU hogs at priority 0 (a safe point
     * every 1,000 steps) that take the processors while it first sleeps. The latency of a round
     * is the time beyond the sleep (waiting for a processor, plus the round trip), recorded with
     * coordinated-omission correction (expected interval 1 ms): a round stuck behind a hog for
     * 400 ms also counts the ~400 rounds a 1 ms schedule would have made meanwhile, so a peer
     * that stalls once cannot hide it behind its quick rounds. The hogs stop when the ping-pong
     * is done, or {@code hogLimit} after they started, so a peer that never preempts them still
     * finishes (its latency then reads as about {@code hogLimit}).
     */
    public static Latency mixed(Engine e, int rounds, int hogs, Duration hogLimit) {
        Latency.Recorder latencies = new Latency.Recorder();
        long pause = Duration.ofMillis(1).toNanos();
        int[] outOfOrder = new int[1];
        long[] roundsNanos = new long[1];
        e.run(() -> {
            AtomicBoolean done = new AtomicBoolean();
            long deadline = System.nanoTime() + hogLimit.toNanos();
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
                long start = System.nanoTime();
                for (int i = 0; i < rounds; i++) {
                    long s = System.nanoTime();
                    e.sleep(Duration.ofNanos(pause));
                    ping.put(i & 127);
                    if ((Integer) pong.take() != (i & 127)) {
                        outOfOrder[0]++;
                    }
                    latencies.recordWithExpectedInterval(Math.max(0, System.nanoTime() - s - pause), pause);
                }
                roundsNanos[0] = System.nanoTime() - start;
            });
            Engine.Task[] ts = new Engine.Task[hogs];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = e.start(HOG_PRIORITY, () -> {
                    long x = 0;
                    while (!done.get() && System.nanoTime() < deadline) {
                        x = thousandSteps(x);
                        e.safePoint();
                    }
                    SINK.add(x);
                });
            }
            pinger.join();
            done.set(true);
            echo.join();
            for (Engine.Task t : ts) {
                t.join();
            }
        });
        check("mixed rounds out of order", outOfOrder[0], 0);
        if (latencies.count() < rounds) {
            throw new SelfCheckFailedException("mixed latencies recorded (at least)", latencies.count(), rounds);
        }
        return latencies.summary(roundsNanos[0]);
    }

    /**
     * {@code workers} tasks share {@code loops} loops of 1,000 steps of integer work, a safe
     * point after each loop: CPU-bound work, to see how it spreads over the processors.
     */
    public static Outcome cpuWork(Engine e, int workers, long loops) {
        LongAdder done = new LongAdder();
        long nanos = timed(e, () -> {
            Engine.Task[] ts = new Engine.Task[workers];
            for (int w = 0; w < workers; w++) {
                int id = w;
                ts[w] = e.start(() -> {
                    long x = 0;
                    long n = 0;
                    for (long k = id; k < loops; k += workers) {
                        x = thousandSteps(x);
                        e.safePoint();
                        n++;
                    }
                    SINK.add(x);
                    done.add(n);
                });
            }
            for (Engine.Task t : ts) {
                t.join();
            }
        });
        check("cpu work loops", done.sum(), loops);
        return new Outcome(nanos, () -> loops + " loops on " + workers + " tasks");
    }

    /** Loops of the CPU workloads' 1,000 steps per millisecond on this machine, measured over 50 ms. */
    public static long loopsPerMilli() {
        long loops = 0;
        long x = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < 50_000_000) {
            x = thousandSteps(x);
            loops++;
        }
        SINK.add(x);
        return Math.max(1, loops / 50);
    }

    /** The CPU hogs' unit of work: 1,000 dependent integer steps the JIT cannot fold. */
    private static long thousandSteps(long x) {
        for (int j = 0; j < 1000; j++) {
            x += Long.numberOfTrailingZeros(x + j) + 1;
        }
        return x;
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
            throw new SelfCheckFailedException(what, got, expected);
        }
    }
}
