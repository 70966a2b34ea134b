package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Without the add-opens flag, building a runtime fails with a message that names the flag. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MissingFlagTest {

    /** Run in a child JVM started without the flag. */
    public static final class Probe {
        public static void main(String[] args) {
            try {
                Weft.builder().procs(1).build();
                System.out.println("BUILT");
            } catch (IllegalStateException e) {
                System.out.println("FAILED: " + e.getMessage());
            }
        }
    }

    @Test
    void buildingARuntimeWithoutTheFlagNamesTheFlag() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                Probe.class.getName())).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("FAILED: weft needs the JVM flag '--add-opens java.base/java.lang=ALL-UNNAMED'");
    }
}
