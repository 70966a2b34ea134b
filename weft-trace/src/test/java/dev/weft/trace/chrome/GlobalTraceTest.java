package dev.weft.trace.chrome;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.Go;
import dev.weft.Weft;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -Dweft.trace=FILE}: a whole program traced with one flag. A child JVM runs
 * {@link Program} (two runtimes, one never closed) with the flag; at its exit the file holds
 * both runtimes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GlobalTraceTest {
    /** The traced program: two runtimes, a few goroutines each. */
    public static final class Program {
        public static void main(String[] args) {
            Weft a = Weft.builder().procs(2).name("first").build();
            a.run(() -> {
                for (int i = 0; i < 10; i++) {
                    Go.go(Go::yield);
                }
            });
            a.close();
            Weft b = Weft.builder().procs(1).name("second").build(); // never closed: the hook still writes it
            b.run(() -> Go.go(() -> { }).join());
            System.out.println("program done");
        }
    }

    @Test
    void theFlagTracesEveryRuntimeAndWritesAtExit(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("whole.trace.json");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-Dweft.trace=" + file, "-cp", System.getProperty("java.class.path"), Program.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("program done", "weft: trace written to " + file.toAbsolutePath());

        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertThat(root.path("otherData").path("droppedEvents").asLong(-1)).isZero();
        Set<String> runtimes = new HashSet<>();
        Set<Integer> pidsWithRuns = new HashSet<>();
        for (JsonNode e : root.path("traceEvents")) {
            if (e.path("ph").asText().equals("M") && e.path("name").asText().equals("weft_runtime")) {
                runtimes.add(e.path("args").path("name").asText());
            }
            if (e.path("ph").asText().equals("X") && e.path("cat").asText().equals(ChromeTraceWriter.CAT_RUN)) {
                pidsWithRuns.add(e.path("pid").asInt());
            }
        }
        assertThat(runtimes).contains("first", "second");
        assertThat(pidsWithRuns).hasSizeGreaterThanOrEqualTo(2);
    }
}
