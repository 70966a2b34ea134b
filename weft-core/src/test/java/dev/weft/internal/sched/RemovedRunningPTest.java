package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.internal.util.Clock;
import dev.weft.internal.vm.VirtualThreads;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A P that {@code setProcs} removes while a goroutine runs on it must not strand the goroutines
 * in its local queue while that goroutine runs on. Thieves steal only from the Ps below procs,
 * and the removed P stops only at its M's next schedule: the running goroutine must be asked to
 * reach one (at its next safe point, as ProcResize's comment promises), and one that never
 * reaches a safe point must lose the P as any hog does. setProcs only flagged the P, and sysmon,
 * which asks for yields at slice ends and retakes hogs, looks only at the Ps below procs: the
 * queue waited for the goroutine to block or end, for good if it waited for one of those.
 *
 * <p>The goroutine on P 1 queues one, shrinks procs itself (no thief can take the queued one
 * first: P 0 is held by a spinning goroutine until the shrink is done) and then waits for it,
 * spinning as long as it holds the removed P; the ten seconds are a safety net only.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RemovedRunningPTest {

    /** The goroutine on the removed P spins through safe points: a time slice of an hour, so only setProcs asks it. */
    @Test
    void aGoroutineOnARemovedPYieldsItAtItsNextSafePoint() throws Exception {
        assertThat(queuedGoroutineRunsWhileTheRemovedPsGoroutineSpins(TimeUnit.HOURS.toNanos(1), true, true))
                .as("the goroutine queued on the removed P ran, and the P's goroutine left the P, while it passed safe points")
                .isTrue();
    }

    /**
     * The goroutine on the removed P never reaches a safe point: after two slices of 5 ms it loses
     * the P as any hog does, and the queued goroutine runs elsewhere.
     */
    @Test
    void aHogOnARemovedPLosesItLikeAnyHog() throws Exception {
        assertThat(queuedGoroutineRunsWhileTheRemovedPsGoroutineSpins(TimeUnit.MILLISECONDS.toNanos(5), false, true))
                .as("the goroutine queued on the removed P ran, and the P was retaken, while the P's goroutine hogged its carrier")
                .isTrue();
    }

    /**
     * The goroutine on the removed P never reaches a safe point and its time slice is an hour:
     * the goroutine queued there runs at once all the same, taken by a thief, as from any P whose
     * goroutine holds it. Thieves looked only at the Ps below procs (and the retaken ones), so it
     * waited for sysmon to retake the P after two slices, while an idle carrier, seeing work it
     * could not take, span on its own P.
     */
    @Test
    void aHogOnARemovedPLosesItsQueueToThievesAtOnce() throws Exception {
        assertThat(queuedGoroutineRunsWhileTheRemovedPsGoroutineSpins(TimeUnit.HOURS.toNanos(1), false, false))
                .as("the goroutine queued on the removed P ran while the P's goroutine hogged its carrier").isTrue();
    }

    /**
     * Returns whether the goroutine queued on P 1 ran while P 1's goroutine, after removing P 1,
     * spun (through {@code Go.checkpoint} if {@code checkpoints}) waiting for it, and, with
     * {@code mustLeave}, until it was off P 1 or P 1 was retaken from it: thieves take the queued
     * one from a removed P, so only that shows the yield request or the retake at work. A hog that
     * must lose P 1 keeps P 0 busy meanwhile too (through safe points): sysmon makes no round
     * while every P below procs is idle.
     */
    private static boolean queuedGoroutineRunsWhileTheRemovedPsGoroutineSpins(long timesliceNanos, boolean checkpoints,
            boolean mustLeave) throws Exception {
        SchedConfig d = SchedConfig.defaults("removed-running-p", (g, t) -> {});
        Sched s = new Sched(new SchedConfig(d.name(), 2, 64, d.uncaughtHandler(), Clock.SYSTEM, timesliceNanos,
                false, false, Model.M_N, d.starvationBoostNanos()));
        try {
            AtomicInteger arrived = new AtomicInteger();
            CountDownLatch shrunk = new CountDownLatch(1);
            CountDownLatch queuedRan = new CountDownLatch(1);
            AtomicBoolean ranInTime = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicBoolean hogLeft = new AtomicBoolean();
            boolean holdP0UntilTheHogLeft = mustLeave && !checkpoints;
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); // a safety net only
            CountDownLatch done = new CountDownLatch(2);
            Runnable role = () -> {
                try {
                    int pid = ((M) VirtualThreads.currentCarrierThread()).p.id;
                    arrived.incrementAndGet();
                    while (arrived.get() < 2) {
                        Thread.onSpinWait(); // hold this P: the other goroutine gets the other one
                    }
                    if (pid == 0) {
                        while (shrunk.getCount() != 0) {
                            Thread.onSpinWait(); // P 0 stays busy: no thief until the shrink
                        }
                        while (holdP0UntilTheHogLeft && !hogLeft.get() && System.nanoTime() - giveUp < 0) {
                            // Busy, so that sysmon makes its rounds, but through safe points: a
                            // hog here would be retaken first, and its fresh P, idle, would
                            // put sysmon to sleep.
                            Sched.checkpoint();
                            Thread.onSpinWait();
                        }
                        return;
                    }
                    s.go(queuedRan::countDown, true); // runnext of P 1
                    s.setProcs(1); // P 1, running this goroutine with one queued, is removed
                    shrunk.countDown();
                    boolean left = false;
                    while ((queuedRan.getCount() != 0 || mustLeave && !left) && System.nanoTime() - giveUp < 0) {
                        P on = ((M) VirtualThreads.currentCarrierThread()).p;
                        left = on != null && (on.id < s.procs() || on.status == P.RETAKEN);
                        if (left) {
                            hogLeft.set(true);
                        }
                        if (!checkpoints) {
                            Thread.onSpinWait();
                            continue;
                        }
                        Sched.checkpoint();
                        P now = ((M) VirtualThreads.currentCarrierThread()).p;
                        if (now != null && now.id == 0) {
                            // Off the removed P: wait parked, so that this goroutine, which no
                            // time slice of an hour would preempt, leaves P 0 to the queued one.
                            queuedRan.await(giveUp - System.nanoTime(), TimeUnit.NANOSECONDS);
                        }
                    }
                    ranInTime.set(queuedRan.getCount() == 0 && (!mustLeave || left));
                } catch (Throwable t) {
                    failure.set(t);
                    shrunk.countDown();
                } finally {
                    done.countDown();
                }
            };
            s.go(role, true);
            s.go(role, true);
            done.await();
            assertThat(failure.get()).isNull();
            return ranInTime.get();
        } finally {
            s.close();
        }
    }
}
