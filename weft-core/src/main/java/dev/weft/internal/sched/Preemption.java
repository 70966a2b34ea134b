package dev.weft.internal.sched;

import dev.weft.internal.trace.RuntimeTrace;
import dev.weft.internal.trace.TraceEvent;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Preemption and retaking (Go's preempt.go and sysmon's retake), driven by {@link Sysmon}.
 *
 * <p>The JVM gives no way to stop a virtual thread from outside, so preemption is cooperative at
 * safe points, as in Go before 1.14: sysmon sets {@link G#preempt} when a G has held its carrier
 * for a time slice, and the G yields at its next safe point ({@link #checkpoint}, called by
 * {@code Go.checkpoint}, {@code Go.go} and weft's blocking calls). A G that ignores the request
 * for another slice, or whose carrier is blocked outside weft's knowledge, loses its P instead
 * ({@link #retakeRunning}): a fresh P with the same id replaces it and goes to another M, and the
 * stuck M keeps the old one (RETAKEN) until its G leaves the carrier ({@link #retireRetaken}).
 * {@link G#preemptReason} says why the request was made, for the switch counters.
 */
final class Preemption {
    private final Sched sched;

    final AtomicLong preemptRequests = new AtomicLong();
    final AtomicLong preemptYields = new AtomicLong();
    final AtomicLong sliceEnds = new AtomicLong();
    final AtomicLong syscallHandoffs = new AtomicLong();
    final AtomicLong hogRetakes = new AtomicLong();
    final AtomicLong blockedRetakes = new AtomicLong();
    final AtomicLong priorityPreemptRequests = new AtomicLong();
    final AtomicLong starvationBoosts = new AtomicLong();

    /**
     * A test's probe, run by {@link #retakeRunning} just after it releases the scheduler lock
     * (null otherwise): the stuck M may move on meanwhile.
     */
    Runnable afterLockReleaseForTest;

    Preemption(Sched sched) {
        this.sched = sched;
    }

    /** Go.checkpoint: yield if sysmon or the policy asked this goroutine to. */
    static void checkpoint() {
        G g = Sched.currentG();
        if (g != null && g.preempt) {
            g.preempt = false;
            if (g.sched.bubble != null && !((SeededQueues) g.sched.queues).switchAtSafePoint(g)) {
                g.preempt = true; // a bubble's goroutine: the seed said no switch here; ask again next time
                return;
            }
            g.sched.preemption.preemptYields.incrementAndGet();
            g.yieldReason = g.preemptReason;
            Thread.yield();
            g.yieldReason = SwitchReason.YIELD; // in case the yield did not unmount (pinned)
        }
    }

    /**
     * After a wake-up (no lock held): yield if the PRIORITY policy asked the calling goroutine to
     * make way for a higher-priority one, which is then the next to run. A slice-end request
     * waits for the next ordinary safe point, as under FIFO.
     */
    static void yieldIfOutranked() {
        yieldIfOutranked(Sched.currentG());
    }

    /** {@link #yieldIfOutranked()} for the calling goroutine's {@code g} (null: a platform thread). */
    static void yieldIfOutranked(G g) {
        if (g != null && g.preempt && g.preemptReason == SwitchReason.PRIORITY) {
            checkpoint();
        }
    }

    /** Sysmon: the P's runnext chain has shared one slice too long; start a new one. */
    void endSlice(P p, G running) {
        p.sliceExpired = true;
        if (running != null && !running.preempt) { // a pending PRIORITY request keeps its reason
            running.preemptReason = SwitchReason.SLICE_END;
            running.preempt = true;
            recordRequest(p, running, SwitchReason.SLICE_END);
        }
        sliceEnds.incrementAndGet();
    }

    /** Sysmon: the G has held its carrier for a time slice; ask it to yield. */
    void requestPreempt(P p, G running) {
        p.sliceExpired = true;
        if (!running.preempt) { // a pending PRIORITY request keeps its reason
            running.preemptReason = SwitchReason.SLICE_END;
            running.preempt = true;
            recordRequest(p, running, SwitchReason.SLICE_END);
        }
        preemptRequests.incrementAndGet();
    }

    /** A preemption request for the trace (sysmon's, or the policy's from a carrier) and JFR. */
    void recordRequest(P p, G g, int reason) {
        Jfr.preempt(sched, g, p, reason);
        RuntimeTrace t = sched.trace;
        if (t != null) {
            Tracing.fromCaller(sched, t, TraceEvent.PREEMPT, reason, g.id, p == null ? -1 : p.id);
        }
    }

    /**
     * Sysmon: the M running {@code p} is stuck in one goroutine (a hog, or a carrier blocked
     * outside weft's knowledge). Replace {@code p} in allp with a fresh P with the same id and
     * hand that to another M; the stuck M keeps the old one (RETAKEN) until its goroutine leaves
     * the carrier, and other Ms steal the old one's queue meanwhile.
     */
    boolean retakeRunning(P p, boolean blocked) {
        P fresh;
        G g;
        sched.lock.lock();
        try {
            P[] ps = sched.allp();
            // CAS: the M may be entering Go.blocking (RUNNING -> SYSCALL) at this moment.
            if (p.id >= ps.length || ps[p.id] != p || sched.isStopped() || !p.casStatus(P.RUNNING, P.RETAKEN)) {
                return false;
            }
            M stuck = p.m;
            // Its goroutine now, under the lock: once the lock is released, the stuck M may leave
            // it, retire the P and run another goroutine, which the request and the RETAKE event
            // below would then name (and the trace's writer cut at the retake).
            g = stuck == null ? null : stuck.curg;
            fresh = sched.newP(p.id);
            fresh.status = P.IDLE;
            P[] copy = ps.clone();
            copy[p.id] = fresh;
            sched.publishAllp(copy);
            sched.resize.moveTimers(p, fresh);
            P[] r = java.util.Arrays.copyOf(sched.retaken(), sched.retaken().length + 1);
            r[r.length - 1] = p;
            sched.publishRetaken(r);
            if (p.stopRequested) {
                fresh.stopRequested = true;
            }
        } finally {
            sched.lock.unlock();
        }
        Runnable probe = afterLockReleaseForTest;
        if (probe != null) {
            probe.run();
        }
        if (g != null) {
            g.preemptReason = SwitchReason.SLICE_END;
            g.preempt = true; // at its next safe point it leaves the carrier
        }
        (blocked ? blockedRetakes : hogRetakes).incrementAndGet();
        Jfr.retake(sched, p, g, blocked);
        RuntimeTrace t = sched.trace;
        if (t != null) {
            Tracing.shared(t, p.id, TraceEvent.RETAKE, blocked ? 1 : 0, p.id, g == null ? 0 : g.id);
        }
        sched.idle.handoffp(fresh);
        return true;
    }

    /** The stuck M is back in the scheduler: give up its retaken P, moving the P's work to the global queue. */
    void retireRetaken(M m) {
        P p = m.p;
        sched.lock.lock();
        try {
            P[] r = sched.retaken();
            int k = 0;
            P[] kept = new P[r.length - 1];
            for (P x : r) {
                if (x != p) {
                    kept[k++] = x;
                }
            }
            sched.publishRetaken(kept);
            p.status = P.STOPPED;
            p.m = null;
            sched.diagnostics.retire(p);
            sched.queues.drainToGlobal(p);
            sched.resize.moveTimers(p, sched.allp()[0]);
        } finally {
            sched.lock.unlock();
        }
        m.p = null;
        if (m.spinning) {
            sched.idle.dropSpinning(m);
        }
        sched.idle.wakep();
    }
}
