package dev.weft.internal.sched;

import dev.weft.internal.vm.VirtualThreads;
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

    /*
     * Calls for a primitive's hot path that looked up its caller's G once
     * ({@link Sched#currentG}: null on a platform thread) and passes it to each step. A lookup
     * is a few dependent loads (the carrier, its class, the current thread, the M's curg) that
     * the JIT does not share across the volatile reads between the steps; a channel operation
     * made three. Cheap (about 2 ns a round trip measured, docs/notes/issue-11-chan.md), but
     * free to save.
     */

    /** {@link Sched#checkpoint} for the caller's {@code g} (null: a platform thread, nothing to do). */
    public static void checkpoint(G g) {
        if (g != null) {
            if (g.preempt) {
                Preemption.checkpoint();
            }
            if (g.cancelled) {
                ProcessSupport.checkCancelled();
            }
        }
    }

    /**
     * The spare waiter object of the caller's {@code g}, kept by {@link #keepSpareWaiter}, or
     * null (none yet, or a platform thread: {@code g} null). A goroutine is in at most one plain
     * channel wait at a time, so one reusable waiter saves an allocation per wait, and lets the
     * channel take its waiter before its lock instead of allocating under it.
     */
    public static Object spareWaiter(G g) {
        return g == null ? null : g.spareWaiter;
    }

    /** Keeps {@code w} as the spare waiter of the caller's {@code g}; no effect on a platform thread (null). */
    public static void keepSpareWaiter(G g, Object w) {
        if (g != null) {
            g.spareWaiter = w;
        }
    }

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
     *
     * @return whether the caller's process has ended meanwhile (see {@link ProcessSupport}): the
     *     primitive then withdraws its waiter, or lets a completed wait complete
     */
    public static boolean park(Object blocker, WaitReason reason, Object runtime) {
        return park(blocker, reason, runtime, null);
    }

    /**
     * {@link #park(Object, WaitReason, Object)} for a wait whose completion flag is
     * {@code completion}, which sysmon checks to recover a lost wake-up (see
     * {@link WaitCompletion}). Returns as {@link #park(Object, WaitReason, Object)} does.
     */
    public static boolean park(Object blocker, WaitReason reason, Object runtime, WaitCompletion completion) {
        return park(Sched.currentG(), blocker, reason, runtime, completion);
    }

    /** {@link #park(Object, WaitReason, Object, WaitCompletion)} for the caller's {@code g}. */
    public static boolean park(G g, Object blocker, WaitReason reason, Object runtime, WaitCompletion completion) {
        if (!beginWait(g, blocker, reason, runtime, completion)) {
            try {
                LockSupport.park(blocker);
            } finally {
                endWait(g);
            }
        }
        return ProcessSupport.pending(g);
    }

    /*
     * park's three steps, for a primitive whose hot path parks in its own frame (a channel's send
     * and receive): a park inside a callee is a compiled frame more for the JDK to freeze and
     * thaw at every wait and a return the processor cannot predict after the thaw, and the JIT
     * does not inline a callee it has already compiled large on its own (as park is, with the
     * JDK's park in it). These steps are small, and the JIT compiles them and the JDK's park
     * into the primitive wherever its profile shows the wait taken often (Chan.transfer says how
     * a channel makes sure of that):
     *
     *     if (!Parking.beginWait(g, blocker, reason, runtime, completion)) {
     *         try {
     *             LockSupport.park(blocker);
     *         } finally {
     *             Parking.endWait(g);
     *         }
     *     }
     *     boolean cancel = Parking.exitPending(g); // what park returns
     */

    /**
     * Records the wait of the caller's {@code g} (null: a platform thread, nothing to record) as
     * {@link #park(Object, WaitReason, Object, WaitCompletion)} does; returns true if the caller
     * must not park because its process has ended (a thread that caught its exit and waits again:
     * its wake-up was spent).
     */
    public static boolean beginWait(G g, Object blocker, WaitReason reason, Object runtime, WaitCompletion completion) {
        if (deferredPending) {
            wakeDeferred(); // a wake-up that failed earlier may be what this wait needs
        }
        if (g == null) {
            return false;
        }
        if (g.cancelled && ProcessSupport.pending(g)) {
            return true;
        }
        g.waitReason(reason);
        g.waitBlocker = blocker;
        g.waitRuntime = runtime;
        g.waitCompletion = completion;
        if (g.kernelThread()) {
            beginKernelWait(g);
        }
        return false;
    }

    /** Ends a wait begun by {@link #beginWait}, after the park returned (or threw). */
    public static void endWait(G g) {
        if (g != null) {
            if (g.kernelThread()) {
                endKernelWait(g);
            }
            g.waitReason(WaitReason.NONE);
            g.waitBlocker = null;
            g.waitRuntime = null;
            g.waitCompletion = null;
        }
    }

    /** Whether the process of the caller's {@code g} has ended: what {@link #park} returns. */
    public static boolean exitPending(G g) {
        return ProcessSupport.pending(g);
    }

    /** ONE_TO_ONE: no M records the wait, so the thread shows it itself (dumps, deadlocks). */
    private static void beginKernelWait(G g) {
        G.Rare rare = g.rarePlain();
        if (rare != null && rare.waitSeenAt != 0) {
            rare.waitSeenAt = 0; // a dump's stamp of the last wait (a carrier's mount clears it in the other models)
        }
        g.casStatus(GStatus.RUNNING, GStatus.WAITING);
        dev.weft.internal.trace.RuntimeTrace t = g.sched.trace;
        if (t != null) { // no M records the switch: the thread does (shared buffer)
            Tracing.shared(t, -1, dev.weft.internal.trace.TraceEvent.GO_STOP, SwitchReason.WAIT, g.id,
                    Tracing.waitWord(g, SwitchReason.WAIT));
        }
    }

    private static void endKernelWait(G g) {
        g.setStatusRelease(GStatus.RUNNING);
        g.sched.diagnostics.countOtherSwitch(SwitchReason.WAIT);
    }

    /**
     * Labels the calling goroutine's next wait with {@code reason} (or clears the label with
     * {@link WaitReason#NONE}), for waits that park inside a JDK call such as {@code Thread.join}.
     */
    public static void labelCurrent(WaitReason reason, Object blocker, Object runtime) {
        G g = Sched.currentG();
        if (g != null) {
            g.waitReason(reason);
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

    /** {@link #ready(Thread)} from a caller whose G ({@code self}, null on a platform thread) it looked up. */
    public static void ready(Thread waiter, G self) {
        wake(waiter);
        Preemption.yieldIfOutranked(self);
    }

    /**
     * Wakes a waiter without yielding: for loops that wake several (close, broadcast), which
     * call {@link #yieldIfOutranked} once after the last, so that no waiter waits for its waker
     * to run again before it is even woken.
     *
     * <p>The waiter's operation is already complete when this is called, so a wake-up that fails
     * (a StackOverflowError in the JDK's unpark path, which is some twenty calls deep, or an
     * OutOfMemoryError) must not be lost: the thread is queued for a later wake-up, done by the
     * next successful one or by sysmon, and the error is rethrown.
     */
    public static void wake(Thread waiter) {
        try {
            unpark(waiter);
        } catch (StackOverflowError | OutOfMemoryError e) {
            DEFERRED.offer(waiter);
            deferredPending = true;
            Diagnostics.failureSeen = true;
            throw e;
        }
        if (deferredPending) {
            wakeDeferred();
        }
    }

    private static void unpark(Thread waiter) {
        if (waiter instanceof G.KernelThread k) {
            // Runnable before the unpark, so deadlock detection never sees a woken thread as
            // waiting while the kernel has yet to run it; the counter tells it something happened.
            boolean woke = k.g.casStatus(GStatus.WAITING, GStatus.RUNNING);
            k.g.sched.diagnostics.kernelWakes.increment();
            dev.weft.internal.trace.RuntimeTrace t = k.g.sched.trace;
            if (t != null && woke) {
                Tracing.fromCaller(k.g.sched, t, dev.weft.internal.trace.TraceEvent.GO_UNBLOCK, 0, k.g.id,
                        Tracing.currentGoid(k.g.sched, VirtualThreads.currentCarrierThread()));
            }
        }
        if (VirtualThreads.currentCarrierThread() instanceof M m) {
            // A wake-up by weft's own primitives, which never spin: it need not stop the JDK's
            // queues from spinning (M#markWorkQueuedBehind, a locked push and pop per switch).
            m.weftWake = true;
            LockSupport.unpark(waiter);
            m.weftWake = false;
        } else {
            LockSupport.unpark(waiter);
        }
    }

    /** Threads whose wake-up failed (see {@link #wake}); drained by the next wake or by sysmon. */
    private static final java.util.concurrent.ConcurrentLinkedQueue<Thread> DEFERRED =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static volatile boolean deferredPending;

    /** Delivers the wake-ups that failed earlier; cheap when there are none. */
    static void wakeDeferred() {
        if (!deferredPending) {
            return;
        }
        deferredPending = false;
        Thread t;
        while ((t = DEFERRED.poll()) != null) {
            unpark(t); // an unpark of a thread that was woken meanwhile only leaves a permit
        }
    }

    /** See {@link #wake}: the caller yields if a goroutine it woke outranks it (PRIORITY). */
    public static void yieldIfOutranked() {
        Preemption.yieldIfOutranked();
    }
}
