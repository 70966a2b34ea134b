package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * JDK 25's {@code StructuredTaskScope} (a preview API) inside a goroutine: its forks are goroutines
 * of the same runtime (under ONE_TO_ONE, where nothing adopts them, the JDK's own virtual threads).
 * Preview features stay out of the rest of the suite: the child program
 * ({@code src/test/resources/preview/StructuredScopeChild.java}) runs in its own JVM through the
 * single-file source launcher with {@code --enable-preview}, under this execution's model.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StructuredTaskScopeTest {

    @Test
    void aScopesForksInsideAGoroutineAreGoroutinesOfTheSameRuntime() throws Exception {
        Path source = Path.of(StructuredTaskScopeTest.class.getResource("/preview/StructuredScopeChild.java").toURI());
        ChildJvm.Result r = ChildJvm.run(90, List.of("--enable-preview", "--source", "25"), source.toString());
        String out = r.output();
        assertThat(out).as(out).contains("ONE_TO_ONE".equals(System.getProperty("weft.model"))
                ? "OK: sum 5050, forks are the JDK's virtual threads under ONE_TO_ONE"
                : "OK: sum 5050, forks are goroutines of 'sts'");
        assertThat(r.exitValue()).as(out).isZero();
    }
}
