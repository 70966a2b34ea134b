package dev.weft.chan;

import dev.weft.internal.sched.G;
import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.WaitCompletion;
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
 *
 * <p><b>Waiting</b> (a plain waiter; {@link Chan#send} and {@link Chan#recv} write the loop out):
 * park until {@link #done}, with the wait recorded by {@link Parking#beginWait} and
 * {@link Parking#endWait} around a {@code LockSupport.park}. If the caller's process ends
 * meanwhile ({@link Parking#exitPending}), the waiter is withdrawn under the channel's lock and
 * the process's exit exception thrown; a waiter already completed (a partner took or gave the
 * value) is not withdrawable, so the operation completes and the exception waits for the next
 * safe point: no value is lost or delivered twice. Interrupts neither end the wait nor are lost
 * (Go's waits are not interruptible): the status is cleared at each wake-up, so the park does not
 * spin on it, and set again at the end. The loop is written out in each operation rather than
 * called because the park must be compiled into the operation's own frame: a park one call
 * deeper costs a hand-off about 10 ns (a frame more to freeze and thaw, a return the processor
 * mispredicts after the thaw), and the JIT does not inline a callee it already compiled large
 * on its own (docs/notes/issue-11-chan.md).
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
     * taken: a goroutine's reusable one (see {@link Parking#spareWaiter(G)}), else a new one. Its
     * previous wait is over (its completer wrote {@link #done} last and no queue holds it), so it
     * is reset when enqueued again ({@link #rearm}). {@code g} is the caller's G, looked up once
     * per operation (null on a platform thread).
     */
    static Waiter plain(G g) {
        Object spare = Parking.spareWaiter(g);
        if (spare != null) {
            return (Waiter) spare;
        }
        Waiter w = new Waiter(Parking.currentWaiter(), null, 0);
        Parking.keepSpareWaiter(g, w);
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

    /**
     * A plain wait whose goroutine will never run again: off its channel's queue, so that no
     * partner completes it (a select's cases are abandoned through their {@link Selection}).
     */
    @Override
    public void abandon(Object blocker) {
        if (blocker instanceof Chan<?> c) {
            c.abandon(this);
        }
    }

    /** Claims this waiter for completion; false means its select already won elsewhere. */
    boolean claim() {
        return selection == null || selection.claim();
    }
}
