package dev.weft.chan;

import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.WaitCompletion;
import dev.weft.internal.sched.WaitReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The claim shared by the waiters of one parked select (Go's {@code g.selectDone}). Whoever
 * dequeues one of its waiters must win {@link #claim()} before completing it; losers drop the
 * waiter, so a select fires exactly one case even though it waits in several queues. The winner
 * is published in {@link #winner} after its fields are written (see {@link Waiter}).
 */
final class Selection implements WaitCompletion {
    private static final VarHandle CLAIMED;

    static {
        try {
            CLAIMED = MethodHandles.lookup().findVarHandle(Selection.class, "claimed", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** 0 while the select waits, 1 once a case is claimed; CAS only. */
    @SuppressWarnings("unused")
    private volatile int claimed;

    /** The completed case; written once by the claimer, read by the select's thread. */
    volatile Waiter winner;

    @Override
    public boolean completed() {
        return winner != null;
    }

    boolean claim() {
        return CLAIMED.compareAndSet(this, 0, 1);
    }

    /**
     * A select whose goroutine will never run again: claimed as a partner would, so that every
     * partner drops its waiters and no case fires (a case already won stays won).
     */
    @Override
    public void abandon(Object blocker) {
        claim();
    }

    /**
     * Parks the selecting thread until a case has won. Returns null if the caller's process ended
     * and this thread won the claim itself, as a partner would: no case can fire any more, and
     * the select removes its waiters. If a partner's claim came first, its case completes.
     */
    Waiter await(Object blocker, Object runtime) {
        boolean interrupted = false;
        Waiter w;
        while ((w = winner) == null) {
            boolean cancel = Parking.park(blocker, WaitReason.SELECT, runtime, this);
            interrupted |= Thread.interrupted();
            if (cancel) {
                if (claim()) {
                    return null; // the interrupt is answered by the exit exception the select throws
                }
                Thread.onSpinWait(); // a partner claimed a case and is writing the winner, under its lock
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return w;
    }
}
