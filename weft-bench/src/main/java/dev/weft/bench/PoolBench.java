package dev.weft.bench;

import dev.weft.Weft;
import dev.weft.pool.ThreadPool;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * Thread pools (issue 14): a weft {@link ThreadPool} of two worker goroutines on a runtime of two
 * processors, against the JDK's fixed pool of two platform threads ({@code ThreadPoolExecutor})
 * and {@code Weft.executor()} (a goroutine per task). {@code batch}: 10,000 empty tasks submitted
 * from the benchmark's platform thread, then a latch that the last one opens, time per batch;
 * {@code roundTrip}: submit one task and wait for its Future, time per round trip.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED"})
public class PoolBench {
    static final int BATCH = 10_000;

    @Param({"weft-pool", "jdk-fixed", "weft-executor"})
    public String peer;

    private Weft rt;
    private ExecutorService pool;

    @Setup(Level.Trial)
    public void setUp() {
        rt = Weft.builder().procs(2).build();
        pool = switch (peer) {
            case "weft-pool" -> ThreadPool.builder("bench").minWorkers(2).maxWorkers(2).build(rt);
            case "jdk-fixed" -> Executors.newFixedThreadPool(2);
            case "weft-executor" -> rt.executor();
            default -> throw new IllegalArgumentException("unknown peer " + peer);
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        rt.close();
    }

    @Benchmark
    public long batch() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(BATCH);
        for (int i = 0; i < BATCH; i++) {
            pool.execute(done::countDown);
        }
        done.await();
        return done.getCount();
    }

    @Benchmark
    public Object roundTrip() throws Exception {
        return pool.submit(() -> Boolean.TRUE).get();
    }
}
