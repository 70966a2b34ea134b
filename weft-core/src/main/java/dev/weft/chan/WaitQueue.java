package dev.weft.chan;

/**
 * A channel's FIFO queue of parked {@link Waiter}s (Go's {@code waitq}): doubly linked so a select
 * can unlink its losing cases in O(1). Every method requires the owning channel's lock.
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
            remove(w);
            if (w.claim()) {
                return w;
            }
        }
        return null;
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

    int size() {
        int n = 0;
        for (Waiter w = head; w != null; w = w.next) {
            n++;
        }
        return n;
    }
}
