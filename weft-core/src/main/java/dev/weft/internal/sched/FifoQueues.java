package dev.weft.internal.sched;

import dev.weft.internal.queue.GlobalRunQueue;

/**
 * Go's policy (FIFO): each P has a lock-free ring and a runnext slot ({@link P#runq}), and there
 * is one global FIFO. A G readied by a running goroutine takes its P's runnext and inherits the
 * rest of the time slice; a yield goes behind everyone (the global tail; this P's tail when work
 * is queued here; a lone yielder, with nothing queued anywhere, stays on its P: see
 * {@link #requeue}); the global queue is polled first every 61st new slice so it cannot starve.
 */
final class FifoQueues implements RunQueuePolicy {
    private final Sched sched;
    final GlobalRunQueue<G> global = new GlobalRunQueue<>();

    FifoQueues(Sched sched) {
        this.sched = sched;
    }

    @Override
    public void ready(G g, P mine, boolean fromGoroutine) {
        if (mine != null) {
            // From a running goroutine: runnext (it inherits the slice). From the carrier itself
            // (a timer firing, a goroutine's exit waking its joiners): the local tail, behind
            // work already queued here, as Go's goyield does.
            mine.runq.put(g, fromGoroutine, global);
            g.queuePending = false; // queued: see Sched.ready
            sched.idle.wakepFromRunningP();
            return;
        }
        global.put(g);
        g.queuePending = false;
        sched.idle.wakep();
    }

    @Override
    public void requeue(G g, P p, boolean yielded, boolean preempted) {
        boolean nothingHere = yielded && !preempted && p != null && p.runq.isEmpty();
        if (nothingHere && p.status == P.RUNNING && global.isEmpty() && noTimerDue(p)) {
            // A lone yielder: nothing is queued here or globally and no timer of this P is due,
            // so it would be the next to run wherever it went. The global queue and back cost two
            // lock round trips on a line every carrier writes, plus wakep's fence (two yielders
            // at procs 2: 256 CPU ns a yield that way, 185 this way). It goes to this P's ring,
            // not runnext, so the M's next findRunnable is an ordinary round: timers checked, the
            // global queue polled first every 61st slice, and taking the G from the ring starts a
            // new slice (schedtick), which sysmon watches. Whatever becomes ready meanwhile (a
            // platform thread's ready into the global queue, a timer falling due) sends the next
            // yield down the paths below, behind it. No wakep: this M runs it next and leaves no
            // work for another. A preemption never comes here (it must end a runnext chain: see
            // below), nor a retaken P, whose ring the stuck M hands to the global queue
            // (retireRetaken).
            p.runq.put(g, false, global);
        } else if (p == null || preempted || nothingHere) {
            // A preemption (as Go's), a Gosched with nothing else queued here but work waiting
            // elsewhere (the global queue, a due timer) or a P retaken meanwhile, or an M that
            // lost its P: the global queue, behind everyone.
            global.put(g);
            sched.idle.wakep();
        } else if (yielded) {
            // Gosched with work queued here: the tail of this P's queue, behind all of it, as
            // the JDK's scheduler does. Go puts it in the global queue, whose lock every P then
            // takes once per yield (1,000 yielders at procs 2 met there on every switch). What
            // waits in the global queue is still reached: each of these switches starts a slice,
            // and every 61st slice polls it. A preemption must not come here: a preempted G ends
            // a runnext chain (channel hand-offs, which start no slice), and requeued locally it
            // left the global queue unpolled for good under N_1 (ProcessCancellationStressTest).
            p.runq.put(g, false, global);
            sched.idle.wakepFromRunningP();
        } else {
            // Woken while it unmounted (a park whose unpark came in between): run it next, as Go
            // resumes a gopark whose unlock step failed.
            p.runq.put(g, true, global);
            sched.idle.wakepFromRunningP();
        }
    }

    /**
     * Whether no timer of {@code p} is due: one volatile read, and a clock read only when the P
     * has a timer armed. A due one goes first, as in Go, whose Gosched reaches checkTimers before
     * the yielder is taken back from the global queue.
     */
    private boolean noTimerDue(P p) {
        long next = p.timers.nextWhen();
        return next == Long.MAX_VALUE || next > sched.clock.nanoTime();
    }

    @Override
    public void mounting(G g) {
    }

    @Override
    public void ran(G g) {
    }

    @Override
    public G pollGlobalFirst(P p, M m) {
        if (p.schedtick % Sched.GLOBAL_FAIRNESS_TICKS == 0 && !global.isEmpty()) {
            G g = global.poll();
            if (g != null) {
                m.inheritTime = false;
            }
            return g;
        }
        return null;
    }

    @Override
    public G runqGet(P p, M m) {
        G g = p.runq.pollRunnext();
        if (g != null) {
            m.inheritTime = true;
            return g;
        }
        m.inheritTime = false;
        return p.runq.pollRing();
    }

    @Override
    public G pollGlobalBatch(P p) {
        return global.pollBatch(p.runq, sched.procs());
    }

    @Override
    public G steal(P thief, P victim, boolean stealRunnext, long backoffNanos) {
        return victim.runq.stealInto(thief.runq, stealRunnext, backoffNanos);
    }

    @Override
    public void putGlobal(G g) {
        global.put(g);
    }

    @Override
    public boolean globalEmpty() {
        return global.isEmpty();
    }

    @Override
    public int globalSize() {
        return global.size();
    }

    @Override
    public void drainToGlobal(P p) {
        p.runq.drainTo(global);
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
