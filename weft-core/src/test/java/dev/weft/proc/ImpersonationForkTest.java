package dev.weft.proc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Impersonation does not reach a {@code StructuredTaskScope}'s forks, which inherit the scope's
 * scoped values: each fork sees its process's own context unless it impersonates itself. The
 * scope is a preview API in JDK 25, so the case runs in a child JVM with {@code --enable-preview}
 * ({@code src/test/resources/preview/ImpersonationScopeChild.java}), as
 * {@code StructuredTaskScopeTest} does, under this execution's threading model.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImpersonationForkTest {

    @Test
    void aForkInsideAnImpersonationSeesItsProcesssOwnContext() throws Exception {
        Path source = Path.of(ImpersonationForkTest.class.getResource("/preview/ImpersonationScopeChild.java").toURI());
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-preview", "--source", "25",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "-Dweft.model=" + System.getProperty("weft.model", "M_N"),
                "-cp", System.getProperty("java.class.path"),
                source.toString());
        File log = File.createTempFile("weft-impersonation", ".log");
        log.deleteOnExit();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        boolean ended = p.waitFor(90, TimeUnit.SECONDS); // a safety net only
        String out = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        if (!ended) {
            p.destroyForcibly();
        }
        assertThat(ended).as("child ended; output:\n" + out).isTrue();
        assertThat(out).as(out).contains("OK: ");
        assertThat(p.exitValue()).as(out).isZero();
    }
}
