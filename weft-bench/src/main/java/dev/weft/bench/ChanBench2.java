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

/** {@link ChanBench}'s workloads at parallelism 2 (weft: procs 2). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "-Djdk.virtualThreadScheduler.parallelism=2"})
public class ChanBench2 {
    @Param({"weft", "weft-priority", "vthread"})
    public String peer;

    private Engine engine;

    @Setup(Level.Trial)
    public void setUp() {
        engine = Engines.of(peer, 2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    @Benchmark
    @OperationsPerInvocation(ChanBench.ROUNDS)
    public Outcome pingPong() {
        return Workloads.pingPong(engine, ChanBench.ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(ChanBench.RING_HOPS)
    public Outcome ring() {
        return Workloads.ring(engine, ChanBench.RING_HOPS);
    }

    @Benchmark
    @OperationsPerInvocation(ChanBench.PRODUCERS * Workloads.PER_PRODUCER)
    public Outcome fanIn() {
        return Workloads.fanIn(engine, ChanBench.PRODUCERS);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Outcome skynet() {
        return Workloads.skynet(engine, ChanBench.SKYNET_LEAVES);
    }
}
