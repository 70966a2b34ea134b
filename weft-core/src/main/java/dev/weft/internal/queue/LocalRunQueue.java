package dev.weft.internal.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * A P's local run queue: a bounded single-producer, multi-consumer ring of 256 slots, plus the
 * one-element {@code runnext} slot (Go's {@code runq}, {@code runqput}, {@code runqget},
 * {@code runqgrab}).
 *
 * <h2>Who may do what</h2>
 * <ul>
 *   <li>Only the owner (the M holding the P) puts: it writes {@code ring[tail & MASK]} and then
 *       publishes {@code tail + 1} with a release store. {@code tail} is never written by anyone
 *       else, so the owner reads it plainly.</li>
 *   <li>Anyone takes from the head: owner {@link #pollRing} and thieves {@link #stealInto} read
 *       {@code head} (acquire), read the elements, and claim them with a CAS on {@code head}. A
 *       thief may read a slot the owner is overwriting after a wrap; its CAS on {@code head} then
 *       fails, so a stale read is never used.</li>
 *   <li>Only the owner stores a non-null {@code runnext}; anyone may CAS it to null (run or
 *       steal it). A G displaced from runnext goes to the tail, so nothing is lost.</li>
 * </ul>
 * Indices are free-running ints; {@code tail - head} is the length even across overflow of the
 * int, because Java int subtraction wraps.
 *
 * <p>When the ring is full, {@link #put} moves half of it plus the new element to the
 * {@link GlobalRunQueue} in one batch, so a burst of spawns costs one lock acquisition per 128.
 *
 * @param <E> element type (weft's G)
 */
public final class LocalRunQueue<E> {
    public static final int CAPACITY = 256;
    private static final int MASK = CAPACITY - 1;

    private final Object[] ring = new Object[CAPACITY];
    /**
     * Owner-only scratch space for the overflow batch: half the ring plus the new element. Public
     * for the same reason as {@link #inFlight}: read with {@link #inFlightBatch}.
     */
    public final Object[] overflowBatch = new Object[CAPACITY / 2 + 1];

    /**
     * What a {@link #put} holds that no queue holds, for a caller whose stack ended inside it
     * (owner only; see docs/notes/stack-end.md). The element runnext displaced is in no queue from
     * the swap to the tail's store, and the first {@code inFlightBatch} elements of
     * {@link #overflowBatch} from the head's CAS to the global queue's put. A StackOverflowError
     * in between leaves them recorded here (both stores are plain, right after the last call that
     * took them, and cleared right after the call that published them), and the caller's handler,
     * which cannot make a call either, reads and clears these fields directly
     * ({@code Sched.ready}). Public fields for that reason: an accessor is a call.
     */
    public Object inFlight;
    /** See {@link #inFlight}. */
    public int inFlightBatch;

    // Padding keeps head (CASed by thieves) and tail (written by the owner) off the ring's
    // header line; the pair itself shares a line as in Go.
    @SuppressWarnings("unused") private long p0, p1, p2, p3, p4, p5, p6;
    /** Next slot to take. Written only by CAS (owner or thief); read with acquire. */
    private int head;
    /** Next slot to fill. Written only by the owner (release); thieves read with acquire. */
    private int tail;
    /** The G that runs next, inheriting the time slice. Owner stores non-null; anyone CASes to null. */
    private Object runnext;
    @SuppressWarnings("unused") private long q0, q1, q2, q3, q4, q5, q6;

    private static final VarHandle HEAD, TAIL, RUNNEXT, SLOT;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(LocalRunQueue.class, "head", int.class);
            TAIL = l.findVarHandle(LocalRunQueue.class, "tail", int.class);
            RUNNEXT = l.findVarHandle(LocalRunQueue.class, "runnext", Object.class);
            SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Owner only. With {@code next}, {@code e} takes the runnext slot and the element it
     * displaces goes to the tail; otherwise {@code e} goes to the tail. A full ring spills half of
     * itself plus the element to {@code overflow}.
     */
    public void put(E e, boolean next, GlobalRunQueue<E> overflow) {
        if (next) {
            Object old = RUNNEXT.getAndSet(this, e);
            if (old == null) {
                return;
            }
            inFlight = old; // in no queue until the tail's store below (see inFlight)
            @SuppressWarnings("unchecked") E displaced = (E) old;
            e = displaced;
        }
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = tail;
            if (t - h < CAPACITY) {
                SLOT.setRelease(ring, t & MASK, e);
                TAIL.setRelease(this, t + 1);
                inFlight = null;
                return;
            }
            if (putSlow(e, h, t, overflow)) {
                inFlight = null; // in the batch, which the global queue now holds
                return;
            }
            // A thief moved head while we copied; the ring has room again or we retry the batch.
        }
    }

    private boolean putSlow(E e, int h, int t, GlobalRunQueue<E> overflow) {
        int n = (t - h) / 2;
        Object[] batch = overflowBatch;
        for (int i = 0; i < n; i++) {
            batch[i] = SLOT.getAcquire(ring, (h + i) & MASK);
        }
        if (!HEAD.compareAndSet(this, h, h + n)) {
            return false;
        }
        batch[n] = e;
        inFlightBatch = n + 1; // taken from the ring: in no queue until putBatch returns
        overflow.putBatch(batch, n + 1); // threw: nothing put (it copies with no call, then unlocks safely)
        inFlightBatch = 0;
        java.util.Arrays.fill(batch, 0, n + 1, null);
        return true;
    }

    /** Owner only, after checking there is room: append to the ring (used by the global batch take). */
    void putTailUnchecked(E e) {
        int t = tail;
        SLOT.setRelease(ring, t & MASK, e);
        TAIL.setRelease(this, t + 1);
    }

    /** Free slots in the ring (owner only). */
    int freeSlots() {
        return CAPACITY - (tail - (int) HEAD.getAcquire(this));
    }

    /** Takes runnext if set (the caller then inherits the time slice). Owner only. */
    @SuppressWarnings("unchecked")
    public E pollRunnext() {
        Object next = RUNNEXT.getAcquire(this);
        if (next != null && RUNNEXT.compareAndSet(this, next, null)) {
            return (E) next;
        }
        return null;
    }

    /** Takes the ring's head. Owner only (thieves use {@link #stealInto}). */
    @SuppressWarnings("unchecked")
    public E pollRing() {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = tail;
            if (t == h) {
                return null;
            }
            Object e = SLOT.getAcquire(ring, h & MASK);
            if (HEAD.compareAndSet(this, h, h + 1)) {
                return (E) e;
            }
        }
    }

    /**
     * Thief side of work stealing: moves about half of this queue's ring (rounded up) to the tail
     * of {@code thief}'s ring and returns one of the stolen elements for the thief to run, or
     * null. Called by {@code thief}'s owner. With {@code stealRunnext} and an empty ring, takes
     * this queue's runnext instead, after an optional back-off (a G just readied into runnext
     * is usually about to run on its own P; Go waits 3 µs before taking it: {@link #backOff}).
     */
    @SuppressWarnings("unchecked")
    public E stealInto(LocalRunQueue<E> thief, boolean stealRunnext, long runnextBackoffNanos) {
        int t = thief.tail;
        int n = grab(thief.ring, t, stealRunnext, runnextBackoffNanos);
        if (n == 0) {
            return null;
        }
        n--;
        E e = (E) SLOT.getAcquire(thief.ring, (t + n) & MASK);
        SLOT.setRelease(thief.ring, (t + n) & MASK, null);
        if (n != 0) {
            TAIL.setRelease(thief, t + n);
        }
        return e;
    }

    private int grab(Object[] into, int intoTail, boolean stealRunnext, long backoffNanos) {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            int n = t - h;
            n = n - n / 2;
            if (n == 0) {
                if (stealRunnext) {
                    Object next = RUNNEXT.getAcquire(this);
                    if (next != null) {
                        if (backoffNanos > 0) {
                            backOff(backoffNanos);
                            backoffNanos = 0;
                            continue; // the ring may have filled meanwhile: look again, once
                        }
                        if (RUNNEXT.compareAndSet(this, next, null)) {
                            SLOT.setRelease(into, intoTail & MASK, next);
                            return 1;
                        }
                    }
                }
                return 0;
            }
            if (n > CAPACITY / 2) {
                continue; // read head and tail at different times; retry
            }
            for (int i = 0; i < n; i++) {
                SLOT.setRelease(into, (intoTail + i) & MASK, SLOT.getAcquire(ring, (h + i) & MASK));
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                return n;
            }
        }
    }

    /**
     * A thief's back-off before it takes a running P's runnext (both queue kinds): a timed park,
     * as Go's {@code usleep(3)}, not a spin. The kernel rounds the sleep up to its timer slack
     * (about 80 us here), and that is wanted. A spinning thief took the CPU that the runnext's own
     * M needed to run it (two cores, shared with the JIT, the collector and sysmon), so it often
     * found the G still there and took it, splitting a ping-pong pair across Ps; and its short
     * spin ended the M's spinning phase early, so nearly every ready woke it again. Parked, the
     * thief stays counted as spinning (no wake-up for each ready meanwhile) and leaves the CPU to
     * the owner. Ping-pong at procs 2 (a stand-alone loop of a million round trips, load 2): steals
     * 13,000-19,000 with the spin, about 2,000 with the park; 550-580 -> 450-460 ns a round trip.
     */
    static void backOff(long nanos) {
        LockSupport.parkNanos(nanos);
    }

    /**
     * Owner only: moves everything, runnext first so it keeps its turn, to the head side of
     * {@code to} in queue order (used when a P stops).
     */
    @SuppressWarnings("unchecked")
    public int drainTo(GlobalRunQueue<E> to) {
        java.util.ArrayList<E> all = new java.util.ArrayList<>();
        E next = pollRunnext();
        if (next != null) {
            all.add(next);
        }
        for (E e; (e = pollRing()) != null; ) {
            all.add(e);
        }
        to.putHeadAll((java.util.List<E>) all);
        return all.size();
    }

    /**
     * True only if there is nothing to take. Never spuriously true while an element moves from
     * runnext to the ring: tail is read again after runnext (Go's {@code runqempty}).
     */
    public boolean isEmpty() {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            Object next = RUNNEXT.getAcquire(this);
            if ((int) TAIL.getAcquire(this) == t) {
                return h == t && next == null;
            }
        }
    }

    /** Elements in the ring, not counting runnext; a racy snapshot for statistics. */
    public int ringSize() {
        int n = (int) TAIL.getAcquire(this) - (int) HEAD.getAcquire(this);
        return Math.max(0, Math.min(n, CAPACITY));
    }

    /** Whether runnext holds an element; a racy snapshot. */
    public boolean hasRunnext() {
        return RUNNEXT.getAcquire(this) != null;
    }
}
