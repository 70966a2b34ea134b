package dev.weft.internal.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The number of a runtime's live goroutines (counted at their start, uncounted when their body
 * ends), kept as two monotonic counters per processor (P) so that a spawn and an exit on
 * different carriers never write the same cache line.
 *
 * <p><b>Why striped.</b> One atomic count written by every spawn and every exit moved its line
 * between the spawner's core and the finisher's on each goroutine, which differ whenever
 * goroutines are stolen or taken from the global queue: a platform thread spawning for two
 * carriers spent half of its time in {@code Goroutines.start} on that one add (the instruction
 * samples of a {@code perf} profile, docs/BENCHMARKS.md, "Issue 11, seventh session"). Now each
 * P has a cell of its own, written by whichever carrier holds the P (one at a time in the common
 * case), and every other thread (platform threads, ONE_TO_ONE goroutines, a carrier without a P,
 * another runtime's carriers) shares one more cell. Per P rather than per carrier thread: the
 * carriers that run goroutines are the ones holding Ps, whichever threads they are (a runtime may
 * have made many for blocking calls), and there are at most as many cells as processors. The
 * writes stay atomic ({@code getAndAdd}), so a writer on the wrong cell (a goroutine that moved
 * between looking its cell up and counting, a retaken P and its replacement sharing an id) is only
 * slower, never wrong.
 *
 * <p><b>Reading.</b> A cell holds two counters that only grow, {@code started} and
 * {@code exited}; live is their difference, summed over the cells with every {@code exited}
 * read before any {@code started}. A goroutine's start happens before its exit, so every exit
 * counted was started before the {@code started} reads began and is counted there too: the
 * result is never below the number of goroutines live at the moment between the two passes,
 * and it is 0 only if none was live at that moment. That is what the readers need: close waits
 * for 0, deadlock detection and quiescence ask for 0, statistics show the value. (Counters of
 * 2^63 starts do not wrap in practice.)
 *
 * <p><b>Against close.</b> {@code Goroutines} pairs each count with a read of its
 * {@code closing} flag, and close sets the flag before it reads the count (a Dekker pattern):
 * {@code getAndAdd} has volatile semantics, so an exit either sees {@code closing} and wakes the
 * closer when it reads 0, or the closer's read sees the exit.
 *
 * <p><b>Cells.</b> Each cell is a {@code long[]} with its two counters 64 bytes from either end,
 * so no other data shares their line. A P's cell is made with the P ({@link #procCell}) and put
 * in {@link #cells} (copy on write, never removed: counts outlive the P); a reader takes the
 * array again after its {@code exited} pass, so a cell added in between, whose starts all come
 * after it was added, is read for its starts.
 */
final class LiveCount {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle CELLS;
    static {
        try {
            CELLS = MethodHandles.lookup().findVarHandle(LiveCount.class, "cells", long[][].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Slots of a cell: {@link #STARTED} and {@link #EXITED} are 64 bytes from either end. */
    private static final int SLOTS = 18;
    private static final int STARTED = 8;
    private static final int EXITED = 9;

    /** The cell of every thread that is not a carrier of the runtime. */
    private final long[] shared = new long[SLOTS];
    /**
     * Every cell: {@link #shared} first, then P {@code id}'s at {@code id + 1} (null where none
     * was made); copy on write by CAS, a cell once there never goes.
     */
    private volatile long[][] cells = {shared};

    /**
     * The cell of P {@code id}, made on first need and kept: a P made later with the same id (by
     * {@code setProcs}, or to replace a retaken one) counts on it too, so a read costs a line per
     * processor the runtime has had, however many carrier threads come and go.
     */
    long[] procCell(int id) {
        for (;;) {
            long[][] old = cells;
            if (id + 1 < old.length && old[id + 1] != null) {
                return old[id + 1];
            }
            long[][] grown = Arrays.copyOf(old, Math.max(old.length, id + 2));
            grown[id + 1] = new long[SLOTS];
            if (CELLS.compareAndSet(this, old, grown)) {
                return grown[id + 1];
            }
        }
    }

    /**
     * The cell for a count made by the calling thread, whose carrier is {@code carrier}: the cell
     * of the P that carrier holds (read by the carrier's own thread, the only one that changes
     * it), or the shared one.
     */
    long[] cellOf(Thread carrier, Sched sched) {
        if (carrier instanceof M m && m.sched == sched) {
            P p = m.p;
            if (p != null) {
                return p.liveCell;
            }
        }
        return shared;
    }

    /**
     * Counts a start in {@code cell}. The atomic add is the last step of its call chain: if this
     * throws (a StackOverflowError at the end of a stack), nothing was counted.
     */
    void started(long[] cell) {
        SLOT.getAndAdd(cell, STARTED, 1L);
    }

    /** Counts an exit (or the undoing of a start) in {@code cell}; a full fence, see the class comment. */
    void exited(long[] cell) {
        SLOT.getAndAdd(cell, EXITED, 1L);
    }

    /** Every start counted so far (a statistic: exact once no start is under way). */
    long started() {
        long started = 0;
        for (long[] c : cells) {
            if (c != null) {
                started += (long) SLOT.getVolatile(c, STARTED);
            }
        }
        return started;
    }

    /** The live goroutines: never below the number live at a moment during this call (class comment). */
    long live() {
        long exited = 0;
        for (long[] c : cells) {
            if (c != null) {
                exited += (long) SLOT.getVolatile(c, EXITED);
            }
        }
        return started() - exited; // reads the cells again: one added since is read for its starts
    }
}
