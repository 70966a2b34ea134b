package dev.weft.internal.sched;

import dev.weft.internal.util.SpinLock;
import java.util.ArrayList;
import java.util.List;

/**
 * Every live goroutine of one runtime (Go's {@code allgs}), for goroutine dumps and deadlock
 * detection. Intrusive doubly-linked lists, striped by the creating thread so that concurrent
 * spawns on different carriers do not contend: adding or removing a G is one uncontended spin lock
 * and four field writes, no allocation. (A spin lock, not a monitor: see {@link SpinLock}.)
 */
final class GRegistry {
    private static final int STRIPES = 16;

    private final Stripe[] stripes = new Stripe[STRIPES];

    GRegistry() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new Stripe();
        }
    }

    private static final class Stripe {
        final SpinLock lock = new SpinLock();
        G head;
    }

    void add(G g) {
        Stripe s = stripes[(int) (Thread.currentThread().threadId() & (STRIPES - 1))];
        g.registryStripe = s;
        s.lock.lock();
        try {
            g.nextG = s.head;
            if (s.head != null) {
                s.head.prevG = g;
            }
            s.head = g;
        } finally {
            s.lock.unlock();
        }
    }

    void remove(G g) {
        Stripe s = (Stripe) g.registryStripe;
        s.lock.lock();
        try {
            if (g.prevG != null) {
                g.prevG.nextG = g.nextG;
            } else {
                s.head = g.nextG;
            }
            if (g.nextG != null) {
                g.nextG.prevG = g.prevG;
            }
            g.prevG = null;
            g.nextG = null;
        } finally {
            s.lock.unlock();
        }
    }

    /** A snapshot of the live goroutines, in no particular order. */
    List<G> snapshot() {
        List<G> all = new ArrayList<>();
        for (Stripe s : stripes) {
            s.lock.lock();
            try {
                for (G g = s.head; g != null; g = g.nextG) {
                    all.add(g);
                }
            } finally {
                s.lock.unlock();
            }
        }
        return all;
    }
}
