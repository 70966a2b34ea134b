package dev.weft.internal.sched;

import dev.weft.internal.queue.LocalRunQueue;
import dev.weft.internal.queue.PriorityRunQueue;
import dev.weft.internal.timer.TimerHeap;

/**
 * A logical processor: the right to run goroutines, plus the state that goes with it (Go's
 * {@code p}). There are {@code procs} of them; an M must hold one to run a G.
 *
 * <p>Status ({@link #status}, volatile, written under the scheduler lock or by the holding M):
 * <ul>
 *   <li>IDLE: on the idle list, no M, empty run queue. Thieves skip it.</li>
 *   <li>RUNNING: held by exactly one M ({@link #m}); only that M puts into {@link #runq}.</li>
 *   <li>SYSCALL: its M is inside {@code Go.blocking}; sysmon may CAS it to IDLE and hand it to
 *       another M, and the M CASes it back to RUNNING on the way out if nobody did (Go 1.25's
 *       {@code _Psyscall}).</li>
 *   <li>RETAKEN: sysmon took it from an M whose goroutine held the carrier too long (a CPU hog,
 *       a blocked read, a native-frame pin). A fresh P with the same id replaced it in
 *       {@code allp}; this one stays with the stuck M, which is still its only producer, while
 *       other Ms steal from it. The stuck M retires it when its goroutine next leaves the
 *       carrier.</li>
 *   <li>STOPPED: beyond the current {@code procs}; its queue was moved to the global queue.</li>
 * </ul>
 *
 * <p>The counters are written only by the holding M (plain longs) and read racily for
 * statistics; a P changes hands only through the scheduler lock, which orders the writes.
 */
final class P {
    static final int IDLE = 0;
    static final int RUNNING = 1;
    static final int SYSCALL = 2;
    static final int STOPPED = 4;
    static final int RETAKEN = 5;

    final int id;
    /** The FIFO policy's lock-free ring and runnext; null under PRIORITY. */
    final LocalRunQueue<G> runq;
    /** The PRIORITY policy's 32-level queue; null under FIFO. Exactly one of the two is set. */
    final PriorityRunQueue<G> prq;
    /** Timers armed by goroutines running here; run by this P's M, by thieves and on moves. */
    final TimerHeap timers = new TimerHeap();
    volatile int status = IDLE;
    private static final java.lang.invoke.VarHandle STATUS;
    static {
        try {
            STATUS = java.lang.invoke.MethodHandles.lookup().findVarHandle(P.class, "status", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** Set by setProcs on a RUNNING P it removes; its M stops it at the next schedule. */
    volatile boolean stopRequested;
    /** Holding M, or null. */
    M m;
    /** Idle-list link, under the scheduler lock. */
    P link;

    /** Incremented each time a G starts a new time slice (not when it inherits one via runnext). */
    int schedtick;
    /** Set by sysmon when a runnext chain has shared one slice for a whole time slice. */
    volatile boolean sliceExpired;
    /** Incremented by the holding M on each Go.blocking entry. */
    volatile int syscalltick;

    // sysmon's last observation of this P; read and written by sysmon only.
    /**
     * The look ({@code Sysmon#retake}) that last saw this P running or in a call; -1: none yet.
     * The notes below hold only if the look before the current one saw it so too.
     */
    long seenBusyLook = -1;
    long seenSwitches;
    long seenSwitchesAt;
    int seenSchedtick;
    long seenSchedtickAt;
    long seenCpu = -1;
    long seenCpuAt;
    /** The last window of {@code seenCpu} looked blocked; a second in a row retakes (Sysmon#isStuck). */
    boolean seenStuck;
    /** The carrier's CPU time when sysmon first saw the current goroutine holding it (-1: not yet). */
    long heldCpuFrom = -1;
    /**
     * The carrier sysmon's notes above were taken on: a goroutine leaving a blocking call takes an
     * idle P with no switch ({@code Sched.acquirep}), so a new carrier also starts them afresh.
     */
    M seenM;
    boolean preemptRequested;
    int seenSyscalltick;
    long seenSyscallAt;

    // Statistics, owner-written.
    long switches;
    /** Switches by {@link SwitchReason}, counted when the G leaves the carrier. */
    final long[] switchReasons = new long[SwitchReason.COUNT];
    long steals;

    /**
     * This P's cell of the live count ({@link LiveCount}): the starts and exits counted by the
     * goroutines and the M that run on it; shared with a P of the same id made later (setProcs,
     * a retake's replacement).
     */
    final long[] liveCell;

    P(int id, boolean priorityPolicy, long[] liveCell) {
        this.id = id;
        this.liveCell = liveCell;
        this.runq = priorityPolicy ? null : new LocalRunQueue<>();
        this.prq = priorityPolicy ? new PriorityRunQueue<>(LocalRunQueue.CAPACITY) : null; // bounded as FIFO's ring
    }

    /** Whether the P's queue (either policy's) holds nothing. */
    boolean runqEmpty() {
        return runq != null ? runq.isEmpty() : prq.isEmpty();
    }

    /** Gs queued outside runnext; racy. */
    int runqSize() {
        return runq != null ? runq.ringSize() : prq.ringSize();
    }

    boolean hasRunnext() {
        return runq != null ? runq.hasRunnext() : prq.hasRunnext();
    }

    boolean casStatus(int expect, int update) {
        return STATUS.compareAndSet(this, expect, update);
    }

    static String statusName(int s) {
        return switch (s) {
            case IDLE -> "idle";
            case RUNNING -> "running";
            case SYSCALL -> "syscall";
            case STOPPED -> "stopped";
            case RETAKEN -> "retaken";
            default -> "status " + s;
        };
    }
}
