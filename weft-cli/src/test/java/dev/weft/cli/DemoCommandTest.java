package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * The demo on tiny sizes: it runs every section and prints the catalogue's checked results, and
 * bad options are refused. The workloads themselves are tested in weft-workloads.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoCommandTest {

    @Test
    void theDemoRunsEveryWorkloadAndPrintsTheCounters(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path chart = dir.resolve("models.png");
        CommandLine cl = new CommandLine(new Main());
        java.io.PrintStream saved = System.out;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(buf, true));
        int rc;
        try {
            rc = cl.execute("demo", "--procs", "2", "--spawn", "1000", "--rounds", "1000", "--fib", "15",
                    "--skynet", "100", "--sleepers", "100", "--hog-millis", "20", "--mixed-rounds", "10",
                    "--model-parked", "1000", "--kernel-threads", "200", "--os-millis", "200",
                    "--models-chart", chart.toString());
        } finally {
            System.setOut(saved);
        }
        String text = buf.toString();
        assertThat(rc).isZero();
        assertThat(text).contains("spawn 1000", "sum 499500", "park ping-pong 1000", "1000 round trips",
                "fork-join fib(15)", "fib = 610",
                "skynet 100", "sum 4950", "context switch", "steals", "sleepers 100x10ms", "lateness p50",
                "mixed: 4 CPU hogs", "10 ms (default)", "off (1 hour)",
                "priority: 4 CPU hogs", "weft PRIORITY", "weft FIFO", "virtual threads", "all rounds",
                "operating system: two processes share 2 processors for 200 ms", "LAST_THREAD_ENDED", "TERMINATED",
                "threading models", "M_N", "N_1", "ONE_TO_ONE", "memory per parked", "CPU speedup");
        assertThat(chart).isRegularFile();
        assertThat(chart.toFile().length()).isPositive();
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "--skynet;500;the skynet size must be a power of 10 (1, 10, 100, ...), not 500",
            "--fib;5;fib n must be at least the cutoff 12, not 5",
            "--spawn;0;--spawn must be positive, not 0",
            "--mixed-rounds;-2;--mixed-rounds must be positive, not -2",
            "--procs;0;--procs must be positive, not 0",
            "--procs;5000;--procs: procs must be at most 4096, got 5000",
            "--kernel-threads;0;--kernel-threads must be positive, not 0",
            "--os-millis;0;--os-millis must be positive, not 0"})
    void aSizeNoWorkloadCanRunIsRefusedWithTheCataloguesReason(String option, String value, String message) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main()).setErr(new PrintWriter(err));
        int rc = cl.execute("demo", option, value);
        assertThat(rc).isNotZero();
        assertThat(err.toString()).contains(message);
    }

    /**
     * An output file that cannot be written is refused by the option's name before anything
     * runs: --trace used to fail with the runtime's exception and its stack trace after the
     * first two workloads, --models-chart with a line on stderr at the very end (exit code 0).
     */
    @ParameterizedTest
    @CsvSource({"--trace", "--models-chart"})
    void anOutputFileThatCannotBeWrittenIsRefusedByNameBeforeAnythingRuns(String option,
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path notADirectory = java.nio.file.Files.createFile(dir.resolve("plain-file"));
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main()).setErr(new PrintWriter(err));
        java.io.PrintStream saved = System.out;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(out, true));
        int rc;
        try {
            rc = cl.execute("demo", option + "=" + notADirectory.resolve("out"));
        } finally {
            System.setOut(saved);
        }
        assertThat(rc).isNotZero();
        assertThat(err.toString()).contains(option + ": cannot write " + notADirectory.resolve("out"));
        assertThat(out.toString()).as("nothing ran").isEmpty();
    }

    @Test
    void anUnknownOptionIsRefusedByName() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main()).setErr(new PrintWriter(err));
        int rc = cl.execute("demo", "--bogus");
        assertThat(rc).isNotZero();
        assertThat(err.toString()).contains("Unknown option: '--bogus'");
    }
}
