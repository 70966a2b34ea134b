package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stats snapshot's procs and its per-P arrays agree while setProcs runs. The snapshot read allp
 * before procs: a grow in between gave it the larger procs and the shorter allp, so
 * {@code switchReasonsPerP} (Weft's {@code switchesByReasonPerProc}) listed fewer Ps than procs.
 * Deterministic: a probe in {@code stats}, between its two reads, makes the grow.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatsSnapshotTest {

    @Test
    void aGrowDuringASnapshotLeavesItsProcsAndPerPArraysInAgreement() {
        try (SchedTestSupport.Recorded r = new SchedTestSupport.Recorded(2)) {
            Sched s = r.sched;
            s.diagnostics.afterProcsReadForTest = () -> {
                s.diagnostics.afterProcsReadForTest = null;
                s.setProcs(4);
            };
            SchedStats st = s.stats();
            assertThat(s.procs()).isEqualTo(4);
            assertThat(st.switchReasonsPerP().length).as("per-P switch counts").isEqualTo(st.procs());
            assertThat(st.localRunq()).as("per-P queue lengths").hasSize(st.procs());
            SchedStats after = s.stats();
            assertThat(after.procs()).isEqualTo(4);
            assertThat(after.switchReasonsPerP().length).isEqualTo(4);
            assertThat(r.uncaught).isEmpty();
        }
    }
}
