package dev.weft.internal.sched;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.internal.sched.SchedTestSupport.Recorded;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The three paths of execute, runnext inheritance and displacement, fairness, stealing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecutePathsTest {

    @Test
    void goFromAGoroutineTakesRunnextAndDisplacesThePreviousToTheTail() {
        try (Recorded rt = new Recorded(1)) {
            List<String> order = new CopyOnWriteArrayList<>();
            G main = rt.go(() -> {
                P p = rt.sched.allp()[0];
                G a = rt.sched.go(() -> order.add("A"), true);
                assertThat(p.runq.hasRunnext()).isTrue();
                rt.sched.go(() -> order.add("B"), true);
                // B took runnext, A was displaced to the ring.
                assertThat(p.runq.ringSize()).isEqualTo(1);
                order.add("main blocks");
                rt.join(a); // parks: B runs (runnext), then A (ring); A's end readies main
                order.add("main resumes");
            });
            rt.join(main);
            assertThat(order).containsExactly("main blocks", "B", "A", "main resumes");
            assertThat(rt.uncaught).isEmpty();
        }
    }

    @Test
    void aGoroutineReadiedByARunningGoroutineInheritsTheTimeSlice() {
        try (Recorded rt = new Recorded(1)) {
            int rounds = 10_000;
            AtomicInteger turn = new AtomicInteger();
            long[] ticks = new long[2];
            G main = rt.go(() -> {
                P p = rt.sched.allp()[0];
                Thread self = Thread.currentThread();
                G pong = rt.sched.go(() -> {
                    for (int i = 0; i < rounds; i++) {
                        while (turn.get() != 1) {
                            LockSupport.park();
                        }
                        turn.set(0);
                        LockSupport.unpark(self);
                    }
                }, true);
                ticks[0] = p.schedtick;
                // The runtime's count, not p's: on a loaded machine sysmon may retake p from a
                // descheduled carrier, and the hops then count on the fresh P that replaces it.
                long switches0 = rt.sched.stats().switches();
                for (int i = 0; i < rounds; i++) {
                    turn.set(1);
                    LockSupport.unpark(pong.thread());
                    while (turn.get() != 0) {
                        LockSupport.park();
                    }
                }
                ticks[1] = p.schedtick;
                assertThat(rt.sched.stats().switches() - switches0).isGreaterThanOrEqualTo(2L * rounds - 1);
            });
            rt.join(main);
            // Each hop came from runnext: the chain shares slices (a new one only when sysmon ends
            // one), so far fewer slices than hops.
            long slices = ticks[1] - ticks[0];
            assertThat(slices).isLessThan(rounds / 10);
            assertThat(rt.uncaught).isEmpty();
        }
    }

    @Test
    void yieldGoesToTheGlobalQueueBehindLocalWork() {
        try (Recorded rt = new Recorded(1)) {
            List<String> order = new CopyOnWriteArrayList<>();
            G main = rt.go(() -> {
                P p = rt.sched.allp()[0];
                rt.sched.go(() -> order.add("A"), true);
                rt.sched.go(() -> order.add("B"), true);
                p.schedtick = 1; // keep the 1-in-61 global check away from the next schedule
                order.add("yield");
                Thread.yield();
                order.add("resumed");
            });
            rt.join(main);
            assertThat(order).containsExactly("yield", "B", "A", "resumed");
        }
    }

    @Test
    void goFromAPlatformThreadGoesToTheGlobalQueueAndRunsWhenAPIsFree() throws Exception {
        try (Recorded rt = new Recorded(1)) {
            AtomicBoolean release = new AtomicBoolean();
            CountDownLatch hogRunning = new CountDownLatch(1);
            G hog = rt.go(() -> {
                hogRunning.countDown();
                while (!release.get()) {
                    Thread.onSpinWait(); // holds the only P without yielding
                }
            });
            hogRunning.await();
            AtomicBoolean ran = new AtomicBoolean();
            G g = rt.go(() -> ran.set(true));
            assertThat(rt.sched.queues.globalSize()).isEqualTo(1);
            assertThat(ran).isFalse();
            release.set(true);
            rt.join(hog);
            rt.join(g);
            assertThat(ran).isTrue();
        }
    }

    @Test
    void twoGoroutinesReadyingEachOtherCannotStarveTheGlobalQueue() throws Exception {
        try (Recorded rt = new Recorded(1)) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong hops = new AtomicLong();
            CountDownLatch pairRunning = new CountDownLatch(1);
            AtomicInteger turn = new AtomicInteger();
            Thread[] pair = new Thread[2];
            G a = rt.go(() -> {
                pair[0] = Thread.currentThread();
                G b = rt.sched.go(() -> {
                    while (!stop.get()) {
                        while (turn.get() != 1 && !stop.get()) {
                            LockSupport.park();
                        }
                        turn.set(0);
                        hops.incrementAndGet();
                        LockSupport.unpark(pair[0]);
                    }
                }, true);
                pair[1] = b.thread();
                pairRunning.countDown();
                while (!stop.get()) {
                    turn.set(1);
                    LockSupport.unpark(pair[1]);
                    while (turn.get() != 0 && !stop.get()) {
                        LockSupport.park();
                    }
                }
                LockSupport.unpark(pair[1]);
                rt.join(b);
            });
            pairRunning.await();
            awaitTrue(() -> hops.get() > 1000); // the pair is established on the only P
            // Queued globally from this platform thread: it must still get a turn.
            G starved = rt.go(() -> stop.set(true));
            rt.join(starved);
            rt.join(a);
            assertThat(stop).isTrue();
        }
    }

    @Test
    void anIdlePStealsFromABusyOne() {
        try (Recorded rt = new Recorded(2)) {
            int children = 100;
            AtomicInteger done = new AtomicInteger();
            G hog = rt.go(() -> {
                for (int i = 0; i < children; i++) {
                    rt.sched.go(done::incrementAndGet, true);
                }
                // Never yield: the children sit in this P's queue and can only run if stolen.
                while (done.get() < children) {
                    Thread.onSpinWait();
                }
            });
            rt.join(hog);
            assertThat(done.get()).isEqualTo(children);
            assertThat(rt.sched.stats().steals()).isGreaterThan(0);
        }
    }

    @Test
    void aFullLocalQueueMovesHalfToTheGlobalQueue() {
        try (Recorded rt = new Recorded(1)) {
            int n = 300;
            AtomicInteger done = new AtomicInteger();
            int[] globalSize = new int[1];
            G main = rt.go(() -> {
                for (int i = 0; i < n; i++) {
                    rt.sched.go(done::incrementAndGet, true);
                }
                globalSize[0] = rt.sched.queues.globalSize();
            });
            rt.join(main);
            // 300 spawned: runnext holds 1, the ring overflowed once (128 + 1 to global).
            assertThat(globalSize[0]).isEqualTo(129);
            awaitTrue(() -> done.get() == n);
        }
    }
}
