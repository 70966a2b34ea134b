package dev.weft.chan;

import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.ProcessSupport;
import dev.weft.internal.sched.WaitCompletion;
import dev.weft.internal.sched.WaitReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One parked operation on one channel: Go's {@code sudog}. A plain send or receive parks with one
 * waiter; a select parks with one waiter per case, all sharing one {@link Selection}, so a thread
 * can sit in several wait queues at once and the queue entry, not the thread, is what a channel
 * links.
 *
 * <p>Protocol ("claim, fill, complete, unlock, ready"): the thread that takes a waiter off a queue
 * (a sender, receiver or closer, holding that channel's lock) first claims it (always succeeds for
 * a plain waiter; a CAS on the shared {@link Selection} for a select, so exactly one case wins),
 * then writes {@link #elem} and {@link #success}, then publishes completion with a volatile write
 * ({@link #done} or {@link Selection#winner}), releases the lock and only then calls
 * {@link Parking#ready}. The parked thread loops on the volatile flag, so a spurious return from
 * park or a ready that comes before the park are both harmless, and the volatile read orders its
 * reads of {@code elem}/{@code success} after the writes.
 */
final class Waiter implements WaitCompletion {
    /** The parked thread: a goroutine's virtual thread or a platform thread. */
    final Thread thread;
    /** Non-null for a select case: the claim shared by all cases of that select. */
    final Selection selection;
    /** The select case this waiter stands for; 0 for a plain operation. */
    final int caseIndex;

    /**
     * Sender: the value to send. Receiver: the value received. Written by the parked thread before
     * it enqueues and by the claimer under the channel lock; read by the parked thread after
     * completion.
     */
    Object elem;
    /** True if the operation happened; false if the channel was closed. Same discipline as elem. */
    boolean success;

    /** Wait-queue links and membership; guarded by the owning channel's lock. */
    Waiter prev;
    Waiter next;
    boolean queued;

    /**
     * Completion flag of a plain waiter (unused by select cases, which complete their Selection).
     * Read with volatile (acquire) loads. Completers set it with a release store through
     * {@link #DONE}, not a volatile write: the waiter only needs the completer's writes of
     * {@link #elem} and {@link #success} ordered before it, and a volatile write's full fence
     * costs a hand-off more than the rest of the completion. The store sits in the call-free
     * stretch of a completion (see {@link WaitQueue}), so a StackOverflowError at the VarHandle
     * call (or the OutOfMemoryError HotSpot throws when it cannot allocate one) falls back to
     * the volatile write, which needs no call; {@link #rearm} clears it with a
     * plain store, published by the unlock that follows the enqueue.
     */
    volatile boolean done;

    static final VarHandle DONE;
    static {
        try {
            DONE = MethodHandles.lookup().findVarHandle(Waiter.class, "done", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    Waiter(Thread thread, Selection selection, int caseIndex) {
        this.thread = thread;
        this.selection = selection;
        this.caseIndex = caseIndex;
    }

    /**
     * The calling thread's waiter for a plain send or receive, made before the channel's lock is
     * taken: a goroutine's reusable one (see {@link Parking#spareWaiter}), else a new one. Its
     * previous wait is over (its completer wrote {@link #done} last and no queue holds it), so it
     * is reset when enqueued again ({@link #rearm}).
     */
    static Waiter plain() {
        Object spare = Parking.spareWaiter();
        if (spare != null) {
            return (Waiter) spare;
        }
        Waiter w = new Waiter(Parking.currentWaiter(), null, 0);
        Parking.keepSpareWaiter(w);
        return w;
    }

    /** Readies a reused plain waiter for its next wait; plain writes, under the channel's lock. */
    void rearm(Object value) {
        elem = value;
        success = false;
        DONE.set(this, false);
    }

    @Override
    public boolean completed() {
        return done;
    }

    /** Claims this waiter for completion; false means its select already won elsewhere. */
    boolean claim() {
        return selection == null || selection.claim();
    }

    /**
     * Parks a plain waiter, queued on {@code queue} of {@code chan}, until it is completed. If the
     * caller's process ends meanwhile, the waiter is withdrawn under the channel's lock and the
     * process's exit exception thrown; a waiter already completed (a partner took or gave the
     * value) is not withdrawable, so the operation completes and the exception waits for the next
     * safe point: no value is lost or delivered twice.
     */
    void await(Chan<?> chan, WaitQueue queue, WaitReason reason, Object runtime) {
        boolean interrupted = false;
        while (!done) {
            boolean cancel = Parking.park(chan, reason, runtime, this);
            // Go's waits are not interruptible; keep the status but do not spin on it.
            interrupted |= Thread.interrupted();
            if (cancel && chan.withdraw(this, queue)) {
                throw ProcessSupport.cancellation();
            }
        }
        if (interrupted) {
            thread.interrupt();
        }
    }
}
