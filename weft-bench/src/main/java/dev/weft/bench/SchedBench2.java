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

/** {@link SchedBench}'s park/unpark ping-pong at parallelism 2 (weft: procs 2), beside the procs-1 figure. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "-Djdk.virtualThreadScheduler.parallelism=2"})
public class SchedBench2 {
    @Param({"weft", "vthread"})
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
    @OperationsPerInvocation(SchedBench.ROUNDS)
    public Outcome pingPongProcs2() {
        return Workloads.parkPingPong(engine, SchedBench.ROUNDS);
    }
}
