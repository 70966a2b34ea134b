package dev.weft.cli;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.SchedulerStats;
import dev.weft.SchedulingPolicy;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * {@code weft demo}: runs a few workloads on the M:N scheduler and prints, per workload, what
 * the scheduler did (goroutines run, context switches, steals, carriers used), so a newcomer
 * sees it work.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run spawn, ping-pong, fork-join, channel (skynet) and timer workloads on weft and show the scheduler's "
                + "counters; then time slices, priorities and the three threading models at work.")
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--procs", description = "Logical processors (default: available processors = ${DEFAULT-VALUE}).")
    int procs = Runtime.getRuntime().availableProcessors();

    @Option(names = "--spawn", description = "Goroutines in the spawn workload (default: ${DEFAULT-VALUE}).")
    int spawn = 1_000_000;

    @Option(names = "--rounds", description = "Round trips in the ping-pong workload (default: ${DEFAULT-VALUE}).")
    int rounds = 1_000_000;

    @Option(names = "--fib", description = "n of the fork-join fib(n) tree, one goroutine per call above the cutoff (default: ${DEFAULT-VALUE}).")
    int fib = 27;

    @Option(names = "--skynet", description = "Leaves of the skynet channel workload, a power of 10: a 10-ary tree of goroutines, "
            + "each node summing its children over its own unbuffered channel (default: ${DEFAULT-VALUE}).")
    int skynet = 1_000_000;

    @Option(names = "--sleepers", description = "Goroutines in the sleepers workload, each sleeping 10 ms (default: ${DEFAULT-VALUE}).")
    int sleepers = 100_000;

    @Option(names = "--hog-millis", description = "CPU time each hog of the mixed workload computes for (default: ${DEFAULT-VALUE}).")
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

    @Override
    public Integer call() {
        if (procs < 1 || spawn < 1 || rounds < 1 || fib < 1 || sleepers < 1 || hogMillis < 1 || mixedRounds < 1
                || modelParked < 1 || kernelThreads < 1) {
            throw new ParameterException(spec.commandLine(), "--procs, --spawn, --rounds, --fib, --sleepers, --hog-millis,"
                    + " --mixed-rounds, --model-parked and --kernel-threads must be positive");
        }
        if (!isPowerOf10(skynet)) {
            throw new ParameterException(spec.commandLine(),
                    "--skynet must be a power of 10 (1, 10, 100, ...), not " + skynet);
        }
        System.out.printf("weft demo: M:N scheduler, procs=%d, JDK %s%n%n", procs, Runtime.version());
        List<Row> rows = new ArrayList<>();
        try (Weft rt = Weft.builder().procs(procs).name("demo").build()) {
            rows.add(measure(rt, "spawn " + spawn, () -> spawnAndJoin(rt, spawn)));
            rows.add(measure(rt, "ping-pong " + rounds, () -> pingPong(rt, rounds)));
            rows.add(measure(rt, "fork-join fib(" + fib + ")", () -> forkJoinFib(rt, fib)));
            rows.add(measure(rt, "skynet " + skynet, () -> skynet(rt, skynet)));
            rows.add(measure(rt, "sleepers " + sleepers + "x10ms", () -> TimingWorkloads.sleepers(rt, sleepers)));
        }
        System.out.printf("%-22s %10s %12s %16s %10s %6s  %s%n",
                "workload", "time ms", "goroutines", "context switch", "steals", "Ms", "result");
        for (Row r : rows) {
            System.out.printf("%-22s %10.1f %12d %16d %10d %6d  %s%n",
                    r.name, r.millis, r.goroutines, r.switches, r.steals, r.threads, r.result);
        }
        System.out.println();
        System.out.println("goroutines: started in the workload; context switch: a carrier mounted a goroutine;");
        System.out.println("steals: an idle processor took work from a busy one; Ms: carrier threads created so far.");
        System.out.println();
        mixed();
        System.out.println();
        priority();
        System.out.println();
        models();
        return 0;
    }

    /** The high-priority ping-pong against low-priority hogs: PRIORITY, FIFO, virtual threads. */
    private void priority() {
        System.out.printf("priority: 4 CPU hogs at priority 2 (%d ms of work each) and a ping-pong at priority 24 that sleeps%n"
                + "1 ms before each of %d timed round trips, procs=%d%n", hogMillis, mixedRounds, procs);
        long iters = TimingWorkloads.hogIterationsPerMilli();
        Object[][] runs = {{"weft PRIORITY", SchedulingPolicy.PRIORITY}, {"weft FIFO", SchedulingPolicy.FIFO},
                {"virtual threads", null}};
        for (Object[] run : runs) {
            TimingWorkloads.PriorityResult r = TimingWorkloads.priorityPingPong((SchedulingPolicy) run[1], procs,
                    hogMillis, iters, mixedRounds);
            System.out.printf("  %-16s wake-up + round trip %-38s all rounds %5d ms%n", run[0],
                    TimingWorkloads.percentiles(r.latency()), r.roundsMillis());
        }
        System.out.println("Under PRIORITY the woken pair preempts a hog at its next safe point; under FIFO it queues behind");
        System.out.println("the hogs for up to a slice; the JDK's scheduler has neither priorities nor slices: its pair waits");
        System.out.println("for the hogs to finish before its first round (see 'all rounds', ideally about the 1 ms sleeps).");
    }

    /** The threading models side by side (ThreadingModel). */
    private void models() {
        System.out.printf("threading models, procs=%d (the same weft program under each model)%n", procs);
        List<ModelComparison.Row> rows = ModelComparison.run(procs, new ModelComparison.Sizes(Math.min(spawn, 100_000),
                modelParked, Math.min(rounds, 100_000), kernelThreads, hogMillis), TimingWorkloads.hogIterationsPerMilli() / 1000);
        ModelComparison.print(rows, procs);
        java.io.File chart = new java.io.File(modelsChart);
        try {
            ModelComparison.writeChart(rows, procs, chart);
            System.out.println("chart: " + chart.getPath());
        } catch (java.io.IOException e) {
            System.err.println("weft demo: could not write the chart " + chart + ": " + e);
        }
    }

    /** The mixed workload twice: with 10 ms time slices, and with slicing effectively off. */
    private void mixed() {
        System.out.printf("mixed: %d CPU hogs (%d ms of work each, with safe points) on every processor, then 1,000 sleepers%n"
                + "(1 ms loop) and a channel ping-pong that sleeps 1 ms before each of %d timed round trips, procs=%d%n", 2 * procs, hogMillis, mixedRounds, procs);
        System.out.printf("%-18s %-42s %9s %8s %8s %8s%n", "time slices", "ping-pong: wake-up + round trip", "preempts",
                "yields", "retakes", "time ms");
        long iters = TimingWorkloads.hogIterationsPerMilli();
        Object[][] runs = {{"10 ms (default)", Duration.ofMillis(10)}, {"off (1 hour)", Duration.ofHours(1)}};
        for (Object[] run : runs) {
            TimingWorkloads.MixedResult r = TimingWorkloads.mixed(procs, (Duration) run[1], hogMillis, iters,
                    mixedRounds);
            SchedulerStats st = r.stats();
            System.out.printf("%-18s %-42s %9d %8d %8d %8d%n", run[0], TimingWorkloads.percentiles(r.roundTrips()),
                    st.preemptRequests(), st.preemptYields(), st.hogRetakes() + st.blockedRetakes(), r.millis());
        }
        System.out.println("With slices every wait is bounded by a few slices (hogs take turns with everyone); without,");
        System.out.println("a hog keeps its carrier until it is done and whoever queues behind it waits that long (see max).");
    }

    private record Row(String name, double millis, long goroutines, long switches, long steals, int threads,
                       String result) {}

    private interface Workload {
        String run();
    }

    private static Row measure(Weft rt, String name, Workload w) {
        SchedulerStats before = rt.stats();
        long t0 = System.nanoTime();
        String result = w.run();
        double ms = (System.nanoTime() - t0) / 1e6;
        SchedulerStats after = rt.stats();
        return new Row(name, ms, after.created() - before.created(),
                after.contextSwitches() - before.contextSwitches(), after.steals() - before.steals(),
                after.threads(), result);
    }

    static String spawnAndJoin(Weft rt, int n) {
        AtomicLong sum = new AtomicLong();
        rt.run(() -> {
            Goroutine[] gs = new Goroutine[n];
            for (int i = 0; i < n; i++) {
                int k = i;
                gs[i] = Go.go(() -> sum.addAndGet(k));
            }
            for (Goroutine g : gs) {
                g.join();
            }
        });
        long expected = (long) n * (n - 1) / 2;
        check(sum.get() == expected, "spawn sum " + sum.get() + " != " + expected);
        return "sum " + sum.get();
    }

    /** Two goroutines hand a turn back and forth with park/unpark. */
    static String pingPong(Weft rt, int rounds) {
        AtomicInteger turn = new AtomicInteger();
        AtomicLong hops = new AtomicLong();
        rt.run(() -> {
            Thread ping = Thread.currentThread();
            Goroutine pong = Go.go(() -> {
                for (int i = 0; i < rounds; i++) {
                    while (turn.get() != 1) {
                        LockSupport.park();
                    }
                    turn.set(0);
                    hops.incrementAndGet();
                    LockSupport.unpark(ping);
                }
            });
            for (int i = 0; i < rounds; i++) {
                turn.set(1);
                LockSupport.unpark(pong.thread());
                while (turn.get() != 0) {
                    LockSupport.park();
                }
            }
            pong.join();
        });
        check(hops.get() == rounds, "ping-pong hops " + hops.get() + " != " + rounds);
        return rounds + " round trips";
    }

    static String forkJoinFib(Weft rt, int n) {
        long[] out = new long[1];
        rt.run(() -> out[0] = fib(n));
        long expected = fibSeq(n);
        check(out[0] == expected, "fib " + out[0] + " != " + expected);
        return "fib = " + out[0];
    }

    /**
     * Skynet over channels: {@code leaves} leaf goroutines in a 10-ary tree; each leaf sends its
     * number, each inner node sums its ten children's values received on its own unbuffered
     * channel and sends the sum up. The result is 0 + 1 + ... + (leaves - 1).
     */
    static String skynet(Weft rt, int leaves) {
        long[] out = new long[1];
        rt.run(() -> {
            Chan<Long> c = Chan.make();
            Go.go(() -> skynetNode(c, 0, leaves));
            out[0] = c.recv();
        });
        long expected = (long) leaves * (leaves - 1) / 2;
        check(out[0] == expected, "skynet sum " + out[0] + " != " + expected);
        return "sum " + out[0];
    }

    private static void skynetNode(Chan<Long> c, long num, int size) {
        if (size == 1) {
            c.send(num);
            return;
        }
        Chan<Long> rc = Chan.make();
        int sub = size / 10;
        for (int i = 0; i < 10; i++) {
            long n = num + (long) i * sub;
            Go.go(() -> skynetNode(rc, n, sub));
        }
        long sum = 0;
        for (int i = 0; i < 10; i++) {
            sum += rc.recv();
        }
        c.send(sum);
    }

    static boolean isPowerOf10(int n) {
        if (n < 1) {
            return false;
        }
        while (n % 10 == 0) {
            n /= 10;
        }
        return n == 1;
    }

    private static final int FIB_CUTOFF = 12;

    private static long fib(int n) {
        if (n < FIB_CUTOFF) {
            return fibSeq(n);
        }
        long[] left = new long[1];
        Goroutine g = Go.go(() -> left[0] = fib(n - 1));
        long right = fib(n - 2);
        g.join();
        return left[0] + right;
    }

    private static long fibSeq(int n) {
        long a = 0, b = 1;
        for (int i = 0; i < n; i++) {
            long t = a + b;
            a = b;
            b = t;
        }
        return a;
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("demo self-check failed: " + what);
        }
    }
}
