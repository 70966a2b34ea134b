package dev.weft.bench;

import dev.weft.trace.TraceRecording;
import dev.weft.workloads.Outcome;
import dev.weft.workloads.WeftEngine;
import dev.weft.workloads.Workloads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * What an execution trace costs while it records ({@code trace=on}: a recording per iteration,
 * with buffers large enough that nothing is dropped, written after the iteration) against the
 * same runtime untraced ({@code trace=off}: the hooks' one branch each). Ping-pong is the
 * worst case (every round trip records two wake-ups, two stops and two starts, and reads the
 * clock twice: see {@code EventTimes}); skynet records
 * a creation, runs and a wake-up per goroutine. Iterations are short so that an iteration's
 * events fit the buffers; startTrace allocates the carriers' buffers (outside the measurement),
 * and the parallel collector keeps a concurrent GC of the previous iteration's buffers from
 * competing with the measured one on a small machine; for the same reason the file written
 * after an iteration is deleted before the next one (its write-back would compete as well), and
 * the heap is collected before each iteration, in both modes, once the buffers exist.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 8, time = 200, timeUnit = TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang=ALL-UNNAMED", "-Xmx6g", "-XX:+UseParallelGC",
    "-Dweft.trace.buffer=4000000"})
public class TraceBench {
    static final int ROUNDS = 10_000;
    static final int LEAVES = 10_000;

    @Param({"off", "on"})
    public String trace;

    @Param({"1"})
    public int procs;

    private WeftEngine engine;
    private TraceRecording rec;
    private Path file;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        engine = (WeftEngine) Engines.of("weft", procs);
        file = Files.createTempFile("weft-tracebench", ".json");
    }

    @Setup(Level.Iteration)
    public void startRecording() {
        if (trace.equals("on")) {
            rec = engine.runtime().startTrace(file);
        }
        // startTrace allocated the carriers' buffers (hundreds of MB) in the young generation,
        // and the parallel collector would copy them to the old one at the measured iteration's
        // first young collection: a cost of starting a recording, not of recording, so it is paid
        // here. The same collection also clears what the previous iteration's writer left (its
        // indexes over hundreds of thousands of goroutines). In both modes.
        System.gc();
    }

    @TearDown(Level.Iteration)
    public void stopRecording() throws IOException {
        if (rec != null) {
            rec.stop();
            if (rec.droppedEvents() > 0) {
                throw new IllegalStateException("the iteration dropped " + rec.droppedEvents()
                        + " events: raise -Dweft.trace.buffer, or the cost measured is the drop's");
            }
            rec = null;
            // Hundreds of MB of JSON an iteration: deleted at once, the kernel drops its dirty
            // pages instead of writing them back to disk while the next iteration is measured.
            Files.deleteIfExists(file);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        engine.close();
        Files.deleteIfExists(file);
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public Outcome pingPong() {
        return Workloads.pingPong(engine, ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(LEAVES)
    public Outcome skynet() {
        return Workloads.skynet(engine, LEAVES);
    }
}
