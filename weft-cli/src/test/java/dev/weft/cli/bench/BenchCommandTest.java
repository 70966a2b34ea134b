package dev.weft.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.cli.Main;
import dev.weft.workloads.JvmPeer;
import dev.weft.workloads.Sizes;
import dev.weft.workloads.Workload;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code weft bench} end to end at tiny sizes: its outputs, its ratios and its option errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BenchCommandTest {
    private static final String[] TINY = {"--iterations", "2", "--warmup", "0", "--spawn", "100", "--skynet", "100",
            "--rounds", "100", "--jdk-rounds", "100", "--hops", "1000", "--producers", "10", "--fib", "14", "--sleepers", "20",
            "--yields", "100", "--mixed-rounds", "3"};

    @TempDir
    Path out;

    private record Run(int rc, String stdout, String stderr) {}

    private static Run bench(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true));
        System.setErr(new PrintStream(e, true));
        StringWriter picocliErr = new StringWriter();
        int rc;
        try {
            String[] all = new String[args.length + 1];
            all[0] = "bench";
            System.arraycopy(args, 0, all, 1, args.length);
            rc = new CommandLine(new Main()).setErr(new PrintWriter(picocliErr)).execute(all);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        return new Run(rc, o.toString(), e + picocliErr.toString());
    }

    private String[] tiny(String... more) {
        String[] all = new String[TINY.length + more.length + 2];
        System.arraycopy(TINY, 0, all, 0, TINY.length);
        System.arraycopy(more, 0, all, TINY.length, more.length);
        all[all.length - 2] = "--out";
        all[all.length - 1] = out.toString();
        return all;
    }

    @Test
    void jsonOutputParsesAndHoldsEverySampleAndTheRatios() throws Exception {
        Run r = bench(tiny("--json", "--workloads", "spawn,ping-pong-2", "--peers", "weft,weft-n1,weft-priority,vthread"));
        assertThat(r.rc()).as(r.stderr()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.stdout());
        assertThat(root.get("iterations").asInt()).isEqualTo(2);
        assertThat(root.get("machine").get("cpus").asInt()).isPositive();
        JsonNode rows = root.get("rows");
        // spawn on 4 peers, ping-pong-2 on 3 (N:1 has one processor).
        assertThat(rows).hasSize(7);
        for (JsonNode row : rows) {
            assertThat(row.get("samples")).hasSize(2);
            assertThat(row.get("median").asDouble()).isPositive();
            boolean baseline = row.get("peer").asText().equals("weft");
            assertThat(row.get("weftOverPeer").isNull()).isEqualTo(baseline);
            boolean otherWeft = List.of("weft-n1", "weft-priority").contains(row.get("peer").asText());
            assertThat(row.get("overVthread").isNull()).isEqualTo(!otherWeft);
        }
        assertThat(Files.readString(out.resolve("bench.json"))).isEqualTo(r.stdout());
        assertThat(r.stderr()).contains("[1/2 spawn]", "iteration 2/2", "weft bench: wrote");
    }

    @Test
    void theTableGoesToStdoutTheProgressToStderrAndTheChartToAPng() throws Exception {
        Run r = bench(tiny("--workloads", "fib,mixed", "--peers", "weft,vthread,platform"));
        assertThat(r.rc()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("| fib (ns/task) | fib(14), cutoff 12, 4 tasks | weft M:N FIFO |",
                "| mixed (µs p99) |", "JDK platform threads", "Command: `./weft bench --iterations 2");
        assertThat(r.stdout()).doesNotContain("[1/2 fib]", "iteration 1/2");
        assertThat(r.stderr()).contains("[2/2 mixed] JDK platform threads", "iteration 1/2");
        byte[] png = Files.readAllBytes(out.resolve("bench.png"));
        assertThat(png).hasSizeGreaterThan(1000).startsWith(0x89, 'P', 'N', 'G');
        assertThat(Files.readString(out.resolve("bench.md"))).isEqualTo(r.stdout());
    }

    @Test
    void theIssue11RowsRunTheSameJdkClassesOnEveryPeer() throws Exception {
        Run r = bench(tiny("--json", "--workloads", "sq-ping-pong,ltq-ping-pong,exchanger-ping-pong,spawn-platform",
                "--peers", "weft,weft-n1,vthread,platform"));
        assertThat(r.rc()).as(r.stderr()).isZero();
        JsonNode root = new ObjectMapper().readTree(r.stdout());
        JsonNode rows = root.get("rows");
        assertThat(rows).hasSize(16);
        for (JsonNode row : rows) {
            assertThat(row.get("median").asDouble()).as(row.toString()).isPositive();
        }
        assertThat(rows.get(0).get("size").asText()).isEqualTo("100 round trips, SynchronousQueue, procs 1");
        assertThat(rows.get(12).get("size").asText()).isEqualTo("100 tasks from a platform thread");
        assertThat(root.get("notes").toString()).contains("spin before they park unless their carrier");
    }

    @Test
    void goRunsEveryWorkloadItHasAndRefusesTheJvmOnlyOnes() {
        Sizes quick = Sizes.QUICK;
        for (Workload w : Workload.values()) {
            if (GoPeer.runsInGo(w)) {
                assertThat(GoPeer.arguments(w, quick)).as(w.id()).startsWith("-w");
            } else {
                assertThatThrownBy(() -> GoPeer.arguments(w, quick)).as(w.id())
                        .hasMessageContaining("Go has no " + w.id() + " workload");
            }
        }
        assertThat(Workload.values()).filteredOn(w -> !GoPeer.runsInGo(w)).containsExactly(Workload.SPAWN_PLATFORM,
                Workload.PARK_PING_PONG, Workload.SYNCHRONOUS_QUEUE, Workload.TRANSFER_QUEUE, Workload.EXCHANGER);
    }

    @Test
    void withGoEitherRunsGoOrSaysWhyNot() throws Exception {
        System.setProperty("weft.root", Path.of("..").toAbsolutePath().normalize().toString());
        try {
            Run r = bench(tiny("--json", "--with-go", "--workloads", "skynet", "--peers", "weft"));
            assertThat(r.rc()).as(r.stderr()).isZero();
            JsonNode root = new ObjectMapper().readTree(r.stdout());
            String go = root.get("machine").get("go").asText();
            if (go.startsWith("go version")) {
                assertThat(root.get("rows")).hasSize(2);
                assertThat(root.get("rows").get(1).get("peer").asText()).isEqualTo("go");
                assertThat(root.get("rows").get(1).get("weftOverPeer").asDouble()).isPositive();
            } else {
                assertThat(go).startsWith("Go skipped:");
                assertThat(root.get("notes").toString()).contains("Go skipped:");
                assertThat(root.get("rows")).hasSize(1);
            }
        } finally {
            System.clearProperty("weft.root");
        }
    }

    @Test
    void withoutAGoCommandGoIsSkippedWithANoteSayingHowToGetOne() {
        Path root = Path.of("..").toAbsolutePath().normalize();
        GoPeer.Built b = GoPeer.build(root, out, "no-such-go-command-here");
        assertThat(b.peer()).isEmpty();
        assertThat(b.note()).startsWith("Go skipped: no `go` command on the PATH").contains("golang-go");
    }

    @Test
    void withoutGoSourcesGoIsSkippedWithANote() {
        GoPeer.Built b = GoPeer.build(out, out);
        assertThat(b.peer()).isEmpty();
        assertThat(b.note()).startsWith("Go skipped: no Go sources at");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "--workloads;spawn,nope;unknown workload 'nope' (known: spawn, spawn-platform, skynet",
            "--peers;weft,java;unknown peer 'java' (known: weft, weft-priority",
            "--skynet;500;the skynet size must be a power of 10",
            "--fib;5;fib n must be at least the cutoff 12",
            "--fib;41;fib n must be at most 40",
            "--producers;2000000;fan-in producers must be at most 1000000",
            "--spawn;0;--spawn must be positive, not 0",
            "--skynet;0;--skynet must be positive, not 0",
            "--iterations;0;--iterations must be at least 1",
            "--warmup;-1;--warmup must not be negative",
            "--jdk-rounds;0;--jdk-rounds must be positive, not 0",
            "--run-timeout;0;--run-timeout must be at least 1 second",
            "--rounds;many;Invalid value for option '--rounds'"})
    void badOptionsAreRefusedByName(String option, String value, String message) {
        Run r = bench(option, value, "--out", out.toString());
        assertThat(r.rc()).isNotZero();
        assertThat(r.stderr()).contains(message);
        assertThat(r.stdout()).isEmpty();
    }

    /** An --out that cannot be made is refused by name, not with the IOException's stack trace. */
    @Test
    void anOutFolderThatCannotBeMadeIsRefusedByName() throws Exception {
        Path notADirectory = Files.createFile(out.resolve("plain-file"));
        Run r = bench("--out", notADirectory.resolve("bench").toString());
        assertThat(r.rc()).isNotZero();
        assertThat(r.stderr()).contains("--out: cannot create " + notADirectory.resolve("bench"));
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void aChoiceWithNothingToRunIsRefused() {
        Run r = bench("--peers", "weft-n1", "--workloads", "ping-pong-2", "--out", out.toString());
        assertThat(r.rc()).isNotZero();
        assertThat(r.stderr()).contains("none of the peers chosen runs any of the workloads chosen");
    }

    @Test
    void theRatiosAreWeftOverPeerAndOtherWeftsOverVirtualThreads() {
        List<Report.Samples> samples = List.of(
                new Report.Samples(Workload.RING, JvmPeer.WEFT, "s", List.of(100.0, 300.0, 90.0)),
                new Report.Samples(Workload.RING, JvmPeer.WEFT_PRIORITY, "s", List.of(150.0)),
                new Report.Samples(Workload.RING, JvmPeer.VTHREAD, "s", List.of(200.0, 400.0)),
                new Report.Samples(Workload.RING, JvmPeer.PLATFORM, "capped", List.of(1000.0)));
        Report r = Report.of(Machine.probe("none"), "cmd", 0, 1, samples, List.of("a note"));
        assertThat(r.rows()).extracting(Report.Row::median).containsExactly(100.0, 150.0, 300.0, 1000.0);
        assertThat(r.rows()).extracting(Report.Row::weftOverPeer).containsExactly(null, 100.0 / 150, 100.0 / 300, 0.1);
        assertThat(r.rows()).extracting(Report.Row::overVthread).containsExactly(null, 0.5, null, null);
        String table = ResultTable.render(r);
        assertThat(table).contains("| ring (ns/hop) | s | weft M:N FIFO | 100.0 | 90.0 | 300.0 |  |  |",
                "|  |  | weft M:N PRIORITY | 150.0 | 150.0 | 150.0 | **0.67** | 0.50 |",
                "|  | capped | JDK platform threads | 1,000 | 1,000 | 1,000 | **0.10** |  |", "Note: a note");
    }
}
