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
 * The scheduler core's costs, each measured for weft, JDK virtual threads on the default
 * scheduler and the minimal custom scheduler, at the same parallelism (the fork sets the JDK
 * scheduler's parallelism to {@code procs}), with the catalogue's workloads ({@link Workloads},
 * the same code as {@code weft bench}).
 *
 * <ul>
 *   <li>{@code spawnJoin}: start a trivial thread and join it, in batches of 10,000 started
 *       from inside a thread of the peer, then all joined; time per thread.</li>
 *   <li>{@code spawnJoinFromPlatformThread}: the same batches started and joined from a
 *       platform thread outside the peer (weft: {@code Weft.go}, the global queue).</li>
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
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "-Djdk.virtualThreadScheduler.parallelism=1"})
public class SchedBench {
    static final int SPAWN_BATCH = 10_000;
    static final int ROUNDS = 100_000;
    static final int YIELDS = 200_000;

    @Param({"weft", "vthread", "floor"})
    public String peer;

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
    @OperationsPerInvocation(SPAWN_BATCH)
    public Outcome spawnJoin() {
        return Workloads.spawn(engine, SPAWN_BATCH);
    }

    @Benchmark
    @OperationsPerInvocation(SPAWN_BATCH)
    public Outcome spawnJoinFromPlatformThread() {
        return Workloads.spawnFromPlatformThread(engine, SPAWN_BATCH);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public Outcome pingPong() {
        return Workloads.parkPingPong(engine, ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public Outcome yield2() {
        return Workloads.yields(engine, 2, YIELDS);
    }

    @Benchmark
    @OperationsPerInvocation(YIELDS)
    public Outcome yield1000() {
        return Workloads.yields(engine, 1000, YIELDS);
    }
}
