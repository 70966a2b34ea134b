package dev.weft.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The scheduler core's costs, each measured for weft, JDK virtual threads on the default
 * scheduler and the minimal custom scheduler, at the same parallelism (the fork sets the JDK
 * scheduler's parallelism to {@code procs}).
 *
 * <ul>
 *   <li>{@code spawnJoin}: start a trivial thread and join it, in batches of 10,000 started
 *       from inside a thread of the peer, then all joined; time per thread.</li>
 *   <li>{@code pingPong}: park/unpark round trip between two threads; time per round trip.</li>
 *   <li>{@code yield2}, {@code yield1000}: {@code Thread.yield} (weft: {@code Go.yield}) with 2 or
 *       1,000 threads yielding in a loop; time per yield.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class SchedBench {
    static final int SPAWN_BATCH = 10_000;
    static final int ROUNDS = 100_000;
    static final int YIELDS = 200_000;

    @Param({"weft", "vthread", "floor"})
    public String peer;

    @Param({"1"})
    public int procs;

    private Peer p;

    @Setup(Level.Trial)
    public void setUp() {
        p = new Peer(peer, procs);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        p.close();
    }

    @Benchmark
    @OperationsPerInvocation(SPAWN_BATCH)
    @Fork(value = 1, jvmArgsAppend = "-Djdk.virtualThreadScheduler.parallelism=1")
    public int spawnJoin() throws InterruptedException {
        AtomicInteger ran = new AtomicInteger();
        p.run(() -> {
            Thread[] ts = new Thread[SPAWN_BATCH];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = p.start(ran::incrementAndGet);
            }
            for (Thread t : ts) {
                joinQuietly(t);
            }
        });
        return check(ran.get(), SPAWN_BATCH);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    @Fork(value = 1, jvmArgsAppend = "-Djdk.virtualThreadScheduler.parallelism=1")
    public int pingPong() throws InterruptedException {
        return pingPongOn(p);
    }

    @Benchmark
    @OperationsPerInvocation(YIELDS)
    @Fork(value = 1, jvmArgsAppend = "-Djdk.virtualThreadScheduler.parallelism=1")
    public int yield2() throws InterruptedException {
        return yieldOn(p, 2);
    }

    @Benchmark
    @OperationsPerInvocation(YIELDS)
    @Fork(value = 1, jvmArgsAppend = "-Djdk.virtualThreadScheduler.parallelism=1")
    public int yield1000() throws InterruptedException {
        return yieldOn(p, 1000);
    }

    static int pingPongOn(Peer p) throws InterruptedException {
        AtomicInteger turn = new AtomicInteger();
        AtomicInteger hops = new AtomicInteger();
        p.run(() -> {
            Thread ping = Thread.currentThread();
            Thread pong = p.start(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    while (turn.get() != 1) {
                        LockSupport.park();
                    }
                    turn.set(0);
                    hops.incrementAndGet();
                    LockSupport.unpark(ping);
                }
            });
            for (int i = 0; i < ROUNDS; i++) {
                turn.set(1);
                LockSupport.unpark(pong);
                while (turn.get() != 0) {
                    LockSupport.park();
                }
            }
            joinQuietly(pong);
        });
        return check(hops.get(), ROUNDS);
    }

    static int yieldOn(Peer p, int threads) throws InterruptedException {
        AtomicInteger yields = new AtomicInteger();
        int each = YIELDS / threads;
        p.run(() -> {
            Thread[] ts = new Thread[threads];
            for (int i = 0; i < threads; i++) {
                ts[i] = p.start(() -> {
                    for (int k = 0; k < each; k++) {
                        Thread.yield();
                    }
                    yields.addAndGet(each);
                });
            }
            for (Thread t : ts) {
                joinQuietly(t);
            }
        });
        return check(yields.get(), each * threads);
    }

    static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static int check(int got, int expected) {
        if (got != expected) {
            throw new IllegalStateException("benchmark self-check failed: " + got + " != " + expected);
        }
        return got;
    }
}
