package dev.weft.sync;

import dev.weft.internal.util.StackHeadroom;
import dev.weft.internal.sched.Bubble;
import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.ProcessSupport;
import dev.weft.internal.sched.Sched;
import dev.weft.internal.sched.WaitReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A mutual-exclusion lock that parks goroutines, never their carriers: Go's {@code sync.Mutex}.
 * Not reentrant and not owned: any thread may unlock it, as in Go.
 *
 * <h2>State word</h2>
 * {@link #state} packs {@code LOCKED} (bit 0), {@code WOKEN} (bit 1: a waiter has been woken and
 * is competing, so unlock need not wake another), {@code STARVING} (bit 2) and the number of
 * waiters (bits 3 and up). Every change is a CAS or atomic add; the waiters sleep on a
 * {@link Sema}.
 *
 * <h2>Two modes</h2>
 * Normal mode: a woken waiter competes with arriving lockers, which usually win (they are already
 * running), giving throughput; a waiter that loses queues again at the front. A waiter that has
 * waited over 1 ms switches the mutex to starvation mode: unlock hands the lock directly to the
 * first waiter ({@link Sema#release} with hand-off) and newcomers queue at the tail without trying,
 * bounding latency. The mode ends when the owning waiter waited under 1 ms or is the last one.
 *
 * <p>Go also spins briefly before sleeping on a multicore machine; weft does not, because a
 * parked goroutine costs a continuation switch, not an OS context switch, and spinning would hold
 * the carrier from other goroutines.
 *
 * <p><b>Interrupts.</b> {@code lock} is not interruptible (see the package documentation); the
 * interrupt status is set again when it returns.
 */
public final class Mutex implements Locker {
    /** The runtime whose goroutine made this (for deadlock detection); null if a platform thread did. */
    private final Object weftRuntime = Parking.callerRuntime();
    /** Made in a synctest bubble: waits on it are durable there, so outsiders may not touch it. */
    private final boolean bubbled = Bubble.isBubble(weftRuntime);

    private static final int LOCKED = 1;
    private static final int WOKEN = 2;
    private static final int STARVING = 4;
    private static final int WAITER_SHIFT = 3;
    private static final int WAITER = 1 << WAITER_SHIFT;
    private static final long STARVATION_THRESHOLD_NANOS = 1_000_000L;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Mutex.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** See "State word"; CAS or getAndAdd only. */
    private volatile int state;
    private final Sema sema = new Sema();
    private final WaitReason reason;

    public Mutex() {
        this(WaitReason.MUTEX_LOCK);
    }

    /** A mutex whose waiters show {@code reason} (e.g. {@link Once}'s). */
    Mutex(WaitReason reason) {
        this.reason = reason;
    }

    /** Locks, parking until the mutex is free. */
    @Override
    public void lock() {
        // The safe point first: once the CAS has taken the mutex, no call may follow that could
        // throw (a StackOverflowError) and leave the caller holding a lock it was told it lacks.
        Sched.checkpoint();
        if (STATE.compareAndSet(this, 0, LOCKED)) {
            return;
        }
        lockSlow();
    }

    /** Locks if the mutex is free and not reserved for a starving waiter; never waits. */
    public boolean tryLock() {
        int old = state;
        return (old & (LOCKED | STARVING)) == 0 && STATE.compareAndSet(this, old, old | LOCKED);
    }

    /**
     * The clock starvation is measured on: a bubble's fake one for a mutex made in a bubble,
     * where real time would make the mode switch, and so the schedule, differ between replays.
     */
    private long nanoTime() {
        return bubbled ? Bubble.of(weftRuntime).nanoTime() : System.nanoTime();
    }

    private void lockSlow() {
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "lock of synctest mutex");
        }
        StackHeadroom.ensure(); // the slow path's updates have calls between them
        long waitStart = 0;
        boolean starving = false;
        boolean awoke = false;
        int old = state;
        for (;;) {
            int next = old;
            if ((old & STARVING) == 0) {
                next |= LOCKED; // in starvation mode the lock belongs to the queue, not to us
            }
            if ((old & (LOCKED | STARVING)) != 0) {
                next += WAITER;
            }
            if (starving && (old & LOCKED) != 0) {
                next |= STARVING;
            }
            if (awoke) {
                if ((next & WOKEN) == 0) {
                    throw new IllegalStateException("weft: inconsistent mutex state " + next);
                }
                next &= ~WOKEN; // we are the woken waiter; clear the flag whatever happens
            }
            if (!STATE.compareAndSet(this, old, next)) {
                old = state;
                continue;
            }
            if ((old & (LOCKED | STARVING)) == 0) {
                return; // locked by the CAS
            }
            boolean queueFront = waitStart != 0;
            if (waitStart == 0) {
                waitStart = nanoTime();
            }
            if (!sema.acquire(this, weftRuntime, reason, queueFront, true)) {
                leaveWaiters();
                throw ProcessSupport.cancellation();
            }
            starving = starving || nanoTime() - waitStart > STARVATION_THRESHOLD_NANOS;
            old = state;
            if ((old & STARVING) != 0) {
                // Handed off: the mutex is ours, though the state does not say LOCKED yet.
                int delta = LOCKED - WAITER;
                if (!starving || (old >>> WAITER_SHIFT) == 1) {
                    delta -= STARVING;
                }
                STATE.getAndAdd(this, delta);
                return;
            }
            awoke = true;
        }
    }

    /**
     * A waiter whose process ended has left the semaphore's queue without a unit: it takes its
     * count out of the waiter field. If an unlock already took one count out for a wake-up that
     * now finds nobody queued (the count is then zero), that unlock's unit stays in the
     * semaphore with WOKEN set, and the next waiter takes it as a woken waiter would: so only a
     * count that is there is taken.
     */
    private void leaveWaiters() {
        for (;;) {
            int old = state;
            if ((old >>> WAITER_SHIFT) == 0 || STATE.compareAndSet(this, old, old - WAITER)) {
                return;
            }
        }
    }

    /**
     * Unlocks; any thread may unlock, as in Go.
     *
     * @throws IllegalStateException if the mutex is not locked
     */
    @Override
    public void unlock() {
        if (STATE.compareAndSet(this, LOCKED, 0)) {
            return;
        }
        // Waiters: the update below is followed by calls that wake one, and a stack overflow
        // between the two would lose the wake-up; let it strike before (StackHeadroom).
        StackHeadroom.ensure();
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "unlock of synctest mutex");
        }
        int old;
        do {
            old = state;
            if ((old & LOCKED) == 0) {
                throw new IllegalStateException("unlock of unlocked mutex");
            }
        } while (!STATE.compareAndSet(this, old, old - LOCKED));
        unlockSlow(old - LOCKED);
    }

    private void unlockSlow(int now) {
        if ((now & STARVING) != 0) {
            sema.release(true); // ownership goes straight to the first waiter
            return;
        }
        int old = now;
        for (;;) {
            // Nobody to wake, or someone already woken/locked it, or it turned starving (the
            // owner will hand off): nothing to do.
            if ((old >>> WAITER_SHIFT) == 0 || (old & (LOCKED | WOKEN | STARVING)) != 0) {
                return;
            }
            if (STATE.compareAndSet(this, old, (old - WAITER) | WOKEN)) {
                sema.release(false);
                return;
            }
            old = state;
        }
    }

    @Override
    public String toString() {
        int s = state;
        return "Mutex[" + ((s & LOCKED) != 0 ? "locked" : "unlocked") + ((s & STARVING) != 0 ? ", starving" : "")
                + ", waiters=" + (s >>> WAITER_SHIFT) + "]";
    }

}
