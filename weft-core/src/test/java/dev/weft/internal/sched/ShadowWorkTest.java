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
