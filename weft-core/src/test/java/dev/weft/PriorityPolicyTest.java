package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.chan.Chan;
import dev.weft.sync.WaitGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The PRIORITY policy's rules, checked on one processor and one carrier where the order is deterministic: no
 * assertion depends on timing. Where a rule could only be seen through a time slice ending, the
 * slice is set to a minute, so only the rule under test can make the goroutine run.
 */
@Tag("user-space-scheduler")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PriorityPolicyTest {

    /**
     * One processor and one carrier (N_1): under M_N, sysmon may hand the processor of a carrier
     * that gets no CPU on a loaded machine to a second carrier, which would then run a
     * lower-priority goroutine beside the hog; without hand-off only the policy decides.
     */
    private static Weft.Builder onOneProc() {
        return Weft.builder().model(ThreadingModel.N_1).policy(SchedulingPolicy.PRIORITY);
    }

    @Test
    void higherLevelsRunFirstAndEqualLevelsInArrivalOrder() {
        List<String> order = new CopyOnWriteArrayList<>();
        try (Weft rt = onOneProc().build()) {
            rt.run(() -> {
                Go.current().setPriority(31); // nothing preempts the spawner
                WaitGroup wg = new WaitGroup();
                String[] names = {"a3", "b20", "c3", "d25", "e0", "f20"};
                int[] levels = {3, 20, 3, 25, 0, 20};
                for (int i = 0; i < names.length; i++) {
                    String name = names[i];
                    wg.add(1);
                    Go.go(levels[i], () -> {
                        order.add(name);
                        wg.done();
                    });
                }
                wg.await();
            });
        }
        assertThat(order).containsExactly("d25", "b20", "f20", "a3", "c3", "e0");
    }

    @Test
    void runnextHoldsOnlyAGoroutineAtLeastAsHighAsTheBestQueued() {
        // FIFO would run the last spawned first (runnext); PRIORITY keeps the higher one there.
        List<String> order = new CopyOnWriteArrayList<>();
        try (Weft rt = onOneProc().build()) {
            rt.run(() -> {
                Go.current().setPriority(20);
                Goroutine a = Go.go(10, () -> order.add("a10"));
                Goroutine b = Go.go(5, () -> order.add("b5"));
                a.join();
                b.join();
            });
        }
        assertThat(order).containsExactly("a10", "b5");
    }

    @Test
    void aGoroutineStartedWithoutAPriorityInheritsItsCreators() {
        try (Weft rt = onOneProc().build()) {
            AtomicReference<int[]> seen = new AtomicReference<>();
            rt.go(13, () -> {
                Goroutine child = Go.go(() -> {});
                seen.set(new int[] {Go.current().priority(), child.priority()});
                child.join();
            }).join();
            assertThat(seen.get()).containsExactly(13, 13);
            assertThat(rt.go(() -> {}).priority()).isEqualTo(PriorityClass.NORMAL.level(ThreadPriority.NORMAL));
        }
    }

    @Test
    void aHighPriorityGoroutineReadiedFromOutsidePreemptsALowCpuBoundOne() throws Exception {
        // A one-minute slice: without priority preemption the hog would hold the only P.
        try (Weft rt = onOneProc().timeslice(Duration.ofMinutes(1)).build()) {
            SchedulerStats s = wakeAHighGoroutineBesideALowHog(rt, Go::checkpoint);
            assertThat(s.priorityPreemptRequests()).isGreaterThanOrEqualTo(1);
            assertThat(s.switchesByReason().preemptions()).isGreaterThanOrEqualTo(1);
            assertThat(s.switchesByReason().sliceEnds()).isZero();
        }
    }

    /**
     * A goroutine at 20 parked on a channel, a hog at 2 running {@code hogStep} in a loop until
     * the high one has run, and the wake-up sent from this platform thread once the hog runs;
     * returns the statistics once both have ended.
     */
    private static SchedulerStats wakeAHighGoroutineBesideALowHog(Weft rt, Runnable hogStep) throws Exception {
        Chan<Integer> wake = Chan.make();
        AtomicBoolean highRan = new AtomicBoolean();
        Goroutine high = rt.go(20, () -> {
            wake.recv();
            highRan.set(true);
        });
        Conditions.awaitTrue(() -> high.state() == Goroutine.State.WAITING);
        CountDownLatch hogRunning = new CountDownLatch(1);
        Goroutine hog = rt.go(2, () -> {
            hogRunning.countDown();
            while (!highRan.get()) {
                hogStep.run();
            }
        });
        hogRunning.await();
        wake.send(1); // readies the high-priority goroutine from outside the runtime
        high.join();
        hog.join();
        return rt.stats();
    }

    @Test
    void aGoroutineThatWakesAHigherOneLetsItRunFirst() {
        List<String> order = new CopyOnWriteArrayList<>();
        try (Weft rt = onOneProc().timeslice(Duration.ofMinutes(1)).build()) {
            Chan<Integer> ch = Chan.make();
            rt.run(() -> {
                Goroutine high = Go.go(25, () -> {
                    ch.recv();
                    order.add("high");
                });
                Go.current().setPriority(3);
                Conditions.awaitTrue(() -> high.state() == Goroutine.State.WAITING);
                ch.send(1);
                order.add("low after send");
                high.join();
            });
        }
        assertThat(order).containsExactly("high", "low after send");
    }

    @Test
    void equalPrioritiesRoundRobinAtSliceEnds() {
        List<String> turns = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<String> last = new AtomicReference<>();
        try (Weft rt = onOneProc().timeslice(Duration.ofMillis(2)).build()) {
            WaitGroup wg = new WaitGroup();
            // The three wait at a gate, so that all are queued before the first of them runs: a
            // slice end of the spawning goroutine (Go.go is a safe point; on a loaded machine the
            // OS can stall it past its slice) would otherwise let one start before the others exist.
            Chan<Void> gate = Chan.make();
            rt.run(() -> {
                for (String name : List.of("A", "B", "C")) {
                    wg.go(() -> {
                        gate.recvOk();
                        while (true) {
                            // One goroutine runs at a time and checkpoint is the only switch point.
                            if (turns.size() >= 9) {
                                return;
                            }
                            if (last.get() != name) {
                                last.set(name);
                                turns.add(name);
                            }
                            Go.checkpoint();
                        }
                    });
                }
                gate.close();
                wg.await();
                assertThat(rt.stats().switchesByReason().sliceEnds()).isGreaterThanOrEqualTo(8);
            });
        }
        assertThat(turns).hasSize(9);
        assertThat(new HashSet<>(turns.subList(0, 3))).hasSize(3);
        for (int i = 3; i < 9; i++) {
            assertThat(turns.get(i)).as("turn %d of %s", i, turns).isEqualTo(turns.get(i % 3));
        }
    }

    @Test
    void aStarvedLowPriorityGoroutineIsBoosted() throws Exception {
        try (Weft rt = onOneProc().timeslice(Duration.ofMillis(2)).starvationBound(Duration.ofMillis(50)).build()) {
            AtomicBoolean lowRan = new AtomicBoolean();
            CountDownLatch hogRunning = new CountDownLatch(1);
            Goroutine hog = rt.go(10, () -> {
                hogRunning.countDown();
                while (!lowRan.get()) {
                    Go.checkpoint();
                }
            });
            hogRunning.await();
            Goroutine low = rt.go(2, () -> lowRan.set(true));
            low.join();
            hog.join();
            assertThat(rt.stats().starvationBoosts()).isGreaterThanOrEqualTo(1);
        }
    }

    /**
     * A goroutine a platform thread starts at the level every goroutine has (the floor) waits in
     * the policy's inbox, not in the global queue: it must still get its turn while the processor
     * always has equal work queued, by the fairness poll alone (the boost is off, and the yielders
     * never run out of work until it has run).
     */
    @Test
    void aGoroutineStartedFromOutsideAtTheFloorGetsItsTurnAmongBusyEquals() throws Exception {
        try (Weft rt = onOneProc().timeslice(Duration.ofMinutes(1)).starvationBoost(false).build()) {
            AtomicBoolean outsideRan = new AtomicBoolean();
            CountDownLatch yielding = new CountDownLatch(2);
            List<Goroutine> yielders = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                yielders.add(rt.go(() -> {
                    yielding.countDown();
                    while (!outsideRan.get()) {
                        Go.yield();
                    }
                }));
            }
            yielding.await();
            Goroutine outside = rt.go(() -> outsideRan.set(true));
            outside.join();
            for (Goroutine y : yielders) {
                y.join();
            }
            assertThat(outsideRan.get()).isTrue();
            assertThat(rt.stats().starvationBoosts()).isZero();
        }
    }

    @Test
    void withoutTheBoostPriorityIsStrict() throws Exception {
        try (Weft rt = onOneProc().timeslice(Duration.ofMillis(2)).starvationBound(Duration.ofMillis(1))
                .starvationBoost(false).build()) {
            AtomicBoolean lowRan = new AtomicBoolean();
            AtomicBoolean lowRanDuringHog = new AtomicBoolean();
            CountDownLatch hogRunning = new CountDownLatch(1);
            Goroutine hog = rt.go(10, () -> {
                hogRunning.countDown();
                // Twenty slice ends, each a chance for the low goroutine if the boost were on.
                while (rt.stats().switchesByReason().sliceEnds() < 20) {
                    Go.checkpoint();
                }
                lowRanDuringHog.set(lowRan.get());
            });
            hogRunning.await();
            Goroutine low = rt.go(2, () -> lowRan.set(true));
            hog.join();
            low.join();
            assertThat(lowRanDuringHog.get()).isFalse();
            assertThat(lowRan.get()).isTrue();
            assertThat(rt.stats().starvationBoosts()).isZero();
        }
    }

    @Test
    void closingWakesEveryReceiverBeforeTheCloserYieldsToThem() {
        // Strict priority: a closer that yielded after waking the first receiver would never run
        // again to wake the second (the hog outranks it), and the hog waits for both.
        try (Weft rt = onOneProc().starvationBoost(false).build()) {
            java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
            rt.run(() -> {
                Chan<Integer> ch = Chan.make();
                Go.current().setPriority(0); // the receivers run and park while we yield below them
                Goroutine r10 = Go.go(10, () -> {
                    ch.recvOk();
                    received.incrementAndGet();
                });
                Goroutine r20 = Go.go(20, () -> {
                    ch.recvOk();
                    received.incrementAndGet();
                });
                Conditions.awaitTrue(() -> r10.state() == Goroutine.State.WAITING
                        && r20.state() == Goroutine.State.WAITING);
                Go.current().setPriority(31); // the hog is queued, not run
                Goroutine hog = Go.go(9, () -> {
                    while (received.get() < 2) {
                        Go.checkpoint();
                    }
                });
                Go.current().setPriority(8); // still running: below the hog from its next switch
                ch.close(); // wakes r10 and r20, both above the closer (8) and the hog (9)
                hog.join();
                r10.join();
                r20.join();
            });
            assertThat(received.get()).isEqualTo(2);
        }
    }

    @Test
    void aLongBlockingCallHandsItsProcessorOffUnderPriorityToo() {
        // M_N explicitly: the hand-off is the point. The blocked call holds its carrier until a
        // goroutine that can only run on the handed-off processor releases it.
        try (Weft rt = Weft.builder().model(ThreadingModel.M_N).procs(1).policy(SchedulingPolicy.PRIORITY).build()) {
            CountDownLatch release = new CountDownLatch(1);
            Goroutine blocker = rt.go(() -> Go.blocking(() -> {
                while (release.getCount() > 0) {
                    Thread.onSpinWait();
                }
            }));
            rt.go(release::countDown).join();
            blocker.join();
            assertThat(rt.stats().syscallHandoffs()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    @Tag("m-n-mechanics") // the retake: under M_N only
    void aLowGoroutineThatIgnoresTheRequestLosesItsProcessorLikeAnyHog() throws Exception {
        // No safe point in the hog's loop: the request to yield goes unheard, and sysmon hands the
        // processor to another carrier, where the high-priority goroutine runs.
        try (Weft rt = Weft.builder().model(ThreadingModel.M_N).procs(1).policy(SchedulingPolicy.PRIORITY)
                .timeslice(Duration.ofMillis(5)).build()) {
            SchedulerStats s = wakeAHighGoroutineBesideALowHog(rt, Thread::onSpinWait); // deaf to requests
            assertThat(s.priorityPreemptRequests()).isGreaterThanOrEqualTo(1);
            assertThat(s.hogRetakes() + s.blockedRetakes()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void switchesAreCountedByReason() {
        try (Weft rt = onOneProc().build()) {
            rt.run(() -> {
                Chan<Integer> ch = Chan.make();
                Goroutine g = Go.go(() -> {
                    ch.recv();
                    Go.yield();
                });
                ch.send(1);
                g.join();
            });
            // main's exit is counted once its thread has ended, a moment after run returns
            Conditions.awaitTrue(() -> rt.stats().switchesByReason().exits() == 2);
            ContextSwitches c = rt.stats().switchesByReason();
            assertThat(c.exits()).isEqualTo(2); // main and g
            assertThat(c.waits()).isGreaterThanOrEqualTo(2); // g on recv, main on join at least
            assertThat(c.yields()).isGreaterThanOrEqualTo(1);
            assertThat(rt.stats().switchesByReasonPerProc()).hasSize(1);
            assertThat(rt.stats().switchesByReasonPerProc().get(0).exits()).isEqualTo(2);
        }
    }

    @Test
    void prioritiesOutsideTheRangeAreRejectedWithTheirValue() {
        try (Weft rt = onOneProc().build()) {
            assertThatThrownBy(() -> rt.go(32, () -> {})).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("0 (lowest) to 31 (highest), got 32");
            Goroutine g = rt.go(() -> {});
            assertThatThrownBy(() -> g.setPriority(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("got -1");
            g.join();
            assertThat(rt.goroutineCount()).isZero();
        }
    }

    @Test
    void priorityClassesMapToLevelsAsWindowsDocuments() {
        assertThat(PriorityClass.IDLE.level(ThreadPriority.IDLE)).isEqualTo(1);
        assertThat(PriorityClass.IDLE.level(ThreadPriority.LOWEST)).isEqualTo(2);
        assertThat(PriorityClass.IDLE.level(ThreadPriority.TIME_CRITICAL)).isEqualTo(15);
        assertThat(PriorityClass.BELOW_NORMAL.level(ThreadPriority.HIGHEST)).isEqualTo(8);
        assertThat(PriorityClass.NORMAL.level(ThreadPriority.NORMAL)).isEqualTo(8);
        assertThat(PriorityClass.NORMAL.level(ThreadPriority.ABOVE_NORMAL)).isEqualTo(9);
        assertThat(PriorityClass.ABOVE_NORMAL.level(ThreadPriority.BELOW_NORMAL)).isEqualTo(9);
        assertThat(PriorityClass.HIGH.level(ThreadPriority.LOWEST)).isEqualTo(11);
        assertThat(PriorityClass.HIGH.level(ThreadPriority.HIGHEST)).isEqualTo(15);
        assertThat(PriorityClass.REALTIME.level(ThreadPriority.IDLE)).isEqualTo(16);
        assertThat(PriorityClass.REALTIME.level(ThreadPriority.NORMAL)).isEqualTo(24);
        assertThat(PriorityClass.REALTIME.level(ThreadPriority.TIME_CRITICAL)).isEqualTo(31);
    }
}
