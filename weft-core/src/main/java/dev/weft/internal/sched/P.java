package dev.weft.internal.sched;

import dev.weft.internal.queue.LocalRunQueue;

/**
 * A logical processor: the right to run goroutines, plus the state that goes with it (Go's
 * {@code p}). There are {@code procs} of them; an M must hold one to run a G.
 *
 * <p>Status ({@link #status}, volatile, written under the scheduler lock or by the holding M):
 * <ul>
 *   <li>IDLE: on the idle list, no M, empty run queue. Thieves skip it.</li>
 *   <li>RUNNING: held by exactly one M ({@link #m}); only that M puts into {@link #runq}.</li>
 *   <li>STOPPED: beyond the current {@code procs}; its queue was moved to the global queue.</li>
 * </ul>
 *
 * <p>The counters are written only by the holding M (plain longs) and read racily for
 * statistics; a P changes hands only through the scheduler lock, which orders the writes.
 */
final class P {
    static final int IDLE = 0;
    static final int RUNNING = 1;
    static final int STOPPED = 4;

    final int id;
    final LocalRunQueue<G> runq = new LocalRunQueue<>();
    volatile int status = IDLE;
    /** Set by setProcs on a RUNNING P it removes; its M stops it at the next schedule. */
    volatile boolean stopRequested;
    /** Holding M, or null. */
    M m;
    /** Idle-list link, under the scheduler lock. */
    P link;

    /** Incremented each time a G starts a new time slice (not when it inherits one via runnext). */
    int schedtick;
    /** Runs since schedtick last moved that inherited the slice through runnext. */
    int inheritedRuns;

    // Statistics, owner-written.
    long switches;
    long steals;
    long stolenFrom;

    P(int id) {
        this.id = id;
    }

    static String statusName(int s) {
        return switch (s) {
            case IDLE -> "idle";
            case RUNNING -> "running";
            case STOPPED -> "stopped";
            default -> "status " + s;
        };
    }
}
