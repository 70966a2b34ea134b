package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The demo on tiny sizes: every workload checks its own result, and bad options are refused. */
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
                    "--model-parked", "1000", "--kernel-threads", "200", "--models-chart", chart.toString());
        } finally {
            System.setOut(saved);
        }
        String text = buf.toString();
        assertThat(rc).isZero();
        assertThat(text).contains("spawn 1000", "sum 499500", "ping-pong 1000", "1000 round trips",
                "fork-join fib(15)", "fib = 610",
                "skynet 100", "sum 4950", "context switch", "steals", "sleepers 100x10ms", "lateness p50",
                "mixed: 4 CPU hogs", "10 ms (default)", "off (1 hour)",
                "priority: 4 CPU hogs", "weft PRIORITY", "weft FIFO", "virtual threads", "all rounds",
                "threading models", "M_N", "N_1", "ONE_TO_ONE", "memory per parked", "CPU speedup");
        assertThat(chart).isRegularFile();
        assertThat(chart.toFile().length()).isPositive();
    }

    @Test
    void skynetChecksItsSumOnEverySize() {
        try (dev.weft.Weft rt = dev.weft.Weft.builder().procs(2).name("skynet-test").build()) {
            assertThat(DemoCommand.skynet(rt, 1)).isEqualTo("sum 0");
            assertThat(DemoCommand.skynet(rt, 10)).isEqualTo("sum 45");
            assertThat(DemoCommand.skynet(rt, 10_000)).isEqualTo("sum 49995000");
        }
    }

    @Test
    void aSkynetSizeThatIsNotAPowerOf10IsRefused() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main()).setErr(new PrintWriter(err));
        int rc = cl.execute("demo", "--skynet", "500");
        assertThat(rc).isNotZero();
        assertThat(err.toString()).contains("--skynet must be a power of 10");
        assertThat(DemoCommand.isPowerOf10(0)).isFalse();
        assertThat(DemoCommand.isPowerOf10(100)).isTrue();
        assertThat(DemoCommand.isPowerOf10(110)).isFalse();
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
