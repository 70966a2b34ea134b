package dev.weft.internal.timer;

/**
 * One timer: when it is due, its period (0 for one-shot), and what to run. An entry is in at
 * most one heap at a time; {@link #heap} and {@link #index} are guarded by that heap's lock and
 * say where it is (null and -1 when it is not pending).
 *
 * <p>An entry is reused: a goroutine keeps one for its sleeps, a {@code Timer} one for its whole
 * life, so arming a timer allocates nothing.
 */
public final class TimerEntry {
    /** What a timer does when it fires; runs on whatever thread ran the heap, never under its lock. */
    @FunctionalInterface
    public interface Callback {
        /**
         * @param entry the timer that fired
         * @param seq   the entry's {@link #seq} when it was armed, to recognise a stale firing
         * @param now   the clock reading at which the heap found it due
         */
        void fire(TimerEntry entry, long seq, long now);
    }

    final Callback callback;
    /** Due time (clock nanos); guarded by the heap lock while pending. */
    long when;
    /** Re-arm interval for periodic timers, else 0. */
    long period;
    /** Position in {@link #heap}'s array, or -1. Guarded by that heap's lock. */
    int index = -1;
    /** The heap holding this entry, or null. Written under the heap's lock; read racily first. */
    volatile TimerHeap heap;
    /**
     * Orders entries due at the same instant, lowest first: drawn from a synctest bubble's seed
     * when armed there (its timers of one instant fire in a seeded order), 0 elsewhere.
     */
    long tiebreak;
    /** Bumped by the owner on every stop/reset; a firing carries the value it was armed with. */
    volatile long seq;

    public TimerEntry(Callback callback) {
        this.callback = callback;
    }

    /** Sets the {@link #tiebreak} for its next arming (before {@code TimerHeap.add}). */
    public void tiebreak(long t) {
        tiebreak = t;
    }

    /**
     * Its due time while pending (clock nanos), read without the heap's lock: a hint for a cheap
     * "not due yet" before {@link TimerHeap#takeIfDue}, which decides under the lock.
     */
    public long when() {
        return when;
    }

    /** Whether the entry sits in some heap right now. */
    public boolean isPending() {
        return heap != null;
    }

    /** The current sequence number (see {@link Callback#fire}). */
    public long seq() {
        return seq;
    }

    /** For the owner: invalidates firings already taken out of a heap but not yet run. */
    public long bumpSeq() {
        return ++seq;
    }
}
