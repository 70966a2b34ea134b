package dev.weft.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Guards against: weft adopting the JDK's own service threads (issue 12, defect 1). The JDK starts
 * its socket pollers, and more, from whatever thread first needs them; started inside a goroutine
 * they inherited its scheduler, so the runtime never emptied, {@code close()} hung and every
 * virtual thread of the JVM did its socket I/O on weft's carriers. "First" means first in the
 * JVM, so each case runs {@link JdkMachineryChild} in a fresh JVM with this JVM's flags.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JdkMachineryTest {

    @ParameterizedTest
    @ValueSource(strings = {"socket", "datagram", "http", "files-and-timers"})
    void theJdksMachineryFirstTouchedInAGoroutineIsNotAdopted(String feature) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-opens");
        cmd.add("java.base/java.lang=ALL-UNNAMED");
        cmd.add("-Dweft.model=" + System.getProperty("weft.model", "M_N"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(JdkMachineryChild.class.getName());
        cmd.add(feature);
        File log = File.createTempFile("weft-child", ".log");
        log.deleteOnExit();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        boolean ended = p.waitFor(90, TimeUnit.SECONDS); // a safety net: the child bounds its own waits
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        String out = java.nio.file.Files.readString(log.toPath(), StandardCharsets.UTF_8);
        assertThat(ended).as("the child JVM hung: %s", out).isTrue();
        assertThat(out).as("child output").contains("OK " + feature);
        assertThat(p.exitValue()).isZero();
    }
}
