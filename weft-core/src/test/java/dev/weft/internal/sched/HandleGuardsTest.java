package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.Conditions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The guard threads started around carriers (HandleGuards): the first procs + 1 carriers of a
 * runtime get four, parked and alive as long as their carrier; carriers made later for
 * Go.blocking hand-offs get none; closing the runtime ends every guard.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandleGuardsTest {

    private static Sched runtime(int procs) {
        SchedConfig d = SchedConfig.defaults("guards", (g, t) -> {});
        return new Sched(new SchedConfig(d.name(), procs, 64, d.uncaughtHandler(), d.clock(), d.timesliceNanos(),
                d.detectDeadlocks(), false, Model.M_N, d.starvationBoostNanos()));
    }

    private static List<M> carriers(Sched s) {
        s.lock.lock();
        try {
            return s.idle.allMs();
        } finally {
            s.lock.unlock();
        }
    }

    private static List<Thread> guardThreads(List<M> ms) {
        List<Thread> all = new ArrayList<>();
        for (M m : ms) {
            if (m.guards != null) {
                for (Thread t : m.guards.guards) {
                    assertThat(t).as("a guard of " + m.getName()).isNotNull();
                    all.add(t);
                }
            }
        }
        return all;
    }

    @Test
    void carriersThatRunSideBySideStartBetweenGuardsThatEndWithTheRuntime() throws Exception {
        assumeTrue(HandleGuards.ENABLED, "-Dweft.carrierGuards=false");
        Sched s = runtime(2);
        List<Thread> guards;
        try {
            // Two goroutines that wait for each other while running: two carriers at once.
            AtomicInteger arrived = new AtomicInteger();
            CountDownLatch release = new CountDownLatch(1);
            Runnable meet = () -> {
                arrived.incrementAndGet();
                while (arrived.get() < 2) {
                    Thread.onSpinWait();
                }
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            };
            G a = s.go(meet, true);
            G b = s.go(meet, true);
            Conditions.awaitTrue(() -> arrived.get() == 2);
            List<M> ms = carriers(s);
            assertThat(ms.size()).as("carriers").isGreaterThanOrEqualTo(2);
            for (M m : ms) {
                if (m.mid <= s.procs()) {
                    assertThat(m.guards).as("guards of " + m.getName()).isNotNull();
                }
            }
            guards = guardThreads(ms);
            assertThat(guards.size()).isGreaterThanOrEqualTo(2 * 2 * HandleGuards.PER_SIDE);
            for (Thread t : guards) {
                assertThat(t.isAlive()).as(t.getName() + " alive beside its carrier").isTrue();
                assertThat(t.getName()).contains("-guard");
            }
            release.countDown();
            a.thread().join();
            b.thread().join();
        } finally {
            s.close();
        }
        for (Thread t : guards) {
            t.join(); // the class's timeout is the safety net
            assertThat(t.isAlive()).isFalse();
        }
    }

    @Test
    void carriersMadeForBlockingHandOffsStartWithoutGuards() throws Exception {
        assumeTrue(HandleGuards.ENABLED, "-Dweft.carrierGuards=false");
        Sched s = runtime(1);
        List<Thread> guards;
        try {
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger inside = new AtomicInteger();
            List<G> gs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                gs.add(s.go(() -> {
                    try {
                        Sched.blocking(() -> {
                            inside.incrementAndGet();
                            // Holds the carrier (a wait would unmount the goroutine and free
                            // it), so sysmon hands the P to another carrier.
                            while (release.getCount() > 0) {
                                Thread.onSpinWait();
                            }
                            return null;
                        });
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }, true));
            }
            // Each blocked call's P is handed to another carrier: three carriers, each inside a
            // call (so each has started, after its guards were recorded).
            Conditions.awaitTrue(() -> inside.get() == 3);
            List<M> ms = carriers(s);
            for (M m : ms) {
                if (m.mid <= s.procs()) {
                    assertThat(m.guards).as("guards of " + m.getName()).isNotNull();
                } else {
                    assertThat(m.guards).as("guards of the hand-off carrier " + m.getName()).isNull();
                }
            }
            guards = guardThreads(ms);
            assertThat(guards).hasSize((s.procs() + 1) * 2 * HandleGuards.PER_SIDE);
            release.countDown();
            for (G g : gs) {
                g.thread().join();
            }
        } finally {
            s.close();
        }
        for (Thread t : guards) {
            t.join();
            assertThat(t.isAlive()).isFalse();
        }
    }
}
