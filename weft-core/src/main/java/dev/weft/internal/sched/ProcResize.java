package dev.weft.internal.sched;

import dev.weft.internal.util.StackHeadroom;
import java.util.List;

/**
 * Changing the number of Ps at run time (Go's {@code procresize}, without a stop-the-world): new
 * Ps start idle and an M is woken for each; a removed idle P stops at once; a removed running P
 * is flagged ({@link P#stopRequested}), its goroutine is asked to yield at its next safe point,
 * and its M stops it at its next schedule; a removed P inside a blocking call is handed off (if
 * its goroutine left the call meanwhile, it is asked to yield as a running one). A stopped P's
 * queue goes to the head of the global queue and its timers to P 0's heap, so nothing is lost;
 * the timers move under the scheduler lock, with the status change, and sysmon is told, so no
 * reader sees a moment where they are on no running heap. A
 * goroutine that never reaches a safe point delays the stop of its P (not its queue, which thieves
 * take as from any running P) until it does, or until
 * sysmon, which looks at removed Ps too, retakes the P from it as from any hog.
 */
final class ProcResize {
    /**
     * The most Ps a runtime may have: far beyond any machine's processors, and small enough that
     * the Ps' queues (a few KiB each) cannot exhaust the heap by mistake.
     */
    static final int MAX_PROCS = 4096;

    private final Sched sched;
    /**
     * A test's probe, run by {@link #setProcs} just after it releases the scheduler lock (null
     * otherwise): it sees what lock-free readers (sysmon, thieves) see once the change is public.
     */
    Runnable afterLockReleaseForTest;

    ProcResize(Sched sched) {
        this.sched = sched;
    }

    /** Checks a procs value against the bounds, naming the problem. */
    static void checkProcs(int n, int maxMs) {
        if (n < 1) {
            throw new IllegalArgumentException("procs must be at least 1, got " + n);
        }
        if (n > MAX_PROCS) {
            throw new IllegalArgumentException("procs must be at most " + MAX_PROCS + ", got " + n);
        }
        if (n > maxMs) {
            throw new IllegalArgumentException("procs (" + n + ") must not exceed maxThreads (" + maxMs + ")");
        }
    }

    void setProcs(int n) {
        checkProcs(n, sched.idle.maxMs());
        // A goroutine may call this at the end of its stack: an overflow must strike here, before
        // anything changes, not inside a stopped P's drain, whose taken goroutines no queue holds
        // until putHeadAll returns (they would be lost).
        StackHeadroom.ensure();
        int started = 0;
        List<P> stoppedNow = List.of();
        int old;
        P[] removable;
        sched.lock.lock();
        try {
            if (sched.isStopped()) { // under the lock: a close stops the carriers under it too
                throw new IllegalStateException("weft: runtime '" + sched.name() + "' is closed; its procs cannot change");
            }
            old = sched.procs();
            if (n == old) {
                return;
            }
            P[] ps = sched.allp();
            removable = ps;
            if (n > ps.length) {
                P[] grown = java.util.Arrays.copyOf(ps, n);
                for (int i = ps.length; i < n; i++) {
                    grown[i] = sched.newP(i);
                    grown[i].status = P.STOPPED;
                }
                sched.publishAllp(grown);
                ps = grown;
            }
            sched.publishProcs(n);
            if (n > old) {
                for (int i = old; i < n; i++) {
                    P p = ps[i];
                    p.stopRequested = false;
                    if (p.status == P.STOPPED) {
                        sched.idle.pidleput(p);
                        started++;
                    }
                }
            } else {
                stoppedNow = sched.idle.removeIdleFrom(n);
                for (P p : stoppedNow) {
                    // Under the lock, with the status change: lock-free readers (sysmon's plan,
                    // thieves, the deadlock check) skip a STOPPED P, so its timers must not wait
                    // there for the lock's release (a sysmon planning meanwhile slept past them).
                    moveTimersToP0(p);
                }
                for (int i = n; i < old; i++) {
                    if (ps[i].status == P.RUNNING) {
                        ps[i].stopRequested = true;
                        askToYield(ps[i]);
                    }
                }
            }
        } finally {
            try {
                sched.lock.unlock();
            } catch (VirtualMachineError e) {
                sched.lock.held = 0; // see SpinLock#held: a lock left held would stop every carrier
            }
        }
        Runnable probe = afterLockReleaseForTest;
        if (probe != null) {
            probe.run();
        }
        // Outside the lock, as everything below: a JFR commit or a trace flush can go deeper than
        // the headroom taken above, and the scheduler lock's section stays short.
        Jfr.procsChange(sched, old, n);
        dev.weft.internal.trace.RuntimeTrace t = sched.trace;
        if (t != null) {
            Tracing.fromCaller(sched, t, dev.weft.internal.trace.TraceEvent.PROCS_CHANGE, 0, old, n);
        }
        for (P p : stoppedNow) {
            sched.queues.drainToGlobal(p);
        }
        // A removed P inside a blocking call (SYSCALL) is neither idle (stopped above) nor
        // flagged: it would stop only when the call returns, its queue left to thieves
        // (RemovedSyscallPTest). Hand it off as sysmon would; its next M, or pidleput, stops it.
        for (int i = n; i < old; i++) {
            P p = removable[i];
            if (!Syscalls.retake(sched, p) && p.status == P.RUNNING && p.id >= sched.procs()) {
                // Its goroutine left the call since the section above (the exit's CAS won), which
                // asked only the goroutines of Ps RUNNING then to yield: ask it now, or the P
                // stops only when its time slice ends (RemovedSyscallPTest). A P asked above is
                // asked again: at most an early yield, as any stale request.
                askToYield(p);
            }
        }
        for (int i = 0; i < started; i++) {
            sched.idle.wakep();
        }
    }

    /**
     * Asks the goroutine running on removed P {@code p} to yield at its next safe point, so that
     * its M reaches the schedule that stops the P, rather than at the end of its time slice
     * (RemovedRunningPTest; thieves take the P's queue meanwhile, FindWork). Racy, as sysmon's
     * requests: a stale request on a G that switched away costs it one early yield.
     */
    private static void askToYield(P p) {
        M m = p.m;
        G g = m == null ? null : m.curg;
        if (g != null && !g.preempt) { // a pending PRIORITY request keeps its reason
            g.preemptReason = SwitchReason.SLICE_END;
            g.preempt = true;
        }
    }

    /** Under lock: P is no longer in use; its work (if any) goes to the front of the global queue. */
    void stopP(P p) {
        sched.lock.assertHeld();
        p.status = P.STOPPED;
        p.stopRequested = false;
        sched.queues.drainToGlobal(p);
        moveTimersToP0(p);
    }

    /** Under lock: {@code p}'s timers go to P 0's heap ({@link #moveTimers}). */
    private void moveTimersToP0(P p) {
        moveTimers(p, sched.allp()[0]);
    }

    /**
     * Under lock: {@code from}'s timers go to {@code to}'s heap, and sysmon is told, as for a
     * timer just armed. Sysmon reads the heaps without the lock, one after the other: one that
     * read {@code to} before the move and {@code from} after it (or skipped it: a STOPPED P, or a
     * retaken one, which is no longer in allp) saw neither heap holding them and planned its sleep
     * past them (to a later timer, however far, or its idle period). Also used when a P is
     * retaken or retired ({@link Preemption}).
     */
    void moveTimers(P from, P to) {
        dev.weft.internal.timer.TimerHeap heap = to.timers;
        from.timers.moveAllTo(heap);
        long next = heap.nextWhen();
        if (next != Long.MAX_VALUE) {
            sched.sysmon.timerArmed(next);
        }
    }

    /**
     * The M's P was removed by setProcs: stop it and let the M look for another P. The M keeps
     * the P if procs grew back meanwhile, or if sysmon retook it (findRunnable retires it next).
     */
    void stopCurrentP(M m) {
        P p = m.p;
        sched.lock.lock();
        try {
            if (p.status == P.RETAKEN) {
                return; // retaken meanwhile: findRunnable retires it next
            }
            if (p.id < sched.procs()) {
                // procs grew back meanwhile: keep it. Its queue has not been looked at; put on the
                // idle list, it would be an idle P with work, which thieves skip while spinners'
                // re-check (anyQueuedWork) sees it: a lone spinner kept taking its own P back from
                // above it, and sysmon, seeing work stranded, reset the spinning count under it.
                p.stopRequested = false;
                return;
            }
            Sched.releasep(m);
            stopP(p);
        } finally {
            sched.lock.unlock();
        }
        if (m.spinning) {
            sched.idle.dropSpinning(m);
        }
        sched.idle.wakep();
    }
}
