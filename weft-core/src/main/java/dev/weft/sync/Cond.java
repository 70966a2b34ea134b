package dev.weft.sync;

import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.WaitReason;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A condition variable: Go's {@code sync.Cond}. Goroutines wait for an event with {@link #await()}
 * while holding {@link #locker()}; {@link #signal()} wakes the longest waiter, {@link #broadcast()}
 * all.
 *
 * <p>Protocol (Go's notifyList): {@code await} queues its node <em>before</em> unlocking the
 * locker, so a signal sent after the caller checked its predicate under the lock always finds it;
 * no wake-up is lost and none is spurious. The FIFO queue is guarded by {@link #queueLock};
 * wakers detach nodes under it and ready them after releasing it. Callers still re-check their
 * predicate in a loop, because another goroutine may lock first and change it.
 */
public final class Cond {
    /** The runtime whose goroutine made this (for deadlock detection); null if a platform thread did. */
    private final Object weftRuntime = Parking.callerRuntime();

    private final Locker locker;
    private final ReentrantLock queueLock = new ReentrantLock();
    /** FIFO of waiters; guarded by queueLock. */
    private WaitNode head;
    private WaitNode tail;

    public Cond(Locker locker) {
        this.locker = Objects.requireNonNull(locker, "locker");
    }

    public Locker locker() {
        return locker;
    }

    /**
     * Unlocks the locker, parks until signalled, and locks it again before returning. The caller
     * must hold the locker; if it does not, the locker's unlock exception propagates (for a
     * {@link Mutex}: "unlock of unlocked mutex") and the call does not wait.
     */
    public void await() {
        WaitNode node = new WaitNode(0);
        queueLock.lock();
        if (tail == null) {
            head = tail = node;
        } else {
            tail.next = node;
            tail = node;
        }
        queueLock.unlock();
        try {
            locker.unlock();
        } catch (RuntimeException notHeld) {
            withdraw(node);
            throw notHeld;
        }
        node.await(this, WaitReason.COND_WAIT, weftRuntime);
        locker.lock();
    }

    /**
     * Takes back the node of an await whose caller did not hold the locker; if a signal already
     * chose it, passes that signal on so no real waiter loses it.
     */
    private void withdraw(WaitNode node) {
        queueLock.lock();
        WaitNode prev = null;
        WaitNode n = head;
        while (n != null && n != node) {
            prev = n;
            n = n.next;
        }
        if (n != null) {
            if (prev == null) {
                head = n.next;
            } else {
                prev.next = n.next;
            }
            if (tail == n) {
                tail = prev;
            }
            n.next = null;
        }
        queueLock.unlock();
        if (n == null) {
            signal();
        }
    }

    /** Wakes the goroutine that has waited longest, if any. */
    public void signal() {
        queueLock.lock();
        WaitNode node = head;
        if (node != null) {
            head = node.next;
            if (head == null) {
                tail = null;
            }
            node.next = null;
            node.signal();
        }
        queueLock.unlock();
        if (node != null) {
            Parking.ready(node.thread);
        }
    }

    /** Wakes every waiting goroutine. */
    public void broadcast() {
        queueLock.lock();
        WaitNode node = head;
        head = tail = null;
        for (WaitNode n = node; n != null; n = n.next) {
            n.signal();
        }
        queueLock.unlock();
        while (node != null) {
            WaitNode next = node.next;
            node.next = null;
            Parking.wake(node.thread);
            node = next;
        }
        Parking.yieldIfOutranked();
    }

}
