package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code weft scale}'s option errors (its measurements need gigabytes: the launcher's job). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScaleCommandTest {

    /**
     * Each bad value is refused by its option's name with a non-zero exit: --procs above weft's
     * bound used to end in the runtime builder's exception and stack trace (exit code 1), after
     * the table's header, and a bad --procs or --rounds got one message for the two.
     */
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "--procs;5000;--procs: procs must be at most 4096, got 5000",
            "--procs;0;--procs must be positive, not 0",
            "--rounds;0;--rounds must be positive, not 0",
            "--counts;10,0;--counts: each count must be positive, got 0"})
    void aBadValueIsRefusedByItsOptionsName(String option, String value, String message) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main()).setErr(new PrintWriter(err));
        java.io.PrintStream saved = System.out;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(out, true));
        int rc;
        try {
            rc = cl.execute("scale", option, value);
        } finally {
            System.setOut(saved);
        }
        assertThat(rc).isEqualTo(2); // picocli's code for a usage error
        assertThat(err.toString()).contains(message);
        assertThat(out.toString()).as("nothing ran").isEmpty();
    }
}
