package dev.weft.bench;

import dev.weft.workloads.Engine;
import dev.weft.workloads.Outcome;
import dev.weft.workloads.Workloads;
import java.util.concurrent.TimeUnit;
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
 * The JDK's rendezvous classes (issue 11), at parallelism 1 unless {@code procs} says
 * otherwise: a ping-pong through two
 * {@code SynchronousQueue}s ({@code put}/{@code take}), two {@code LinkedTransferQueue}s
 * ({@code transfer}/{@code take}) and two {@code Exchanger}s, the same JDK class on every peer
 * (weft M:N, weft N:1, virtual threads on the default scheduler, platform threads), so the
 * difference is the scheduler alone. Those classes spin before parking unless their carrier is
 * a {@code ForkJoinWorkerThread} with queued work, which the default scheduler's carriers are;
 * this is where a scheduler whose carriers are not shows it. Time per round trip (two
 * hand-offs); the catalogue's workloads, as in {@code weft bench}'s {@code sq-ping-pong},
 * {@code ltq-ping-pong} and {@code exchanger-ping-pong} rows.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "-Djdk.virtualThreadScheduler.parallelism=1"})
public class HandoffBench {
    /** Fewer than ChanBench's: a round trip that pays the whole spin takes tens of µs. */
    static final int ROUNDS = 10_000;

    @Param({"weft", "weft-n1", "vthread", "platform"})
    public String peer;

    /**
     * weft's procs (run with {@code -jvmArgsAppend -Djdk.virtualThreadScheduler.parallelism=N}
     * beside {@code -p procs=N} to give the default scheduler the same).
     */
    @Param({"1"})
    public int procs;

    private Engine engine;

    @Setup(Level.Trial)
    public void setUp() {
        engine = Engines.of(peer, procs);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public Outcome synchronousQueue() {
        return Workloads.synchronousQueuePingPong(engine, ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public Outcome transferQueue() {
        return Workloads.transferQueuePingPong(engine, ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public Outcome exchanger() {
        return Workloads.exchangerPingPong(engine, ROUNDS);
    }
}
