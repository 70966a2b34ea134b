package dev.weft.internal.queue;

import dev.weft.internal.util.SpinLock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * The global run queue: an unbounded FIFO shared by all Ps (Go's {@code sched.runq}). Elements
 * arrive from outside the scheduler, from {@code Gosched}, from local-queue overflow and from
 * stopped Ps; Ps take one element every 61st schedule for fairness, or a batch when their local
 * queue is empty.
 *
 * <p><b>Two locks.</b> Putters take the put side's lock and takers the take side's, so a put never
 * waits for a take (Michael and Scott's two-lock queue, over a ring instead of linked nodes). With
 * one lock, a platform thread spawning goroutines for two carriers met their batch takes on it: the
 * spawner spent a tenth of its time in the lock's compare-and-set, waiting for the lock's line,
 * and made half of its {@code sched_yield} calls in the lock's slow path, while a carrier holding
 * the lock had been preempted by the kernel (three threads on two CPUs). Each side's lock word and
 * counters sit on cache lines of their own ({@link Side}).
 *
 * <p><b>Positions.</b> The ring holds element {@code k} (counting every put since creation) at
 * {@code items[k & (length - 1)]}. The queued elements are those in {@code [take.local,
 * put.count)}: the put side's count is the next put's position, the take side's local the head's.
 * A prepend ({@link #putHeadAll}) moves the head back. Slots outside that range are null. The
 * ring is replaced, to grow, only under both locks (put side first, then take side: the one
 * order in which the two are ever nested), so each side reads it under its own lock.
 *
 * <p><b>Publication.</b> A put stores its element, then its side's count with a release store:
 * a taker reads the count (volatile) before the slot. A take nulls the slots it takes, moves its
 * side's local (plain stores, the truth), and publishes it last in its side's count (release): a
 * putter reuses only slots below a published head (or below the true one, read under the take
 * lock when the published one says full), whose nulling it therefore sees, and keeps the last
 * value it read ({@code put.local}) so that it reads the takers' line only when the ring
 * looks full. {@link #size} is a hint read without a lock, from the two published counts; a stale
 * answer is always re-checked under the lock or covered by the spinning protocol. The StoreLoad
 * that protocol needs between queueing work and looking for an idle M is the caller's
 * {@code wakep} fence, which every put to this queue is followed by (or the caller holds the
 * scheduler's lock, whose next taker sees it).
 *
 * <p><b>At the end of a stack.</b> A count's release store is a call (a VarHandle, frames of its
 * own when interpreted), so it can throw StackOverflowError, but only before its store. A put
 * publishes last, so a put that throws has put nothing, as {@code Sched.ready}'s handler and
 * {@code LocalRunQueue}'s overflow assume (GlobalRunQueueStackEndTest); a prepend publishes the
 * new head before its plain stores, likewise. A take moves the head with each element and
 * publishes once, last, so a take that throws leaves the published head too low (the hint too
 * high, and slots freed that putters do not reuse yet), which the next take that finds the queue
 * empty repairs; the elements it held are lost, so takes are for carriers' loops, whose stacks are
 * shallow (docs/notes/stack-end.md, "Not covered").
 *
 * <p>The locks are {@link SpinLock}s held for a few array operations; they are never held while
 * calling out, and callers may be virtual threads pinned inside the JDK's {@code execute} call.
 *
 * @param <E> element type (weft's G)
 */
public final class GlobalRunQueue<E> {
    private static final int INITIAL = 256;

    /**
     * One side of the queue: its lock (the inherited word) and two counters, padded so that the
     * other side's never share their cache line (JVMs lay a subclass's fields after its
     * superclass's, and the padding after them keeps the next object's fields more than a line
     * away, wherever the collector moves either).
     */
    static final class Side extends SpinLock {
        /**
         * Put side: the position of the next put, i.e. every element ever put. Take side: the
         * head's position as last published. Written under the side's lock, read by anyone.
         */
        volatile long count;
        /**
         * Put side: the take side's count as the putters last read it, or its local read under
         * the take lock (a lower bound on the head).
         * Take side: the head's position, the truth. Under the side's lock.
         */
        long local;
        @SuppressWarnings("unused") // padding, see above
        private long p1, p2, p3, p4, p5, p6, p7;
    }

    private static final VarHandle COUNT;
    static {
        try {
            COUNT = MethodHandles.lookup().findVarHandle(Side.class, "count", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Side put = new Side();
    private final Side take = new Side();
    /** The ring; read under either side's lock, replaced only under both. */
    private Object[] items;

    public GlobalRunQueue() {
        this(INITIAL);
    }

    /** With a ring of {@code capacity} slots to start with, a power of two (tests: a small one grows often). */
    GlobalRunQueue(int capacity) {
        if (capacity <= 0 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("weft: a global run queue's capacity must be a power of two, not " + capacity);
        }
        items = new Object[capacity];
    }

    /** The elements queued, as a hint (see the class comment); never negative. */
    public int size() {
        long head = take.count; // first: a prepend lowers it, a put only raises the other, so the difference is never negative
        long n = put.count - head;
        return n >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) n;
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * The head's position as published: it grows by one for each element taken (a prepend
     * lowers it). A caller that sees it unchanged between two looks, with elements queued, knows
     * that nobody took any meanwhile (PRIORITY's inbox, {@code PriorityQueues.boostStarved}).
     */
    public long headPosition() {
        return take.count;
    }

    public void put(E e) {
        Side s = put;
        s.lock();
        try {
            long p = s.count;
            ensureRoom(p, 1);
            Object[] a = items;
            a[(int) p & (a.length - 1)] = e;
            COUNT.setRelease(s, p + 1); // last: if it throws (before its store), nothing was put
        } finally {
            try {
                s.unlock();
            } catch (VirtualMachineError err) {
                s.held = 0; // see SpinLock#held: put, so it must not throw now (Sched.ready)
            }
        }
    }

    /** Appends {@code n} elements of {@code batch} in order. */
    public void putBatch(Object[] batch, int n) {
        Side s = put;
        s.lock();
        try {
            long p = s.count;
            ensureRoom(p, n);
            Object[] a = items;
            int mask = a.length - 1;
            for (int i = 0; i < n; i++) {
                a[(int) (p + i) & mask] = batch[i];
            }
            COUNT.setRelease(s, p + n); // as in put: a throw here put nothing (LocalRunQueue#putSlow)
        } finally {
            try {
                s.unlock();
            } catch (VirtualMachineError err) {
                s.held = 0; // see SpinLock#held: put, so it must not throw now (LocalRunQueue#inFlight)
            }
        }
    }

    /** Prepends {@code all} so that it comes out first, in list order. */
    public void putHeadAll(List<E> all) {
        put.lock();
        try {
            take.lock();
            try {
                int n = all.size();
                if (n == 0) {
                    return;
                }
                long t = take.local;
                if (put.count - t + n > items.length) {
                    grow(put.count, t, n);
                }
                Object[] a = items;
                int mask = a.length - 1;
                // The slots below the head are free (the room above): a throw in get() or in the
                // count's store leaves them written but outside the queue, which put nothing.
                long head = t - n;
                for (int i = 0; i < n; i++) {
                    a[(int) (head + i) & mask] = all.get(i);
                }
                COUNT.setRelease(take, head); // the call first, the plain stores last
                take.local = head;
                put.local = head; // putters must not reuse the slots the prepend filled
            } finally {
                try {
                    take.unlock();
                } catch (VirtualMachineError err) {
                    take.held = 0; // see SpinLock#held (drainTo runs on goroutine stacks: setProcs, startm)
                }
            }
        } finally {
            try {
                put.unlock();
            } catch (VirtualMachineError err) {
                put.held = 0; // see SpinLock#held
            }
        }
    }

    @SuppressWarnings("unchecked")
    public E poll() {
        Side s = take;
        s.lock();
        try {
            long t = s.local;
            if (put.count == t) {
                repairHint(t);
                return null;
            }
            Object[] a = items;
            int i = (int) t & (a.length - 1);
            E e = (E) a[i];
            a[i] = null;
            s.local = t + 1;
            COUNT.setRelease(s, t + 1); // last: a throw leaves the published head low (class comment)
            return e;
        } finally {
            s.unlock();
        }
    }

    /**
     * Takes a batch for a P whose local queue has room: returns the first element and moves up to
     * {@code min(size / procs + 1, half a local ring) - 1} more into {@code local} (Go's
     * {@code globrunqgetbatch}). Called by {@code local}'s owner.
     */
    @SuppressWarnings("unchecked")
    public E pollBatch(LocalRunQueue<E> local, int procs) {
        if (size() == 0) {
            return null;
        }
        Side s = take;
        s.lock();
        try {
            long t = s.local;
            int queued = (int) (put.count - t);
            if (queued == 0) {
                repairHint(t); // the hint said work (a take that threw left it too high)
                return null;
            }
            int n = batchSize(queued, procs, Math.min(LocalRunQueue.CAPACITY / 2, local.freeSlots() + 1));
            Object[] a = items;
            int mask = a.length - 1;
            int i = (int) t & mask;
            E first = (E) a[i];
            a[i] = null;
            s.local = ++t;
            for (int k = 1; k < n; k++) {
                i = (int) t & mask;
                E e = (E) a[i];
                a[i] = null;
                s.local = ++t; // with each element, before the call that could throw
                local.putTailUnchecked(e);
            }
            COUNT.setRelease(s, t); // once per batch, last (see poll)
            return first;
        } finally {
            s.unlock();
        }
    }

    /**
     * Takes a batch, sized as {@link #pollBatch} sizes it but at most {@code max}, into
     * {@code dst} from index 0, and returns how many: for a taker whose own queue is not a
     * {@link LocalRunQueue} (a P's PRIORITY queue, {@code PriorityRunQueue.pollBatchFrom}).
     */
    public int pollInto(Object[] dst, int procs, int max) {
        if (size() == 0) {
            return 0;
        }
        Side s = take;
        s.lock();
        try {
            long t = s.local;
            int queued = (int) (put.count - t);
            if (queued == 0) {
                repairHint(t);
                return 0;
            }
            int n = batchSize(queued, procs, max);
            Object[] a = items;
            int mask = a.length - 1;
            for (int k = 0; k < n; k++) {
                int i = (int) t & mask;
                dst[k] = a[i];
                a[i] = null;
                s.local = ++t;
            }
            COUNT.setRelease(s, t); // once per batch, last (see poll)
            return n;
        } finally {
            s.unlock();
        }
    }

    /** Go's globrunqgetbatch share: a P's fair part of {@code queued} (at least one), at most {@code max}. */
    private static int batchSize(int queued, int procs, int max) {
        return Math.min(Math.min(queued, queued / Math.max(1, procs) + 1), max);
    }

    /** Under the take lock, the queue found empty at head {@code t}: publishes the head if a take that threw left it unpublished. */
    private void repairHint(long t) {
        if (take.count != t) {
            COUNT.setRelease(take, t);
        }
    }

    /**
     * Under the put lock, before writing {@code n} elements at position {@code p}: makes sure
     * their slots are free, reading the published head only when the last one read says the ring
     * is full, and, when that one says so too, the true head under the take lock, growing the
     * ring only if the ring is full by the truth.
     */
    private void ensureRoom(long p, int n) {
        Side s = put;
        if (p + n - s.local <= items.length) {
            return;
        }
        s.local = take.count;
        if (p + n - s.local <= items.length) {
            return;
        }
        take.lock();
        try {
            // The published head lags the truth while a take is under way (or after one threw):
            // under the take lock the truth is known, and the takers' nulling below it is seen.
            long t = take.local;
            if (p + n - t <= items.length) {
                s.local = t;
            } else {
                grow(p, t, n);
            }
        } finally {
            try {
                take.unlock();
            } catch (VirtualMachineError err) {
                take.held = 0; // see SpinLock#held
            }
        }
    }

    /**
     * Under both locks: replaces the ring with one that holds the {@code p - t} queued elements
     * (head {@code t}, next put {@code p}) and {@code n} more, each at its position's slot. The
     * new ring is filled before it is installed, so an OutOfMemoryError leaves the queue as it was.
     */
    private void grow(long p, long t, int n) {
        Object[] old = items;
        long queued = p - t;
        int cap = old.length;
        while (cap < queued + n) {
            cap <<= 1;
        }
        Object[] grown = new Object[cap];
        int oldMask = old.length - 1;
        int mask = cap - 1;
        for (long k = t; k < p; k++) {
            grown[(int) k & mask] = old[(int) k & oldMask];
        }
        items = grown;
        put.local = t; // the truth, under the take lock: every slot below it is free in the new ring
    }
}
