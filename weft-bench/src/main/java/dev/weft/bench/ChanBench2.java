package dev.weft.bench;

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
@Fork(value = 1, jvmArgsAppend = "-Djdk.virtualThreadScheduler.parallelism=2")
public class ChanBench2 {
    @Param({"weft", "weft-priority", "vthread"})
    public String peer;

    private Peer p;

    @Setup(Level.Trial)
    public void setUp() {
        p = new Peer(peer, 2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        p.close();
    }

    @Benchmark
    @OperationsPerInvocation(ChanBench.ROUNDS)
    public long pingPong() throws InterruptedException {
        return ChanBench.pingPongOn(p, peer);
    }

    @Benchmark
    @OperationsPerInvocation(ChanBench.RING_HOPS)
    public int ring() throws InterruptedException {
        return ChanBench.ringOn(p, peer, ChanBench.RING_HOPS);
    }

    @Benchmark
    @OperationsPerInvocation(ChanBench.PRODUCERS * ChanBench.PER_PRODUCER)
    public long fanIn() throws InterruptedException {
        return ChanBench.fanInOn(p, peer);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long skynet() throws InterruptedException {
        return ChanBench.skynetOn(p, peer);
    }
}
