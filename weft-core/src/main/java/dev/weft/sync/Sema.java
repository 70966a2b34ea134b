package dev.weft.sync;

import dev.weft.internal.util.StackHeadroom;
import dev.weft.internal.sched.Parking;
import dev.weft.internal.util.SpinLock;
import dev.weft.internal.sched.WaitReason;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

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
 *
 * <p><b>Ghosts.</b> A waiter whose process ends may leave in two ways. {@link #withdraw} unlinks
 * its node ({@link WaitGroup}, which can tell by itself whether a unit is coming to it). With
 * {@link #acquireOrLeaveGhost} the node stays queued, marked {@link WaitNode#ghost}, and its
 * thread unwinds at once; the release that reaches it takes the unit for it and returns true, and
 * its caller finishes what the ghost's acquire stood for (the primitive's "lock, then unlock at
 * once"). So a release never finds the queue emptied by a departed waiter and never leaves a unit
 * behind for nobody, which is what makes the departure exact for {@link Mutex} and
 * {@link RWMutex}, whose state words cannot tell whether a wake-up is already on its way. A ghost
 * is never readied: its thread has moved on. A ghost at the head whose unit a barging acquirer
 * took stays there for the next release, as a woken waiter that lost its unit queues again.
 */
final class Sema {
    /**
     * The headroom ({@link StackHeadroom#ensure(int)}) a caller takes before it updates its own
     * state and then calls in here: this semaphore's own probe comes a few frames deeper, and
     * it must not be what overflows once the caller's update is made (a waiter counted that
     * never queues, a unit added that wakes nobody). The plain probe's depth twice over: the
     * inner probe, and room for the frames in between (found by ContendedStackOverflowTest).
     */
    static final int CALLER_HEADROOM_FRAMES = 16;

    /**
     * This object's withdrawal step for a cancelled wait, made once: a bound method reference
     * written at the call would allocate on every blocking wait of every goroutine.
     */
    private final WaitNode.Withdrawal withdrawal = this::withdraw;
    /** {@link #leaveGhost} as a withdrawal step, made once for the same reason. */
    private final WaitNode.Withdrawal ghosting = this::leaveGhost;

    /** Releases not yet consumed; CAS only. */
    private final AtomicLong count = new AtomicLong();
    /**
     * Set, for good, by the lock above once a platform thread has locked it ({@link Mutex}'s
     * platformLocked): its waiters, those parked before included, may then be ended by a thread
     * deadlock detection cannot see ({@link WaitNode#outsiderMayEnd}).
     */
    volatile boolean platformLocked;
    /** Threads inside acquire's slow path; written under lock, read without it by release. */
    private final AtomicInteger nwait = new AtomicInteger();
    /**
     * Guards the queue. A spin lock released by a plain volatile write in {@code finally} (see
     * {@link SpinLock#held}): no call on the way out, so a StackOverflowError cannot leave it held.
     * Its sections are a few field writes and never park.
     */
    private final SpinLock lock = new SpinLock();
    /** FIFO of parked acquirers; guarded by lock. */
    private WaitNode head;
    private WaitNode tail;

    /**
     * Takes one unit, parking with {@code reason} until one is released. {@code lifo} queues at the
     * front: Go's mutex uses it for a waiter that was already woken once, so it keeps its turn.
     */
    void acquire(Object blocker, Object runtime, WaitReason reason, boolean lifo) {
        acquire(blocker, runtime, reason, lifo, false);
    }

    /**
     * {@link #acquire(Object, Object, WaitReason, boolean)}; with {@code cancellable}, a wait whose
     * thread's process ends is withdrawn ({@link #withdraw}) and this returns false: no unit was
     * taken, and the caller undoes its own bookkeeping and throws the exit exception.
     */
    boolean acquire(Object blocker, Object runtime, WaitReason reason, boolean lifo, boolean cancellable) {
        return acquire(blocker, runtime, reason, lifo, cancellable ? withdrawal : null, null);
    }

    /**
     * {@link #acquire(Object, Object, WaitReason, boolean)}, except that a wait whose thread's
     * process ends returns false at once and leaves its node queued as a ghost (see "Ghosts"):
     * the caller throws the exit exception and undoes nothing, since the release that reaches the
     * ghost reports it, and the releaser completes the acquisition and its undoing for it.
     */
    boolean acquireOrLeaveGhost(Object blocker, Object runtime, WaitReason reason, boolean lifo) {
        return acquire(blocker, runtime, reason, lifo, ghosting, null);
    }

    /**
     * A wait that another thread may end ({@link #abandon}), for {@link WaitGroup}'s internal
     * abandonable await. Its fields are guarded by the semaphore's lock.
     */
    static final class Abandonable {
        /** The node it has queued, while it may be queued. */
        WaitNode node;
        /** Set by {@link #abandon}: from then on the wait queues no node. */
        boolean abandoned;
    }

    /**
     * {@link #acquire(Object, Object, WaitReason, boolean, boolean)}, cancellable, that returns
     * false also once {@code ticket} is {@linkplain #abandon abandoned}: no unit was taken and no
     * node is left queued, as after a withdrawal.
     */
    boolean acquireAbandonable(Object blocker, Object runtime, WaitReason reason, Abandonable ticket) {
        return acquire(blocker, runtime, reason, false, withdrawal, ticket);
    }

    /**
     * Ends {@code ticket}'s wait from another thread: a node it has queued and no release has
     * taken yet is withdrawn and its thread readied, so its acquire returns false; an acquire
     * that has not queued yet queues nothing and returns false too. A node a release took first
     * completes its wait, as one whose process ends. Returns whether a queued node was withdrawn.
     */
    boolean abandon(Abandonable ticket) {
        StackHeadroom.ensure();
        WaitNode node;
        lock.lock();
        try {
            ticket.abandoned = true;
            node = ticket.node;
        } finally {
            lock.held = 0;
        }
        // Nothing is queued for the ticket after this: a node taken meanwhile (a release, the
        // waiter's own withdrawal) is not found, and a new one is not queued.
        if (node == null || !withdraw(node)) {
            return false;
        }
        node.abandoned = true;
        node.signalled = true; // after abandoned: the waiter reads it once signalled
        Parking.wake(node.thread);
        return true;
    }

    private boolean acquire(Object blocker, Object runtime, WaitReason reason, boolean lifo,
            WaitNode.Withdrawal onCancel, Abandonable ticket) {
        if (tryAcquire()) {
            return true;
        }
        for (;;) {
            // The slow path mutates nwait and the queue between calls: make sure a stack overflow,
            // if it is coming, comes before any of it (StackHeadroom).
            StackHeadroom.ensure();
            WaitNode node = new WaitNode(1); // outside the lock: an OutOfMemoryError leaves it free
            node.sema = this;
            boolean acquired = false;
            lock.lock();
            try {
                nwait.incrementAndGet();
                if (tryAcquire()) {
                    nwait.decrementAndGet();
                    acquired = true;
                } else if (ticket != null && ticket.abandoned) {
                    nwait.decrementAndGet();
                    node = null; // abandoned before it queued
                } else if (lifo) {
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
                if (ticket != null) {
                    ticket.node = node;
                }
            } finally {
                lock.held = 0;
            }
            if (acquired) {
                return true;
            }
            if (node == null || !node.await(blocker, reason, runtime, onCancel) || node.abandoned) {
                return false;
            }
            if (node.handoff || tryAcquire()) {
                return true;
            }
            // A barging acquirer took the unit our wake-up was for: queue again, first in line.
            lifo = true;
        }
    }

    /**
     * Adds one unit and wakes the first waiter, if any. With {@code handoff} the unit goes straight
     * to that waiter (Go's starvation-mode mutex), so no newcomer can take it in between.
     *
     * @return true if the first waiter was a ghost ({@link #acquireOrLeaveGhost}) and the unit has
     *     been taken for it: the caller then completes that waiter's acquisition on its behalf
     */
    boolean release(boolean handoff) {
        count.incrementAndGet();
        if (nwait.get() == 0) {
            return false;
        }
        // After the unit is added, not before: the caller has already changed its state word for
        // this release (a Mutex's WOKEN, or STARVING on a free mutex), so an overflow before the
        // add would leave that flag with no unit behind it for good; after it, the next waiter
        // to arrive takes the unit and plays its part.
        StackHeadroom.ensure();
        WaitNode node = null;
        boolean ghost = false;
        lock.lock();
        try {
            if (nwait.get() != 0 && head.ghost) {
                // Its thread has gone: the unit is taken here, for it. If a barger took it first,
                // the ghost keeps its place for the next release. The calls come before the unlink.
                ghost = tryAcquire();
                if (ghost) {
                    nwait.decrementAndGet();
                    WaitNode g = head;
                    head = g.next;
                    if (head == null) {
                        tail = null;
                    }
                    g.next = null;
                }
            } else if (nwait.get() != 0) {
                // Under the lock nwait counts exactly the queued nodes, so the queue is not empty.
                // The hand-off's CAS comes before the unlink: once the node is off the queue,
                // only field writes follow, so a failure cannot lose it.
                boolean handed = handoff && tryAcquire();
                node = head;
                head = node.next;
                if (head == null) {
                    tail = null;
                }
                node.next = null;
                node.handoff = handed;
                node.signalled = true;
                nwait.decrementAndGet();
            }
        } finally {
            lock.held = 0;
        }
        if (node != null) {
            Parking.ready(node.thread);
        }
        return ghost;
    }

    /**
     * Marks {@code node} a ghost if no release has taken it yet (an unsignalled node is queued):
     * it keeps its place and its count in {@link #nwait}, and the thread may leave.
     */
    private boolean leaveGhost(WaitNode node) {
        StackHeadroom.ensure();
        lock.lock();
        try {
            if (node.signalled) {
                return false;
            }
            node.ghost = true;
            return true;
        } finally {
            lock.held = 0;
        }
    }

    /**
     * Unlinks {@code node} if no release has taken it yet, keeping {@link #nwait} equal to the
     * queued nodes. A release that finds the queue empty leaves its unit in {@link #count}, where
     * the next acquirer takes it, as any release that comes before its acquire.
     */
    private boolean withdraw(WaitNode node) {
        StackHeadroom.ensure();
        boolean found = false;
        lock.lock();
        try {
            WaitNode prev = null;
            for (WaitNode n = head; n != null; prev = n, n = n.next) {
                if (n == node) {
                    found = !node.signalled;
                    break;
                }
            }
            if (found) {
                nwait.decrementAndGet(); // the call first: the unlink below is plain writes
                if (prev == null) {
                    head = node.next;
                } else {
                    prev.next = node.next;
                }
                if (tail == node) {
                    tail = prev;
                }
                node.next = null;
            }
        } finally {
            lock.held = 0;
        }
        return found;
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
