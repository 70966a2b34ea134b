package dev.weft.sync;

import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.ProcessSupport;
import dev.weft.internal.sched.WaitCompletion;
import dev.weft.internal.sched.WaitReason;

/**
 * One parked thread in a sync primitive's FIFO queue (the sync half of Go's {@code sudog}).
 *
 * <p>Protocol ("dequeue, fill, signal, ready"): the queue owner's lock guards {@link #next} and
 * queue membership. A waker removes the node under that lock, writes {@link #handoff} if it hands
 * ownership over, then sets {@link #signalled} (volatile) and calls {@link Parking#ready} after
 * releasing the lock. The waiter loops in {@link #await} on {@code signalled}, so an early ready
 * or a spurious return from park is harmless.
 */
final class WaitNode implements WaitCompletion {
    final Thread thread;
    /** Semaphore weight the waiter asks for; immutable. */
    final long weight;
    /** Queue link; guarded by the owning queue's lock. */
    WaitNode next;
    /** Set by the waker before signalled: ownership was transferred, do not re-acquire. */
    boolean handoff;
    /**
     * Its thread has left and the node stays queued in its place (see {@code Sema}'s "Ghosts"):
     * the release that reaches it takes the unit for it instead of readying the thread. Guarded by
     * the owning queue's lock.
     */
    boolean ghost;
    /**
     * Withdrawn by another thread ({@code Sema.abandon}): the wait ends without a unit. Written
     * before {@link #signalled}, so the waiter reads it once it sees that.
     */
    boolean abandoned;
    /** The wake-up, published by the waker with a plain volatile write (no call) under its lock. */
    volatile boolean signalled;
    /** The semaphore it waits in, for {@link #outsiderMayEnd}; null for a node of no Sema. */
    Sema sema;

    WaitNode(long weight) {
        this.thread = Parking.currentWaiter();
        this.weight = weight;
    }

    @Override
    public boolean completed() {
        return signalled;
    }

    @Override
    public boolean outsiderMayEnd() {
        Sema s = sema;
        return s != null && s.platformLocked;
    }

    /** Takes a node whose thread's process ended out of its queue, under the queue's lock. */
    @FunctionalInterface
    interface Withdrawal {
        /** Whether the node was still queued and is now out; false once a waker has taken it. */
        boolean withdraw(WaitNode node);
    }

    /**
     * Parks until signalled. Waits are not interruptible (as in Go); the status is kept. Ends
     * early when the caller's process ends (see {@code ProcessSupport}) and {@code withdrawal}
     * takes the node back: returns false then,
     * and the caller undoes what its wait stood for and throws the exit exception. A node a waker
     * took first is signalled, so the wait completes (true) and the exception comes at the next
     * safe point. A null {@code withdrawal}: the wait cannot be withdrawn and always completes.
     */
    boolean await(Object blocker, WaitReason reason, Object runtime, Withdrawal withdrawal) {
        if (withdrawal == null) {
            // Cancellation held off: a cancelled thread's park would return at once, every time.
            ProcessSupport.mask();
        }
        boolean interrupted = false;
        try {
            while (!signalled) {
                boolean cancel = Parking.park(blocker, reason, runtime, this);
                interrupted |= Thread.interrupted();
                if (cancel && withdrawal != null && withdrawal.withdraw(this)) {
                    return false; // the exit exception answers the canceller's interrupt
                }
            }
        } finally {
            if (withdrawal == null) {
                ProcessSupport.unmask();
            }
        }
        if (interrupted) {
            thread.interrupt();
        }
        return true;
    }
}
