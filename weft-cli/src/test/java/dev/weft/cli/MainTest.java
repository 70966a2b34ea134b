package dev.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** What the {@code weft} command and each subcommand answer to the standard options. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MainTest {

    /**
     * Every subcommand's help lists "-V, --version  Print version information and exit.": each
     * prints the version the build wrote. The subcommands had no version provider, so
     * {@code weft demo --version} printed nothing and exited 0.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "demo", "bench", "scale", "trace"})
    void everyCommandPrintsTheVersionItsHelpPromises(String subcommand) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new Main()).setOut(new PrintWriter(out));
        int rc = subcommand.isEmpty() ? cl.execute("--version") : cl.execute(subcommand, "--version");
        assertThat(rc).isZero();
        assertThat(out.toString()).isEqualTo("weft " + Weft.version() + System.lineSeparator());
    }
}
