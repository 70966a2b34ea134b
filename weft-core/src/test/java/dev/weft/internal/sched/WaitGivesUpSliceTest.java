package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.internal.util.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rule 3 of the PRIORITY policy, with a fake clock so that no assertion depends on real time: a
 * goroutine that waits gives up the rest of its slice, and the next one, taken from the queue,
 * gets a whole slice of its own. Sysmon's round counter tells when it has looked at the P after
 * each step of the clock.
 */
@Tag("user-space-scheduler")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WaitGivesUpSliceTest {
    private static final long MS = 1_000_000;

    @Test
    void theGoroutineAfterAWaitGetsAFullSlice() throws Exception {
        AtomicLong fakeNow = new AtomicLong(1_000 * MS);
        Clock clock = fakeNow::get;
        // N_1: one carrier and no retake, so a carrier that sysmon misjudges on a loaded machine
        // cannot bring a second one in; only the slice rule is at work.
        Sched s = new Sched(new SchedConfig("slice", 1, 8, (g, t) -> t.printStackTrace(), clock, 10 * MS, false, true,
                Model.N_1, 0));
        AtomicBoolean stop = new AtomicBoolean();
        G[] started = new G[1];
        try {
            AtomicBoolean firstMayWait = new AtomicBoolean();
            CountDownLatch firstRunning = new CountDownLatch(1);
            CountDownLatch secondRunning = new CountDownLatch(1);
            Object parkHere = new Object();
            // Both at one level, started from this thread: the first runs, the second waits in the queue.
            G first = s.go(() -> {
                firstRunning.countDown();
                while (!firstMayWait.get()) {
                    Sched.checkpoint();
                }
                while (!stop.get()) {
                    Parking.park(parkHere, WaitReason.CHAN_RECEIVE, s); // waits until the end
                }
            }, true);
            started[0] = first;
            G second = s.go(() -> {
                secondRunning.countDown();
                while (!stop.get()) {
                    Sched.checkpoint();
                }
            }, true);
            firstRunning.await();
            awaitRounds(s, 3);
            fakeNow.addAndGet(8 * MS); // the first has used 8 of its 10 ms
            awaitRounds(s, 3);
            assertThat(s.preemption.preemptRequests.get()).isZero();

            firstMayWait.set(true); // it waits: the second starts a slice of its own
            secondRunning.await();
            awaitRounds(s, 3);
            fakeNow.addAndGet(5 * MS); // 13 ms since the first started, 5 since the second did
            awaitRounds(s, 3);
            assertThat(s.preemption.preemptRequests.get()).as("the second inherited the first's slice").isZero();

            fakeNow.addAndGet(6 * MS); // 11 ms for the second: its own slice is over
            awaitRequestAdvancing(s, fakeNow);
            // ...and it yields at its next checkpoint, counted as a slice end, before we stop it.
            dev.weft.Conditions.awaitTrue(() -> s.stats().switchReasons()[SwitchReason.SLICE_END] >= 1);

            stop.set(true);
            LockSupport.unpark(first.thread());
            first.thread().join();
            second.thread().join();
            assertThat(s.stats().switchReasons()[SwitchReason.WAIT]).isGreaterThanOrEqualTo(1);
        } finally {
            // Also after a failed wait: end both goroutines, so that close() returns and no
            // running runtime is left behind (it would keep every later deadlock test waiting).
            stop.set(true);
            if (started[0] != null) {
                LockSupport.unpark(started[0].thread());
            }
            s.close();
        }
    }

    /**
     * Waits for sysmon's preemption request. Its next round makes it, unless that round found the
     * process stalled in real time (a loaded machine: sysmon woke far later than it asked), which
     * gives the running goroutine up to half a slice more before a request; with the fake clock
     * frozen that half slice would never pass, so the clock moves on 1 ms a round until it does.
     * A stall only ever delays a request: the assertions of none above stand.
     */
    private static void awaitRequestAdvancing(Sched s, AtomicLong fakeNow) {
        while (s.preemption.preemptRequests.get() < 1) {
            awaitRounds(s, 1);
            if (s.preemption.preemptRequests.get() < 1) {
                fakeNow.addAndGet(MS);
            }
        }
    }

    /** Waits until sysmon has finished {@code n} more rounds over the busy P. */
    private static void awaitRounds(Sched s, int n) {
        long target = s.sysmon.rounds + n;
        dev.weft.Conditions.awaitTrue(() -> s.sysmon.rounds >= target);
    }
}
