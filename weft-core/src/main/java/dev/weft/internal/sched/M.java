package dev.weft.internal.sched;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.locks.LockSupport;

/**
 * A carrier: a platform daemon thread that runs goroutines (Go's {@code m}). It loops in
 * {@code Sched.mstart}: find a G, call its {@code runContinuation} (which returns when the
 * virtual thread parks, yields or ends), settle the G's status, repeat.
 *
 * <p>Fields are owned by the thread itself except where noted. {@link #nextp} and
 * {@link #spinning} are written by the M that wakes this one, before the wake-up ({@code
 * parked = false} then {@code unpark}, or {@code Thread.start}), which orders them.
 *
 * <p><b>Why a ForkJoinWorkerThread.</b> The JDK's {@code SynchronousQueue},
 * {@code LinkedTransferQueue} and {@code Exchanger} spin for a while before they park, unless the
 * carrier of the calling virtual thread is a {@code ForkJoinWorkerThread} with work in its queue
 * ({@code ForkJoinWorkerThread.hasKnownQueuedWork}, which reads the carrier's own work queue).
 * Spinning only helps if the partner can run meanwhile; when it waits in the spinner's own P
 * (always at one processor, under N_1 always), every hand-off would pay the whole spin: 30 to 100
 * times the cost on the JDK's own scheduler, measured. So a carrier is a worker thread of a
 * shadow pool that never runs anything (its thread factory makes no threads), and its queue holds
 * one placeholder task exactly when spinning is useless ({@link #setShadowWork}): the JDK then
 * parks at once, as it does on its own carriers with queued work. The placeholder is pushed and
 * popped from the M's own context only, when the answer changes, so a switch costs a compare:
 * at each mount, and when the goroutine on the M wakes another onto its P
 * ({@link #markWorkQueuedBehind}; with more than one P a goroutine that will spin may have
 * queued its own partner behind it).
 */
final class M extends ForkJoinWorkerThread {
    /** The pool every carrier belongs to on paper; it never starts a thread or runs a task. */
    private static final ForkJoinPool SHADOW_POOL = new ForkJoinPool(1, pool -> null, null, false);

    /** The placeholder in this M's shadow queue while {@link #shadowWork}; never run. */
    private final ForkJoinTask<?> placeholder = ForkJoinTask.adapt(() -> { });
    /** Whether the placeholder is in the queue; owner only. */
    private boolean shadowWork;
    /**
     * Set by the goroutine on this M while weft's own wake-up ({@code Parking}) is in the JDK's
     * unpark: such a wake-up does not mark the shadow queue (see {@link #markWorkQueuedBehind}).
     * A hint only, owner context only.
     */
    boolean weftWake;

    final Sched sched;
    final int mid;

    /** The P held, or null while idle. */
    P p;
    /** The P handed over by {@link Idle#startm} before waking this M. */
    P nextp;
    /**
     * The G whose continuation this M is running, or null. Written by this M only; read by the
     * G itself (same carrier, so program order) and racily by statistics.
     */
    G curg;
    /** The reason of the switch this M counted last; read back by execute for a process member. M only. */
    int lastSwitchReason;
    /**
     * The G that joined a process in the slice this M runs ({@code ProcessSupport.joinCurrent}),
     * and when: execute read no process at its mount, and accounts the slice from the join. M
     * and its G only (same carrier, so program order).
     */
    G joined;
    long joinedAt;
    /** Inside Go.blocking: the P may be handed to another M, so ready() must not use it. */
    boolean inSyscall;
    /** Looking for work without having found any (counted in {@code Sched.nmspinning}). */
    boolean spinning;
    /** Whether the G just found came from runnext and so continues the current time slice. */
    boolean inheritTime;
    /**
     * Whether the G just found came from this P's runnext or local queue in findRunnable's first
     * pass, with no spin, steal or park before: a trace's start then takes the time of the stop
     * just before it ({@code Tracing#goStart}).
     */
    boolean foundAtOnce;
    /** Idle-list link and flag, under the scheduler lock. */
    M link;
    volatile boolean parked;

    /** This M's buffer of the current (or last) execution trace; owner only (see {@code Tracing}). */
    dev.weft.internal.trace.TraceBuffer traceBuf;
    /** The registry shard of goroutines created on this carrier (see GRegistry); this thread only. */
    GRegistry.Shard registryShard;

    /** Throwables the scheduling loop caught and survived; owner-written, read racily. */
    volatile long failures;

    /** xorshift state for the steal order; owner only. */
    private int seed;

    M(Sched sched, int mid) {
        super(null, SHADOW_POOL, false);
        setName(sched.name() + "-M" + mid);
        this.sched = sched;
        this.mid = mid;
        this.seed = 0x9E3779B9 * (mid + 1);
        setDaemon(true);
    }

    /**
     * This carrier's {@code /proc} stat file on Linux (its kernel state tells "blocked" from
     * "waiting for a CPU"), or null elsewhere. Written once by the thread itself at start.
     */
    volatile java.nio.file.Path procStat;

    /**
     * The parked threads started around this one so that no other carrier's JVM thread handles
     * share its cache lines ({@link HandleGuards}); null when off. Written by the starter before
     * {@code start()} (which orders it), released by this thread when its loop ends.
     */
    HandleGuards guards;

    @Override
    public void run() {
        try {
            procStat = ownProcStat();
            sched.mstart(this);
        } finally {
            HandleGuards h = guards;
            if (h != null) {
                h.release();
            }
        }
    }

    private static java.nio.file.Path ownProcStat() {
        try {
            java.nio.file.Path self = java.nio.file.Path.of("/proc/thread-self");
            if (!java.nio.file.Files.exists(self)) {
                return null;
            }
            return java.nio.file.Path.of("/proc/self/task", java.nio.file.Files.readSymbolicLink(self)
                    .getFileName().toString(), "stat");
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * From this M's own context: shows the JDK's concurrent queues ({@code hasKnownQueuedWork})
     * that spinning now would only delay the work queued behind the spinner, or not.
     */
    void setShadowWork(boolean queued) {
        if (queued != shadowWork) {
            shadowWork = queued;
            if (queued) {
                placeholder.fork(); // to this worker's own queue: the current thread is this M
            } else {
                placeholder.tryUnfork();
            }
        }
    }

    /**
     * From the goroutine running on this M, which has just queued work on this M's P (a wake-up
     * into runnext): the JDK's concurrent queues should no longer spin, since the partner they
     * would wait for may be that very work. The goroutine runs on this M's thread, so pushing the
     * placeholder is still the queue owner's push; {@code fork} cannot do it (it looks at the
     * current thread, the virtual one), but the pool's own submit looks at the current carrier,
     * as it does for the JDK's virtual threads. The M's next mount decides again. Only for a
     * wake-up of a parked goroutine by the JDK's own unpark (the one the JDK's queues make): not
     * for weft's own wake-ups ({@link #weftWake}), whose primitives never spin, nor for a new
     * goroutine's start; the push and the pop at the next mount (a locked instruction each) cost
     * a channel ping-pong at two processors 35-50 ns a round trip, measured.
     */
    void markWorkQueuedBehind() {
        if (!shadowWork) {
            shadowWork = true;
            SHADOW_POOL.lazySubmit(placeholder); // to the current carrier's queue: this M's
        }
    }

    int nextRandom() {
        int x = seed;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        seed = x;
        return x & Integer.MAX_VALUE;
    }

    /** Parks until another thread clears {@link #parked}. */
    void parkUntilWoken() {
        while (parked) {
            LockSupport.park(this);
        }
    }

    void wake() {
        parked = false;
        LockSupport.unpark(this);
    }
}
