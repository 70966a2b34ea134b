package dev.weft.internal.queue;

import dev.weft.internal.util.SpinLock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * The global run queue: an unbounded FIFO shared by all Ps, guarded by its own lock (Go's
 * {@code sched.runq} under {@code sched.lock}). Elements arrive from outside the scheduler, from
 * {@code Gosched}, from local-queue overflow and from stopped Ps; Ps take one element every 61st
 * schedule for fairness, or a batch when their local queue is empty.
 *
 * <p>The element store is a growable circular array, so a put allocates only when the queue
 * grows past its largest size so far. {@link #size} is a hint, readable without the lock, so
 * that the scheduler can test for emptiness cheaply; a stale answer is always re-checked under the
 * lock or covered by the spinning protocol.
 *
 * <p><b>No fence inside the lock.</b> The hint is published with a release store, once per
 * section (a batch takes many elements and writes it once). A volatile store there was a full
 * fence while holding the lock: it waited for the element's line to come from whichever core last
 * read it, and every other taker spun meanwhile (a platform thread spawning goroutines against two
 * carriers taking them spent a tenth of its time in the lock's slow path). The StoreLoad that
 * the spinning protocol needs between queueing work and looking for an idle M is the caller's
 * {@code wakep} fence, which every put to this queue is followed by (or the caller holds the
 * scheduler's lock, whose next taker sees it).
 *
 * <p><b>At the end of a stack.</b> The hint's store is a call (a VarHandle, frames of its own
 * when interpreted), so it can throw StackOverflowError. A put publishes the hint before it
 * stores the count, so a put that throws has put nothing, as {@code Sched.ready}'s handler and
 * {@code LocalRunQueue}'s overflow assume (GlobalRunQueueStackEndTest), and so does
 * {@code putHeadAll}, which moves the head only after its last call. A take stores the count with
 * each element and the hint last, so a take that throws leaves a hint too high, which the next
 * take that finds the queue empty repairs; the elements it held are lost, so takes are for
 * carriers' loops, whose stacks are shallow (docs/notes/stack-end.md, "Not covered").
 *
 * <p>The lock is a {@link SpinLock} held for a few array operations; it is never held while
 * calling out, and callers may be virtual threads pinned inside the JDK's {@code execute} call.
 *
 * @param <E> element type (weft's G)
 */
public final class GlobalRunQueue<E> {
    /** Guards the elements; a spin lock, because carriers and goroutines both take it (see SpinLock). */
    private final SpinLock lock = new SpinLock();
    private Object[] items = new Object[256];
    private int headIndex;
    /** The number of elements: the truth, under the lock. */
    private int count;
    /** {@link #count} as last published (release, under the lock); read without the lock as a hint. */
    private volatile int size;

    private static final VarHandle SIZE;
    static {
        try {
            SIZE = MethodHandles.lookup().findVarHandle(GlobalRunQueue.class, "size", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void put(E e) {
        lock.lock();
        try {
            ensureRoom(1);
            int n = count + 1;
            items[(headIndex + n - 1) & (items.length - 1)] = e;
            // The hint first, a call that can overflow (VarHandle frames when interpreted): if it
            // throws, nothing was put (count unchanged), as Sched.ready's handler assumes. The
            // count's plain store after it cannot throw.
            SIZE.setRelease(this, n);
            count = n;
        } finally {
            try {
                lock.unlock();
            } catch (VirtualMachineError err) {
                lock.held = 0; // see SpinLock#held: put, so it must not throw now (Sched.ready)
            }
        }
    }

    /** Appends {@code n} elements of {@code batch} in order. */
    public void putBatch(Object[] batch, int n) {
        lock.lock();
        try {
            ensureRoom(n);
            int mask = items.length - 1;
            int s = count;
            for (int i = 0; i < n; i++) {
                items[(headIndex + s + i) & mask] = batch[i];
            }
            SIZE.setRelease(this, s + n); // as in put: a throw here put nothing (LocalRunQueue#putSlow)
            count = s + n;
        } finally {
            try {
                lock.unlock();
            } catch (VirtualMachineError err) {
                lock.held = 0; // see SpinLock#held: put, so it must not throw now (LocalRunQueue#inFlight)
            }
        }
    }

    /** Prepends {@code all} so that it comes out first, in list order. */
    public void putHeadAll(List<E> all) {
        lock.lock();
        try {
            int n = all.size();
            if (n == 0) {
                return;
            }
            ensureRoom(n);
            int mask = items.length - 1;
            // The new head in a local until the last calls are made: the slots before headIndex
            // are free (ensureRoom), so a throw in get() or in the hint's store put nothing.
            int head = (headIndex - n) & mask;
            for (int i = 0; i < n; i++) {
                items[(head + i) & mask] = all.get(i);
            }
            int grown = count + n;
            SIZE.setRelease(this, grown); // as in put: the hint first, the plain stores last
            headIndex = head;
            count = grown;
        } finally {
            try {
                lock.unlock();
            } catch (VirtualMachineError err) {
                lock.held = 0; // see SpinLock#held (drainTo runs on goroutine stacks: setProcs, startm)
            }
        }
    }

    @SuppressWarnings("unchecked")
    public E poll() {
        lock.lock();
        try {
            if (count == 0) {
                if (size != 0) {
                    SIZE.setRelease(this, 0); // a take that threw left it too high: repair it here
                }
                return null;
            }
            E e = (E) takeHead();
            SIZE.setRelease(this, count); // last: a throw leaves a hint too high, which readers re-check
            return e;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes a batch for a P whose local queue has room: returns the first element and moves up to
     * {@code min(size / procs + 1, half a local ring) - 1} more into {@code local} (Go's
     * {@code globrunqgetbatch}). Called by {@code local}'s owner.
     */
    @SuppressWarnings("unchecked")
    public E pollBatch(LocalRunQueue<E> local, int procs) {
        if (size == 0) {
            return null;
        }
        lock.lock();
        try {
            int s = count;
            if (s == 0) {
                SIZE.setRelease(this, 0); // the hint said work (a take that threw left it too high)
                return null;
            }
            int n = Math.min(s, s / Math.max(1, procs) + 1);
            n = Math.min(n, LocalRunQueue.CAPACITY / 2);
            n = Math.min(n, local.freeSlots() + 1);
            E first = (E) takeHead();
            for (int i = 1; i < n; i++) {
                local.putTailUnchecked((E) takeHead());
            }
            SIZE.setRelease(this, count); // once per batch, last (see poll)
            return first;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Under the lock: removes the head. The count follows each element by plain stores, so a
     * throw between two takes leaves the queue consistent; the caller publishes the hint once.
     */
    private Object takeHead() {
        int mask = items.length - 1;
        Object e = items[headIndex];
        items[headIndex] = null;
        headIndex = (headIndex + 1) & mask;
        count--;
        return e;
    }

    private void ensureRoom(int n) {
        int s = count;
        if (s + n <= items.length) {
            return;
        }
        int cap = items.length;
        while (cap < s + n) {
            cap <<= 1;
        }
        Object[] grown = new Object[cap];
        int mask = items.length - 1;
        for (int i = 0; i < s; i++) {
            grown[i] = items[(headIndex + i) & mask];
        }
        items = grown;
        headIndex = 0;
    }
}
