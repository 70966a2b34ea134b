package dev.weft.internal.sched;

import dev.weft.internal.trace.RuntimeTrace;
import dev.weft.internal.trace.TraceEvent;

/**
 * A carrier's search for its next goroutine (Go's {@code findRunnable} and {@code stealWork}),
 * called by the scheduling loop ({@link Sched#mstart}) after every run.
 *
 * <p><b>Order.</b> Due timers of the P; the global queue when the policy says it is its turn
 * (every 61st new time slice; under PRIORITY also when it holds a higher level); runnext; the
 * local queue; a batch from the global queue; stealing ({@link #STEAL_ROUNDS} rounds over the
 * other Ps in random coprime order ({@link StealOrder}), half a victim's queue, its runnext only
 * in the last round and only {@link #RUNNEXT_STEAL_BACKOFF_NANOS} after a running P's M could
 * have taken it, other Ps' due timers in the last round, then the Ps sysmon retook and those
 * setProcs removed that have not stopped yet); then give
 * up the P, re-check the global queue under the scheduler's lock, and park ({@link Idle}).
 *
 * <p><b>Invariants.</b> It returns with {@code m.p} held and {@code m.inheritTime} (runnext: the
 * slice goes on) and {@code m.foundAtOnce} (this P's runnext or local queue in the first pass:
 * runnable before the M's last stop, see {@link Tracing#goStart}) set, or null when the runtime
 * stops. A spinning M (looking for work without a P's own) is counted in {@link Idle}; the
 * lost-wake-up protocol that lets one give up its P safely is there too. A P that setProcs
 * removed or sysmon retook is settled at the top of the loop, before anything is taken from it.
 */
final class FindWork {
    /** Steal rounds per findRunnable (Go's stealTries). */
    static final int STEAL_ROUNDS = 4;
    /**
     * How long a thief waits before taking a running P's runnext (Go: 3 µs): asked of a timed
     * park, which the kernel rounds up to its timer slack, as Go's usleep does
     * (LocalRunQueue.backOff says why a park and not a spin).
     */
    static final long RUNNEXT_STEAL_BACKOFF_NANOS = 3_000;

    private final Sched sched;
    private final RunQueuePolicy queues;
    private final Idle idle;
    private final Timers timers;
    /** A bubble's runtime: its seeded queue is one list that any thread fills (SeededQueues). */
    private final boolean seeded;

    FindWork(Sched sched) {
        this.sched = sched;
        this.queues = sched.queues;
        this.idle = sched.idle;
        this.timers = sched.timers;
        this.seeded = sched.bubble != null;
    }

    /**
     * Finds a runnable G for {@code m}, parking the M when there is none (Go's findRunnable).
     * Returns with {@code m.p} held and {@code m.inheritTime} and {@code m.foundAtOnce} set, or
     * null when the runtime stops.
     */
    G findRunnable(M m) {
        top:
        for (boolean first = true;; first = false) { // a continue is a later pass
            P pp = m.p;
            if (pp == null || pp.status == P.RETAKEN) {
                if (pp != null) {
                    sched.preemption.retireRetaken(m);
                }
                if (!idle.reacquireOrStop(m)) {
                    return null;
                }
                continue;
            }
            if (pp.stopRequested || pp.id >= sched.procs()) {
                // setProcs removed this P (flagged if it was running, or caught here if it was
                // in a hand-off or a syscall then). The top of the loop takes it from there: no P
                // (stopped), the same P (procs grew back) or a retaken one, which must be retired
                // (taking another P over it would leave it in retaken for good).
                sched.resize.stopCurrentP(m);
                continue;
            }
            if (pp.timers.nextWhen() != Long.MAX_VALUE) {
                timers.runDue(pp.timers);
            }
            // Only this P's M (its loop, or the goroutine it ran) puts into its local queue and
            // runnext, so what it finds there at once became runnable before its last stop was
            // stamped: a trace start may take that stop's time (m.foundAtOnce). Not so for the
            // global queue (another thread may have put a G there after the stop), nor for a
            // bubble's seeded queue (one list for all, filled by any thread), nor for what is
            // found later (after a spin, a steal or a park).
            G g = queues.pollGlobalFirst(pp, m);
            if (g != null) {
                m.foundAtOnce = false;
                return g;
            }
            g = queues.runqGet(pp, m);
            if (g != null) {
                m.foundAtOnce = first && !seeded;
                return g;
            }
            m.foundAtOnce = false;
            if (!queues.globalEmpty()) {
                g = queues.pollGlobalBatch(pp);
                if (g != null) {
                    return g;
                }
            }
            if (idle.trySpin(m, sched.procs())) {
                g = stealWork(m);
                if (g != null) {
                    return g;
                }
            }

            if (sched.bubble != null && sched.bubble.idle()) {
                continue; // the bubble's clock moved or its awaiter woke: look again
            }

            // Nothing found: give up the P, re-checking the global queue under the lock.
            sched.lock.lock();
            try {
                if (!queues.globalEmpty()) {
                    g = queues.pollGlobalBatch(pp);
                    if (g != null) {
                        return g;
                    }
                }
                if (idle.takeNeedSpinning(m)) {
                    continue top;
                }
                if (pp.status == P.RETAKEN) {
                    continue top; // sysmon took it meanwhile (under this lock): retire it
                }
                sched.releasep(m);
                idle.pidleput(pp);
            } finally {
                sched.lock.unlock();
            }
            if (m.spinning && idle.spinnerExit(m)) {
                continue top;
            }
            if (!idle.stopm(m)) {
                return null;
            }
        }
    }

    /** Steals from other Ps: four rounds in random order, runnext only in the last. */
    private G stealWork(M m) {
        P pp = m.p;
        // stealOrder before allp: setProcs publishes allp first, so this allp is at least as
        // large as the order expects.
        StealOrder order = sched.stealOrder();
        P[] ps = sched.allp();
        int n = Math.min(order.count, ps.length);
        for (int round = 0; round < STEAL_ROUNDS; round++) {
            boolean lastRound = round == STEAL_ROUNDS - 1;
            if (lastRound && timers.runOthersDue(pp, ps)) {
                // Their callbacks readied goroutines into our queue.
                G g = queues.runqGet(pp, m);
                if (g != null) {
                    return g;
                }
            }
            int r = m.nextRandom();
            int stride = order.coprimes[r % order.coprimes.length];
            int idx = (r >>> 8) % n;
            for (int k = 0; k < n; k++, idx = (idx + stride) % n) {
                G g = stealFrom(pp, ps[idx], lastRound);
                if (g != null) {
                    return g;
                }
            }
        }
        // Ps retaken from stuck Ms hold work their own M cannot run now: take it.
        for (P p2 : sched.retaken()) {
            G g = stealFrom(pp, p2, true);
            if (g != null) {
                return g;
            }
        }
        // So do Ps that setProcs removed while their goroutine ran or blocked (STOPPED ones are
        // skipped): their M stops them only at its next schedule, which a hog delays for two
        // time slices (RemovedRunningPTest). None unless procs shrank.
        for (int i = n; i < ps.length; i++) {
            G g = stealFrom(pp, ps[i], true);
            if (g != null) {
                return g;
            }
        }
        return null;
    }

    private G stealFrom(P pp, P p2, boolean stealRunnext) {
        int s = p2.status;
        if (p2 == pp || s == P.IDLE || s == P.STOPPED) {
            return null;
        }
        // Back off before taking runnext only if p2's M is about to run it itself.
        long backoff = s == P.RUNNING ? RUNNEXT_STEAL_BACKOFF_NANOS : 0;
        G g = queues.steal(pp, p2, stealRunnext, backoff);
        if (g != null) {
            pp.steals++;
            Jfr.steal(sched, pp, p2);
            RuntimeTrace t = sched.trace;
            if (t != null) {
                Tracing.onM(t, pp.m, TraceEvent.STEAL, 0, p2.id, 1 + pp.runqSize());
            }
        }
        return g;
    }
}
