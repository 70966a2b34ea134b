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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sleepers (issue 4): the catalogue's sleepers workload, 100,000 threads each sleeping 10 ms
 * once, all started from one thread of the peer and joined; wall time per run. weft sleeps with
 * {@code Go.sleep} on its per-P timer heaps, JDK virtual threads with {@code Thread.sleep} on
 * the default scheduler (its delay queue), both at parallelism 2 (the machine's cores). The
 * lower bound is 10 ms plus spawning 100,000 threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "-Djdk.virtualThreadScheduler.parallelism=2"})
public class SleepBench {
    static final int SLEEPERS = 100_000;

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
    public Outcome sleepers() {
        return Workloads.sleepers(engine, SLEEPERS);
    }
}
