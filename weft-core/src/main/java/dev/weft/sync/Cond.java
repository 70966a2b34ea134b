package dev.weft.sync;

import dev.weft.internal.sched.Bubble;
import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.ProcessSupport;
import dev.weft.internal.sched.WaitReason;
import dev.weft.internal.util.SpinLock;
import dev.weft.internal.util.StackHeadroom;
import java.util.Objects;

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
 *
 * <p><b>Interrupts.</b> {@code await} is not interruptible (see the package documentation): it
 * returns only when signalled (or spuriously, as any condition wait), with the interrupt status set
 * again.
 */
public final class Cond {
    /**
     * This object's withdrawal step for a cancelled wait, made once: a bound method reference
     * written at the call would allocate on every blocking wait of every goroutine.
     */
    private final WaitNode.Withdrawal unlinking = this::unlink;

    /** The runtime whose goroutine made this (for deadlock detection); null if a platform thread did. */
    private final Object weftRuntime = Parking.callerRuntime();
    /** Made in a synctest bubble: waits on it are durable there, so outsiders may not touch it. */
    private final boolean bubbled = Bubble.isBubble(weftRuntime);

    private final Locker locker;
    /**
     * Guards the queue. A spin lock released by a plain volatile write in {@code finally} (see
     * {@link SpinLock#held}): no call on the way out, so a StackOverflowError cannot leave it held.
     * Its sections are a few field writes and never park.
     */
    private final SpinLock queueLock = new SpinLock();
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
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "wait on synctest Cond");
        }
        // The withdrawal below makes calls: an overflow, if it is coming, strikes here, before
        // the node is queued, not in the catch (StackHeadroom).
        StackHeadroom.ensure();
        WaitNode node = new WaitNode(0);
        queueLock.lock();
        try {
            if (tail == null) {
                head = tail = node;
            } else {
                tail.next = node;
                tail = node;
            }
        } finally {
            queueLock.held = 0;
        }
        try {
            locker.unlock();
        } catch (RuntimeException | Error notHeld) {
            // An Error too (a locker's assertion, a StackOverflowError in its unlock): a node left
            // queued would take a later signal from a real waiter.
            withdraw(node);
            throw notHeld;
        }
        boolean signalled = node.await(this, WaitReason.COND_WAIT, weftRuntime, unlinking);
        // The locker is held again on every way out, a process's unwinding included, so the
        // caller's finally can unlock it: cancellation is held off while it is retaken.
        ProcessSupport.mask();
        try {
            locker.lock();
        } finally {
            ProcessSupport.unmask();
        }
        if (!signalled) {
            throw ProcessSupport.cancellation();
        }
    }

    /**
     * Takes back the node of an await whose caller did not hold the locker; if a signal already
     * chose it, passes that signal on so no real waiter loses it.
     */
    private void withdraw(WaitNode node) {
        if (!unlink(node)) {
            signal();
        }
    }

    /** Takes {@code node} out of the queue if no signal has chosen it yet; returns whether it did. */
    private boolean unlink(WaitNode node) {
        WaitNode n;
        queueLock.lock();
        try {
            WaitNode prev = null;
            n = head;
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
        } finally {
            queueLock.held = 0;
        }
        return n != null;
    }

    /** Wakes the goroutine that has waited longest, if any. */
    public void signal() {
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "signal of synctest Cond");
        }
        WaitNode node;
        queueLock.lock();
        try {
            node = head;
            if (node != null) {
                head = node.next;
                if (head == null) {
                    tail = null;
                }
                node.next = null;
                node.signalled = true; // a field write, not a call: nothing can fail after the unlink
            }
        } finally {
            queueLock.held = 0;
        }
        if (node != null) {
            Parking.ready(node.thread);
        }
    }

    /** Wakes every waiting goroutine. */
    public void broadcast() {
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "broadcast of synctest Cond");
        }
        WaitNode node;
        queueLock.lock();
        try {
            node = head;
            for (WaitNode n = node; n != null; n = n.next) {
                n.signalled = true;
            }
            head = tail = null;
        } finally {
            queueLock.held = 0;
        }
        while (node != null) {
            WaitNode next = node.next;
            node.next = null;
            Parking.wake(node.thread);
            node = next;
        }
        Parking.yieldIfOutranked();
    }

}
