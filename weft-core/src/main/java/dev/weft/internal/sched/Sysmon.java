package dev.weft.internal.sched;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.locks.LockSupport;

/**
 * The system monitor: a daemon platform thread per runtime that holds no P and watches the
 * others (Go's {@code sysmon}/{@code retake}).
 *
 * <p>Every round it looks at each P:
 * <ul>
 *   <li><b>SYSCALL</b> (its goroutine is in {@code Go.blocking}): a call seen on two consecutive
 *       rounds has lasted at least one period. If work waits (the P's queue is not empty, or no
 *       M spins and no P is idle) or it has lasted 10 ms, the P is CASed away and handed to
 *       another M. A fast blocking call costs no thread switch: it is over before sysmon looks
 *       twice.</li>
 *   <li><b>RUNNING with the same goroutine on the carrier</b> since the last look (the P's
 *       switch count has not moved): after one time slice the goroutine's preempt flag is set
 *       (it yields at its next safe point); after two slices in which its carrier ran for at
 *       least one (a carrier the kernel did not run could not reach a safe point), or as soon
 *       as the carrier has made no CPU progress for two windows of {@link #blockedNanos} in a
 *       row (a blocked read, a native call, a goroutine pinned by a native frame), the P is
 *       retaken ({@link Preemption#retakeRunning}).</li>
 *   <li><b>RUNNING, switching, but always inheriting the slice</b> (a runnext chain whose
 *       schedtick has not moved for a slice): the slice ends, so the 1-in-61 global check and
 *       the chain's competitors get their turn.</li>
 * </ul>
 * Both times count from the first of an unbroken run of looks that found the P busy (running or
 * in a call): one that found it idle or stopped, a deep sleep, or none yet starts them afresh.
 *
 * <p>Period: 20 µs while anything happens; after 50 quiet rounds it doubles each round up to
 * 10 ms, or to 500 µs while some goroutine holds its carrier (so a blocked carrier is noticed
 * within about a millisecond). When every P is idle it sleeps until {@link #wakeIfSleeping}.
 *
 * <p>The per-P observation fields ({@code P.seen*}) are sysmon's alone. The P fields it reads
 * (switches, schedtick, status, the M's current G) are written by other threads and read
 * racily: a stale value only delays a decision by one round.
 */
final class Sysmon extends Thread {
    private static final long MIN_DELAY = 20_000;
    private static final long MAX_DELAY = 10_000_000;
    private static final long WATCHING_MAX_DELAY = 500_000;
    private static final long SYSCALL_FORCE_RETAKE = 10_000_000;
    /** How long an idle sysmon sleeps before it looks again anyway. */
    private static final long IDLE_CHECK_NANOS = 100_000_000;
    /** How long "every goroutine asleep" must hold, unchanged, before it is a deadlock. */
    private static final long DEADLOCK_CONFIRM_NANOS = 20_000_000;

    private final Sched sched;
    /** A goroutine that holds its carrier with no CPU progress for this long loses its P. */
    final long blockedNanos;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final boolean cpuTimeSupported;

    /** Whether it sleeps with every P idle (sleepUntilWork); tests wait for it. */
    volatile boolean sleeping;
    /** Rounds done over busy Ps; lets tests with a fake clock wait until sysmon has looked. */
    volatile long rounds;
    /** When sysmon's current period sleep ends (Long.MAX_VALUE when awake or in deep sleep). */
    private volatile long plannedWake = Long.MAX_VALUE;
    private volatile boolean shutdown;
    /** When the previous round ran, in System.nanoTime (sysmon's thread only). */
    private long lastRound;
    /** Whether the last round saw a goroutine holding its carrier or a P in a syscall. */
    private boolean watching;
    /** PRIORITY's starvation guard: how often the queues are scanned, and when they last were. */
    private final long boostScanPeriod;
    private long lastBoostScan;

    Sysmon(Sched sched) {
        super(null, null, sched.name() + "-sysmon", 0, false);
        this.sched = sched;
        this.blockedNanos = 1_000_000;
        // An eighth of the bound: a G is stamped by the first scan that sees it queued
        // (PriorityRunQueue.UNSTAMPED), up to one period after it was queued, and boosted by the
        // first scan after the bound from that stamp: at most 25% late in all.
        this.boostScanPeriod = Math.max(1_000_000, sched.starvationBoostNanos / 8);
        setDaemon(true);
        boolean cpu = threads.isThreadCpuTimeSupported();
        if (cpu && !threads.isThreadCpuTimeEnabled()) {
            try {
                threads.setThreadCpuTimeEnabled(true);
            } catch (UnsupportedOperationException | SecurityException e) {
                cpu = false;
            }
        }
        this.cpuTimeSupported = cpu;
    }

    /** Throwables sysmon caught and survived (an OutOfMemoryError, a bug); for tests and dumps. */
    volatile long failures;
    /** Of those, the ones logged (see run); for tests. */
    volatile long failuresReported;

    /**
     * Sysmon must survive anything, errors thrown while handling errors included: without it
     * nothing is preempted, handed off, timed or found deadlocked. The handler allocates nothing
     * itself; the report may be lost to a second OutOfMemoryError, the thread is not.
     */
    @Override
    public void run() {
        // Spin-lock waiters' kernel yield: set up here, on a shallow stack holding no lock,
        // rather than by the first long wait (OsYield's class comment). Once per JVM.
        dev.weft.internal.util.OsYield.initialize();
        while (!shutdown) {
            try {
                loop();
            } catch (Throwable t) {
                failures++;
                Diagnostics.failureSeen = true;
                // A failure that repeats (a class its loader can no longer load, a broken clock)
                // would otherwise log a stack trace every round. Failures under a second apart
                // are one repeating failure: its 1st, 2nd, 4th, 8th... are logged, and the pause
                // doubles; one that comes later starts afresh.
                long now = System.nanoTime();
                boolean repeating = now - lastFailure < FAILURES_APART_NANOS;
                lastFailure = now;
                long n = repeatingFailures = repeating ? repeatingFailures + 1 : 1;
                failurePause = repeating ? Math.min(failurePause * 2, MAX_DELAY) : MIN_DELAY;
                if ((n & (n - 1)) == 0) {
                    failuresReported++;
                    Diagnostics.warn("sysmon of a runtime caught an error and carries on (one that repeats is logged at its 1st, 2nd, 4th, 8th... time)", t);
                }
                LockSupport.parkNanos(this, failurePause); // never spin on a failure that repeats
            }
        }
    }

    /** Failures closer than this count as one repeating failure: sysmon's pause doubles. */
    private static final long FAILURES_APART_NANOS = 1_000_000_000L;
    private long lastFailure = System.nanoTime() - FAILURES_APART_NANOS;
    /** Failures in the current run of failures under a second apart. */
    private long repeatingFailures;
    private long failurePause = MIN_DELAY;

    private long delay = MIN_DELAY;
    /** When dev.weft.SchedulerStats is next due (see Jfr.statsTick). */
    private long jfrStatsDue = System.nanoTime();
    private int quietRounds;
    /** Calls of {@link #retake}, and a skipped number for each deep sleep; see {@link P#seenBusyLook}. */
    private long looks;
    /** Consecutive idle rounds that saw queued work nobody runs; see sleepUntilWorkLoop. */
    private int strandedRounds;
    /** About a millisecond of them (20 µs apart) before the spinning count is repaired. */
    private static final int STRANDED_ROUNDS_BEFORE_REPAIR = 50;

    /** When the lost-wake-up scan last ran while the runtime was busy (clock nanos). */
    private long lastRecoveryScan;
    private int busyScans;
    /** The idle recovery scan: when it last ran and how long until the next (see sleepUntilWorkLoop). */
    private long lastIdleScan;
    private long idleScanPeriod = IDLE_CHECK_NANOS;

    private void loop() {
        while (!shutdown) {
            if (quietRounds == 0) {
                delay = MIN_DELAY;
            } else if (quietRounds > 50) {
                delay = Math.min(delay * 2, watching ? WATCHING_MAX_DELAY : MAX_DELAY);
            }
            long next = sched.timers.earliest();
            if (next != Long.MAX_VALUE) {
                delay = Math.max(1_000, Math.min(delay, next - sched.clock.nanoTime()));
            }
            plannedWake = sched.clock.nanoTime() + delay;
            LockSupport.parkNanos(this, sched.schedTrace.cap(delay));
            plannedWake = Long.MAX_VALUE;
            sched.schedTrace.tick();
            jfrStatsDue = Jfr.statsTick(sched, jfrStatsDue);
            sched.goroutines.sweepRegistry();
            if (sched.allProcsIdle()) {
                sleepUntilWork();
                quietRounds = 0;
                looks++; // no look saw the Ps idle: the next one must not take up the notes of the last
                continue;
            }
            Parking.wakeDeferred();
            long now = sched.clock.nanoTime();
            if (Diagnostics.failureSeen && now - lastRecoveryScan >= IDLE_CHECK_NANOS) {
                // Busy: scan only after an error was caught somewhere (a scan walks every G);
                // two scans, since a lost wake-up is acted on at the second sight.
                lastRecoveryScan = now;
                if (++busyScans >= 2) {
                    busyScans = 0;
                    Diagnostics.failureSeen = false;
                }
                sched.diagnostics.recoverLostWakeups();
            }
            rounds++;
            quietRounds = round(now, delay) ? 0 : quietRounds + 1;
        }
    }

    /** One round; returns whether it handed anything off. */
    private boolean round(long now, long delay) {
        // Woken far later than asked: the whole process stalled (a GC pause, an overloaded
        // machine). Carriers made no progress for the same reason; judge them afresh.
        // Real time, not the scheduler's clock: a stall is the process's, and a test's fake clock
        // jumping ahead is not one.
        long real = System.nanoTime();
        boolean stalled = lastRound != 0 && real - lastRound > delay + blockedNanos;
        lastRound = real;
        int acted = retake(now, stalled);
        if (sched.starvationBoostNanos > 0 && now - lastBoostScan >= boostScanPeriod) {
            lastBoostScan = now;
            acted += sched.queues.boostStarved(now);
        }
        if (sched.timers.earliest() <= now) {
            sched.timers.wakeForDue();
            acted++;
        }
        return acted > 0;
    }

    /**
     * Every P is idle: sleep until one becomes busy or the earliest timer is due; then, if a
     * timer is due, wake an M to run it (nothing else would: every M is parked).
     */
    private void sleepUntilWork() {
        sleeping = true;
        try {
            sleepUntilWorkLoop();
        } finally {
            sleeping = false;
        }
    }

    private void sleepUntilWorkLoop() {
        while (!shutdown && sched.allProcsIdle()) {
            sched.schedTrace.tick();
            jfrStatsDue = Jfr.statsTick(sched, jfrStatsDue);
            Parking.wakeDeferred();
            long t = sched.clock.nanoTime();
            if (t - lastIdleScan >= idleScanPeriod) {
                // Idle: a lost wake-up would never be noticed otherwise. The period doubles while
                // scans find nothing (up to 6.4 s: a scan walks every parked goroutine).
                lastIdleScan = t;
                if (sched.diagnostics.recoverLostWakeups() > 0) {
                    idleScanPeriod = IDLE_CHECK_NANOS;
                    continue; // a P is leaving the idle list for it
                }
                idleScanPeriod = Math.min(idleScanPeriod * 2, 64 * IDLE_CHECK_NANOS);
            }
            if (sched.anyQueuedWork()) {
                // Every P idle with work queued: should not happen (the spinning protocol
                // prevents it), but a wake-up is cheap insurance against a stranded goroutine.
                // If it keeps happening, an error struck inside the protocol (a wakep that
                // counted a spinner and failed before starting it): repair the count.
                if (++strandedRounds > STRANDED_ROUNDS_BEFORE_REPAIR) {
                    strandedRounds = 0;
                    sched.idle.repairStaleSpinning();
                }
                sched.timers.wakeForDue();
                LockSupport.parkNanos(this, MIN_DELAY);
                continue;
            }
            strandedRounds = 0;
            // Goroutines that ended just before every P went idle, or under ONE_TO_ONE, whose
            // one P is nearly always idle: their entries would wait for the next busy round.
            sched.goroutines.sweepRegistry();
            long next = sched.timers.earliest();
            if (next == Long.MAX_VALUE) {
                if (checkDeadlock()) {
                    continue;
                }
                if (sched.model == Model.ONE_TO_ONE || sched.diagnostics.waitingForOtherRuntimes()) {
                    // ONE_TO_ONE: goroutines park without ever taking a P, so nothing would wake
                    // sysmon to look for a deadlock again. Asleep beside an awake runtime: that
                    // one may fall asleep too without waking us. Either way: look periodically.
                    LockSupport.parkNanos(this, sched.schedTrace.cap(MAX_DELAY));
                } else {
                    // Woken by the first P to leave the idle list; the bound is insurance, so
                    // that a wake-up lost to an error (a deferred one, an M never woken) is
                    // noticed within a tenth of a second, at ten cheap wake-ups a second.
                    LockSupport.parkNanos(this, sched.schedTrace.cap(IDLE_CHECK_NANOS));
                }
                continue;
            }
            long wait = next - sched.clock.nanoTime();
            if (wait <= 0) {
                sched.timers.wakeForDue();
                // Let the woken M take a P before looking again.
                LockSupport.parkNanos(this, MIN_DELAY);
                continue;
            }
            LockSupport.parkNanos(this, sched.schedTrace.cap(wait));
        }
    }

    /**
     * Every P is idle and no timer is pending: if every goroutine is asleep for good, look
     * again after {@link #DEADLOCK_CONFIRM_NANOS} with no context switch in between, then tell
     * the scheduler. Returns true if it waited (the caller re-evaluates everything).
     */
    private boolean checkDeadlock() {
        String dump = sched.diagnostics.deadlockCandidate();
        if (dump == null) {
            return false;
        }
        long switches = Diagnostics.jvmSwitches();
        LockSupport.parkNanos(this, DEADLOCK_CONFIRM_NANOS);
        if (Diagnostics.jvmSwitches() == switches) {
            String confirmed = sched.diagnostics.deadlockCandidate();
            if (confirmed != null) {
                sched.diagnostics.declareDeadlock(confirmed);
            }
        }
        return true;
    }

    /**
     * A timer became the earliest of its heap: a sysmon that sleeps past it (deeply, or in a long
     * back-off period) must wake and re-plan, or the timer could fire up to a period late on a P
     * that no M is watching.
     */
    void timerArmed(long when) {
        if (sleeping || when < plannedWake) {
            LockSupport.unpark(this);
        }
    }

    /** Called when a P leaves the idle list (under the scheduler lock; cheap when awake). */
    void wakeIfSleeping() {
        if (sleeping) {
            LockSupport.unpark(this);
        }
    }

    void shutdown() {
        shutdown = true;
        LockSupport.unpark(this);
    }

    /**
     * One round over the Ps; returns how many Ps it took away. As in Go, only hand-offs count
     * as activity for the back-off: slice ends and preemption requests come at most once per
     * slice per P and do not keep sysmon at its shortest period.
     */
    int retake(long now, boolean stalled) {
        int acted = 0;
        boolean watch = false;
        long look = ++looks;
        P[] ps = sched.allp();
        // Every P, not only those below procs: one that setProcs removed while its goroutine ran
        // or blocked keeps its queue until its M schedules, and a hog or a blocked carrier there
        // must lose it as anywhere else (RemovedRunningPTest). A stopped P is skipped below.
        int n = ps.length;
        long slice = sched.timesliceNanos;
        for (int i = 0; i < n; i++) {
            P p = ps[i];
            int status = p.status;
            // A P idle, stopped or never seen on the previous look (a fresh one: the runtime's
            // first, a grow's, a retake's replacement) is observed afresh: the notes on it are
            // from before (or zero), and timing its slice from them ended one at once.
            boolean continuing = false;
            if (status == P.SYSCALL || status == P.RUNNING) {
                continuing = p.seenBusyLook == look - 1;
                p.seenBusyLook = look;
            }
            if (status == P.SYSCALL) {
                watch = true;
                int tick = p.syscalltick;
                if (tick != p.seenSyscalltick) {
                    p.seenSyscalltick = tick;
                    p.seenSyscallAt = now;
                    continue;
                }
                if (p.runqEmpty() && sched.idle.spinningPlusIdle() > 0 && now - p.seenSyscallAt < SYSCALL_FORCE_RETAKE) {
                    continue;
                }
                if (Syscalls.retake(sched, p)) {
                    acted++;
                }
                continue;
            }
            if (status != P.RUNNING) {
                continue;
            }
            M m = p.m;
            G g = m == null ? null : m.curg;
            long switches = p.switches;
            if (!continuing || switches != p.seenSwitches || g == null || m != p.seenM) {
                // A new goroutine since the last look, or the M is between goroutines, or another
                // carrier took the P with no switch (out of a blocking call): its CPU is not ours.
                // Or the P was not busy on the last look: nothing noted before counts.
                p.seenM = m;
                p.seenSwitches = switches;
                p.seenSwitchesAt = now;
                p.seenCpu = -1;
                p.seenStuck = false;
                p.heldCpuFrom = -1;
                p.preemptRequested = false;
                int tick = p.schedtick;
                if (tick != p.seenSchedtick || !continuing) {
                    p.seenSchedtick = tick;
                    p.seenSchedtickAt = now;
                } else if (now - p.seenSchedtickAt >= slice) {
                    sched.preemption.endSlice(p, g);
                    p.seenSchedtickAt = now;
                }
                continue;
            }
            // The same goroutine has held this carrier since seenSwitchesAt.
            watch = true;
            if (stalled) {
                p.seenCpu = -1;
                p.seenStuck = false;
                p.seenSwitchesAt = Math.max(p.seenSwitchesAt, now - slice / 2);
                continue;
            }
            long held = now - p.seenSwitchesAt;
            if (!sched.handsOff) {
                // N_1: one M, nothing to hand the P to; a hog or a blocked carrier stops everyone
                // (the model's drawback). Only ask for the yield.
                if (held >= slice && !p.preemptRequested) {
                    p.preemptRequested = true;
                    sched.preemption.requestPreempt(p, g);
                }
                continue;
            }
            if (cpuTimeSupported && isStuck(p, m, now)) {
                if (sched.preemption.retakeRunning(p, true)) {
                    acted++;
                }
                continue;
            }
            if (held >= 2 * slice && p.preemptRequested && ranASlice(p, m)) {
                if (sched.preemption.retakeRunning(p, false)) {
                    acted++;
                }
            } else if (held >= slice && !p.preemptRequested) {
                p.preemptRequested = true;
                sched.preemption.requestPreempt(p, g);
            }
        }
        watching = watch;
        return acted;
    }

    /**
     * Whether the carrier has made (almost) no CPU progress for blockedNanos and the kernel does
     * not have it runnable: it is blocked in something weft cannot see. The carrier counts as
     * stuck if it got less than a tenth of the elapsed time on a CPU and is not waiting for one
     * (on an overloaded machine a CPU-bound goroutine's carrier can get that little while being
     * runnable; where the kernel state is unknown it is then retaken early, which costs a hand-off).
     */
    private boolean isStuck(P p, M m, long now) {
        if (p.seenCpu < 0) {
            p.seenCpu = cpuTime(m);
            p.seenCpuAt = now;
            if (p.heldCpuFrom < 0) {
                p.heldCpuFrom = p.seenCpu;
            }
            return false;
        }
        long elapsed = now - p.seenCpuAt;
        if (elapsed < blockedNanos) {
            return false;
        }
        long cpu = cpuTime(m);
        boolean stuck = cpu >= 0 && cpu - p.seenCpu < elapsed / 10 && !waitingForCpu(m);
        p.seenCpu = cpu;
        p.seenCpuAt = now;
        // Two windows in a row. The JVM itself stops a carrier for a millisecond or two now and
        // then with the same signs (asleep in the kernel, no CPU time): an allocation waiting for
        // the heap lock or for memory to be committed, the way out of a safepoint on a busy
        // machine. Retaking then starts a carrier for nothing, and a new thread on a loaded
        // machine slows every other one (seen in fan-in runs, docs/BENCHMARKS.md).
        boolean retake = stuck && p.seenStuck;
        p.seenStuck = stuck;
        return retake;
    }

    /**
     * Whether the carrier has had a time slice of CPU since sysmon first saw its goroutine
     * holding it: a goroutine ignores a preemption request only while it runs. A carrier the
     * kernel did not run (an overloaded machine) had no chance to reach a safe point, and
     * handing its P to yet another thread would only add to the load. Without per-thread CPU
     * time, yes.
     */
    private boolean ranASlice(P p, M m) {
        if (!cpuTimeSupported || p.heldCpuFrom < 0) {
            return true;
        }
        long cpu = cpuTime(m);
        return cpu < 0 || cpu - p.heldCpuFrom >= sched.timesliceNanos;
    }

    /**
     * Whether the kernel reports the carrier as running or runnable ('R'): it got little CPU
     * because the machine is busy, not because it is blocked. Unknown (not Linux) counts as no.
     */
    private static boolean waitingForCpu(M m) {
        java.nio.file.Path stat = m.procStat;
        if (stat == null) {
            return false;
        }
        try {
            String line = java.nio.file.Files.readString(stat);
            int close = line.lastIndexOf(')'); // the command name may contain spaces
            return close >= 0 && close + 2 < line.length() && line.charAt(close + 2) == 'R';
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private long cpuTime(M m) {
        return threads.getThreadCpuTime(m.threadId());
    }
}
