package dev.weft;

import dev.weft.internal.sched.G;
import dev.weft.internal.sched.Joins;
import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.ProcessSupport;
import dev.weft.internal.sched.WaitReason;
import java.time.Duration;
import java.util.Objects;

/**
 * A handle on one goroutine. Inside the goroutine, {@link Thread#currentThread()} is its
 * {@linkplain #thread() thread}: a virtual thread (under ONE_TO_ONE a platform thread of its own),
 * so ThreadLocals, interrupts and {@code synchronized} behave as in any thread of that kind.
 */
public final class Goroutine {
    /** What a goroutine is doing, as far as the scheduler knows. */
    public enum State {
        /** Created, not yet started. */
        NEW,
        /** In a run queue, waiting for a carrier. */
        RUNNABLE,
        /** Mounted on a carrier. */
        RUNNING,
        /** Parked (channel, lock, sleep, I/O, join, ...). */
        WAITING,
        /**
         * Its body has returned or thrown. Its thread may still be finishing for a moment (an
         * uncaught exception is reported in it); {@link #join()} returns once that is done too.
         */
        DEAD
    }

    private final G g;

    static {
        ProcessSupport.registerGoroutineFactory(Goroutine::new); // processes list their threads as handles
    }

    Goroutine(G g) {
        this.g = Objects.requireNonNull(g);
    }

    /** Unique within the JVM run of its runtime, never reused; the first goroutine is 1. */
    public long id() {
        return g.id();
    }

    public State state() {
        if (g.bodyEnded() || g.isDead()) {
            return State.DEAD;
        }
        if (g.isNew()) {
            return State.NEW;
        }
        if (g.isWaiting()) {
            return State.WAITING;
        }
        if (g.isRunning()) {
            return State.RUNNING;
        }
        return State.RUNNABLE;
    }

    /** Go's status text as a dump shows it: {@code running}, {@code chan receive}, .... */
    public String status() {
        return g.statusText();
    }

    /** The goroutine's thread: a virtual thread, or under ONE_TO_ONE a platform thread of its own. */
    public Thread thread() {
        return g.thread();
    }

    /** Its base priority, 0 (lowest) to 31 (highest); see {@link PriorityClass}. */
    public int priority() {
        return g.priority();
    }

    /**
     * Changes its base priority (ending any starvation boost). A goroutine that is queued keeps
     * its place until it next becomes ready; a running one is compared at its next switch.
     *
     * @throws IllegalArgumentException if {@code priority} is outside 0..31
     */
    public void setPriority(int priority) {
        g.setPriority(checkPriority(priority));
    }

    static int checkPriority(int priority) {
        if (priority < 0 || priority > 31) {
            throw new IllegalArgumentException("weft: priority must be 0 (lowest) to 31 (highest), got " + priority);
        }
        return priority;
    }

    /** The exception that escaped the body, or null. */
    public Throwable failure() {
        return g.failure();
    }

    /**
     * Waits until the goroutine has finished. From a goroutine this parks the goroutine (its
     * carrier runs others); from a platform thread it blocks the thread. An interrupt does not
     * end the wait; the interrupt status is kept for the caller. If the caller's process ends
     * meanwhile ({@code dev.weft.proc}), the wait ends with its {@code ProcessExitException}.
     */
    public void join() {
        if (Joins.covers(g)) {
            Joins.join(g); // weft's own wait: no JDK latch per joined goroutine, and deadlocks seen
            return;
        }
        Thread t = g.thread();
        boolean interrupted = false;
        while (t.isAlive()) {
            // Each round, not only on an interrupt: a caller that caught its exit has spent its
            // canceller's interrupt and would wait on (weft's own joins check in their park).
            ProcessSupport.checkCancelled();
            try {
                joinParked(t, 0, WaitReason.JOIN);
            } catch (InterruptedException e) {
                ProcessSupport.checkCancelled(); // the caller's process ended: unwind, do not wait on
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits at most {@code timeout} for the goroutine to finish; returns whether it has. If the
     * caller's process ends meanwhile, the wait ends with its {@code ProcessExitException}.
     *
     * @throws InterruptedException if the caller is interrupted while waiting
     */
    public boolean join(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("negative join timeout: " + timeout);
        }
        Thread t = g.thread();
        if (!t.isAlive()) {
            return true;
        }
        long nanos = Go.saturatedNanos(timeout); // ~292 years and beyond: as good as forever
        long start = System.nanoTime();
        while (t.isAlive()) {
            ProcessSupport.checkCancelled(); // as in join(): a spent interrupt would leave it waiting
            long left = nanos - (System.nanoTime() - start); // differences only: no overflow
            if (left <= 0) {
                return false;
            }
            try {
                joinParked(t, Math.max(1, left / 1_000_000 + (left % 1_000_000 == 0 ? 0 : 1)), WaitReason.JOIN_TIMED);
            } catch (InterruptedException e) {
                ProcessSupport.checkCancelled(); // its process's interrupt: the exit is the answer
                throw e;
            }
        }
        return true;
    }

    /**
     * Thread.join parks through LockSupport; the wait is labelled for goroutine dumps, and a
     * timed one ({@link WaitReason#JOIN_TIMED}) so that deadlock detection leaves it out: it ends
     * by itself.
     */
    private void joinParked(Thread t, long millis, WaitReason reason) throws InterruptedException {
        G joined = g;
        Parking.labelCurrent(reason, joined, joined.sched());
        try {
            t.join(millis);
        } finally {
            Parking.labelCurrent(WaitReason.NONE, null, null);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Goroutine other && other.g == g;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(g.id());
    }

    @Override
    public String toString() {
        return g.toString();
    }
}
