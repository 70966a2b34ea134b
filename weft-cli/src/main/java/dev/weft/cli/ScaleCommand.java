package dev.weft.cli;

import dev.weft.Weft;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code weft scale}: what a goroutine costs as their number grows. For each count it starts that
 * many tasks that all park on one gate, measures the start cost per task, the live heap per parked
 * task (after a full GC, with all of them parked), and the cost per task of waking them all and
 * letting them end, on weft M:N and on JDK virtual threads. Both peers run the same JDK code (a
 * {@link CountDownLatch} gate), so the figures isolate the scheduler and the thread, not a
 * primitive. Peers alternate and each count starts from a full GC.
 */
@Command(name = "scale", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Start N tasks that all park, measure start cost, heap per parked task and wake+end cost "
                + "per task, on weft M:N and JDK virtual threads, for each N given.",
                "10,000,000 parked tasks need about 12 GiB of heap: the launcher gives this command "
                + "-Xmx${WEFT_SCALE_HEAP:-20g}."})
public final class ScaleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--counts", split = ",", paramLabel = "N",
            description = "Task counts (default: 10000,1000000,10000000).")
    List<Integer> counts = List.of(10_000, 1_000_000, 10_000_000);

    @Option(names = "--procs", paramLabel = "N", description = "weft's procs and the JDK scheduler's parallelism (default: CPUs).")
    int procs = Runtime.getRuntime().availableProcessors();

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds per count and peer; the median is reported (default: 3).")
    int rounds = 3;

    /** One peer's way of starting a task. */
    private interface Starter extends AutoCloseable {
        void start(Runnable task);

        @Override
        void close();
    }

    private record Result(double startNs, double bytesPerTask, double wakeEndNs) {}

    @Override
    public Integer call() {
        for (int n : counts) {
            if (n <= 0) {
                throw new ParameterException(spec.commandLine(), "--counts: each count must be positive, got " + n);
            }
        }
        Options.procs(spec, procs);
        Options.positive(spec, "--rounds", rounds);
        // Read once, when the JDK makes its scheduler: the checks above start no virtual thread
        // (the runtime builder's only checks the value), so it is not made yet.
        System.setProperty("jdk.virtualThreadScheduler.parallelism", Integer.toString(procs));
        System.out.printf(Locale.ROOT, "%-12s %-8s %16s %20s %18s%n", "tasks", "peer", "start ns/task",
                "heap bytes/parked", "wake+end ns/task");
        // The first tasks ever to end in a JVM deoptimize the code compiled while none had ended
        // (the JDK's own wait loops, profiled only parking): whichever peer ran first would pay it
        // for every task of its first round. A small round on each peer first pays it for both.
        measure(WARM_UP, this::weft);
        measure(WARM_UP, ScaleCommand::virtualThreads);
        for (int n : counts) {
            Result[][] byPeer = new Result[2][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < 2; k++) {
                    int peer = (r % 2 == 0) ? k : 1 - k; // alternate which peer goes first
                    byPeer[peer][r] = peer == 0 ? measure(n, this::weft) : measure(n, ScaleCommand::virtualThreads);
                }
            }
            print(n, "weft", byPeer[0]);
            print(n, "vthread", byPeer[1]);
        }
        System.out.println("median of " + rounds + " rounds, after an unmeasured round of " + WARM_UP + " tasks on each peer; "
                + "heap: live heap after a full GC with all tasks parked, "
                + "minus the same before they started, per task (the gate's queue node included, same for both).");
        return 0;
    }

    /** Tasks of the unmeasured round each peer runs first. */
    private static final int WARM_UP = 20_000;

    private Starter weft() {
        Weft rt = Weft.builder().procs(procs).name("scale").build();
        return new Starter() {
            @Override
            public void start(Runnable task) {
                rt.go(task);
            }

            @Override
            public void close() {
                rt.close();
            }
        };
    }

    private static Starter virtualThreads() {
        Thread.Builder.OfVirtual builder = Thread.ofVirtual();
        return new Starter() {
            @Override
            public void start(Runnable task) {
                builder.start(task);
            }

            @Override
            public void close() {}
        };
    }

    private static Result measure(int n, java.util.function.Supplier<Starter> peer) {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(n);
        AtomicInteger arrived = new AtomicInteger();
        Runnable task = () -> {
            arrived.incrementAndGet();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ended.countDown();
        };
        long heapBefore = liveHeap();
        try (Starter s = peer.get()) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                s.start(task);
            }
            while (arrived.get() < n) {
                Thread.onSpinWait();
            }
            long t1 = System.nanoTime();
            long heapParked = liveHeap();
            long t2 = System.nanoTime();
            gate.countDown();
            try {
                ended.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted while waiting for the tasks to end", e);
            }
            long t3 = System.nanoTime();
            return new Result((t1 - t0) / (double) n, (heapParked - heapBefore) / (double) n, (t3 - t2) / (double) n);
        }
    }

    private static long liveHeap() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void print(int n, String peer, Result[] rounds) {
        System.out.printf(Locale.ROOT, "%-12s %-8s %16.0f %20.0f %18.0f%n", String.format(Locale.ROOT, "%,d", n), peer,
                median(rounds, 0), median(rounds, 1), median(rounds, 2));
    }

    private static double median(Result[] rs, int field) {
        double[] v = new double[rs.length];
        for (int i = 0; i < rs.length; i++) {
            v[i] = switch (field) {
                case 0 -> rs[i].startNs();
                case 1 -> rs[i].bytesPerTask();
                default -> rs[i].wakeEndNs();
            };
        }
        java.util.Arrays.sort(v);
        return v[v.length / 2];
    }
}
