package dev.weft.internal.sched;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.internal.timer.TimerEntry;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sysmon ends a P's time slice when its {@code schedtick} has not moved for a slice since it
 * noted it ({@code P.seenSchedtickAt}). Those notes were taken up whatever had happened since:
 * on a fresh P they were zero (at clock time 0, a whole slice ago at the first look), and on a P
 * that had gone idle (a look saw it so, or sysmon slept with every P idle) they were from its
 * last busy spell. A P whose M was between goroutines, its schedtick unchanged, then had its
 * slice "ended" at the first look: {@code sliceEnds} counted one that never was, and the P's next
 * goroutine lost the rest of an inherited slice.
 *
 * <p>The M is held between goroutines by a timer callback it runs (it runs due timers before it
 * looks for a goroutine) that waits on a latch. The clock is a fake one that moves only when the
 * test moves it, so no real slice can end.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SysmonFreshLookTest {
    private static final long MS = 1_000_000L;
    private static final long SLICE = 10 * MS;

    private static Sched runtime(AtomicLong now) {
        SchedConfig d = SchedConfig.defaults("fresh-look", (g, t) -> t.printStackTrace());
        return new Sched(new SchedConfig(d.name(), 1, 64, d.uncaughtHandler(), now::get, SLICE, false, false,
                Model.M_N, d.starvationBoostNanos()));
    }

    /** A timer that holds the M running it until {@code release}; due at {@code when}. */
    private static TimerEntry blocker(CountDownLatch inCallback, CountDownLatch release) {
        return new TimerEntry((e, seq, at) -> {
            inCallback.countDown();
            try {
                release.await();
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            }
        });
    }

    private static void awaitRounds(Sched s, int n) {
        long target = s.sysmon.rounds + n;
        awaitTrue(() -> s.sysmon.rounds >= target);
    }

    @Test
    void aFreshPIsNotFoundPastItsSliceAtSysmonsFirstLook() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000 * MS);
        Sched s = runtime(now);
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            P p = s.allp()[0];
            p.timers.add(blocker(inCallback, release), now.get(), 0);
            G g = s.go(() -> {}, true); // from outside: an M takes P 0 and runs the timer first
            assertThat(inCallback.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.status).isEqualTo(P.RUNNING);
            assertThat(p.schedtick).as("no goroutine has run on P 0").isZero();
            awaitRounds(s, 2);
            assertThat(s.preemption.sliceEnds.get()).as("slice ends").isZero();
            assertThat(p.sliceExpired).isFalse();
            release.countDown();
            g.thread().join();
        } finally {
            release.countDown();
            s.close();
        }
    }

    @Test
    void aPSeenIdleIsObservedAfreshWhenItRunsAgain() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000 * MS);
        Sched s = runtime(now);
        s.sysmon.shutdown();
        s.sysmon.join(); // nothing else looks at the Ps
        Sysmon mon = new Sysmon(s); // never started: the test calls its retake
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            P p = s.allp()[0];
            G first = s.go(() -> {
                while (!stop.get()) {
                    Thread.onSpinWait();
                }
            }, true);
            awaitTrue(() -> p.m != null && p.m.curg == first);
            mon.retake(now.get(), false); // notes schedtick 1 now
            stop.set(true);
            first.thread().join();
            awaitTrue(() -> p.status == P.IDLE);
            mon.retake(now.get() + MS, false); // sees it idle

            now.addAndGet(1_000 * MS);
            p.timers.add(blocker(inCallback, release), now.get(), 0);
            G second = s.go(() -> {}, true);
            assertThat(inCallback.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.schedtick).as("unchanged since the first look").isEqualTo(1);
            mon.retake(now.get(), false);
            assertThat(s.preemption.sliceEnds.get()).as("slice ends").isZero();
            assertThat(p.sliceExpired).isFalse();
            release.countDown();
            second.thread().join();
        } finally {
            stop.set(true);
            release.countDown();
            s.close();
        }
    }

    @Test
    void aPBusyAgainAfterSysmonSleptIsObservedAfresh() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000 * MS);
        Sched s = runtime(now);
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            P p = s.allp()[0];
            G first = s.go(() -> {
                while (!stop.get()) {
                    Thread.onSpinWait();
                }
            }, true);
            awaitTrue(() -> p.m != null && p.m.curg == first);
            awaitRounds(s, 2); // sysmon noted schedtick 1
            stop.set(true);
            first.thread().join();
            awaitTrue(() -> s.sysmon.sleeping); // every P idle: no look sees it so

            now.addAndGet(1_000 * MS);
            // Armed from outside, it wakes sysmon, which wakes an M for it: P 0 is busy again.
            s.addTimer(blocker(inCallback, release), now.get(), 0);
            assertThat(inCallback.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.schedtick).as("unchanged since sysmon's last look").isEqualTo(1);
            awaitRounds(s, 2);
            assertThat(s.preemption.sliceEnds.get()).as("slice ends").isZero();
            assertThat(p.sliceExpired).isFalse();
        } finally {
            stop.set(true);
            release.countDown();
            s.close();
        }
    }
}
