package dev.weft.internal.sched;

import dev.weft.internal.queue.GlobalRunQueue;
import dev.weft.internal.queue.PriorityRunQueue;
import java.lang.invoke.VarHandle;

/**
 * The PRIORITY policy: an OS-style scheduler's rules on top of Go's machinery. Each P has a
 * 32-level queue ({@link P#prq}), and so does the runtime (the global queue). The rules:
 * <ol>
 *   <li><b>The highest ready level runs</b>; within a level, round robin: a G whose slice ends
 *       or that yields goes to the tail of its level.</li>
 *   <li><b>Preemption on ready</b>: when a G becomes ready, no P is idle and a lower-level G is
 *       running, the ready G is published in the global queue and the lowest running G is asked
 *       to yield at its next safe point; whichever P switches first runs the ready G, because a
 *       P polls the global queue first whenever it holds a higher level than its own. The search
 *       for the lowest running G reads every P's current G, a line its carrier writes on every
 *       switch; a G at the runtime's level floor ({@link LevelFloor}, the lowest level any
 *       G was given) outranks nobody and skips it, as every G of a program that sets no
 *       priority does unless a starvation boost has raised it.</li>
 *   <li><b>Starvation guard</b> (the balance-set manager): sysmon boosts Gs queued longer than
 *       the bound to level 15, into the global queue; a boost decays one level per run.</li>
 * </ol>
 *
 * <p><b>Publish, then flag.</b> A ready G that outranks a running one is put in the global queue,
 * then a full fence, then the lowest running G is flagged. The M that mounts a G
 * ({@link #mounting}) fences and then reads the global queue's best level, flagging again whoever
 * runs lowest. Between a G being flagged and it leaving its carrier another G may replace it;
 * one of the two sides always sees the other, so a request cannot fall between two Gs.
 *
 * <p><b>The inbox.</b> A G at the level floor readied by a thread that holds no P (a platform
 * thread spawning) goes to {@link #inbox}, a FIFO with one lock for putters and one for takers,
 * not to the global queue, whose one lock the carriers' batch takes hold: a platform thread
 * spawning for two carriers met them there, as under FIFO before its global queue got two locks,
 * and PRIORITY's spawn from a platform thread cost 1.55x FIFO's (docs/BENCHMARKS.md, "Issue 11,
 * eighth session"). A G at the floor outranks nobody, so no preemption decision needs to see it:
 * the global queue's best level (rule 1, publish-then-flag) is what it was. Carriers take a batch
 * from the inbox when their own queue and the global queue have nothing, and one G every 61st
 * slice while their best queued level is the floor (fairness, as for the global queue). A G at
 * the floor that yields or ends its slice while equals wait in the inbox goes behind them there
 * (round robin among equals wherever they wait, rule 1: PriorityRoundRobinTest). When no carrier
 * took from the inbox between two of sysmon's starvation scans, sysmon moves what it holds to the
 * global queue before the scan, so that a G held there is stamped and boosted like any other. The
 * spinning protocol's checks ({@link #globalEmpty}) include it. The floor only falls; when it
 * does, the Gs the inbox holds are above it, and the next carrier to schedule moves them to the
 * global queue ({@link #inboxCheck}; a putter that read the old floor and queued after that move
 * asks for another, PriorityInboxReviewTest).
 */
final class PriorityQueues implements RunQueuePolicy {
    /** The level a starving G is boosted to (the balance-set manager's 15). */
    static final int BOOST_LEVEL = 15;

    private final Sched sched;
    final PriorityRunQueue<G> global = new PriorityRunQueue<>();
    /** Floor-level Gs readied from outside the runtime's Ps (class comment, "The inbox"). */
    final GlobalRunQueue<G> inbox = new GlobalRunQueue<>();
    /** The inbox's head position at sysmon's last starvation scan; sysmon only. */
    private long inboxHeadSeen = -1;
    /**
     * The level floor as the carriers last saw it ({@link #inboxCheck}); any other value than
     * the floor's (a fall, or -1 from a putter that lost the race below) makes the next carrier
     * that schedules move the inbox to the global queue.
     */
    private volatile int floorSeen = Integer.MAX_VALUE;
    /** A G queued this long is boosted to {@link #BOOST_LEVEL}; 0: never. */
    final long starvationBoostNanos;

    PriorityQueues(Sched sched, long starvationBoostNanos) {
        this.sched = sched;
        this.starvationBoostNanos = starvationBoostNanos;
    }

    @Override
    public void ready(G g, P mine, boolean fromGoroutine) {
        long now = queueTime();
        G lowest;
        // A G at the floor (LevelFloor) outranks nobody: no search of the running Gs.
        boolean atFloor = g.level <= sched.levelFloor.get();
        if (!atFloor && sched.idle.idleProcs() == 0 && (lowest = lowestRunning()) != null && lowest.level < g.level) {
            global.put(g, false, now);
            g.queuePending = false; // queued: see Sched.ready
            VarHandle.fullFence(); // publish, then flag (class comment)
            preemptLowerThan(g.level);
            sched.idle.wakep();
            return;
        }
        if (mine != null) {
            mine.prq.put(g, fromGoroutine, now);
            g.queuePending = false;
            sched.idle.wakepFromRunningP();
            return;
        }
        if (atFloor) {
            inbox.put(g);
            g.queuePending = false;
            sched.idle.wakep(); // its fence orders the put before the floor's read below
            if (g.level > sched.levelFloor.get()) {
                floorSeen = -1; // the floor fell meanwhile and a carrier may have moved the inbox already: again
            }
            return;
        }
        global.put(g, false, now);
        g.queuePending = false;
        sched.idle.wakep();
    }

    @Override
    public void requeue(G g, P p, boolean yielded, boolean preempted) {
        if (p == null) {
            global.put(g, false, queueTime());
            sched.idle.wakep();
            return;
        }
        if (yielded && (preempted || p.prq.bestLevel() < g.level)) {
            // Round robin among every ready G of the level, wherever it is queued (rule 1): equals
            // waiting in the global queue go first, which p's own tail alone would not give them
            // (the global queue is polled at equal level only every 61st slice). A plain yield
            // with equals queued here goes behind them instead, as under FIFO: round robin among
            // those, without the global queue's lock and a wakep for every yield. Equals at the
            // floor may wait in the inbox instead: then behind them there.
            if (global.bestLevel() >= g.level) {
                global.put(g, false, queueTime());
                sched.idle.wakepFromRunningP();
                return;
            }
            if (g.level <= sched.levelFloor.get() && !inbox.isEmpty()) {
                inbox.put(g);
                sched.idle.wakepFromRunningP();
                return;
            }
        }
        // A yield or a preemption goes to the tail of its level here, a park woken in flight
        // to runnext if it is still the best. A yielder alone on its P is what this M runs next:
        // there is nothing for another M to take, so no wakep (and none of its fence).
        boolean alone = yielded && p.prq.isEmpty();
        if (yielded) {
            p.prq.putBehind(g, queueTime()); // behind the level's overflow too: round robin
        } else {
            p.prq.put(g, true, queueTime());
        }
        if (!alone) {
            sched.idle.wakepFromRunningP();
        }
    }

    @Override
    public void mounting(G g) {
        // The other half of publish-then-flag: a G readied while we switched may have flagged
        // the G we replaced, so flag again whoever now runs lowest (this G or another P's), if
        // the global queue holds a G above it.
        VarHandle.fullFence();
        int best = global.bestLevel();
        if (best > g.level) {
            g.preemptReason = SwitchReason.PRIORITY;
            g.preempt = true;
            sched.preemption.recordRequest(null, g, SwitchReason.PRIORITY);
        } else if (best >= 0) {
            preemptLowerThan(best);
        }
    }

    @Override
    public void ran(G g) {
        // One read of each: setPriority may change both meanwhile, and the level must never fall
        // below 0 or the base.
        int level = g.level;
        int base = g.basePriority;
        if (level > base) {
            g.level = (byte) Math.max(base, level - 1);
        }
    }

    @Override
    public G pollGlobalFirst(P p, M m) {
        inboxCheck();
        // The global queue first when its best level is above ours (a G readied to preempt
        // someone waits there), or at equal level every 61st slice.
        int gl = global.bestLevel();
        boolean fairnessTick = p.schedtick % Sched.GLOBAL_FAIRNESS_TICKS == 0;
        if (gl < 0 && !fairnessTick) {
            return null;
        }
        int ll = p.prq.bestLevel();
        G g = null;
        if (gl >= 0 && gl > ll) {
            g = global.pollBatch(p.prq, sched.procs()); // better work waits there: a batch of it
        } else if (fairnessTick) {
            // Fairness alone: one G, as Go's schedule takes (globrunqget(pp, 1)); this P has work
            // of the same level queued, and a batch would put a crowd ahead of it. The inbox's
            // Gs are at the floor: their turn comes while this P's best is the floor too.
            if (gl >= 0 && gl == ll) {
                g = global.poll();
            }
            if (g == null && ll <= sched.levelFloor.get() && !inbox.isEmpty()) {
                g = inbox.poll();
            }
        }
        if (g != null) {
            m.inheritTime = false;
        }
        return g;
    }

    /**
     * Every schedule: if the level floor fell since the carriers last looked, the Gs the inbox
     * holds are above it now, where the inbox's argument (a floor G outranks nobody) no longer
     * holds: they join the global queue, unstamped, where every rule sees them and the next
     * mount flags whoever runs below them (class comment, "The inbox"). Two volatile reads when
     * nothing changed.
     */
    private void inboxCheck() {
        int f = sched.levelFloor.get();
        if (f != floorSeen) {
            floorSeen = f;
            moveInboxToGlobal();
        }
    }

    /**
     * Moves what the inbox holds now to the global queue, unstamped: at most that many, so that a
     * platform thread spawning meanwhile cannot keep the caller here. Then, if it moved any, a
     * wakep: the move is a submit like any other (Idle, "The lost-wake-up argument"), since
     * between a poll and its put the G was in neither queue, and a spinner that looked then may
     * have parked.
     */
    private void moveInboxToGlobal() {
        G held;
        boolean moved = false;
        for (int n = inbox.size(); n > 0 && (held = inbox.poll()) != null; n--) {
            global.put(held, false, PriorityRunQueue.UNSTAMPED);
            moved = true;
        }
        if (moved) {
            sched.idle.wakep();
        }
    }

    @Override
    public G runqGet(P p, M m) {
        G g = p.prq.pollRunnext();
        if (g != null) {
            m.inheritTime = true;
            return g;
        }
        m.inheritTime = false;
        return p.prq.poll();
    }

    @Override
    public G pollGlobalBatch(P p) {
        G g = global.pollBatch(p.prq, sched.procs());
        if (g == null && !inbox.isEmpty()) {
            g = p.prq.pollBatchFrom(inbox, sched.procs()); // below anything the global queue holds
        }
        return g;
    }

    @Override
    public G steal(P thief, P victim, boolean stealRunnext, long backoffNanos) {
        return victim.prq.stealInto(thief.prq, stealRunnext, backoffNanos);
    }

    @Override
    public void putGlobal(G g) {
        global.put(g, false, queueTime());
    }

    @Override
    public boolean globalEmpty() {
        return global.isEmpty() && inbox.isEmpty();
    }

    @Override
    public int globalSize() {
        return global.size() + inbox.size();
    }

    @Override
    public void drainToGlobal(P p) {
        p.prq.drainTo(global);
    }

    /**
     * Gs queued longer than the bound are boosted to {@link #BOOST_LEVEL} and moved to the global
     * queue; then, as for any G becoming ready, an idle P is woken or the lowest running G below
     * the boost level is asked to yield.
     */
    @Override
    public int boostStarved(long now) {
        if (starvationBoostNanos <= 0) {
            return 0;
        }
        long before = now - starvationBoostNanos;
        // If no carrier took from the inbox since the last scan, what it holds joins the global
        // queue: this scan stamps it, and a later one boosts it if it is still queued then (class
        // comment, "The inbox"). While carriers take from it, it stays: moving a spawning burst
        // through the global queue's lock, one G at a time, would only slow it.
        if (inbox.headPosition() == inboxHeadSeen) {
            moveInboxToGlobal();
        }
        inboxHeadSeen = inbox.headPosition();
        int moved = 0;
        P[] ps = sched.allp();
        for (int i = 0, n = Math.min(sched.procs(), ps.length); i < n; i++) {
            if (ps[i].status != P.STOPPED) {
                moved += ps[i].prq.boostStarved(now, before, BOOST_LEVEL, global);
            }
        }
        for (P p : sched.retaken()) {
            moved += p.prq.boostStarved(now, before, BOOST_LEVEL, global);
        }
        moved += global.boostStarved(now, before, BOOST_LEVEL, global);
        if (moved > 0) {
            sched.preemption.starvationBoosts.addAndGet(moved);
            Jfr.boost(sched, moved, BOOST_LEVEL);
            dev.weft.internal.trace.RuntimeTrace t = sched.trace;
            if (t != null) {
                Tracing.fromCaller(sched, t, dev.weft.internal.trace.TraceEvent.BOOST, 0, moved, BOOST_LEVEL);
            }
            VarHandle.fullFence(); // publish, then flag
            if (sched.idle.idleProcs() == 0) {
                preemptLowerThan(BOOST_LEVEL);
            }
            sched.idle.wakep();
        }
        return moved;
    }

    @Override
    public boolean firesTimersWhenBusy() {
        return true;
    }

    /**
     * The time a G is queued at, for the starvation guard: none. A clock read per put cost a
     * ping-pong round trip two reads, a fifth of PRIORITY's cost over FIFO; instead sysmon's scan
     * stamps each queued G the first time it sees it ({@link PriorityRunQueue#UNSTAMPED}), and
     * scans twice as often as an exact stamp would need (Sysmon), so that a starving G is still
     * boosted at most a quarter of the bound late.
     */
    private static long queueTime() {
        return PriorityRunQueue.UNSTAMPED;
    }

    /** The running G of the lowest level over the Ps in use, or null if none runs; racy. */
    private G lowestRunning() {
        P[] ps = sched.allp();
        G lowest = null;
        for (int i = 0, n = Math.min(sched.procs(), ps.length); i < n; i++) {
            P p = ps[i];
            M m = p.m;
            G running = m == null || p.status != P.RUNNING ? null : m.curg;
            if (running != null && (lowest == null || running.level < lowest.level)) {
                lowest = running;
            }
        }
        return lowest;
    }

    /**
     * Asks the lowest-priority running goroutine, if it is below {@code level}, to yield at its
     * next safe point. Racy by design: a G that switches away meanwhile clears the stale request
     * when it next runs, and the M that mounts the next G checks again ({@link #mounting}).
     */
    private void preemptLowerThan(int level) {
        if (level <= sched.levelFloor.get()) {
            return; // no G runs below the floor (LevelFloor): no search
        }
        G victim = lowestRunning();
        if (victim == null || victim.level >= level || victim.preempt) {
            return; // nobody below, or already asked
        }
        victim.preemptReason = SwitchReason.PRIORITY;
        victim.preempt = true;
        sched.preemption.priorityPreemptRequests.incrementAndGet();
        sched.preemption.recordRequest(null, victim, SwitchReason.PRIORITY);
    }
}
