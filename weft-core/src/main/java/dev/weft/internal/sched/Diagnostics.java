package dev.weft.internal.sched;

import dev.weft.internal.vm.VirtualThreads;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * What the scheduler tells about itself: deadlock detection ("all goroutines are asleep"), the
 * goroutine dump in Go's format, the counters behind {@code Weft.stats()}, and the runtime's own
 * warnings.
 *
 * <p><b>Deadlock detection.</b> Sysmon, with every P idle, no queued work and no timer pending,
 * asks {@link #deadlockCandidate}: a deadlock needs every live goroutine parked in a weft
 * primitive that belongs to this runtime (the runtime token recorded at the park, see
 * {@link Parking#park(Object, WaitReason, Object)}), so that no platform thread could be the one
 * to signal it; every other weft runtime of the JVM asleep too (nothing queued, running or timed
 * there, every goroutine in a weft wait), since one of their goroutines could hold a reference
 * and signal it; and someone waiting for the outcome: a main goroutine not yet told, or a
 * {@code close()}. Sysmon asks twice, some milliseconds apart with no context switch anywhere
 * in between, before it believes it ({@link #declareDeadlock}): each main goroutine of the
 * deadlock gets its dump (its {@code Weft.run} throws), a waiting close gives up on the
 * goroutines. A later {@code run} on the same runtime starts afresh. Waits inside the JDK
 * (sockets, JDK locks) never count: anything may end them.
 *
 * <p><b>Counters.</b> Context switches are counted per P by its M (plain longs); the switches of
 * Ps that leave {@code allp} (retaken, stopped by their M) and, under ONE_TO_ONE, of the
 * goroutines' own threads are kept here.
 */
final class Diagnostics {
    private static final System.Logger LOG = System.getLogger("dev.weft");

    private final Sched sched;
    /** Set when this runtime alone looked deadlocked but another runtime was awake: look again soon. */
    private volatile boolean waitingForOtherRuntimes;

    /** Switches by reason of Ps no longer in allp and, under ONE_TO_ONE, of goroutines' threads. */
    private final AtomicLongArray otherSwitchReasons = new AtomicLongArray(SwitchReason.COUNT);
    /** ONE_TO_ONE: wake-ups of goroutines' own threads, counted by the waker (deadlock detection). */
    final LongAdder kernelWakes = new LongAdder();
    /** Switches counted by Ps that were retaken (their counters leave allp with them). */
    private final AtomicLong retiredSwitches = new AtomicLong();
    private final AtomicLong retiredSteals = new AtomicLong();

    Diagnostics(Sched sched) {
        this.sched = sched;
    }

    /**
     * Reports a problem of the runtime itself through {@link System.Logger} ("dev.weft"), so that
     * an application routes it to its logging. Never throws: it is called from the scheduler's
     * own threads, including while they handle an OutOfMemoryError.
     */
    static void warn(String message, Throwable cause) {
        try {
            if (cause == null) {
                LOG.log(System.Logger.Level.WARNING, "weft: " + message);
            } else {
                LOG.log(System.Logger.Level.WARNING, "weft: " + message, cause);
            }
        } catch (Throwable ignored) {
            // Out of memory or a broken logger: the report is lost, the scheduler is not.
        }
    }

    /** Whether the last look found this runtime asleep but another runtime awake. */
    boolean waitingForOtherRuntimes() {
        return waitingForOtherRuntimes;
    }

    /**
     * A switch no P counts: on an M that lost its P meanwhile, or under ONE_TO_ONE a goroutine's
     * own thread that waited or ended (the kernel switched).
     */
    void countOtherSwitch(int reason) {
        otherSwitchReasons.incrementAndGet(reason);
    }

    /** Under the scheduler lock: {@code p} leaves allp for good; keep its counters. */
    void retire(P p) {
        retiredSwitches.addAndGet(p.switches);
        retiredSteals.addAndGet(p.steals);
        for (int reason = 0; reason < SwitchReason.COUNT; reason++) {
            otherSwitchReasons.addAndGet(reason, p.switchReasons[reason]);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Deadlock detection

    /**
     * Returns the dump Go prints for "all goroutines are asleep" if this runtime looks deadlocked
     * now (class comment), else null.
     */
    String deadlockCandidate() {
        waitingForOtherRuntimes = false;
        if (!sched.detectDeadlocks || (sched.goroutines.mainsRunning.get() == 0 && !sched.goroutines.closing())
                || !quiet(sched)) {
            return null;
        }
        List<G> gs = sched.goroutines.all.snapshot();
        boolean someoneWaits = sched.goroutines.closing();
        for (G g : gs) {
            if (g.status != GStatus.WAITING || !inWeftWait(g) || g.waitRuntime != sched || outsiderMayEnd(g)) {
                return null; // a wait made outside this runtime: something outside may signal it
            }
            someoneWaits |= g.mainWaiter() != null && g.deadlockDump() == null;
        }
        if (!someoneWaits || gs.isEmpty()) {
            return null;
        }
        for (Sched other : Sched.liveRuntimes()) {
            if (other != sched && !asleep(other)) {
                waitingForOtherRuntimes = true;
                return null;
            }
        }
        return "all goroutines are asleep - deadlock!\n\n" + dump(gs);
    }

    /**
     * Nothing can run in {@code s} now: every P idle, no queued work, no timer pending. A timer
     * whose due time saturated at the end of the clock reads like an empty heap in
     * {@code earliest()}, hence the count: a pending timer, however far, means no deadlock (Go's
     * checkdead looks for any timer in any heap), and its waiter simply waits.
     */
    private static boolean quiet(Sched s) {
        return s.allProcsIdle() && !s.anyQueuedWork() && s.retaken().length == 0
                && s.timers.earliest() == Long.MAX_VALUE && s.timers.pending() == 0;
    }

    /**
     * A wait recorded with a runtime token that a platform thread may end all the same: one that
     * began before a platform thread first locked its mutex ({@link WaitCompletion#outsiderMayEnd}).
     */
    private static boolean outsiderMayEnd(G g) {
        WaitCompletion c = g.waitCompletion;
        return c != null && c.outsiderMayEnd();
    }

    /**
     * A wait that only a goroutine can end (a weft primitive): not a JDK park, which anything may
     * end, and not a sleep or a timed join, which end by themselves with no weft timer to show for
     * it (a sleep under ONE_TO_ONE is a timed kernel park; a timed join waits on the JDK's clock).
     */
    private static boolean inWeftWait(G g) {
        WaitReason r = g.waitReason();
        if (r == WaitReason.JOIN && g.waitBlocker instanceof G joined && joined.bodyDone) {
            // The joined goroutine's end is under way on its own thread and will wake this
            // joiner: under ONE_TO_ONE that thread holds no P and makes no switch, so nothing
            // else shows it (a process member's exit bookkeeping can take milliseconds there).
            return false;
        }
        return r != WaitReason.NONE && r != WaitReason.JDK_PARK && r != WaitReason.SLEEP
                && r != WaitReason.JOIN_TIMED;
    }

    /**
     * Whether another runtime can signal nothing: quiet, and every goroutine in a weft wait that
     * only a goroutine can end. A wait with no runtime token (a primitive a platform thread made,
     * or a mutex one has locked) may be ended by a platform thread, so its goroutine may still
     * signal: as in {@link #deadlockCandidate}, where such a wait is no deadlock either.
     */
    private static boolean asleep(Sched s) {
        if (s.goroutines.live() == 0) {
            return true;
        }
        if (!quiet(s)) {
            return false;
        }
        for (G g : s.goroutines.all.snapshot()) {
            if (g.status != GStatus.WAITING || !inWeftWait(g) || g.waitRuntime == null || outsiderMayEnd(g)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sysmon confirmed a deadlock: each main goroutine in it that was not told yet gets the dump
     * (its Weft.run throws), and a close() waiting for these goroutines gives up on them.
     */
    void declareDeadlock(String dump) {
        Jfr.deadlock(sched, dump);
        dev.weft.internal.trace.RuntimeTrace t = sched.trace;
        if (t != null) {
            Tracing.fromCaller(sched, t, dev.weft.internal.trace.TraceEvent.DEADLOCK, 0, sched.goroutines.live(), 0);
        }
        for (G g : sched.goroutines.all.snapshot()) {
            Thread waiter = g.mainWaiter();
            // A main that waits for a nested run learns of the deadlock from that run's exception.
            if (waiter != null && g.deadlockDump() == null && g.waitReason() != WaitReason.RUN_MAIN) {
                g.rare().deadlockDump = dump; // a main goroutine's side object exists: no race to make it
                LockSupport.unpark(waiter);
            }
        }
        if (sched.goroutines.closing()) {
            sched.goroutines.giveUpClosing();
        }
    }

    /**
     * Sysmon's insurance against lost wake-ups: a goroutine still parked in a weft wait whose
     * completion flag is set was completed by a waker that failed before it could wake it (a
     * StackOverflowError or OutOfMemoryError between the two, which may have struck inside the
     * JDK's unpark, after it set the thread's permit). Wake it: clear the permit and unpark it,
     * and ready its G in case the JDK had already marked the thread runnable before the failure
     * (then the unpark does nothing); {@code ready} ignores a G that is already runnable.
     * Returns how many.
     */
    int recoverLostWakeups() {
        int n = 0;
        Map<G, WaitCompletion> seen = recoveryCandidates;
        Map<G, WaitCompletion> next = null; // allocated only when a wait is found completed
        for (G g : sched.goroutines.all.snapshot()) {
            if (g.readyLost) {
                g.readyLost = false; // runnable, in no queue: queue it
                sched.queues.putGlobal(g);
                sched.idle.wakep();
                n++;
                continue;
            }
            WaitCompletion c = g.waitCompletion;
            if (c == null || g.kernelThread() || g.status != GStatus.WAITING || !c.completed()) {
                continue;
            }
            // Completed and still parked. Between a waker's completion and its wake-up that is
            // normal for a moment: act only on the second scan that sees the same wait so.
            if (seen.get(g) != c) {
                try {
                    if (next == null) {
                        next = new IdentityHashMap<>();
                    }
                    next.put(g, c);
                } catch (OutOfMemoryError e) {
                    // The scan goes on (readyLost goroutines are queued regardless); this wait is
                    // remembered by a later scan, when there is memory to remember it in.
                }
                continue;
            }
            VirtualThreads.clearParkPermit(g.thread); // the failed unpark may have left it set
            LockSupport.unpark(g.thread);
            if (g.status == GStatus.WAITING) {
                sched.ready(g); // the JDK had marked it runnable before the failure: submit it
            }
            n++;
        }
        recoveryCandidates = next == null ? Map.of() : next;
        lostWakeupsRecovered += n;
        return n;
    }

    /**
     * The completed waits the last recovery scan saw goroutines parked in (see
     * {@link #recoverLostWakeups}); sysmon only. A map here rather than a field of every G: it
     * is nearly always empty, and a field would be four bytes of every goroutine (G's "Size").
     */
    private Map<G, WaitCompletion> recoveryCandidates = Map.of();

    /**
     * Set where an error was caught on a wake-up or scheduling path (a deferred wake-up, a ready
     * that swallowed an error, a carrier's or sysmon's loop): while the runtime is busy, sysmon
     * scans for lost wake-ups only then, since a scan walks every goroutine.
     */
    static volatile boolean failureSeen;

    /** Wake-ups sysmon recovered (see {@link #recoverLostWakeups}); sysmon-written. */
    volatile long lostWakeupsRecovered;

    /** Context switches over every runtime of the JVM: sysmon's "did anything happen anywhere". */
    static long jvmSwitches() {
        long n = 0;
        for (Sched s : Sched.liveRuntimes()) {
            n += s.diagnostics.totalSwitches();
        }
        return n;
    }

    /** Context switches so far, over every P; sysmon's "did anything happen" test. */
    long totalSwitches() {
        long n = retiredSwitches.get() + kernelWakes.sum();
        for (P p : sched.allp()) {
            n += p.switches;
        }
        return n;
    }

    // ---------------------------------------------------------------------------------------
    // Dumps

    /** The goroutine dump, in Go's format (Weft.dump()). */
    String dump() {
        return dump(sched.goroutines.all.snapshot());
    }

    private String dump(List<G> gs) {
        gs.sort(Comparator.comparingLong(g -> g.id));
        // Goroutines of processes are grouped under their process, in order of first goroutine,
        // after those of the root process; without processes the dump is Go's, unchanged.
        boolean grouped = false;
        for (G g : gs) {
            grouped |= g.process != null;
        }
        if (grouped) {
            LinkedHashMap<ProcessLink, List<G>> byProcess = new LinkedHashMap<>();
            byProcess.put(null, new ArrayList<>());
            for (G g : gs) {
                byProcess.computeIfAbsent(g.process, k -> new ArrayList<>()).add(g);
            }
            gs = new ArrayList<>(gs.size());
            for (List<G> members : byProcess.values()) {
                gs.addAll(members);
            }
        }
        long now = sched.clock.nanoTime();
        StringBuilder sb = new StringBuilder();
        boolean first = true;
        ProcessLink section = null;
        for (G g : gs) {
            if (grouped && (first || g.process != section)) {
                section = g.process;
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append("== ").append(section == null ? "root process" : section.describe()).append(" ==\n");
            } else if (sb.length() > 0) {
                sb.append('\n');
            }
            first = false;
            sb.append("goroutine ").append(g.id).append(" [").append(g.statusText());
            if (g.status == GStatus.WAITING) {
                G.Rare r = g.rare(); // a dump's stamp is the one thing that gives a waiting G its side object
                if (r.waitSeenAt == 0) {
                    r.waitSeenAt = now; // stamped lazily, as Go's GC does
                }
                long ms = (now - r.waitSeenAt) / 1_000_000;
                if (ms > 0) {
                    sb.append(", ").append(ms).append(ms == 1 ? " millisecond" : " milliseconds");
                }
            }
            // The Java thread id matches the goroutine to a jcmd Thread.dump_to_file or a JFR event.
            sb.append("] (java thread ").append(g.thread.threadId()).append("):\n");
            for (StackTraceElement f : g.thread.getStackTrace()) {
                if (f.getClassName().equals(G.class.getName()) && f.getMethodName().equals("run")) {
                    break; // below this: the JDK's virtual-thread entry frames
                }
                sb.append(f.getClassName()).append('.').append(f.getMethodName()).append("(...)\n\t")
                        .append(f.getFileName() == null ? "?" : f.getFileName()).append(':')
                        .append(f.getLineNumber()).append('\n');
            }
            if (g.parentId != 0) {
                sb.append("created by goroutine ").append(g.parentId).append('\n');
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------------------------------
    // Statistics

    /**
     * A test's probe, run by {@link #stats} between its read of procs and its read of allp (null
     * otherwise): a setProcs there is one that races the snapshot.
     */
    Runnable afterProcsReadForTest;

    /**
     * A racy snapshot of the counters, for the demo, tests and Weft.stats(). Its procs and its
     * per-P arrays agree even while setProcs runs: procs is read first, and a grow publishes the
     * longer allp before the larger procs (both under the scheduler lock), so the allp read after
     * it holds at least procs Ps. Read the other way round, a grow in between left the per-P
     * switch counts shorter than procs.
     */
    SchedStats stats() {
        int procs = sched.procs();
        Runnable probe = afterProcsReadForTest;
        if (probe != null) {
            probe.run();
        }
        P[] ps = sched.allp();
        long switches = retiredSwitches.get(), steals = retiredSteals.get();
        int[] runq = new int[procs];
        long[] reasons = new long[SwitchReason.COUNT];
        for (int r = 0; r < SwitchReason.COUNT; r++) {
            reasons[r] = otherSwitchReasons.get(r);
        }
        if (sched.model == Model.ONE_TO_ONE) {
            switches += reasons[SwitchReason.WAIT] + reasons[SwitchReason.EXIT]; // the kernel's switches we saw
        }
        long[][] perP = new long[procs][];
        for (int i = 0; i < ps.length; i++) {
            P p = ps[i];
            switches += p.switches;
            steals += p.steals;
            long[] mine = p.switchReasons.clone();
            for (int r = 0; r < SwitchReason.COUNT; r++) {
                reasons[r] += mine[r];
            }
            if (i < perP.length) {
                perP[i] = mine;
            }
        }
        for (int i = 0; i < runq.length; i++) {
            runq[i] = ps[i].runqSize();
        }
        int ms;
        int idleMs;
        sched.lock.lock();
        try {
            ms = sched.idle.allMs().size();
            idleMs = sched.idle.idleMs();
        } finally {
            sched.lock.unlock();
        }
        Preemption pr = sched.preemption;
        Goroutines gr = sched.goroutines;
        return new SchedStats(procs, sched.idle.idleProcs(), ms, idleMs, sched.idle.spinning(),
                sched.queues.globalSize(), runq, sched.timers.pending(), gr.created(), gr.adoptedCount.get(),
                gr.live(), switches, steals, pr.preemptRequests.get(), pr.preemptYields.get(), pr.sliceEnds.get(),
                pr.syscallHandoffs.get(), pr.hogRetakes.get(), pr.blockedRetakes.get(),
                pr.priorityPreemptRequests.get(), pr.starvationBoosts.get(), reasons, perP);
    }

    /** The scheduler's state in one line, for diagnosing a stuck runtime. */
    String describe() {
        StringBuilder sb = new StringBuilder(sched.name()).append(": procs=").append(sched.procs()).append(' ');
        sb.append("global=").append(sched.queues.globalSize()).append(" npidle=").append(sched.idle.idleProcs())
                .append(" nmspinning=").append(sched.idle.spinning()).append(" needspinning=")
                .append(sched.idle.needSpinning()).append(" live=").append(sched.goroutines.live())
                .append(" retaken=").append(sched.retaken().length);
        for (P p : sched.allp()) {
            sb.append(" [P").append(p.id).append(' ').append(P.statusName(p.status)).append(" ring=")
                    .append(p.runqSize()).append(" next=").append(p.hasRunnext())
                    .append(" m=").append(p.m == null ? "-" : p.m.getName()).append(']');
        }
        for (P p : sched.retaken()) {
            sb.append(" [retaken P").append(p.id).append(" ring=").append(p.runqSize()).append(" next=")
                    .append(p.hasRunnext()).append(']');
        }
        int[] counts = new int[8];
        for (G g : sched.goroutines.all.snapshot()) {
            counts[g.status]++;
        }
        sb.append(" gstatus=").append(java.util.Arrays.toString(counts));
        return sb.toString();
    }
}
