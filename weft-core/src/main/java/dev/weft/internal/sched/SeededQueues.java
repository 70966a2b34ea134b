package dev.weft.internal.sched;

import dev.weft.internal.util.SpinLock;
import java.util.ArrayList;

/**
 * A synctest bubble's policy: one list of runnable goroutines, from which the {@link Bubble}'s
 * seeded source picks the next to run (the highest PCT priority). The bubble has one P and one
 * carrier, so there is no local queue, no batch and nothing to steal: everything is "global".
 *
 * <p>The list has a lock because a goroutine of the bubble waiting on something outside it
 * (a JDK lock, I/O) is readied by a foreign thread; every choice (priorities, picks) is still
 * made on the carrier, which is what keeps a schedule reproducible. {@link #mounting} sets the
 * goroutine's preempt flag, so that each of its safe points reaches
 * {@link Bubble#switchAtSafePoint} through {@link Preemption#checkpoint}'s slow path, and
 * ordinary runtimes pay nothing for it.
 */
final class SeededQueues implements RunQueuePolicy {
    private final Sched sched;
    private final Bubble bubble;
    private final SpinLock lock = new SpinLock();
    private final ArrayList<G> runnable = new ArrayList<>();

    SeededQueues(Sched sched, Bubble bubble) {
        this.sched = sched;
        this.bubble = bubble;
    }

    private void add(G g) {
        lock.lock();
        try {
            runnable.add(g);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void ready(G g, P mine, boolean fromGoroutine) {
        add(g);
        g.queuePending = false;
        if (mine == null) {
            sched.idle.wakep(); // a foreign thread: the carrier may be idle
        }
    }

    @Override
    public void requeue(G g, P p, boolean yielded, boolean preempted) {
        bubble.requeued(g, yielded);
        add(g);
        if (p == null) {
            sched.idle.wakep();
        }
    }

    @Override
    public void mounting(G g) {
        g.preemptReason = SwitchReason.SLICE_END;
        g.preempt = true;
    }

    @Override
    public void ran(G g) {
        bubble.left(g);
    }

    @Override
    public G pollGlobalFirst(P p, M m) {
        return null;
    }

    @Override
    public G runqGet(P p, M m) {
        m.inheritTime = false;
        lock.lock();
        try {
            return runnable.isEmpty() ? null : bubble.pick(runnable);
        } finally {
            lock.unlock();
        }
    }

    /** The safe-point decision of the running goroutine {@code g} (see {@link Bubble}). */
    boolean switchAtSafePoint(G g) {
        lock.lock();
        try {
            return bubble.switchAtSafePoint(g, runnable);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public G pollGlobalBatch(P p) {
        return runqGet(p, p.m);
    }

    @Override
    public G steal(P thief, P victim, boolean stealRunnext, long backoffNanos) {
        return null;
    }

    @Override
    public void putGlobal(G g) {
        add(g);
    }

    @Override
    public boolean globalEmpty() {
        lock.lock();
        try {
            return runnable.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int globalSize() {
        lock.lock();
        try {
            return runnable.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void drainToGlobal(P p) {
    }

    @Override
    public int boostStarved(long now) {
        return 0;
    }

    @Override
    public boolean firesTimersWhenBusy() {
        return false;
    }
}
