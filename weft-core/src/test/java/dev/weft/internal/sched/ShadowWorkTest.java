package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.internal.vm.VirtualThreads;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The carriers' shadow work queue (see {@link M}): the JDK's SynchronousQueue,
 * LinkedTransferQueue and Exchanger read it to decide whether to spin, so it must show queued
 * work exactly when spinning is useless: with one P always, with more only when the running
 * goroutine's P has goroutines queued behind it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ShadowWorkTest {

    private static Sched runtime(int procs) {
        SchedConfig d = SchedConfig.defaults("shadow", (g, t) -> {});
        return new Sched(new SchedConfig(d.name(), procs, 64, d.uncaughtHandler(), d.clock(), d.timesliceNanos(),
                d.detectDeadlocks(), false, Model.M_N, d.starvationBoostNanos()));
    }

    private static int shadowQueued() {
        return ((ForkJoinWorkerThread) VirtualThreads.currentCarrierThread()).getQueuedTaskCount();
    }

    @Test
    void withOneProcessorTheCarrierAlwaysShowsQueuedWork() throws Exception {
        Sched s = runtime(1);
        try {
            AtomicInteger seen = new AtomicInteger(-1);
            s.go(() -> seen.set(shadowQueued()), true).thread().join();
            assertThat(seen).hasValue(1);
        } finally {
            s.close();
        }
    }

    @Test
    void withTwoProcessorsAndNothingQueuedTheCarrierShowsNoWork() throws Exception {
        // Spinning may pay here: the partner can run on the other processor meanwhile.
        Sched s = runtime(2);
        try {
            AtomicInteger alone = new AtomicInteger(-1);
            s.go(() -> alone.set(shadowQueued()), true).thread().join();
            assertThat(alone).hasValue(0);
        } finally {
            s.close();
        }
    }

    /**
     * Goroutine {@code waker}'s view of its carrier's shadow queue right after it woke a parked
     * goroutine of the same runtime with {@code wake} (which lands on the waker's own P), at
     * procs 2 with nothing queued before.
     */
    private static int shadowAfterWaking(java.util.function.Consumer<G> wake, Runnable park) throws Exception {
        Sched s = runtime(2);
        try {
            G sleeper = s.go(park, true);
            AtomicInteger before = new AtomicInteger(-1);
            AtomicInteger after = new AtomicInteger(-1);
            s.go(() -> {
                while (sleeper.status != GStatus.WAITING) { // parked, so the wake-up readies it
                    Thread.onSpinWait();
                }
                before.set(shadowQueued());
                wake.accept(sleeper);
                after.set(shadowQueued());
            }, true).thread().join();
            sleeper.thread().join();
            assertThat(before).as("nothing queued before the wake-up").hasValue(0);
            return after.get();
        } finally {
            s.close();
        }
    }

    @Test
    void aJdkWakeUpOntoTheWakersProcessorShowsQueuedWork() throws Exception {
        // The waker of a SynchronousQueue hand-off next waits in the queue itself: its partner,
        // queued behind it on its own P, is what a spin would wait for (HandoffBench at procs 2:
        // 1,100 +- 1,000 ns a round trip before, against 580 on the JDK's scheduler).
        java.util.concurrent.atomic.AtomicBoolean go = new java.util.concurrent.atomic.AtomicBoolean();
        int after = shadowAfterWaking(g -> {
            go.set(true);
            java.util.concurrent.locks.LockSupport.unpark(g.thread());
        }, () -> {
            while (!go.get()) {
                java.util.concurrent.locks.LockSupport.park();
            }
        });
        assertThat(after).isEqualTo(1);
    }

    @Test
    void aWakeUpByWeftsOwnPrimitivesLeavesTheShadowQueueAlone() throws Exception {
        // weft's primitives never spin: marking would cost a locked push and pop a switch.
        dev.weft.sync.WaitGroup wg = new dev.weft.sync.WaitGroup();
        wg.add(1);
        int after = shadowAfterWaking(g -> wg.done(), wg::await);
        assertThat(after).isZero();
    }

    @Test
    void aSynchronousQueueHandOffBetweenGoroutinesOnOneProcessorCompletes() throws Exception {
        Sched s = runtime(1);
        try {
            SynchronousQueue<Integer> q = new SynchronousQueue<>();
            AtomicInteger sum = new AtomicInteger();
            G taker = s.go(() -> {
                for (int i = 0; i < 10_000; i++) {
                    try {
                        sum.addAndGet(q.take());
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            }, true);
            G putter = s.go(() -> {
                for (int i = 0; i < 10_000; i++) {
                    try {
                        q.put(1);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            }, true);
            putter.thread().join();
            taker.thread().join();
            assertThat(sum).hasValue(10_000);
        } finally {
            s.close();
        }
    }
}
