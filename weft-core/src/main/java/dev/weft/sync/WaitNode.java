package dev.weft.sync;

import dev.weft.internal.sched.Parking;
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
    /** The wake-up, published by the waker with a plain volatile write (no call) under its lock. */
    volatile boolean signalled;

    WaitNode(long weight) {
        this.thread = Parking.currentWaiter();
        this.weight = weight;
    }

    @Override
    public boolean completed() {
        return signalled;
    }

    /** Parks until signalled. Waits are not interruptible (as in Go); the status is kept. */
    void await(Object blocker, WaitReason reason, Object runtime) {
        boolean interrupted = false;
        while (!signalled) {
            Parking.park(blocker, reason, runtime, this);
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            thread.interrupt();
        }
    }
}
