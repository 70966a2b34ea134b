package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The spinning count and sysmon's repair of a stale one. Guards against: an M that had put its P
 * on the idle list and not yet left spinning (descheduled there on a loaded machine) when sysmon
 * zeroed the count; its own drop then drove the count to -1, and from then on every spinner's
 * exit threw "negative nmspinning" in a loop (seen while measuring, 4 GB of log in 90 s).
 */
class SpinningRepairTest {

    @Test
    void aSpinnersDropAfterTheRepairTookItsCountLeavesTheCountAtZero() {
        try (SchedTestSupport.Recorded r = new SchedTestSupport.Recorded(1)) {
            Idle idle = r.sched.idle;
            M m = new M(r.sched, 99); // never started: only its spinning flag is used
            // Counted as a spinner (as if its P had been busy), then its P is idle again.
            assertThat(idle.trySpin(m, 3)).isTrue();
            assertThat(idle.spinning()).isEqualTo(1);
            idle.repairStaleSpinning(); // every P idle: sysmon takes the count for stale
            assertThat(idle.spinning()).isZero();
            idle.dropSpinning(m);
            assertThat(idle.spinning()).isZero();
            assertThat(m.spinning).isFalse();
        }
    }

    @Test
    void withoutARepairAZeroCountAtADropIsStillAnError() {
        try (SchedTestSupport.Recorded r = new SchedTestSupport.Recorded(1)) {
            M m = new M(r.sched, 98);
            assertThatThrownBy(() -> r.sched.idle.dropSpinning(m)).hasMessageContaining("negative nmspinning");
        }
    }
}
