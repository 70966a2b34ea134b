package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * White-box regressions for an intermittent hang of {@code close()}: one carrier never exited,
 * so {@code Idle.stopCarriers} joined it for ever (SchedulerStressTest.setProcsWhileGoroutinesRun
 * on a loaded machine). The chain: work a spinner could see but not take (a P that setProcs
 * removed, still running its goroutine; a P put back idle with its queue unread) kept sysmon's
 * "work stranded while every P is idle" check true; sysmon reset the spinning count although a
 * spinner was real; that spinner's decrement took the count below zero, where the check that
 * threw left it, and from then on every spinner threw before it could park: no carrier reached
 * {@code stopm}, where a stopped runtime lets it exit.
 *
 * <p>Each test drives the scheduler's states directly with an M that is never started (it only
 * carries the fields the protocol reads), on a runtime with no goroutine, so no real carrier
 * interferes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StopProtocolTest {

    static Sched runtime(int procs) {
        SchedConfig d = SchedConfig.defaults("stop-protocol", (g, t) -> {});
        return new Sched(new SchedConfig(d.name(), procs, 64, d.uncaughtHandler(), d.clock(), d.timesliceNanos(),
                d.detectDeadlocks(), false, Model.M_N, d.starvationBoostNanos()));
    }

    /** Takes the idle P with {@code id} off the idle list (the others go back) and gives it to {@code m}. */
    static P acquire(Sched s, M m, int id) {
        s.lock.lock();
        try {
            java.util.List<P> others = new java.util.ArrayList<>();
            P p;
            while ((p = s.idle.pidleget()) != null && p.id != id) {
                others.add(p);
            }
            for (P o : others) {
                s.idle.pidleput(o);
            }
            assertThat(p).as("P%d idle", id).isNotNull();
            Sched.acquirep(m, p);
            return p;
        } finally {
            s.lock.unlock();
        }
    }

    static void release(Sched s, M m) {
        s.lock.lock();
        try {
            P p = m.p;
            Sched.releasep(m);
            s.idle.pidleput(p);
        } finally {
            s.lock.unlock();
        }
    }

    /**
     * Guards against: sysmon's reset of the spinning count erasing a real spinner's count (every
     * P of procs is idle while a spinner has given its P back and not yet dropped its count), the
     * spinner's drop then taking the count to -1 and throwing, and the count staying negative:
     * nonzero, so wakep believed someone spun and woke nobody, and every later spinner threw
     * instead of parking.
     */
    @Test
    void aSpinnerWhoseCountSysmonResetDropsToZeroAndWakeUpsStillComeAfter() throws Exception {
        Sched s = runtime(1);
        try {
            M m = new M(s, 99);
            acquire(s, m, 0);
            assertThat(s.idle.trySpin(m, s.procs())).isTrue();
            assertThat(s.idle.spinning()).isEqualTo(1);
            release(s, m); // findRunnable gives its P back before spinnerExit drops the count
            assertThat(s.allProcsIdle()).isTrue();

            s.idle.repairStaleSpinning(); // sysmon: every P idle, a count left: "stale"
            assertThat(s.idle.spinning()).isZero();
            s.idle.dropSpinning(m); // the spinner itself, a moment later

            assertThat(m.spinning).isFalse();
            assertThat(s.idle.spinning()).isZero();
            // A count of zero means the next submit wakes a carrier for its goroutine.
            CountDownLatch ran = new CountDownLatch(1);
            s.go(ran::countDown, true);
            assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            s.close();
        }
        assertThat(s.isTerminated()).isTrue();
    }

    /**
     * Guards against: a P that setProcs removed and then added back (the M read the stop request
     * before the growth cleared it) going onto the idle list with its queue unread. Thieves skip
     * idle Ps while a spinner's re-check sees their work, so a spinner could take its own P back
     * and spin for ever; the M keeps the P instead and looks at its queue itself.
     */
    @Test
    void anMWhosePWasRemovedAndAddedBackKeepsIt() {
        Sched s = runtime(2);
        try {
            M m = new M(s, 99);
            P p1 = acquire(s, m, 1);
            s.setProcs(1);
            assertThat(p1.stopRequested).isTrue();
            s.setProcs(2); // before m's findRunnable acted on the request it had read

            s.resize.stopCurrentP(m);

            assertThat(m.p).isSameAs(p1);
            assertThat(p1.status).isEqualTo(P.RUNNING);
            assertThat(p1.stopRequested).isFalse();
            assertThat(s.idle.idleProcs()).isEqualTo(1); // P0 only
            release(s, m);
        } finally {
            s.close();
        }
    }

    /** Still stopped as before: a P beyond procs goes STOPPED and the M holds none. */
    @Test
    void anMWhosePWasRemovedStopsIt() {
        Sched s = runtime(2);
        try {
            M m = new M(s, 99);
            P p1 = acquire(s, m, 1);
            s.setProcs(1);

            s.resize.stopCurrentP(m);

            assertThat(m.p).isNull();
            assertThat(p1.status).isEqualTo(P.STOPPED);
            assertThat(p1.stopRequested).isFalse();
        } finally {
            s.close();
        }
    }

    /**
     * Guards against: a spinner of a stopped runtime taking a P back because it sees queued work
     * (here a goroutine queued after the stop, which no carrier will run), instead of going to
     * stopm and exiting; work it can see but not take kept such a spinner from ever exiting.
     */
    @Test
    void aSpinnerOfAStoppedRuntimeExitsEvenWithWorkInSight() {
        Sched s = runtime(1);
        try {
            M m = new M(s, 99);
            acquire(s, m, 0);
            assertThat(s.idle.trySpin(m, s.procs())).isTrue();
            s.lock.lock();
            try {
                s.markStopped();
            } finally {
                s.lock.unlock();
            }
            // Never started, never run: only there to be seen (the runtime is stopped, so
            // nothing wakes a carrier for it).
            s.queues.putGlobal(new G(s, 1_000_000, 0, () -> {}, false, G.DEFAULT_PRIORITY, false));
            release(s, m);
            assertThat(s.anyQueuedWork()).isTrue();

            assertThat(s.idle.spinnerExit(m)).isFalse();

            assertThat(m.p).isNull();
            assertThat(m.spinning).isFalse();
            assertThat(s.idle.stopm(m)).isFalse(); // where its loop goes next: it exits
        } finally {
            s.close();
        }
    }
}
