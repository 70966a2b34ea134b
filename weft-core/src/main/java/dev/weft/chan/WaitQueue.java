package dev.weft.chan;

/**
 * A channel's FIFO queue of parked {@link Waiter}s (Go's {@code waitq}): doubly linked so a select
 * can unlink its losing cases in O(1). Every method requires the owning channel's lock.
 *
 * <p><b>Failure atomicity.</b> A StackOverflowError can be thrown at any call, and an interpreted
 * VarHandle CAS is several calls deep. So each method's mutation comes after its last call: a
 * failure leaves the queue as it was. {@link #dequeueAndComplete} dequeues (claim, then unlink with
 * plain writes) and completes the waiter with plain writes after that call has returned (a return
 * cannot overflow), so a claimed waiter is never left both out of the queue and uncompleted.
 */
final class WaitQueue {
    private Waiter head;
    private Waiter tail;

    void enqueue(Waiter w) {
        w.queued = true;
        w.next = null;
        w.prev = tail;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
    }

    /**
     * Removes and returns the first waiter this caller could claim, dropping waiters of selects
     * that already fired on another case; null if none is left.
     */
    Waiter dequeue() {
        Waiter w;
        while ((w = head) != null) {
            boolean mine = w.claim(); // the last call: everything below is plain writes
            Waiter n = w.next;
            head = n;
            if (n == null) {
                tail = null;
            } else {
                n.prev = null;
            }
            w.next = null;
            w.queued = false;
            if (mine) {
                return w;
            }
        }
        return null;
    }

    /**
     * Dequeues the first claimable waiter and completes it with {@code elem}/{@code success} in
     * the same call-free stretch (class comment); the caller readies its thread after unlocking.
     */
    Waiter dequeueAndComplete(Object elem, boolean success) {
        Waiter w = dequeue();
        if (w != null) {
            // A return cannot overflow: from the dequeue's last write to here, field writes only.
            w.elem = elem;
            w.success = success;
            Selection sel = w.selection;
            if (sel == null) {
                try {
                    Waiter.DONE.setRelease(w, true); // see Waiter#done
                } catch (VirtualMachineError e) { // a StackOverflowError, or an OutOfMemoryError making one
                    w.done = true;
                }
            } else {
                sel.winner = w;
            }
        }
        return w;
    }

    /**
     * {@link #dequeueAndComplete} for {@link Chan#close}, which completes a plain waiter itself,
     * later: the waiter is filled in but its {@link Waiter#done} left unset (a select's waiter
     * is claimed and published as usual). Until then it is in no queue and not done, so its
     * thread waits on and cannot withdraw it.
     */
    Waiter dequeueUncompleted(Object elem, boolean success) {
        Waiter w = dequeue();
        if (w != null) {
            // A return cannot overflow: from the dequeue's last write to here, field writes only.
            w.elem = elem;
            w.success = success;
            Selection sel = w.selection;
            if (sel != null) {
                sel.winner = w;
            }
        }
        return w;
    }

    /** Unlinks {@code w} if it is still queued here (a select cleaning up its losing cases). */
    void remove(Waiter w) {
        if (!w.queued) {
            return;
        }
        Waiter p = w.prev;
        Waiter n = w.next;
        if (p == null) {
            head = n;
        } else {
            p.next = n;
        }
        if (n == null) {
            tail = p;
        } else {
            n.prev = p;
        }
        w.prev = null;
        w.next = null;
        w.queued = false;
    }

    /** Whether {@code w} is in this queue; a walk, for the cold paths that cannot tell otherwise. */
    boolean contains(Waiter w) {
        for (Waiter q = head; q != null; q = q.next) {
            if (q == w) {
                return true;
            }
        }
        return false;
    }

    int size() {
        int n = 0;
        for (Waiter w = head; w != null; w = w.next) {
            n++;
        }
        return n;
    }
}
