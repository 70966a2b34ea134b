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
 * Channels (issue 3) at parallelism 1: the catalogue's channel workloads ({@link Workloads}, the
 * same code as {@code weft bench}) on weft's {@code Chan} and on virtual threads on the default
 * scheduler with the catalogue's JDK queues (the fork sets its parallelism to 1; weft runs
 * {@code procs(1)}). {@link ChanBench2} runs the same workloads at parallelism 2.
 *
 * <ul>
 *   <li>{@code pingPong}: two threads bounce a value over two unbuffered pipes (weft
 *       {@code Chan.make()}, JDK {@code SynchronousQueue}); time per round trip (two hand-offs).</li>
 *   <li>{@code ring}: 503 threads in a ring of unbuffered pipes pass a token that counts down
 *       {@value #RING_HOPS} hops (the figure is 10M hops; the per-hop time is what
 *       compares); time per hop. The 502 hops that stop the ring afterwards are not counted.</li>
 *   <li>{@code fanIn}: 10,000 producers send 100 values each into one pipe of capacity 1,024
 *       (weft {@code Chan.make(1024)}, JDK {@code ArrayBlockingQueue(1024)}), 4 consumers take
 *       until the stream ends (weft: close; JDK: one poison value per consumer); count and sum
 *       checked; time per message.</li>
 *   <li>{@code skynet}: 1M leaf threads in a 10-ary tree, each node sums its children's values
 *       received on its own unbuffered pipe, 1,111,111 threads in all; sum checked; time per
 *       run.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "-Djdk.virtualThreadScheduler.parallelism=1"})
public class ChanBench {
    static final int ROUNDS = 100_000;
    static final int RING_HOPS = 1_000_000;
    static final int PRODUCERS = 10_000;
    static final int SKYNET_LEAVES = 1_000_000;

    @Param({"weft", "weft-priority", "vthread"})
    public String peer;

    private Engine engine;

    @Setup(Level.Trial)
    public void setUp() {
        engine = Engines.of(peer, 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public Outcome pingPong() {
        return Workloads.pingPong(engine, ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(RING_HOPS)
    public Outcome ring() {
        return Workloads.ring(engine, RING_HOPS);
    }

    @Benchmark
    @OperationsPerInvocation(PRODUCERS * Workloads.PER_PRODUCER)
    public Outcome fanIn() {
        return Workloads.fanIn(engine, PRODUCERS);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Outcome skynet() {
        return Workloads.skynet(engine, SKYNET_LEAVES);
    }
}
