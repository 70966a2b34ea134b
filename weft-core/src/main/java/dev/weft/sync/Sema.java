package dev.weft.sync;

import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.WaitReason;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A counting sleep/wake-up pair, Go's runtime semaphore ({@code semacquire}/{@code semrelease}),
 * on which {@link Mutex}, {@link RWMutex} and {@link WaitGroup} build. A release that comes before
 * the matching acquire is kept in {@link #count}, so the primitives above may decide to sleep
 * without holding any lock.
 *
 * <p>Go keeps one global table of waiter treaps keyed by address; a Java object has identity, so
 * each semaphore owns its FIFO queue, guarded by {@link #lock}.
 *
 * <p>The missed-wake-up protocol ("count, then nwait" against "nwait, then count"):
 * {@link #release} increments {@code count} and only then reads {@link #nwait}; {@link #acquire}
 * increments {@code nwait} under the lock and only then retries {@code count}. Both are volatile
 * (sequentially consistent), so a releaser that sees no waiter leaves a count the waiter is bound
 * to see.
 */
final class Sema {
    /** Releases not yet consumed; CAS only. */
    private final AtomicLong count = new AtomicLong();
    /** Threads inside acquire's slow path; written under lock, read without it by release. */
    private final AtomicInteger nwait = new AtomicInteger();
    private final ReentrantLock lock = new ReentrantLock();
    /** FIFO of parked acquirers; guarded by lock. */
    private WaitNode head;
    private WaitNode tail;

    /**
     * Takes one unit, parking with {@code reason} until one is released. {@code lifo} queues at the
     * front: Go's mutex uses it for a waiter that was already woken once, so it keeps its turn.
     */
    void acquire(Object blocker, Object runtime, WaitReason reason, boolean lifo) {
        if (tryAcquire()) {
            return;
        }
        for (;;) {
            lock.lock();
            nwait.incrementAndGet();
            if (tryAcquire()) {
                nwait.decrementAndGet();
                lock.unlock();
                return;
            }
            WaitNode node = new WaitNode(1);
            if (lifo) {
                node.next = head;
                head = node;
                if (tail == null) {
                    tail = node;
                }
            } else if (tail == null) {
                head = tail = node;
            } else {
                tail.next = node;
                tail = node;
            }
            lock.unlock();
            node.await(blocker, reason, runtime);
            if (node.handoff || tryAcquire()) {
                return;
            }
            // A barging acquirer took the unit our wake-up was for: queue again, first in line.
            lifo = true;
        }
    }

    /**
     * Adds one unit and wakes the first waiter, if any. With {@code handoff} the unit goes straight
     * to that waiter (Go's starvation-mode mutex), so no newcomer can take it in between.
     */
    void release(boolean handoff) {
        count.incrementAndGet();
        if (nwait.get() == 0) {
            return;
        }
        lock.lock();
        if (nwait.get() == 0) {
            lock.unlock();
            return;
        }
        // Under the lock nwait counts exactly the queued nodes, so the queue is not empty.
        WaitNode node = head;
        head = node.next;
        if (head == null) {
            tail = null;
        }
        node.next = null;
        nwait.decrementAndGet();
        if (handoff && tryAcquire()) {
            node.handoff = true;
        }
        node.signal();
        lock.unlock();
        Parking.ready(node.thread);
    }

    private boolean tryAcquire() {
        for (;;) {
            long c = count.get();
            if (c == 0) {
                return false;
            }
            if (count.compareAndSet(c, c - 1)) {
                return true;
            }
        }
    }
}
