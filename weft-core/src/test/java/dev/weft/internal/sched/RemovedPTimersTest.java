package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.internal.timer.TimerEntry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An idle P removed by {@code setProcs} hands its timers to P 0. They used to move only after
 * the scheduler lock was released, while the P already read STOPPED, which every lock-free
 * reader skips: sysmon planning its sleep in that window (every P idle) saw no such timer and
 * slept past it, to a later timer or for its idle period, and nothing told it when the timers
 * reappeared on P 0 (a move, unlike an add, did not wake it): the timer fired late by up to that
 * much. The deadlock check saw no timer either.
 *
 * <p>Deterministic: a probe in {@code setProcs}, run just after the lock's release, reads what
 * sysmon would read. The runtime has no goroutine and a fake clock that never moves, so no
 * carrier and no sysmon round runs a timer meanwhile.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RemovedPTimersTest {

    @Test
    void timersOfAnIdlePRemovedBySetProcsStayVisibleOnceTheLockIsReleased() {
        AtomicLong now = new AtomicLong(1_000);
        SchedConfig d = SchedConfig.defaults("removed-p-timers", (g, t) -> {});
        Sched s = new Sched(new SchedConfig(d.name(), 3, 64, d.uncaughtHandler(), now::get, d.timesliceNanos(),
                d.detectDeadlocks(), false, Model.M_N, d.starvationBoostNanos()));
        try {
            AtomicInteger fired = new AtomicInteger();
            TimerEntry near = new TimerEntry((e, seq, at) -> fired.incrementAndGet());
            TimerEntry far = new TimerEntry((e, seq, at) -> fired.incrementAndGet());
            dev.weft.Conditions.awaitTrue(s::allProcsIdle);
            s.allp()[2].timers.add(near, 5_000, 0);
            s.allp()[0].timers.add(far, 9_000_000_000L, 0);
            assertThat(s.timers.earliest()).isEqualTo(5_000);

            AtomicLong seen = new AtomicLong();
            s.resize.afterLockReleaseForTest = () -> seen.set(s.timers.earliest());
            s.setProcs(2);
            s.resize.afterLockReleaseForTest = null;

            assertThat(seen.get()).as("earliest timer seen just after the lock's release").isEqualTo(5_000);
            assertThat(s.timers.earliest()).isEqualTo(5_000);
            assertThat(near.isPending()).isTrue();
            assertThat(fired.get()).isZero();
        } finally {
            s.close();
        }
    }
}
