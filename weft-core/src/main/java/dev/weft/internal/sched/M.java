package dev.weft.internal.sched;

import java.util.concurrent.locks.LockSupport;

/**
 * A carrier: a platform daemon thread that runs goroutines (Go's {@code m}). It loops in
 * {@code Sched.mstart}: find a G, call its {@code runContinuation} (which returns when the
 * virtual thread parks, yields or ends), settle the G's status, repeat.
 *
 * <p>Fields are owned by the thread itself except where noted. {@link #nextp} and
 * {@link #spinning} are written by the M that wakes this one, before the wake-up ({@code
 * parked = false} then {@code unpark}, or {@code Thread.start}), which orders them.
 */
final class M extends Thread {
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
    /** Inside Go.blocking: the P may be handed to another M, so ready() must not use it. */
    boolean inSyscall;
    /** Looking for work without having found any (counted in {@code Sched.nmspinning}). */
    boolean spinning;
    /** Whether the G just found came from runnext and so continues the current time slice. */
    boolean inheritTime;
    /** Idle-list link and flag, under the scheduler lock. */
    M link;
    volatile boolean parked;

    /** Throwables the scheduling loop caught and survived; owner-written, read racily. */
    volatile long failures;

    /** xorshift state for the steal order; owner only. */
    private int seed;

    M(Sched sched, int mid) {
        super(null, null, sched.name() + "-M" + mid, 0, false);
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

    @Override
    public void run() {
        procStat = ownProcStat();
        sched.mstart(this);
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
