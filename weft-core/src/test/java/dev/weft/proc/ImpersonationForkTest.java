package dev.weft.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.ChildJvm;
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
        ChildJvm.Result r = ChildJvm.run(90, List.of("--enable-preview", "--source", "25"), source.toString());
        String out = r.output();
        assertThat(out).as(out).contains("OK: ");
        assertThat(r.exitValue()).as(out).isZero();
    }
}
