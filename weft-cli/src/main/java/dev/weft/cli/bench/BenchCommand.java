package dev.weft.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.weft.cli.Main;
import dev.weft.cli.Options;
import dev.weft.workloads.JvmPeer;
import dev.weft.workloads.Peer;
import dev.weft.workloads.Sizes;
import dev.weft.workloads.Workload;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code weft bench}: the rows of the workload catalogue ({@link Workload}) on weft and its peers
 * in one process run, alternating, with ratios (see {@link Harness} for why alternating).
 * Writes the table, JSON and chart to the output folder; prints the table (or with
 * {@code --json} the JSON) on stdout and progress on stderr. Sizes and their validation are the
 * catalogue's ({@link Sizes}); this class maps options onto them.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false,
        description = {"Run spawn (from a task and from a platform thread), skynet, ping-pong (over channels, "
                + "park/unpark, SynchronousQueue, LinkedTransferQueue, Exchanger), ring, fan-in, fork-join fib, "
                + "sleepers, yield and a mixed latency workload on weft and its peers (JDK virtual and platform "
                + "threads, optionally Go), alternating, and print each median and the ratio weft/peer.",
                "Writes bench.md, bench.json and bench.png to the output folder."})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--quick", description = "Smaller sizes and fewer iterations: a run under a minute.")
    boolean quick;

    @Option(names = "--iterations", paramLabel = "N", description = "Measured runs per workload and peer (default: 5, quick: 3).")
    Integer iterations;

    @Option(names = "--warmup", paramLabel = "N", description = "Unmeasured runs first (default: 2, quick: 1).")
    Integer warmup;

    @Option(names = "--workloads", split = ",", paramLabel = "NAME",
            description = "Only these workloads (comma-separated): ${COMPLETION-CANDIDATES}.", completionCandidates = WorkloadNames.class)
    List<String> workloads;

    @Option(names = "--peers", split = ",", paramLabel = "NAME",
            description = "Only these peers (comma-separated): ${COMPLETION-CANDIDATES}; go implies --with-go.",
            completionCandidates = PeerNames.class)
    List<String> peers;

    @Option(names = "--with-go", description = "Also build and run the Go versions in bench/go (skipped, with a note, without a Go toolchain).")
    boolean withGo;

    @Option(names = "--run-timeout", paramLabel = "SECONDS",
            description = "The longest one peer's run of one workload may take before the bench stops with an error "
                    + "(default: 300, quick: 60).")
    Integer runTimeout;

    @Option(names = "--json", description = "Print the report as JSON on stdout instead of the table.")
    boolean json;

    @Option(names = "--out", paramLabel = "DIR", description = "Where bench.md, bench.json and bench.png go (default: target/bench of the weft checkout).")
    Path out;

    @Option(names = "--spawn", paramLabel = "N", description = "Override: tasks of spawn.")
    Integer spawn;

    @Option(names = "--skynet", paramLabel = "N", description = "Override: leaves of skynet, a power of 10.")
    Integer skynet;

    @Option(names = "--rounds", paramLabel = "N", description = "Override: round trips of the channel and park/unpark ping-pongs.")
    Integer rounds;

    @Option(names = "--jdk-rounds", paramLabel = "N",
            description = "Override: round trips of the SynchronousQueue, LinkedTransferQueue and Exchanger ping-pongs.")
    Integer jdkRounds;

    @Option(names = "--hops", paramLabel = "N", description = "Override: ring hops.")
    Integer hops;

    @Option(names = "--producers", paramLabel = "N", description = "Override: fan-in producers (100 messages each).")
    Integer producers;

    @Option(names = "--fib", paramLabel = "N", description = "Override: n of fork-join fib(n) (at least the cutoff, 12).")
    Integer fib;

    @Option(names = "--sleepers", paramLabel = "N", description = "Override: sleepers (10 ms each).")
    Integer sleepers;

    @Option(names = "--yields", paramLabel = "N", description = "Override: yields per run of the yield workloads.")
    Integer yields;

    @Option(names = "--mixed-rounds", paramLabel = "N", description = "Override: timed round trips of the mixed workload.")
    Integer mixedRounds;

    /** The rows that measure a JDK rendezvous class on every peer. */
    private static final Set<Workload> JDK_RENDEZVOUS = EnumSet.of(Workload.SYNCHRONOUS_QUEUE, Workload.TRANSFER_QUEUE,
            Workload.EXCHANGER);

    static final class WorkloadNames extends ArrayList<String> {
        WorkloadNames() {
            super(List.of(Workload.ids().split(", ")));
        }
    }

    static final class PeerNames extends ArrayList<String> {
        PeerNames() {
            super(List.of((JvmPeer.ids() + ", go").split(", ")));
        }
    }

    @Override
    public Integer call() throws IOException {
        int iters = iterations != null ? iterations : quick ? 3 : 5;
        int warm = warmup != null ? warmup : quick ? 1 : 2;
        if (iters < 1) {
            throw bad("--iterations must be at least 1, not " + iters);
        }
        if (warm < 0) {
            throw bad("--warmup must not be negative, not " + warm);
        }
        int timeoutSeconds = runTimeout != null ? runTimeout : quick ? 60 : 300;
        if (timeoutSeconds < 1) {
            throw bad("--run-timeout must be at least 1 second, not " + timeoutSeconds);
        }
        Sizes sizes = sizes();
        List<Workload> ws = selectedWorkloads();
        List<Peer> ps = new ArrayList<>(selectedJvmPeers());
        boolean go = withGo || (peers != null && peers.stream().anyMatch(p -> p.trim().equals("go")));
        PrintStream err = System.err;
        Path outDir = out != null ? out : defaultOut();
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw bad("--out: cannot create " + outDir + ": " + e);
        }
        List<String> notes = new ArrayList<>();
        String goVersion = "not run (add --with-go)";
        if (go) {
            err.println("weft bench: building the Go workloads (bench/go) ...");
            GoPeer.Built built = GoPeer.build(root(), outDir);
            built.peer().ifPresent(ps::add);
            goVersion = built.note();
            if (built.peer().isEmpty()) {
                notes.add(built.note());
                err.println("weft bench: " + built.note());
            }
        }
        if (ps.isEmpty()) {
            throw bad("no peer left to run (" + String.join("; ", notes) + ")");
        }
        if (ws.stream().noneMatch(w -> ps.stream().anyMatch(p -> p.applies(w)))) {
            throw bad("none of the peers chosen runs any of the workloads chosen (a one-processor model runs no "
                    + "procs-2 workload)");
        }
        if (ps.stream().noneMatch(p -> p.id().equals("weft"))) {
            notes.add("weft (M:N FIFO) is not among the peers: the table has no weft/peer ratios.");
        }
        List<String> osPeers = ps.stream().filter(Peer::osThreads).map(Peer::label).toList();
        if (!osPeers.isEmpty()) {
            notes.add(String.join(", ", osPeers) + " run every task on its own OS thread: where the size would "
                    + "exhaust the machine they run a capped one (shown again in the size column); their "
                    + "per-operation figures then include more of the fixed costs (thread starts; a sleeper's "
                    + "10 ms over fewer sleepers), so read those ratios as rough.");
        }
        if (ws.contains(Workload.MIXED) && ps.stream().anyMatch(p -> p.id().equals("vthread"))) {
            notes.add("mixed on JDK virtual threads: the hogs hold every carrier until their deadline (100 ms + 2 ms "
                    + "per round), so that figure is a lower bound set by the deadline, not a measured latency.");
        }
        if (ws.stream().anyMatch(JDK_RENDEZVOUS::contains) && ps.stream().anyMatch(p -> p instanceof JvmPeer j && j.isWeft())) {
            notes.add("SynchronousQueue, LinkedTransferQueue and Exchanger spin before they park unless their carrier "
                    + "is a ForkJoinWorkerThread with queued work (the JDK default scheduler's carriers are): a scheduler "
                    + "whose carriers are not pays that spin on every hand-off, which at one processor delays the very "
                    + "partner being waited for.");
        }
        notes.add("JDK virtual threads run on the JVM-wide default scheduler (parallelism = available processors), "
                + "and weft 1:1 and JDK platform threads are scheduled by the kernel on every processor: "
                + "in the procs-1 rows only the weft M:N/N:1 peers and Go are held to one processor.");
        err.printf("weft bench%s: %d warm-up(s) + %d iterations, sizes:%n", quick ? " --quick" : "", warm, iters);
        for (Workload w : ws) {
            err.printf("  %-19s %s%n", w.id(), w.size(sizes));
        }
        List<Report.Samples> samples;
        try {
            Sizes osThreadSizes = sizes.cappedAt(quick ? Sizes.QUICK_OS_THREAD_CAPS : Sizes.OS_THREAD_CAPS);
            samples = new Harness(ws, ps, sizes, osThreadSizes, warm, iters, Duration.ofSeconds(timeoutSeconds), err).run();
        } catch (RuntimeException e) {
            err.println();
            err.println("weft bench: failed: " + e.getMessage());
            e.printStackTrace(err);
            return 1;
        }
        Report report = Report.of(Machine.probe(goVersion), command(), warm, iters, samples, notes);
        String table = ResultTable.render(report);
        String jsonText = toJson(report);
        Files.writeString(outDir.resolve("bench.md"), table);
        Files.writeString(outDir.resolve("bench.json"), jsonText);
        Chart.writePng(report, outDir.resolve("bench.png").toFile());
        System.out.print(json ? jsonText : table);
        System.out.flush();
        err.println("weft bench: wrote " + outDir.resolve("bench.md") + ", bench.json and bench.png");
        return 0;
    }

    private static String toJson(Report report) throws IOException {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report) + "\n";
    }

    private Sizes sizes() {
        Sizes base = quick ? Sizes.QUICK : Sizes.FULL;
        try {
            Sizes.Builder b = base.toBuilder();
            override("--spawn", spawn, b::spawn);
            override("--skynet", skynet, b::skynetLeaves);
            override("--rounds", rounds, b::rounds);
            override("--jdk-rounds", jdkRounds, b::jdkRounds);
            override("--hops", hops, b::hops);
            override("--producers", producers, b::producers);
            override("--fib", fib, b::fib);
            override("--sleepers", sleepers, b::sleepers);
            override("--yields", yields, b::yields);
            override("--mixed-rounds", mixedRounds, b::mixedRounds);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    private List<Workload> selectedWorkloads() {
        if (workloads == null) {
            return List.of(Workload.values());
        }
        Set<Workload> ws = new LinkedHashSet<>();
        for (String id : workloads) {
            try {
                ws.add(Workload.byId(id.trim()));
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
        }
        return List.copyOf(ws);
    }

    private List<JvmPeer> selectedJvmPeers() {
        if (peers == null) {
            return List.of(JvmPeer.values());
        }
        Set<JvmPeer> ps = new LinkedHashSet<>();
        for (String id : peers) {
            if (id.trim().equals("go")) {
                continue;
            }
            try {
                ps.add(JvmPeer.byId(id.trim()));
            } catch (IllegalArgumentException e) {
                throw bad("unknown peer '" + id.trim() + "' (known: " + JvmPeer.ids() + ", go)");
            }
        }
        return List.copyOf(ps);
    }

    private String command() {
        // The original arguments start at the top command's: they include "bench".
        return "./weft " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
    }

    private ParameterException bad(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Sets a size the command line gave; a size below 1 is refused here, naming the option. */
    private void override(String name, Integer option, IntConsumer setter) {
        if (option != null) {
            Options.positive(spec, name, option);
            setter.accept(option);
        }
    }

    /** The weft checkout: the launcher passes it as {@code weft.root}; else the working directory. */
    private static Path root() {
        return Path.of(System.getProperty("weft.root", "."));
    }

    private static Path defaultOut() {
        return root().resolve("target/bench");
    }
}
