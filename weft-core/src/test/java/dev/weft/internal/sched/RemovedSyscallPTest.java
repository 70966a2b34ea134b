package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.internal.util.Clock;
import dev.weft.internal.vm.VirtualThreads;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A P that {@code setProcs} removes while its goroutine is inside {@code Go.blocking} (P status
 * SYSCALL) must not strand the goroutines in its local queue. setProcs flagged only RUNNING Ps
 * and stopped only idle ones; sysmon, which hands off a SYSCALL P with queued work, looks only at
 * the Ps below procs, and thieves steal only from those: the removed P's queue waited for the
 * blocking call to return, for good if the call waited for one of those goroutines.
 *
 * <p>Deterministic: the goroutine in the call shrinks procs itself, microseconds after entering
 * it (sysmon needs two looks at an unchanged syscall tick to hand the P off first), and the other
 * P is held by a spinning goroutine (a time slice of an hour: no preemption, no retake) until the
 * shrink is done, so no thief takes the queued goroutine before it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RemovedSyscallPTest {

    @Test
    void goroutinesQueuedOnAPRemovedDuringABlockingCallStillRun() throws Exception {
        SchedConfig d = SchedConfig.defaults("removed-syscall-p", (g, t) -> {});
        Sched s = new Sched(new SchedConfig(d.name(), 2, 64, d.uncaughtHandler(), Clock.SYSTEM,
                TimeUnit.HOURS.toNanos(1), false, false, Model.M_N, d.starvationBoostNanos()));
        try {
            AtomicInteger arrived = new AtomicInteger();
            CountDownLatch shrunk = new CountDownLatch(1);
            CountDownLatch queuedRan = new CountDownLatch(1);
            AtomicBoolean ranInTime = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            AtomicBoolean handedOff = new AtomicBoolean();
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
                        return;
                    }
                    s.go(queuedRan::countDown, true); // runnext of P 1
                    P mine = ((M) VirtualThreads.currentCarrierThread()).p;
                    Syscalls.blocking(() -> {
                        s.setProcs(1); // P 1, in SYSCALL with a queued goroutine, is removed
                        // Handed off by setProcs itself (thieves would take the queued goroutine
                        // anyway: only this shows the hand-off).
                        handedOff.set(mine.status != P.SYSCALL);
                        shrunk.countDown();
                        // Holds the carrier as a native call would (a JDK park would unmount the
                        // goroutine and let its M stop the P); five seconds are a safety net only.
                        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                        while (queuedRan.getCount() != 0 && System.nanoTime() - giveUp < 0) {
                            Thread.onSpinWait();
                        }
                        ranInTime.set(queuedRan.getCount() == 0);
                        return null;
                    });
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
            assertThat(ranInTime.get()).as("the goroutine queued on the removed P ran during the blocking call")
                    .isTrue();
            assertThat(handedOff.get()).as("setProcs handed off the removed P in the call").isTrue();
        } finally {
            s.close();
        }
    }

    /**
     * The goroutine in the call leaves it after setProcs released the lock and before its own
     * hand-off of the removed P: the exit's CAS wins, the hand-off's fails, and the goroutine runs
     * on with the removed P. It was not asked to yield (the P was not RUNNING under the lock), no
     * thief looks at a removed P, and so a goroutine it queues there waited for its time slice to
     * end (an hour here). Now setProcs asks it to yield when its hand-off finds the P running.
     *
     * <p>Deterministic: setProcs' probe, run between the lock's release and the hand-off, lets the
     * call return and waits until the P is RUNNING again. The clock never moves, so sysmon ends no
     * slice and hands off no call with an empty queue while a P is idle (the third P): nothing but
     * setProcs acts on the removed P.
     */
    @Test
    void aGoroutineBackFromItsCallBeforeTheHandOffIsAskedToYield() throws Exception {
        AtomicLong frozen = new AtomicLong(1_000);
        SchedConfig d = SchedConfig.defaults("removed-syscall-p-back", (g, t) -> {});
        Sched s = new Sched(new SchedConfig(d.name(), 3, 64, d.uncaughtHandler(), frozen::get,
                TimeUnit.HOURS.toNanos(1), false, false, Model.M_N, d.starvationBoostNanos()));
        try {
            AtomicInteger arrived = new AtomicInteger();
            AtomicInteger highest = new AtomicInteger(-1);
            CountDownLatch inCall = new CountDownLatch(1);
            AtomicBoolean leaveCall = new AtomicBoolean();
            CountDownLatch shrunk = new CountDownLatch(1);
            CountDownLatch queuedRan = new CountDownLatch(1);
            AtomicBoolean ranInTime = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(2);
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // a safety net only
            Runnable role = () -> {
                try {
                    int pid = ((M) VirtualThreads.currentCarrierThread()).p.id;
                    highest.accumulateAndGet(pid, Math::max);
                    arrived.incrementAndGet();
                    while (arrived.get() < 2) {
                        Thread.onSpinWait(); // hold this P: the other goroutine gets another one
                    }
                    if (pid != highest.get()) {
                        while (shrunk.getCount() != 0) {
                            Thread.onSpinWait(); // this P survives the shrink and stays busy until it is done
                        }
                        return;
                    }
                    Syscalls.blocking(() -> {
                        inCall.countDown();
                        while (!leaveCall.get()) {
                            Thread.onSpinWait(); // holds the carrier, as a native call would
                        }
                        return null;
                    });
                    s.go(queuedRan::countDown, true); // runnext of this P, removed by now
                    // Until it is off the removed P too: thieves take the queued one from a
                    // removed P, so only that shows the yield request at work.
                    boolean left = false;
                    while ((queuedRan.getCount() != 0 || !left) && System.nanoTime() - giveUp < 0) {
                        Sched.checkpoint();
                        P now = ((M) VirtualThreads.currentCarrierThread()).p;
                        if (now != null && now.id < s.procs()) {
                            // Off the removed P: wait parked, so that this goroutine, which no
                            // time slice would preempt, leaves its P to the queued one.
                            left = true;
                            queuedRan.await(giveUp - System.nanoTime(), TimeUnit.NANOSECONDS);
                        }
                    }
                    ranInTime.set(queuedRan.getCount() == 0 && left);
                } catch (Throwable t) {
                    failure.set(t);
                    inCall.countDown();
                } finally {
                    done.countDown();
                }
            };
            s.go(role, true);
            s.go(role, true);
            inCall.await();
            P removed = s.allp()[highest.get()];
            s.resize.afterLockReleaseForTest = () -> {
                leaveCall.set(true);
                while (removed.status == P.SYSCALL && System.nanoTime() - giveUp < 0) {
                    Thread.onSpinWait(); // until the call's exit has taken the P back
                }
            };
            s.setProcs(highest.get()); // the P in the call is removed; one below it survives
            s.resize.afterLockReleaseForTest = null;
            shrunk.countDown();
            done.await();
            assertThat(failure.get()).isNull();
            assertThat(ranInTime.get()).as("the goroutine queued on the removed P ran, and the goroutine back from"
                    + " its call left that P, while it passed safe points").isTrue();
        } finally {
            s.close();
        }
    }
}
