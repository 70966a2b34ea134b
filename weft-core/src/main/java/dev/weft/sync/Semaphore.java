package dev.weft.sync;

import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.WaitReason;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A weighted semaphore (Go's {@code golang.org/x/sync/semaphore}): a budget of {@link #size}
 * units that callers acquire in any amount and release later.
 *
 * <p>Strict FIFO: an acquirer waits if anyone is queued ahead of it, even when its own request
 * would fit, so a large request is not starved by a stream of small ones. Everything is guarded by
 * {@link #lock}; {@link #release} grants units to the head of the queue while they fit, detaches
 * those waiters, and readies them after unlocking (the {@link WaitNode} protocol).
 */
public final class Semaphore {
    /** The runtime whose goroutine made this (for deadlock detection); null if a platform thread did. */
    private final Object weftRuntime = Parking.callerRuntime();

    private final long size;
    private final ReentrantLock lock = new ReentrantLock();
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
        checkWeight(n);
        lock.lock();
        if (head == null && size - cur >= n) {
            cur += n;
            lock.unlock();
            return;
        }
        WaitNode node = new WaitNode(n);
        if (tail == null) {
            head = tail = node;
        } else {
            tail.next = node;
            tail = node;
        }
        lock.unlock();
        node.await(this, WaitReason.SEMACQUIRE, weftRuntime);
    }

    /** Acquires {@code n} units if available now and nobody waits; never waits. */
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
            lock.unlock();
        }
    }

    /**
     * Returns {@code n} units and grants waiting requests in FIFO order while they fit.
     *
     * @throws IllegalStateException if more units would be released than are held
     */
    public void release(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("semaphore: negative release " + n);
        }
        lock.lock();
        if (n > cur) {
            lock.unlock();
            throw new IllegalStateException("semaphore: released more than held (" + n + " > " + cur + ")");
        }
        cur -= n;
        WaitNode granted = null;
        WaitNode lastGranted = null;
        while (head != null && size - cur >= head.weight) {
            WaitNode node = head;
            head = node.next;
            cur += node.weight;
            node.signal();
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
        lock.unlock();
        while (granted != null) {
            WaitNode next = granted.next;
            granted.next = null;
            Parking.wake(granted.thread);
            granted = next;
        }
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
