package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A startTrace that a close overtakes between its "not closed" check and its attach. The close,
 * finding no recording, compacted nothing; the start then attached the closed runtime, giving
 * each of its stopped carriers a buffer (megabytes each) that the recording kept until written,
 * for a runtime that could record nothing more. It is refused now, as a start after the close
 * is, and the buffers are dropped. Deterministic: a probe in {@code Tracing.start} closes the
 * runtime at that point.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StartTraceRacingCloseTest {

    @Test
    void aStartOvertakenByACloseIsRefusedAndKeepsNoBuffer(@TempDir Path dir) throws Exception {
        try (SchedTestSupport.Recorded r = new SchedTestSupport.Recorded(2)) {
            Sched s = r.sched;
            r.join(r.go(() -> {})); // a carrier exists: it would get a buffer
            assertThat(s.idle.allmSnapshot()).isNotEmpty();
            Tracing.afterClosedCheckForTest = s::close;
            Throwable refused;
            try {
                refused = catchThrowable(() -> s.startTrace(dir.resolve("raced.json"), 1024).stop());
            } finally {
                Tracing.afterClosedCheckForTest = null;
            }
            assertThat(s.isTerminated()).isTrue();
            assertThat(refused).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("runtime 'test' is closed");
            assertThat(s.trace).as("the recording attached").isNull();
            for (M m : s.idle.allmSnapshot()) {
                assertThat(m.traceBuf).as("carrier M" + m.mid + "'s buffer").isNull();
            }
        }
    }
}
