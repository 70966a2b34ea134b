package dev.weft.bench;

import dev.weft.internal.util.StackHeadroom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the stack probe costs ({@code StackHeadroom.ensure}, issue 12): the price weft pays before
 * a contended or waking path to make a StackOverflowError strike before a critical section. It
 * decides where the probe may go: never on a fast path (docs/BENCHMARKS.md, "The scheduler split
 * and the robustness work").
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.lang=ALL-UNNAMED")
public class StackHeadroomBench {

    @Benchmark
    public void ensure() {
        StackHeadroom.ensure();
    }
}
