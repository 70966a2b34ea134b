package dev.weft.internal.timer;

import dev.weft.internal.util.SpinLock;
import java.util.Arrays;

/**
 * A 4-ary min-heap of timers ordered by due time (Go's per-P {@code timers} since Go 1.14; four
 * children per node make the heap shallower than a binary one, so sift-down touches fewer cache
 * lines for the same number of timers).
 *
 * <p>Guarded by its own {@link SpinLock}: the owning P adds and runs timers, but other threads stop them,
 * run them on the owner's behalf (a thief whose own queues are empty) or move them (a P that
 * stops). {@link #nextWhen} is published after every change so the scheduler can check "is
 * anything due" with one volatile read and no lock.
 *
 * <p>{@link #runDue} takes one due entry at a time under the lock and runs its callback with the
 * lock released, so a callback may add or stop timers on this heap (a periodic one is re-armed
 * before its callback runs, catching up by skipping missed periods as Go does). {@link #takeIfDue}
 * lets someone else take one due entry's firing the same way (a channel timer's receiver, Go
 * 1.23's maybeRunChan): under the same lock, so each firing has one taker.
 */
public final class TimerHeap {
    private static final int ARITY = 4;

    /** Guards everything below; a spin lock, because carriers take it from the scheduler loop. */
    private final SpinLock lock = new SpinLock();
    private TimerEntry[] heap = new TimerEntry[16];
    private int size;
    /** Due time of the earliest entry, or Long.MAX_VALUE when empty. */
    private volatile long nextWhen = Long.MAX_VALUE;

    public long nextWhen() {
        return nextWhen;
    }

    public int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** Arms {@code t} to fire at {@code when} (and every {@code period} after, if positive). */
    public void add(TimerEntry t, long when, long period) {
        lock.lock();
        try {
            if (t.heap != null) {
                throw new IllegalStateException("weft: timer already pending");
            }
            t.when = when;
            t.period = period;
            push(t);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes {@code t} from whatever heap holds it; returns whether it was pending. Safe from any
     * thread, and against a concurrent move of the entry to another heap.
     */
    public static boolean remove(TimerEntry t) {
        for (;;) {
            TimerHeap h = t.heap;
            if (h == null) {
                return false;
            }
            h.lock.lock();
            try {
                if (t.heap == h) {
                    h.removeAt(t.index);
                    return true;
                }
            } finally {
                h.lock.unlock();
            }
        }
    }

    /** Runs every entry due at {@code now}; returns how many fired. */
    public int runDue(long now) {
        int fired = 0;
        for (;;) {
            TimerEntry t;
            long seq;
            lock.lock();
            try {
                if (size == 0 || heap[0].when > now) {
                    return fired;
                }
                t = heap[0];
                seq = t.seq;
                takeDue(0, now);
            } finally {
                lock.unlock();
            }
            fired++;
            t.callback.fire(t, seq, now);
        }
    }

    /**
     * Go 1.23's {@code maybeRunChan}: takes {@code t}'s firing if it is pending and due at
     * {@code now}, exactly as {@link #runDue} would have (a periodic entry re-armed in place, a
     * one-shot one removed), and returns the sequence number it was armed with, for the caller to
     * do the callback's work itself; -1 if it is not pending or not due. Whoever takes a firing,
     * this or a heap's run, is the only one to get it: both decide under the heap's lock. Safe
     * from any thread, and against a concurrent move, as {@link #remove}.
     */
    public static long takeIfDue(TimerEntry t, long now) {
        for (;;) {
            TimerHeap h = t.heap;
            if (h == null) {
                return -1;
            }
            h.lock.lock();
            try {
                if (t.heap == h) {
                    if (t.when > now) {
                        return -1;
                    }
                    long seq = t.seq;
                    h.takeDue(t.index, now);
                    return seq;
                }
            } finally {
                h.lock.unlock();
            }
        }
    }

    /** Moves every entry into {@code to} (a P stops or is retaken). Caller serialises moves. */
    public void moveAllTo(TimerHeap to) {
        if (to == this) {
            return;
        }
        lock.lock();
        try {
            to.lock.lock();
            try {
                for (int i = 0; i < size; i++) {
                    TimerEntry t = heap[i];
                    heap[i] = null;
                    to.push(t); // rewrites heap and index: a reader sees the old heap or the new
                }
                size = 0;
                nextWhen = Long.MAX_VALUE;
            } finally {
                to.lock.unlock();
            }
        } finally {
            lock.unlock();
        }
    }

    // ---- heap operations, under the lock

    private void push(TimerEntry t) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        t.heap = this;
        heap[size] = t;
        t.index = size;
        size++;
        siftUp(size - 1);
        nextWhen = heap[0].when;
    }

    /** Under the lock, the entry at {@code i} due at {@code now}: re-arms a periodic one, removes a one-shot one. */
    private void takeDue(int i, long now) {
        TimerEntry t = heap[i];
        if (t.period > 0) {
            // Re-armed in place: the entry never leaves the heap, so a concurrent stop
            // always finds it (removing and pushing it would show heap == null between).
            long missed = (now - t.when) / t.period;
            t.when += t.period * (missed + 1);
            if (t.when <= now) {
                // The sum is past now unless it wrapped past the end of the clock: then
                // never again (Go's maxWhen), not a due time long past, which fired the
                // timer at every look and wrapped the catch-up too: a carrier loop for ever.
                t.when = Long.MAX_VALUE;
            }
            siftDown(i); // a later due time: only down
            nextWhen = heap[0].when;
        } else {
            removeAt(i);
        }
    }

    private void removeAt(int i) {
        TimerEntry t = heap[i];
        int last = --size;
        TimerEntry moved = heap[last];
        heap[last] = null;
        if (i != last) {
            heap[i] = moved;
            moved.index = i;
            siftDown(i);
            siftUp(moved.index);
        }
        t.heap = null;
        t.index = -1;
        nextWhen = size == 0 ? Long.MAX_VALUE : heap[0].when;
    }

    /** Heap order: due time, then the tiebreak (0 outside synctest bubbles: due time alone). */
    private static boolean before(TimerEntry a, TimerEntry b) {
        return a.when < b.when || (a.when == b.when && a.tiebreak < b.tiebreak);
    }

    private void siftUp(int i) {
        TimerEntry t = heap[i];
        while (i > 0) {
            int parent = (i - 1) / ARITY;
            TimerEntry p = heap[parent];
            if (!before(t, p)) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = t;
        t.index = i;
    }

    private void siftDown(int i) {
        TimerEntry t = heap[i];
        for (;;) {
            int first = i * ARITY + 1;
            if (first >= size) {
                break;
            }
            int best = first;
            int end = Math.min(first + ARITY, size);
            for (int c = first + 1; c < end; c++) {
                if (before(heap[c], heap[best])) {
                    best = c;
                }
            }
            if (!before(heap[best], t)) {
                break;
            }
            heap[i] = heap[best];
            heap[i].index = i;
            i = best;
        }
        heap[i] = t;
        t.index = i;
    }
}
