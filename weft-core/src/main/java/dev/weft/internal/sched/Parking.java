package dev.weft.internal.sched;

import java.util.concurrent.locks.LockSupport;

/**
 * The one blocking protocol every weft primitive uses (channels, sync, time): record a wait
 * reason, {@code LockSupport.park}, and wake with {@code LockSupport.unpark}. The park permit
 * makes a wake-up that arrives before the park harmless, so a primitive only has to publish
 * "who waits" before parking and re-check its condition in a loop after (spurious returns are
 * legal).
 *
 * <p>The waiter is a plain {@link Thread}: a goroutine's virtual thread (parking unmounts it and
 * frees its carrier) or any platform thread (parking blocks it). So every primitive is written
 * once and works for every caller.
 */
public final class Parking {
    private Parking() {}

    /** The thread that will wait: the caller. */
    public static Thread currentWaiter() {
        return Thread.currentThread();
    }

    /** Parks the caller, showing {@code reason} in goroutine dumps while it waits. */
    public static void park(Object blocker, WaitReason reason) {
        G g = Sched.currentG();
        if (g == null) {
            LockSupport.park(blocker);
            return;
        }
        g.waitReason = reason;
        g.waitBlocker = blocker;
        if (g.kernelThread) {
            // ONE_TO_ONE: no M records the wait, so the thread shows it itself (dumps, deadlocks).
            g.setStatusRelease(GStatus.WAITING);
        }
        try {
            LockSupport.park(blocker);
        } finally {
            if (g.kernelThread) {
                g.setStatusRelease(GStatus.RUNNING);
                g.sched.countKernelSwitch(SwitchReason.WAIT);
            }
            g.waitReason = WaitReason.NONE;
            g.waitBlocker = null;
        }
    }

    /**
     * Labels the calling goroutine's next wait with {@code reason} (or clears the label with
     * {@link WaitReason#NONE}), for waits that park inside a JDK call such as {@code Thread.join}.
     */
    public static void labelCurrent(WaitReason reason, Object blocker) {
        G g = Sched.currentG();
        if (g != null) {
            g.waitReason = reason;
            g.waitBlocker = blocker;
        }
    }

    /**
     * Wakes a waiter returned by {@link #currentWaiter}. Callers have released their locks (the
     * protocol above), so if the waiter outranks the calling goroutine under the PRIORITY
     * policy, the caller yields to it here: the woken goroutine runs next.
     */
    public static void ready(Thread waiter) {
        if (waiter instanceof G.KernelThread k) {
            k.g.sched.kernelWakes.increment(); // seen by deadlock detection before the thread runs
        }
        LockSupport.unpark(waiter);
        Sched.yieldIfOutranked();
    }
}
