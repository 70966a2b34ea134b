package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Review of the PRIORITY inbox (PriorityQueues, "The inbox"): a goroutine readied from outside
 * the runtime's Ps at the level floor waits in the inbox, where no level decision sees it, on
 * the argument that a G at the floor outranks nobody. The floor only falls (LevelFloor): a G
 * that went to the inbox at the floor is above it once a lower priority is given, and from then
 * on it is neither at the floor (the fairness poll of the inbox asks for a P whose best level is
 * the floor) nor in the global queue (whose best level rule 1 and publish-then-flag read).
 *
 * <p>On one processor and one carrier (N_1), with a one-minute slice and the boost off, as
 * PriorityPolicyTest does, so that only the rule under test can make the goroutine run. No
 * waits: by the rules the goroutine runs within 61 schedules (first, in the second test), so the
 * busy goroutines give up after a bounded number of turns and record whether it had run by then;
 * once they end it runs either way, and the runtime closes. (A version that waited 20 seconds
 * while two goroutines yielded, and one at 100,000 yields each, warmed the JIT so that
 * StackEndSpawnTest, run next in the same N_1 JVM, left its main goroutine pinned: parked on its
 * carrier in a timed join, the JDK's pin leak at the end of a stack, docs/notes/stack-end.md,
 * "Not covered".)
 */
@Tag("user-space-scheduler")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PriorityInboxReviewTest {
    /**
     * Turns a busy goroutine takes before it gives up: far more than the 61 schedules fairness
     * needs, and few enough not to warm the JDK's submit path much (see the class comment).
     */
    private static final int YIELDS = 2_000;

    private static Weft.Builder onOneProc() {
        return Weft.builder().model(ThreadingModel.N_1).policy(SchedulingPolicy.PRIORITY)
                .timeslice(Duration.ofMinutes(1)).starvationBoost(false);
    }

    /**
     * Two yielders at the default level (8) keep the only P busy; a goroutine at 8 started from
     * this platform thread goes to the inbox (8 is the floor); then a goroutine at 2 is started,
     * which lowers the floor to 2. The first one is an equal of the yielders and must get its
     * turn by fairness, as the commit's aGoroutineStartedFromOutsideAtTheFloorGetsItsTurnAmongBusyEquals
     * requires when the floor has not moved. With the inbox it never does: the fairness tick polls
     * the inbox only while the P's best level (8) is at the floor (now 2), and the batch path only
     * when the P's queue is empty, which the yielders never let it be. Before the inbox it waited
     * in the global queue at level 8, which the tick polls at equal level.
     */
    @Test
    void anOutsideGoroutineQueuedBeforeTheFloorFellStillGetsItsTurnAmongBusyEquals() throws Exception {
        try (Weft rt = onOneProc().build()) {
            AtomicBoolean release = new AtomicBoolean();
            AtomicBoolean outsideRan = new AtomicBoolean();
            AtomicBoolean ranWhileBusy = new AtomicBoolean();
            CountDownLatch holding = new CountDownLatch(1);
            Goroutine y1 = rt.go(() -> {
                // y2 is queued on this P (readied by a goroutine: the P's own queue, not the inbox).
                Goroutine y2 = Go.go(() -> yieldUntil(outsideRan));
                holding.countDown();
                while (!release.get()) {
                    Thread.onSpinWait(); // holds the only P until both starts below are done
                }
                yieldUntil(outsideRan);
                ranWhileBusy.set(outsideRan.get()); // y2 is still busy: it yields as long as y1
                y2.join();
            });
            holding.await();
            Goroutine outside = rt.go(() -> outsideRan.set(true)); // level 8, the floor: the inbox
            Goroutine low = rt.go(2, () -> {}); // the floor falls to 2 (low queues behind outside)
            assertThat(outside.priority()).isEqualTo(8);
            release.set(true);
            y1.join();
            outside.join();
            low.join();
            assertThat(ranWhileBusy.get())
                    .as("the goroutine started from outside at level 8 ran among its busy equals at 8").isTrue();
        }
    }

    private static void yieldUntil(AtomicBoolean done) {
        for (int i = 0; i < YIELDS && !done.get(); i++) {
            Go.yield();
        }
    }

    /**
     * A goroutine at 8 started from this platform thread while 8 is the floor goes to the inbox;
     * then the goroutine holding the only P starts a CPU-bound one at 2 (the floor falls to 2)
     * and ends. Rule 1: the highest ready level runs, so the goroutine at 8 runs before the one
     * at 2, or preempts it (publish-then-flag: the M that mounts the goroutine at 2 reads the
     * global queue's best level). Before the inbox the goroutine at 8 waited in the global queue
     * and did; with the inbox the goroutine at 2 runs first and is never asked to yield, and the
     * one at 8 waits until the slice ends (a minute here) and then for a fairness tick. It runs
     * first only if the P's first schedule after the starter happens to be a fairness tick (one
     * in 61).
     */
    @Test
    void aGoroutineQueuedAtTheFloorBeforeItFellRunsBeforeALowerOne() throws Exception {
        try (Weft rt = onOneProc().build()) {
            AtomicBoolean release = new AtomicBoolean();
            AtomicBoolean highRan = new AtomicBoolean();
            AtomicBoolean lowSawHigh = new AtomicBoolean();
            CountDownLatch holding = new CountDownLatch(1);
            AtomicReference<Goroutine> low = new AtomicReference<>();
            Goroutine starter = rt.go(() -> {
                holding.countDown();
                while (!release.get()) {
                    Thread.onSpinWait(); // holds the only P until the start below is done
                }
                low.set(Go.go(2, () -> {
                    // Safe points the priority preemption could act on; bounded, so that the test
                    // ends (and the goroutine at 8 then runs) when nothing asks this one to yield.
                    for (int i = 0; i < 100 * YIELDS && !highRan.get(); i++) {
                        Go.checkpoint();
                    }
                    lowSawHigh.set(highRan.get());
                }));
            });
            holding.await();
            Goroutine high = rt.go(() -> highRan.set(true)); // level 8, the floor: the inbox
            release.set(true);
            starter.join();
            high.join();
            low.get().join();
            assertThat(lowSawHigh.get()).as("the goroutine at 8 ran before (or preempted) the one at 2").isTrue();
        }
    }
}
