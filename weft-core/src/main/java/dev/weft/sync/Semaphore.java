package dev.weft.sync;

import dev.weft.internal.sched.Bubble;
import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.ProcessSupport;
import dev.weft.internal.sched.WaitReason;
import dev.weft.internal.util.SpinLock;
import dev.weft.internal.util.StackHeadroom;

/**
 * A weighted semaphore (Go's {@code golang.org/x/sync/semaphore}): a budget of {@link #size}
 * units that callers acquire in any amount and release later.
 *
 * <p>Strict FIFO: an acquirer waits if anyone is queued ahead of it, even when its own request
 * would fit, so a large request is not starved by a stream of small ones. Everything is guarded by
 * {@link #lock}; {@link #release} grants units to the head of the queue while they fit, detaches
 * those waiters, and readies them after unlocking (the {@link WaitNode} protocol).
 *
 * <p><b>Interrupts.</b> {@code acquire} is not interruptible (see the package documentation); the
 * interrupt status is set again when it returns.
 */
public final class Semaphore {
    /**
     * This object's withdrawal step for a cancelled wait, made once: a bound method reference
     * written at the call would allocate on every blocking wait of every goroutine.
     */
    private final WaitNode.Withdrawal withdrawal = this::withdraw;

    /** The runtime whose goroutine made this (for deadlock detection); null if a platform thread did. */
    private final Object weftRuntime = Parking.callerRuntime();
    /** Made in a synctest bubble: waits on it are durable there, so outsiders may not touch it. */
    private final boolean bubbled = Bubble.isBubble(weftRuntime);

    private final long size;
    /**
     * Guards the queue. A spin lock released by a plain volatile write in {@code finally} (see
     * {@link SpinLock#held}): no call on the way out, so a StackOverflowError cannot leave it held.
     * Its sections are a few field writes and never park.
     */
    private final SpinLock lock = new SpinLock();
    /** Units held; guarded by lock. */
    private long cur;
    /** FIFO of waiters, each with its weight; guarded by lock. */
    private WaitNode head;
    private WaitNode tail;

    /**
     * @throws IllegalArgumentException if {@code size} is negative
     */
    public Semaphore(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("semaphore: negative size " + size);
        }
        this.size = size;
    }

    /**
     * Acquires {@code n} units, parking until they are available and every earlier waiter is
     * served.
     *
     * @throws IllegalArgumentException if {@code n} is negative or larger than the size (it could
     *     never be granted)
     */
    public void acquire(long n) {
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "acquire of synctest Semaphore");
        }
        checkWeight(n);
        WaitNode node = null; // made outside the lock, only once the caller must wait; then look again
        for (;;) {
            lock.lock();
            try {
                if (head == null && size - cur >= n) {
                    cur += n;
                    return;
                }
                if (node != null) {
                    if (tail == null) {
                        head = tail = node;
                    } else {
                        tail.next = node;
                        tail = node;
                    }
                }
            } finally {
                lock.held = 0;
            }
            if (node != null) {
                if (!node.await(this, WaitReason.SEMACQUIRE, weftRuntime, withdrawal)) {
                    throw ProcessSupport.cancellation();
                }
                return;
            }
            // The node, once queued, is granted by releases whatever its thread does: an overflow
            // between the queueing and the park would leave it there, taking units for a thread
            // that is not waiting. Let it strike here, before (StackHeadroom), as Sema does.
            StackHeadroom.ensure();
            node = new WaitNode(n);
        }
    }

    /**
     * Takes the node of a waiter whose process ended out of the queue, if no release granted it
     * yet; a waiter behind it that fits now is granted, as a release would (a heavy head leaving
     * must not keep lighter requests waiting).
     */
    private boolean withdraw(WaitNode node) {
        WaitNode granted = null;
        boolean found = false;
        lock.lock();
        try {
            WaitNode prev = null;
            for (WaitNode n = head; n != null; prev = n, n = n.next) {
                if (n == node) {
                    found = true;
                    break;
                }
            }
            if (found) {
                if (prev == null) {
                    head = node.next;
                } else {
                    prev.next = node.next;
                }
                if (tail == node) {
                    tail = prev;
                }
                node.next = null;
                if (prev == null) { // it was the head: those behind it may fit now
                    granted = grantFittingLocked();
                }
            }
        } finally {
            lock.held = 0;
        }
        wakeGranted(granted);
        return found;
    }

    /**
     * Under the lock: grants waiting requests from the head in FIFO order while they fit, and
     * returns them as a chain (through {@code next}) to wake after unlocking. Plain field writes
     * only (the signal included): nothing here can fail half way.
     */
    private WaitNode grantFittingLocked() {
        WaitNode granted = null;
        WaitNode lastGranted = null;
        while (head != null && size - cur >= head.weight) {
            WaitNode node = head;
            head = node.next;
            cur += node.weight;
            node.signalled = true;
            if (lastGranted == null) {
                granted = node;
            } else {
                lastGranted.next = node;
            }
            lastGranted = node;
        }
        if (head == null) {
            tail = null;
        }
        if (lastGranted != null) {
            lastGranted.next = null;
        }
        return granted;
    }

    /** Wakes a chain {@link #grantFittingLocked} returned; no lock held. */
    private static void wakeGranted(WaitNode granted) {
        while (granted != null) {
            WaitNode next = granted.next;
            granted.next = null;
            Parking.wake(granted.thread);
            granted = next;
        }
    }

    /**
     * Acquires {@code n} units if available now and nobody waits; never waits.
     *
     * @throws IllegalArgumentException if {@code n} is negative or larger than the size, as
     *     {@link #acquire} does (Go's {@code TryAcquire} returns false there)
     */
    public boolean tryAcquire(long n) {
        checkWeight(n);
        lock.lock();
        try {
            if (head == null && size - cur >= n) {
                cur += n;
                return true;
            }
            return false;
        } finally {
            lock.held = 0;
        }
    }

    /**
     * Returns {@code n} units and grants waiting requests in FIFO order while they fit.
     *
     * @throws IllegalStateException if more units would be released than are held
     */
    public void release(long n) {
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "release of synctest Semaphore");
        }
        if (n < 0) {
            throw new IllegalArgumentException("semaphore: negative release " + n);
        }
        WaitNode granted = null;
        long held;
        lock.lock();
        try {
            held = cur;
            if (n <= held) {
                cur -= n;
                granted = grantFittingLocked();
            }
        } finally {
            lock.held = 0;
        }
        if (n > held) {
            throw new IllegalStateException("semaphore: released more than held (" + n + " > " + held + ")");
        }
        wakeGranted(granted);
        Parking.yieldIfOutranked();
    }

    /** The total number of units. */
    public long size() {
        return size;
    }

    private void checkWeight(long n) {
        if (n < 0 || n > size) {
            throw new IllegalArgumentException("semaphore: acquire of " + n + " units, size is " + size);
        }
    }

}
