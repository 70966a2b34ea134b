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

    /**
     * The runtime token for a primitive made by the calling thread: its goroutine's runtime, or
     * null if a platform thread made it. Opaque to the primitives, which keep it privately and
     * pass it back to {@link #park}; deadlock detection compares it with the parked G's runtime.
     */
    public static Object callerRuntime() {
        G g = Sched.currentG();
        return g == null ? null : g.sched;
    }

    /**
     * Parks the caller, showing {@code reason} in goroutine dumps while it waits on
     * {@code blocker}, a primitive that belongs to {@code runtime} (its {@link #callerRuntime}
     * token; null when a platform thread made it, so that anything may signal it).
     */
    public static void park(Object blocker, WaitReason reason, Object runtime) {
        G g = Sched.currentG();
        if (g == null) {
            LockSupport.park(blocker);
            return;
        }
        g.waitReason = reason;
        g.waitBlocker = blocker;
        g.waitRuntime = runtime;
        if (g.kernelThread) {
            // ONE_TO_ONE: no M records the wait, so the thread shows it itself (dumps, deadlocks).
            g.casStatus(GStatus.RUNNING, GStatus.WAITING);
        }
        try {
            LockSupport.park(blocker);
        } finally {
            if (g.kernelThread) {
                g.setStatusRelease(GStatus.RUNNING);
                g.sched.diagnostics.countKernelSwitch(SwitchReason.WAIT);
            }
            g.waitReason = WaitReason.NONE;
            g.waitBlocker = null;
            g.waitRuntime = null;
        }
    }

    /**
     * Labels the calling goroutine's next wait with {@code reason} (or clears the label with
     * {@link WaitReason#NONE}), for waits that park inside a JDK call such as {@code Thread.join}.
     */
    public static void labelCurrent(WaitReason reason, Object blocker, Object runtime) {
        G g = Sched.currentG();
        if (g != null) {
            g.waitReason = reason;
            g.waitBlocker = blocker;
            g.waitRuntime = runtime;
        }
    }

    /**
     * Wakes a waiter returned by {@link #currentWaiter}. Callers have released their locks (the
     * protocol above), so if the waiter outranks the calling goroutine under the PRIORITY
     * policy, the caller yields to it here: the woken goroutine runs next.
     */
    public static void ready(Thread waiter) {
        wake(waiter);
        Preemption.yieldIfOutranked();
    }

    /**
     * Wakes a waiter without yielding: for loops that wake several (close, broadcast), which
     * call {@link #yieldIfOutranked} once after the last, so that no waiter waits for its waker
     * to run again before it is even woken.
     */
    public static void wake(Thread waiter) {
        if (waiter instanceof G.KernelThread k) {
            // Runnable before the unpark, so deadlock detection never sees a woken thread as
            // waiting while the kernel has yet to run it; the counter tells it something happened.
            k.g.casStatus(GStatus.WAITING, GStatus.RUNNING);
            k.g.sched.diagnostics.kernelWakes.increment();
        }
        LockSupport.unpark(waiter);
    }

    /** See {@link #wake}: the caller yields if a goroutine it woke outranks it (PRIORITY). */
    public static void yieldIfOutranked() {
        Preemption.yieldIfOutranked();
    }
}
