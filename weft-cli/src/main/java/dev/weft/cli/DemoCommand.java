package dev.weft.cli;

import dev.weft.SchedulerStats;
import dev.weft.SchedulingPolicy;
import dev.weft.Weft;
import dev.weft.cli.trace.TracePage;
import dev.weft.trace.TraceRecording;
import dev.weft.workloads.Engine;
import dev.weft.workloads.JdkEngine;
import dev.weft.workloads.Latency;
import dev.weft.workloads.Outcome;
import dev.weft.workloads.Sizes;
import dev.weft.workloads.WeftEngine;
import dev.weft.workloads.Workloads;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * {@code weft demo}: runs a few workloads of the catalogue ({@link Workloads}, the same code as
 * {@code weft bench} and the JMH benchmarks) on the M:N scheduler and prints, per workload, what
 * the scheduler did (goroutines run, context switches, steals, carriers used), so a newcomer
 * sees it work; then the catalogue's mixed latency workload with and without time slices and
 * under each policy, two processes of different priority classes sharing the processors
 * ({@link OperatingSystemScene}), and the threading models side by side ({@link ModelComparison}). Every
 * workload checks its own result; this class only validates options and prints.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run spawn, park/unpark ping-pong, fork-join, channel (skynet) and timer workloads on weft and show "
                + "the scheduler's counters; then time slices, priorities, processes and the three threading models at work.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--procs", description = "Logical processors (default: available processors = ${DEFAULT-VALUE}).")
    int procs = Runtime.getRuntime().availableProcessors();

    @Option(names = "--spawn", description = "Goroutines in the spawn workload (default: ${DEFAULT-VALUE}).")
    int spawn = 1_000_000;

    @Option(names = "--rounds", description = "Round trips in the park/unpark ping-pong workload (default: ${DEFAULT-VALUE}).")
    int rounds = 1_000_000;

    @Option(names = "--fib", description = "n of the fork-join fib(n) tree, one goroutine per call from the cutoff (12) up; "
            + "12 to 40 (default: ${DEFAULT-VALUE}).")
    int fib = 27;

    @Option(names = "--skynet", description = "Leaves of the skynet channel workload, a power of 10: a 10-ary tree of goroutines, "
            + "each node summing its children over its own unbuffered channel (default: ${DEFAULT-VALUE}).")
    int skynet = 1_000_000;

    @Option(names = "--sleepers", description = "Goroutines in the sleepers workload, each sleeping 10 ms (default: ${DEFAULT-VALUE}).")
    int sleepers = 100_000;

    @Option(names = "--hog-millis", description = "The longest each CPU hog of the mixed workload computes (it stops "
            + "earlier once the ping-pong is done), and the CPU work of the models' speedup (default: ${DEFAULT-VALUE}).")
    long hogMillis = 400;

    @Option(names = "--mixed-rounds", description = "Timed ping-pong round trips in the mixed workload (default: ${DEFAULT-VALUE}).")
    int mixedRounds = 200;

    @Option(names = "--model-parked", description = "Goroutines parked at once when comparing threading models "
            + "(ONE_TO_ONE: at most --kernel-threads) (default: ${DEFAULT-VALUE}).")
    int modelParked = 1_000_000;

    @Option(names = "--models-chart", description = "Where the threading-model chart (PNG) goes (default: ${DEFAULT-VALUE}).")
    String modelsChart = "target/demo/models.png";

    @Option(names = "--kernel-threads", description = "Cap on goroutines alive at once under ONE_TO_ONE, each a kernel "
            + "thread (default: ${DEFAULT-VALUE}).")
    int kernelThreads = 10_000;

    @Option(names = "--trace", arity = "0..1", paramLabel = "FILE", fallbackValue = "weft-demo.trace.json",
            description = "Record an execution trace of the fork-join fib workload into FILE (default: "
                    + "${FALLBACK-VALUE}), write its timeline page beside it and print where both are.")
    String trace;

    @Option(names = "--os-millis", description = "How long the two processes of the operating-system scene share "
            + "the processors (default: ${DEFAULT-VALUE}).")
    long osMillis = 1_000;

    @Override
    public Integer call() {
        Options.procs(spec, procs);
        Options.positive(spec, "--hog-millis", hogMillis);
        Options.positive(spec, "--model-parked", modelParked);
        Options.positive(spec, "--kernel-threads", kernelThreads);
        Options.positive(spec, "--os-millis", osMillis);
        Options.positive(spec, "--spawn", spawn);
        Options.positive(spec, "--rounds", rounds);
        Options.positive(spec, "--skynet", skynet);
        Options.positive(spec, "--sleepers", sleepers);
        Options.positive(spec, "--mixed-rounds", mixedRounds);
        Sizes sizes;
        try {
            sizes = Sizes.FULL.toBuilder().spawn(spawn).rounds(rounds).fib(fib).skynetLeaves(skynet)
                    .sleepers(sleepers).mixedRounds(mixedRounds).build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "a workload size was refused: " + e.getMessage());
        }
        if (trace != null) {
            Options.writableFile(spec, "--trace", trace);
        }
        Options.writableFile(spec, "--models-chart", modelsChart);
        System.out.printf("weft demo: M:N scheduler, procs=%d, JDK %s%n%n", procs, Runtime.version());
        List<Row> rows = new ArrayList<>();
        try (WeftEngine e = new WeftEngine(Weft.builder().procs(procs).name("demo"))) {
            rows.add(measure(e, "spawn " + sizes.spawn(), () -> Workloads.spawn(e, sizes.spawn())));
            rows.add(measure(e, "park ping-pong " + sizes.rounds(), () -> Workloads.parkPingPong(e, sizes.rounds())));
            rows.add(traced(e, () -> measure(e, "fork-join fib(" + sizes.fib() + ")", () -> Workloads.fib(e, sizes.fib()))));
            rows.add(measure(e, "skynet " + sizes.skynetLeaves(), () -> Workloads.skynet(e, sizes.skynetLeaves())));
            rows.add(measure(e, "sleepers " + sizes.sleepers() + "x" + Workloads.SLEEP.toMillis() + "ms",
                    () -> Workloads.sleepers(e, sizes.sleepers())));
        }
        System.out.printf("%-22s %10s %12s %16s %10s %6s  %s%n",
                "workload", "time ms", "goroutines", "context switch", "steals", "Ms", "result");
        for (Row r : rows) {
            System.out.printf("%-22s %10.1f %12d %16d %10d %6d  %s%n",
                    r.name(), r.millis(), r.goroutines(), r.switches(), r.steals(), r.threads(), r.result());
        }
        System.out.println();
        System.out.println("goroutines: started in the workload; context switch: a carrier mounted a goroutine;");
        System.out.println("steals: an idle processor took work from a busy one; Ms: carrier threads created so far.");
        System.out.println();
        mixed(sizes.mixedRounds());
        System.out.println();
        priority(sizes.mixedRounds());
        System.out.println();
        Duration os = Duration.ofMillis(osMillis);
        OperatingSystemScene.print(OperatingSystemScene.run(procs, os), procs, os);
        System.out.println();
        models(sizes);
        return 0;
    }

    /** With --trace: {@code row} recorded into the trace file, whose page is written and named. */
    private Row traced(WeftEngine e, Supplier<Row> row) {
        if (trace == null) {
            return row.get();
        }
        Path file = Path.of(trace);
        Row r;
        try (TraceRecording rec = e.runtime().startTrace(file)) {
            r = row.get();
        }
        try {
            Path page = TracePage.write(file);
            System.out.printf("trace of %s: %s%ntimeline page: %s%n%n", r.name(), file.toAbsolutePath(),
                    page.toAbsolutePath());
        } catch (IOException ex) {
            System.err.println("weft demo: could not write the trace page for " + file + ": " + ex);
        }
        return r;
    }

    /** One line of the first table: a catalogue workload's outcome and the scheduler's counters over it. */
    private record Row(String name, double millis, long goroutines, long switches, long steals, int threads,
                       String result) {}

    private static Row measure(WeftEngine e, String name, Supplier<Outcome> workload) {
        SchedulerStats before = e.runtime().stats();
        Outcome o = workload.get();
        SchedulerStats after = e.runtime().stats();
        return new Row(name, o.nanos() / 1e6, after.created() - before.created(),
                after.contextSwitches() - before.contextSwitches(), after.steals() - before.steals(),
                after.threads(), o.result());
    }

    private int hogs() {
        return 2 * procs;
    }

    /** A time-slice setting of the mixed workload. */
    private record Slices(String label, Duration timeslice) {}

    /** The mixed workload twice: with 10 ms time slices, and with slicing effectively off. */
    private void mixed(int rounds) {
        System.out.printf("mixed: %d CPU hogs (a safe point every 1,000 steps, each computing until the ping-pong is done, "
                + "at most %d ms)%nbeside a channel ping-pong that sleeps 1 ms before each of %d timed round trips, "
                + "procs=%d%n", hogs(), hogMillis, rounds, procs);
        System.out.printf("%-18s %-42s %9s %8s %8s %10s%n", "time slices", "ping-pong: wake-up + round trip", "preempts",
                "yields", "retakes", "rounds ms");
        for (Slices run : List.of(new Slices("10 ms (default)", Duration.ofMillis(10)),
                new Slices("off (1 hour)", Duration.ofHours(1)))) {
            try (WeftEngine e = new WeftEngine(Weft.builder().procs(procs).timeslice(run.timeslice()).name("mixed"))) {
                Latency l = Workloads.mixed(e, rounds, hogs(), Duration.ofMillis(hogMillis));
                SchedulerStats st = e.runtime().stats();
                System.out.printf("%-18s %-42s %9d %8d %8d %10d%n", run.label(), l, st.preemptRequests(),
                        st.preemptYields(), st.hogRetakes() + st.blockedRetakes(), l.totalNanos() / 1_000_000);
            }
        }
        System.out.println("With slices every wait is bounded by a few slices (hogs take turns with everyone); without,");
        System.out.println("a hog keeps its carrier until it stops, and a round that queues behind one waits that long");
        System.out.println("(see max; whether one does depends on which processors the pair and the hogs land on).");
    }

    /** An engine the priority comparison runs the mixed workload on. */
    private record Contender(String label, Supplier<Engine> engine) {}

    /** The same mixed workload under the PRIORITY policy, under FIFO, and on JDK virtual threads. */
    private void priority(int rounds) {
        System.out.printf("priority: %d CPU hogs at priority %d (each at most %d ms) and a ping-pong at priority %d that "
                + "sleeps%n1 ms before each of %d timed round trips, procs=%d%n", hogs(), Workloads.HOG_PRIORITY,
                hogMillis, Workloads.LATENCY_PRIORITY, rounds, procs);
        List<Contender> contenders = List.of(
                new Contender("weft PRIORITY", () -> new WeftEngine(
                        Weft.builder().procs(procs).policy(SchedulingPolicy.PRIORITY).name("priority-PRIORITY"))),
                new Contender("weft FIFO", () -> new WeftEngine(
                        Weft.builder().procs(procs).policy(SchedulingPolicy.FIFO).name("priority-FIFO"))),
                new Contender("virtual threads", JdkEngine::virtualThreads));
        for (Contender c : contenders) {
            try (Engine e = c.engine().get()) {
                Latency l = Workloads.mixed(e, rounds, hogs(), Duration.ofMillis(hogMillis));
                System.out.printf("  %-16s wake-up + round trip %-38s all rounds %5d ms%n", c.label(), l,
                        l.totalNanos() / 1_000_000);
            }
        }
        System.out.println("Under PRIORITY the woken pair preempts a hog at its next safe point; under FIFO it queues behind");
        System.out.println("the hogs for up to a slice; the JDK's scheduler has neither priorities nor slices: its pair waits");
        System.out.println("for the hogs to stop before its first round (see 'all rounds', ideally about the 1 ms sleeps).");
    }

    /** The threading models side by side (ThreadingModel). */
    private void models(Sizes sizes) {
        System.out.printf("threading models, procs=%d (the same weft program under each model)%n", procs);
        List<ModelComparison.Row> rows = ModelComparison.run(procs, new ModelComparison.Counts(
                Math.min(sizes.spawn(), 100_000), modelParked, Math.min(sizes.rounds(), 100_000), kernelThreads,
                hogMillis), Workloads.loopsPerMilli());
        ModelComparison.print(rows, procs);
        File chart = new File(modelsChart);
        try {
            ModelComparison.writeChart(rows, procs, chart);
            System.out.println("chart: " + chart.getPath());
        } catch (IOException e) {
            System.err.println("weft demo: could not write the chart " + chart + ": " + e);
        }
    }
}
