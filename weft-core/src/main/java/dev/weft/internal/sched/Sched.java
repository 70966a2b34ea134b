package dev.weft.internal.sched;

import dev.weft.internal.queue.GlobalRunQueue;
import dev.weft.internal.queue.PriorityRunQueue;
import dev.weft.internal.timer.TimerEntry;
import dev.weft.internal.timer.TimerHeap;
import dev.weft.internal.util.Clock;
import dev.weft.internal.util.SpinLock;
import dev.weft.internal.vm.VirtualThreads;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * One weft runtime's scheduler: Go's {@code schedt} plus {@code schedule}, {@code findRunnable},
 * {@code ready}, {@code wakep}, {@code startm}/{@code stopm} and {@code procresize}, for Gs that
 * are JDK virtual threads (see {@link G}) run by carriers ({@link M}) through logical processors
 * ({@link P}).
 *
 * <h2>Where a runnable G goes ({@link #ready}, called from the JDK's {@code execute})</h2>
 * <ol>
 *   <li>From a running goroutine of this runtime (the caller is a virtual thread mounted on one
 *       of our Ms, which holds a P): Go's {@code ready}: the G goes to that P's runnext and
 *       inherits the rest of the time slice; the G it displaces goes to the local tail. From one
 *       of our Ms in its own context (a timer it runs, the JDK's end-of-thread wake-up of
 *       joiners): that P's local tail.</li>
 *   <li>While the G is still mounted (the JDK calls {@code execute} from inside
 *       {@code runContinuation}, after unmounting: {@code Thread.yield}, or a park whose permit was
 *       granted in flight): the G is marked RUNNABLE_MOUNTED and its M queues it once the call
 *       returns: on the global queue for a yield (Go's {@code Gosched}), else in the M's
 *       runnext.</li>
 *   <li>From anywhere else (platform threads, the JDK's timer and monitor threads): the global
 *       queue, then {@link #wakep}.</li>
 * </ol>
 *
 * <h2>Finding work ({@link #findRunnable})</h2>
 * Every 61st new time slice, one G from the global queue (fairness); runnext; the local ring;
 * a batch from the global queue; stealing (four rounds over the Ps in random coprime order,
 * half a victim's ring, its runnext only in the last round); then drop the P, re-check, park.
 *
 * <h2>Spinning and the lost-wake-up protocol</h2>
 * A spinning M looks for work without having found any; at most half the busy Ps' worth spin.
 * Two halves, both with a full fence between their store and their load:
 * <ul>
 *   <li><b>submit</b>: put the G in a queue, then fence, then read {@code nmspinning} and wake
 *       an idle P's M only if nobody spins ({@link #wakep});</li>
 *   <li><b>spinner exit</b>: drop the P, decrement {@code nmspinning} (a full fence), then
 *       re-check the global queue and every P's local queue, and take a P back if any has
 *       work.</li>
 * </ul>
 * At least one side sees the other, so no G is left queued while every M sleeps. A spinner that
 * finds work ({@link #resetSpinning}) wakes another spinner, which is how a burst reaches full
 * parallelism without waking every M up front.
 *
 * <h2>Locks</h2>
 * {@link #lock} (Go's {@code sched.lock}) guards the idle P and M lists, M creation,
 * {@code allp} and shutdown; the global queue, the timer heaps and the registry have their own
 * locks. All are {@link SpinLock}s, because carriers take them from the scheduler loop and a
 * carrier must never queue behind a goroutine (which unmounts while it waits on a monitor). None
 * is held while user code runs or anything parks; the scheduler lock comes before the others.
 */
public final class Sched {
    /** Steal rounds per findRunnable (Go's stealTries). */
    static final int STEAL_ROUNDS = 4;
    /** Every this many new time slices, the global queue goes first. */
    static final int GLOBAL_FAIRNESS_TICKS = 61;
    /** How long a thief waits before taking a running P's runnext (Go: 3 µs). */
    static final long RUNNEXT_STEAL_BACKOFF_NANOS = 3_000;
    /** The level a starving G is boosted to (the balance-set manager's 15). */
    public static final int BOOST_LEVEL = 15;

    private final String name;
    private final int maxMs;
    final Clock clock;
    /** A G that holds its carrier this long gets its preempt flag; after twice this, loses its P. */
    final long timesliceNanos;
    final Sysmon sysmon;
    private final BiConsumer<G, Throwable> uncaughtHandler;
    final Model model;
    /** Whether sysmon may hand a P to another M (false under N_1, which has one M). */
    final boolean handsOff;
    /** PRIORITY policy: 32-level queues (P.prq, globalPrio) instead of the FIFO ones. */
    final boolean priorityPolicy;
    /** Under PRIORITY, a G queued this long is boosted to {@link #BOOST_LEVEL}; 0: never. */
    final long starvationBoostNanos;

    /** The FIFO policy's global queue (unused, empty, under PRIORITY). */
    final GlobalRunQueue<G> global = new GlobalRunQueue<>();
    /** The PRIORITY policy's global queue; null under FIFO. */
    final PriorityRunQueue<G> globalPrio;
    /** Go's sched.lock: idle lists, allp/procs changes, M creation, shutdown. */
    final SpinLock lock = new SpinLock();

    /** All Ps ever created; only the first {@link #procs} are in use. Replaced under lock. */
    private volatile P[] allp;
    private volatile int procs;
    /** Precomputed steal enumeration for the current procs. */
    private volatile StealOrder stealOrder;

    private P pidle;                      // under lock
    private final AtomicInteger npidle = new AtomicInteger();
    /** Ps handed to startm when no M could be had; the next M entering stopm takes one. Under lock. */
    private P pwaitingM;
    private M midle;                      // under lock
    private int nmidle;                   // under lock
    private final List<M> allm = new ArrayList<>(); // under lock
    private final AtomicInteger nmspinning = new AtomicInteger();
    /** Set when a spinner was wanted but no P was idle: the next M to drop its P spins instead. */
    private final AtomicInteger needspinning = new AtomicInteger();

    private final AtomicLong goidgen = new AtomicLong();
    /** Goroutines started and not yet finished (including adopted ones). */
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong adoptedCount = new AtomicLong();
    /**
     * The G of each adopted thread (slow path only: a child's execute arrives on its parent's G).
     * A map rather than a slot on the thread, which user code could overwrite.
     */
    private final ConcurrentHashMap<Thread, G> adoptedByThread = new ConcurrentHashMap<>();

    private volatile boolean closing;
    /** The thread inside close(), waiting for the goroutines to finish. */
    private volatile Thread closer;
    /** Under lock: the thread-exhaustion message has been printed. */
    private boolean threadExhaustionReported;
    private volatile boolean stopped;

    /** Every live G, for dumps and deadlock detection. */
    final GRegistry allgs = new GRegistry();
    /** Whether sysmon looks for "all goroutines are asleep" while a main goroutine runs. */
    final boolean detectDeadlocks;
    /** Set once when a deadlock is found: the dump every waiting Weft.run throws with. */
    private volatile String deadlockDump;
    /** Main goroutines (run(main)) currently running. */
    private final AtomicInteger mainsRunning = new AtomicInteger();

    /** Ps that sysmon retook from stuck Ms; still stealable until their M retires them. Under lock. */
    private volatile P[] retaken = new P[0];

    // Counters of preemption and hand-off, by kind.
    final AtomicLong preemptRequests = new AtomicLong();
    final AtomicLong preemptYields = new AtomicLong();
    final AtomicLong sliceEnds = new AtomicLong();
    final AtomicLong syscallHandoffs = new AtomicLong();
    final AtomicLong hogRetakes = new AtomicLong();
    final AtomicLong blockedRetakes = new AtomicLong();
    final AtomicLong priorityPreemptRequests = new AtomicLong();
    final AtomicLong starvationBoosts = new AtomicLong();
    /**
     * Switches by reason of Ps that were retaken or whose M lost them in a syscall, and, under
     * ONE_TO_ONE (no Ps), of the goroutines' own waits and exits.
     */
    private final java.util.concurrent.atomic.AtomicLongArray otherSwitchReasons =
            new java.util.concurrent.atomic.AtomicLongArray(SwitchReason.COUNT);
    /** ONE_TO_ONE: wake-ups of goroutines' own threads, counted by the waker (deadlock detection). */
    final java.util.concurrent.atomic.LongAdder kernelWakes = new java.util.concurrent.atomic.LongAdder();
    /** Switches counted by Ps that were retaken (their counters leave allp with them). */
    private final AtomicLong retiredSwitches = new AtomicLong();
    private final AtomicLong retiredSteals = new AtomicLong();

    public Sched(String name, int procs, int maxMs, BiConsumer<G, Throwable> uncaughtHandler) {
        this(new SchedConfig(name, procs, maxMs, uncaughtHandler, Clock.SYSTEM, 10_000_000L, true, false, Model.M_N,
                1_000_000_000L));
    }

    public Sched(SchedConfig c) {
        VirtualThreads.ensureAvailable();
        // N_1 is one P and one carrier, ONE_TO_ONE one P that only holds timers, whatever the
        // configuration asks: the models' definitions.
        int procs = c.model() == Model.M_N ? c.procs() : 1;
        int maxMs = c.model() == Model.N_1 ? 1 : c.maxThreads();
        if (c.starvationBoostNanos() < 0) {
            throw new IllegalArgumentException("starvation bound must not be negative, got " + c.starvationBoostNanos()
                    + " ns");
        }
        if (procs < 1) {
            throw new IllegalArgumentException("procs must be at least 1, got " + procs);
        }
        if (maxMs < procs) {
            throw new IllegalArgumentException("maxThreads (" + maxMs + ") must be at least procs (" + procs + ")");
        }
        if (c.timesliceNanos() <= 0) {
            throw new IllegalArgumentException("timeslice must be positive, got " + c.timesliceNanos() + " ns");
        }
        String name = c.name();
        boolean priorityPolicy = c.priorityPolicy();
        Model model = c.model();
        this.name = name;
        this.maxMs = maxMs;
        this.uncaughtHandler = c.uncaughtHandler();
        this.clock = c.clock();
        this.timesliceNanos = c.timesliceNanos();
        this.detectDeadlocks = c.detectDeadlocks();
        this.model = model;
        this.handsOff = model == Model.M_N;
        this.priorityPolicy = priorityPolicy;
        this.starvationBoostNanos = priorityPolicy ? c.starvationBoostNanos() : 0;
        this.globalPrio = priorityPolicy ? new PriorityRunQueue<>() : null;
        P[] ps = new P[procs];
        for (int i = 0; i < procs; i++) {
            ps[i] = new P(i, priorityPolicy);
        }
        this.allp = ps;
        this.procs = procs;
        this.stealOrder = new StealOrder(procs);
        lock.lock();
        try {
            for (int i = procs - 1; i >= 0; i--) {
                pidleput(ps[i]);
            }
        } finally {
            lock.unlock();
        }
        this.sysmon = new Sysmon(this);
        sysmon.start();
    }

    public String name() {
        return name;
    }

    /** The clock every scheduling decision and timer of this runtime reads. */
    public long nanoTime() {
        return clock.nanoTime();
    }

    String threadName(long goid) {
        return "";
    }

    /** The Ps ever created (package-private: white-box tests and statistics). */
    P[] allp() {
        return allp;
    }

    // ---------------------------------------------------------------------------------------
    // Creating goroutines

    /**
     * Creates and starts a goroutine running {@code body}. From a goroutine of this runtime the
     * new G takes the caller's runnext (Go's newproc); from elsewhere it joins the global queue.
     */
    public G go(Runnable body, boolean reportFailure) {
        return start(body, reportFailure, null, INHERIT_PRIORITY);
    }

    /** {@link #go} at {@code priority} (0..31), or the creator's with {@link #INHERIT_PRIORITY}. */
    public G go(Runnable body, boolean reportFailure, int priority) {
        return start(body, reportFailure, null, priority);
    }

    /** Priority argument meaning "the creating goroutine's, or the default outside goroutines". */
    public static final int INHERIT_PRIORITY = -1;

    /**
     * Starts {@code main} as a main goroutine whose end, or a deadlock of the whole runtime,
     * {@link #awaitMain} waits for. Its failure is not reported to the handler.
     */
    public G goMain(Runnable main) {
        return start(main, false, Thread.currentThread(), INHERIT_PRIORITY);
    }

    /**
     * Waits until {@code main} (from {@link #goMain}) has ended; returns null, or the goroutine dump
     * if every goroutine fell asleep for good first. An interrupt does not end the wait.
     */
    public String awaitMain(G main) {
        boolean interrupted = false;
        try {
            while (!main.bodyDone) {
                String dump = deadlockDump;
                if (dump != null) {
                    return dump;
                }
                java.util.concurrent.locks.LockSupport.park(main);
                interrupted |= Thread.interrupted();
            }
            return null;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private G start(Runnable body, boolean reportFailure, Thread mainWaiter, int priority) {
        if (body == null) {
            throw new NullPointerException("weft: go of a null body");
        }
        G parent = currentG();
        if (closing && (parent == null || parent.sched != this)) {
            throw new RejectedExecutionException("weft: runtime '" + name + "' is closed; it accepts no new goroutines");
        }
        long parentId = parent == null ? 0 : parent.id;
        if (priority == INHERIT_PRIORITY) {
            priority = parent == null ? G.DEFAULT_PRIORITY : parent.basePriority;
        }
        boolean kernel = model == Model.ONE_TO_ONE;
        G g = new G(this, goidgen.incrementAndGet(), parentId, body, reportFailure, priority, kernel);
        if (kernel) {
            g.thread.setPriority(KernelPriorities.javaPriority(priority));
        }
        live.incrementAndGet();
        created.incrementAndGet();
        allgs.add(g);
        if (mainWaiter != null) {
            g.mainWaiter = mainWaiter;
            mainsRunning.incrementAndGet();
        }
        try {
            g.thread.start();
        } catch (RuntimeException | Error e) {
            allgs.remove(g);
            if (mainWaiter != null) {
                mainsRunning.decrementAndGet();
            }
            decrementLive();
            throw e;
        }
        return g;
    }

    /**
     * Called by a G's own virtual thread when its body has returned or thrown. The G is not DEAD
     * yet: its thread still runs the JDK's exit path, which may block on a monitor and be readied
     * again. Its M marks it DEAD once the thread has terminated ({@link #afterRun}).
     */
    void bodyFinished(G g) {
        allgs.remove(g);
        decrementLive(); // before bodyDone: a returning Weft.run sees the count without it
        g.bodyDone = true;
        Thread waiter = g.mainWaiter;
        if (waiter != null) {
            mainsRunning.decrementAndGet();
            java.util.concurrent.locks.LockSupport.unpark(waiter);
        }
    }

    private void decrementLive() {
        if (live.decrementAndGet() == 0 && closing) {
            wakeCloser();
        }
    }

    /** Wakes a close() waiting for the goroutines to finish (or to be given up on). */
    private void wakeCloser() {
        Thread c = closer;
        if (c != null) {
            java.util.concurrent.locks.LockSupport.unpark(c);
        }
    }

    void reportUncaught(G g, Throwable t) {
        try {
            uncaughtHandler.accept(g, t);
        } catch (Throwable handlerFailure) {
            System.err.println("weft: the uncaught-exception handler of runtime '" + name + "' threw " + handlerFailure
                    + " while handling an exception of goroutine " + g.id);
            t.printStackTrace();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Readying (the JDK's execute)

    /**
     * The process-wide default runtime (what {@code Go.go} and timers use outside goroutines),
     * created on first use: procs = available processors, failures printed to stderr.
     */
    public static Sched defaultSched() {
        return DefaultHolder.SCHED;
    }

    private static final class DefaultHolder {
        static final Sched SCHED = new Sched("weft", Runtime.getRuntime().availableProcessors(), 10_000,
                Sched::printFailure);
    }

    /** The default uncaught-exception report: goroutine id and stack trace on stderr. */
    public static void printFailure(G g, Throwable t) {
        synchronized (System.err) {
            System.err.println("weft: goroutine " + g.id + " failed: " + t);
            t.printStackTrace();
        }
    }

    /** The runtime of the calling goroutine, or the default runtime for any other thread. */
    public static Sched forCaller() {
        G g = currentG();
        return g != null ? g.sched : defaultSched();
    }

    /** The G running on the calling thread, if it is a goroutine of any weft runtime. */
    public static G currentG() {
        Thread carrier = VirtualThreads.currentCarrierThread();
        if (carrier instanceof M m && carrier != Thread.currentThread()) {
            return m.curg;
        }
        if (carrier instanceof G.KernelThread k) {
            return k.g; // ONE_TO_ONE: a platform thread is its own carrier
        }
        return null;
    }

    /** Makes {@code g} runnable; the three paths are in the class comment. Never parks. */
    void ready(G g) {
        Thread caller = Thread.currentThread();
        Thread carrier = VirtualThreads.currentCarrierThread();
        for (;;) {
            int s = g.status;
            if (s == GStatus.WAITING || s == GStatus.IDLE) {
                if (!g.casStatus(s, GStatus.RUNNABLE)) {
                    continue;
                }
                if (priorityPolicy) {
                    readyPriority(g, carrier, caller);
                    return;
                }
                if (carrier instanceof M m && m.sched == this && m.p != null && !m.inSyscall
                        && m.p.status != P.RETAKEN) {
                    // From a running goroutine: runnext (it inherits the slice). From the carrier
                    // itself (a timer firing, a goroutine's exit waking its joiners): the local
                    // tail, behind work already queued here, as Go's goyield does.
                    m.p.runq.put(g, carrier != caller, global);
                    wakepFromRunningP();
                    return;
                } else {
                    global.put(g);
                }
                wakep();
                return;
            }
            if (s == GStatus.RUNNING) {
                g.readiedOnCarrier = carrier == caller && carrier instanceof M m && m.curg == g
                        && VirtualThreads.isYielded(g.thread);
                if (g.casStatus(GStatus.RUNNING, GStatus.RUNNABLE_MOUNTED)) {
                    return;
                }
                continue;
            }
            if (s == GStatus.RUNNABLE || s == GStatus.RUNNABLE_MOUNTED) {
                // Already queued (or about to be). The JDK submits a thread again after suspending it to take its
                // stack trace (a run attempt may have been refused meanwhile); the queued entry
                // will run it, and a second entry would let two Ms race over it.
                return;
            }
            // Never throw here: the caller may be the JDK's unparker or unblocker thread, which
            // would die and strand every virtual thread of the JVM.
            System.err.println("weft: internal error: ready of " + g + " in status " + GStatus.name(s));
            return;
        }
    }

    /**
     * ready under the PRIORITY policy. If no P is idle and a goroutine of lower priority is
     * running, the lowest such is asked to yield (rule 2 of the policy) and {@code g} waits in
     * the global queue, which every P compares with its own best level when it next schedules,
     * so the first P to switch runs it. Otherwise as FIFO: the caller's P (runnext if {@code g}
     * is at least its best queued level) or the global queue.
     */
    private void readyPriority(G g, Thread carrier, Thread caller) {
        long now = queueTime();
        P mine = null;
        if (carrier instanceof M m && m.sched == this && m.p != null && !m.inSyscall && m.p.status != P.RETAKEN) {
            mine = m.p;
        }
        G lowest;
        if (npidle.get() == 0 && (lowest = lowestRunning()) != null && lowest.level < g.level) {
            // Publish first, then flag whoever runs lowest now: an M that switches Gs meanwhile
            // checks the global queue after setting its new G (execute), so one of the two
            // sides sees the other and the request cannot fall between two Gs.
            globalPrio.put(g, false, now);
            VarHandle.fullFence();
            preemptLowerThan(g.level);
            wakep();
            return;
        }
        if (mine != null) {
            mine.prq.put(g, carrier != caller, now);
            wakepFromRunningP();
            return;
        }
        globalPrio.put(g, false, now);
        wakep();
    }

    /** The time a G is queued at, for the starvation guard (not read when the guard is off). */
    private long queueTime() {
        return starvationBoostNanos > 0 ? clock.nanoTime() : 0;
    }

    /** The running G of the lowest level over the Ps in use, or null if none runs; racy. */
    private G lowestRunning() {
        P[] ps = allp;
        G lowest = null;
        for (int i = 0, n = Math.min(procs, ps.length); i < n; i++) {
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
     * when it next runs, and the M that mounts the next G checks the global queue again
     * ({@link #execute}).
     */
    private void preemptLowerThan(int level) {
        G victim = lowestRunning();
        if (victim == null || victim.level >= level || victim.preempt) {
            return; // nobody below, or already asked
        }
        victim.preemptReason = SwitchReason.PRIORITY;
        victim.preempt = true;
        priorityPreemptRequests.incrementAndGet();
    }

    /**
     * {@code execute} with a task that is not the scheduler-G's own: a virtual thread started
     * with the JDK's APIs inside a goroutine inherited that G as its scheduler. Find or create
     * its G ("adopt" it) and ready that.
     */
    void readyForeign(Runnable task) {
        Thread vt = VirtualThreads.threadOfTask(task);
        G g = adoptedGOf(vt);
        if (g == null) {
            g = adopt(vt, task);
        }
        ready(g);
    }

    private G adoptedGOf(Thread vt) {
        return adoptedByThread.get(vt);
    }

    private G adopt(Thread vt, Runnable task) {
        G parent = currentG();
        G g = new G(this, goidgen.incrementAndGet(), parent == null ? 0 : parent.id, vt, task,
                parent == null ? G.DEFAULT_PRIORITY : parent.basePriority);
        adoptedByThread.put(vt, g);
        if (vt.getUncaughtExceptionHandler() == vt.getThreadGroup()) {
            vt.setUncaughtExceptionHandler(g); // its failures reach the runtime's handler
        }
        live.incrementAndGet();
        created.incrementAndGet();
        adoptedCount.incrementAndGet();
        allgs.add(g);
        return g;
    }

    // ---------------------------------------------------------------------------------------
    // The M loop

    void mstart(M m) {
        P p = m.nextp;
        m.nextp = null;
        acquirep(m, p);
        for (;;) {
            G g = findRunnable(m);
            if (g == null) {
                return; // runtime stopped
            }
            if (m.spinning) {
                resetSpinning(m);
            }
            execute(m, g);
        }
    }

    /** Runs {@code g} on {@code m} until it unmounts, then settles its status. */
    private void execute(M m, G g) {
        P p = m.p;
        if (!m.inheritTime || p.sliceExpired) {
            p.schedtick++;
            if (p.sliceExpired) {
                p.sliceExpired = false;
            }
        }
        p.switches++;
        if (g.preempt) {
            g.preempt = false; // a request for an earlier slice
        }
        if (g.waitSeenAt != 0) {
            g.waitSeenAt = 0;
        }
        g.setStatusRelease(GStatus.RUNNING); // taken from a queue: nobody else may change it now
        m.curg = g;
        if (priorityPolicy) {
            // The other half of readyPriority's publish-then-flag: a G readied while we switched
            // may have flagged the G we replaced, so flag again whoever now runs lowest (this G
            // or another P's), if the global queue holds a G above it.
            VarHandle.fullFence();
            int best = globalPrio.bestLevel();
            if (best > g.level) {
                g.preemptReason = SwitchReason.PRIORITY;
                g.preempt = true;
            } else if (best >= 0) {
                preemptLowerThan(best);
            }
        }
        try {
            g.runContinuation.run();
        } catch (Throwable t) {
            // The JDK's runContinuation does not throw for a healthy thread; keep the carrier.
            System.err.println("weft: carrier " + m.getName() + " caught " + t + " running goroutine " + g.id);
            t.printStackTrace();
        }
        m.curg = null;
        if (g.inSyscall) {
            unmountedInSyscall(m, g);
        }
        afterRun(m, g);
    }

    private void afterRun(M m, G g) {
        if (priorityPolicy) {
            // A starvation boost decays one level per run. One read of each: setPriority may
            // change both meanwhile, and the level must never fall below 0 or the base.
            int level = g.level;
            int base = g.basePriority;
            if (level > base) {
                g.level = Math.max(base, level - 1);
            }
        }
        for (;;) {
            int s = g.status;
            if (s == GStatus.RUNNING) {
                if (!g.thread.isAlive()) {
                    // Terminated. Only the M that ran it last marks it: nothing can ready it now.
                    if (g.casStatus(GStatus.RUNNING, GStatus.DEAD)) {
                        countSwitch(m, SwitchReason.EXIT);
                        if (g.adopted) {
                            adoptedByThread.remove(g.thread);
                            allgs.remove(g);
                            decrementLive();
                        }
                        return;
                    }
                    continue;
                }
                if (g.casStatus(GStatus.RUNNING, GStatus.WAITING)) {
                    countSwitch(m, SwitchReason.WAIT);
                    return;
                }
                continue;
            }
            if (s == GStatus.RUNNABLE_MOUNTED) {
                P p = m.p;
                if (g.readiedOnCarrier) {
                    countSwitch(m, g.yieldReason);
                    g.yieldReason = SwitchReason.YIELD;
                } else {
                    countSwitch(m, SwitchReason.WAIT);
                }
                g.setStatusRelease(GStatus.RUNNABLE);
                if (priorityPolicy && p != null) {
                    // A yield or a preemption goes to the tail of its level here (rule 1), a
                    // park woken in flight to runnext if it is still the best.
                    p.prq.put(g, !g.readiedOnCarrier, queueTime());
                    wakepFromRunningP();
                } else if (g.readiedOnCarrier || p == null) {
                    globput(g);     // Gosched (or the M lost its P): behind everyone
                    wakep();
                } else {
                    // Woken while it unmounted (a park whose unpark came in between): run it
                    // next, as Go resumes a gopark whose unlock step failed.
                    p.runq.put(g, true, global);
                    wakepFromRunningP();
                }
                return;
            }
            throw fatal("goroutine " + g.id + " unmounted in status " + GStatus.name(s));
        }
    }

    /** ONE_TO_ONE: a goroutine's own thread waited or ended (the kernel switched). */
    void countKernelSwitch(int reason) {
        otherSwitchReasons.incrementAndGet(reason);
    }

    /** Counts a switch on the M's P, or among the others if the M lost its P meanwhile. */
    private void countSwitch(M m, int reason) {
        P p = m.p;
        if (p != null) {
            p.switchReasons[reason]++;
        } else {
            otherSwitchReasons.incrementAndGet(reason);
        }
    }

    /** Queues g globally, under either policy. */
    private void globput(G g) {
        if (priorityPolicy) {
            globalPrio.put(g, false, queueTime());
        } else {
            global.put(g);
        }
    }

    private int globSize() {
        return priorityPolicy ? globalPrio.size() : global.size();
    }

    private boolean globEmpty() {
        return priorityPolicy ? globalPrio.isEmpty() : global.isEmpty();
    }

    /** A batch from the global queue into p's queue; returns the first G, or null. */
    private G globPollBatch(P p) {
        return priorityPolicy ? globalPrio.pollBatch(p.prq, procs) : global.pollBatch(p.runq, procs);
    }

    /** Moves all of p's queue to the front of the global queue. */
    private void runqDrainToGlobal(P p) {
        if (priorityPolicy) {
            p.prq.drainTo(globalPrio);
        } else {
            p.runq.drainTo(global);
        }
    }

    /** The next G from p's own queue for p's M: runnext (inheriting the slice), else the queue. */
    private static G runqGet(P p, M m) {
        G g = p.runq != null ? p.runq.pollRunnext() : p.prq.pollRunnext();
        if (g != null) {
            m.inheritTime = true;
            return g;
        }
        m.inheritTime = false;
        return p.runq != null ? p.runq.pollRing() : p.prq.poll();
    }

    /**
     * Finds a runnable G for {@code m}, parking the M when there is none (Go's findRunnable).
     * Returns with {@code m.p} held and {@code m.inheritTime} set, or null when the runtime stops.
     */
    private G findRunnable(M m) {
        top:
        for (;;) {
            P pp = m.p;
            if (pp == null || pp.status == P.RETAKEN) {
                if (pp != null) {
                    retireRetaken(m);
                }
                if (!reacquireOrStop(m)) {
                    return null;
                }
                continue;
            }
            if (pp.stopRequested || pp.id >= procs) {
                // setProcs removed this P (flagged if it was running, or caught here if it was
                // in a hand-off or a syscall then).
                stopCurrentP(m);
                if (!reacquireOrStop(m)) {
                    return null;
                }
                continue;
            }
            if (pp.timers.nextWhen() != Long.MAX_VALUE) {
                runDueTimers(pp.timers);
            }
            G g;
            if (priorityPolicy) {
                // The global queue first when its best level is above ours (a G readied to
                // preempt someone waits there), or at equal level every 61st slice.
                int gl = globalPrio.bestLevel();
                if (gl >= 0) {
                    int ll = pp.prq.bestLevel();
                    if (gl > ll || (gl == ll && pp.schedtick % GLOBAL_FAIRNESS_TICKS == 0)) {
                        g = globalPrio.pollBatch(pp.prq, procs);
                        if (g != null) {
                            m.inheritTime = false;
                            return g;
                        }
                    }
                }
            } else if (pp.schedtick % GLOBAL_FAIRNESS_TICKS == 0 && !global.isEmpty()) {
                g = global.poll();
                if (g != null) {
                    m.inheritTime = false;
                    return g;
                }
            }
            g = runqGet(pp, m);
            if (g != null) {
                return g;
            }
            if (!globEmpty()) {
                g = globPollBatch(pp);
                if (g != null) {
                    return g;
                }
            }
            int n = procs;
            if (m.spinning || 2 * nmspinning.get() < n - npidle.get()) {
                if (!m.spinning) {
                    m.spinning = true;
                    nmspinning.incrementAndGet();
                }
                g = stealWork(m);
                if (g != null) {
                    return g;
                }
            }

            // Nothing found: give up the P, re-checking the global queue under the lock.
            lock.lock();
            try {
                if (!globEmpty()) {
                    g = globPollBatch(pp);
                    if (g != null) {
                        return g;
                    }
                }
                if (!m.spinning && needspinning.get() == 1) {
                    needspinning.set(0);
                    m.spinning = true;
                    nmspinning.incrementAndGet();
                    continue top;
                }
                if (pp.status == P.RETAKEN) {
                    continue top; // sysmon took it meanwhile (under this lock): retire it
                }
                releasep(m);
                pidleput(pp);
            } finally {
                lock.unlock();
            }

            // Spinner exit: decrement (a full fence), then look again at every source of work.
            if (m.spinning) {
                m.spinning = false;
                if (nmspinning.decrementAndGet() < 0) {
                    throw fatal("negative nmspinning");
                }
                if (recheckAfterSpinning(m)) {
                    continue top;
                }
            }
            if (!stopm(m)) {
                return null;
            }
        }
    }

    /**
     * The spinner-exit half of the protocol: after leaving the spinning state, if work is visible
     * anywhere, take an idle P back and spin again. Returns true with {@code m.p} held.
     */
    private boolean recheckAfterSpinning(M m) {
        boolean work = !globEmpty();
        if (!work) {
            P[] ps = allp;
            int n = procs;
            for (int i = 0; i < n && i < ps.length; i++) {
                P p2 = ps[i];
                if (p2.status != P.IDLE && !p2.runqEmpty()) {
                    work = true;
                    break;
                }
            }
            for (P p2 : retaken) {
                work |= !p2.runqEmpty();
            }
        }
        if (!work) {
            return false;
        }
        P p;
        lock.lock();
        try {
            p = pidlegetSpinning();
        } finally {
            lock.unlock();
        }
        if (p == null) {
            return false; // every P is busy; their Ms will find the work
        }
        acquirep(m, p);
        m.spinning = true;
        nmspinning.incrementAndGet();
        needspinning.set(0); // a spinner now exists (Go's becomeSpinning)
        return true;
    }

    /** Steals from other Ps: four rounds in random order, runnext only in the last. */
    private G stealWork(M m) {
        P pp = m.p;
        // stealOrder before allp: setProcs publishes allp first, so this allp is at least as
        // large as the order expects.
        StealOrder order = stealOrder;
        P[] ps = allp;
        int n = Math.min(order.count, ps.length);
        for (int round = 0; round < STEAL_ROUNDS; round++) {
            boolean lastRound = round == STEAL_ROUNDS - 1;
            if (lastRound && runOthersDueTimers(pp, ps)) {
                // Their callbacks readied goroutines into our queue.
                G g = runqGet(pp, m);
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
        for (P p2 : retaken) {
            G g = stealFrom(pp, p2, true);
            if (g != null) {
                return g;
            }
        }
        return null;
    }

    private static G stealFrom(P pp, P p2, boolean stealRunnext) {
        int s = p2.status;
        if (p2 == pp || s == P.IDLE || s == P.STOPPED) {
            return null;
        }
        // Back off before taking runnext only if p2's M is about to run it itself.
        long backoff = s == P.RUNNING ? RUNNEXT_STEAL_BACKOFF_NANOS : 0;
        G g = p2.runq != null ? p2.runq.stealInto(pp.runq, stealRunnext, backoff)
                : p2.prq.stealInto(pp.prq, stealRunnext, backoff);
        if (g != null) {
            pp.steals++;
        }
        return g;
    }

    /** A spinning M found work: stop counting it, and wake another spinner for what may remain. */
    private void resetSpinning(M m) {
        m.spinning = false;
        if (nmspinning.decrementAndGet() < 0) {
            throw fatal("negative nmspinning");
        }
        wakep();
    }

    /**
     * The submit half of the spinning protocol: after queueing a G, wake an M for an idle P unless
     * some M is already spinning (it will find the G, or wake another when it does).
     */
    void wakep() {
        VarHandle.fullFence(); // StoreLoad: the queue write above must be visible before we read nmspinning
        if (nmspinning.get() != 0) {
            return;
        }
        if (npidle.get() == 0) {
            // No P to start an M on: ask the next M that drops its P to spin instead. The flag is
            // set under the lock, where that M reads it (Go's pidlegetSpinning); once set it stays
            // until an M takes it up, so under load this path takes no lock.
            if (needspinning.get() != 0) {
                return;
            }
            lock.lock();
            try {
                if (npidle.get() == 0) {
                    needspinning.set(1);
                    return;
                }
            } finally {
                lock.unlock();
            }
        }
        if (!nmspinning.compareAndSet(0, 1)) {
            return;
        }
        P p;
        lock.lock();
        try {
            p = pidlegetSpinning();
            if (p == null) {
                nmspinning.decrementAndGet();
                return;
            }
        } finally {
            lock.unlock();
        }
        startm(p, true);
    }

    /**
     * wakep for a caller whose M holds a P. With a single P there is nobody to wake: the caller's
     * P is busy and will run the G itself, so the fence and the reads are skipped. If setProcs
     * adds Ps meanwhile, it wakes Ms for them itself; at worst parallelism comes one schedule late.
     */
    private void wakepFromRunningP() {
        if (procs > 1) {
            wakep();
        }
    }

    /** Hands {@code p} to an idle M, or a new one, and wakes it. Never throws. */
    private void startm(P p, boolean spinning) {
        M nm = null;
        boolean fresh = false;
        boolean report = false;
        lock.lock();
        try {
            if (stopped) {
                pidleput(p);
            } else if (midle != null) {
                nm = midle;
                midle = nm.link;
                nm.link = null;
                nmidle--;
            } else if (allm.size() < maxMs) {
                nm = new M(this, allm.size());
                allm.add(nm);
                fresh = true;
            } else {
                // Every M is busy and no more may be made: the next M to go idle takes this P
                // (stopm) instead of parking, so work queued for it is not stranded. The caller
                // may be the JDK's unblocker thread or sysmon: report, do not throw. Under N_1
                // this is the normal case of the single M being on its way to idle.
                p.status = P.IDLE;
                runqDrainToGlobal(p); // thieves skip idle Ps: its work must stay visible
                p.link = pwaitingM;
                pwaitingM = p;
                report = model == Model.M_N && !threadExhaustionReported;
                threadExhaustionReported |= report;
            }
            if (nm != null) {
                nm.spinning = spinning;
                nm.nextp = p;
            }
        } finally {
            lock.unlock();
        }
        if (nm == null) {
            if (spinning) {
                nmspinning.decrementAndGet();
            }
            if (report) {
                System.err.println("weft: thread exhaustion: runtime '" + name + "' needs more than " + maxMs
                        + " carrier threads (raise Weft.builder().maxThreads); its goroutines wait for a carrier"
                        + " to come free");
            }
            return;
        }
        if (!fresh) {
            nm.wake();
            return;
        }
        try {
            nm.start();
        } catch (Throwable e) { // OutOfMemoryError: unable to create native thread
            lock.lock();
            try {
                allm.remove(nm);
                pidleput(p);
            } finally {
                lock.unlock();
            }
            if (spinning) {
                nmspinning.decrementAndGet();
            }
            System.err.println("weft: runtime '" + name + "' could not start a carrier thread: " + e);
        }
    }

    /**
     * Puts the P-less {@code m} on the idle list and parks it until {@link #startm} hands it a
     * P. Returns false if the runtime stopped instead.
     */
    private boolean stopm(M m) {
        lock.lock();
        try {
            if (stopped) {
                return false;
            }
            P waiting = pwaitingM;
            if (waiting != null) {
                pwaitingM = waiting.link;
                waiting.link = null;
                acquirep(m, waiting);
                return true;
            }
            m.parked = true;
            m.link = midle;
            midle = m;
            nmidle++;
        } finally {
            lock.unlock();
        }
        m.parkUntilWoken();
        P p = m.nextp;
        if (p == null) {
            return false;
        }
        m.nextp = null;
        acquirep(m, p);
        return true;
    }

    private void acquirep(M m, P p) {
        m.p = p;
        p.m = m;
        p.status = P.RUNNING;
    }

    private void releasep(M m) {
        P p = m.p;
        p.m = null;
        m.p = null;
    }

    /** Under lock. A P beyond procs is stopped instead of going idle. */
    private void pidleput(P p) {
        if (p.id >= procs) {
            stopP(p);
            return;
        }
        p.status = P.IDLE;
        p.link = pidle;
        pidle = p;
        npidle.incrementAndGet();
    }

    /** Under lock. A P leaving the idle list means work: wake sysmon if it sleeps deeply. */
    private P pidleget() {
        P p = pidle;
        if (p != null) {
            pidle = p.link;
            p.link = null;
            npidle.decrementAndGet();
            sysmon.wakeIfSleeping();
        }
        return p;
    }

    /** Under lock: like pidleget, but records that a spinner was wanted when no P is idle. */
    private P pidlegetSpinning() {
        P p = pidleget();
        if (p == null) {
            needspinning.set(1);
        }
        return p;
    }

    // ---------------------------------------------------------------------------------------
    // Timers

    /**
     * Arms {@code t} on this runtime: on the caller's P when the caller is one of our goroutines
     * holding one (so it fires from that P's schedule loop, readying into its runnext), else on P
     * 0's heap. Every heap is looked at: by its own M at each schedule, by thieves, and by sysmon,
     * which wakes an M when a timer is due and a P is idle.
     */
    public void addTimer(TimerEntry t, long when, long period) {
        P p = null;
        if (VirtualThreads.currentCarrierThread() instanceof M m && m.sched == this && !m.inSyscall) {
            p = m.p;
        }
        if (p == null || p.status == P.RETAKEN) {
            p = allp[0];
        }
        p.timers.add(t, when, period);
        if (p.timers.nextWhen() == when) {
            sysmon.timerArmed(when);
        }
    }

    /** Runs the due timers of one heap, reporting a failing callback without losing the others. */
    private void runDueTimers(TimerHeap h) {
        long now = clock.nanoTime();
        if (h.nextWhen() <= now) {
            try {
                h.runDue(now);
            } catch (RuntimeException | Error e) {
                System.err.println("weft: a timer callback of runtime '" + name + "' threw " + e);
                e.printStackTrace();
            }
        }
    }

    /** A thief's last round: run other Ps' due timers. Returns whether any was due. */
    private boolean runOthersDueTimers(P pp, P[] ps) {
        long now = Long.MIN_VALUE;
        boolean ran = false;
        P[] r = retaken;
        for (int i = 0, n = ps.length + r.length; i < n; i++) {
            P p2 = i < ps.length ? ps[i] : r[i - ps.length];
            if (p2 == pp || p2.status == P.STOPPED) {
                continue;
            }
            long next = p2.timers.nextWhen();
            if (next == Long.MAX_VALUE) {
                continue;
            }
            if (now == Long.MIN_VALUE) {
                now = clock.nanoTime();
            }
            if (next <= now) {
                runDueTimers(p2.timers);
                ran = true;
            }
        }
        return ran;
    }

    /** The earliest due time over every heap (Long.MAX_VALUE if none); for sysmon. */
    long earliestTimer() {
        long min = Long.MAX_VALUE;
        for (P p : allp) {
            if (p.status != P.STOPPED) {
                min = Math.min(min, p.timers.nextWhen());
            }
        }
        for (P p : retaken) {
            min = Math.min(min, p.timers.nextWhen());
        }
        return min;
    }

    /** Whether any run queue holds a goroutine (global, a P's, a retaken P's). */
    boolean hasQueuedWork() {
        if (!globEmpty() || retakenHaveWork()) {
            return true;
        }
        for (P p : allp) {
            if (p.status != P.STOPPED && !p.runqEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sysmon found a due timer: make sure some M will run it if a P is free to. Under PRIORITY
     * with every P busy, sysmon runs it itself: the goroutine it readies may outrank one that is
     * running, which must then be asked to yield now rather than at its P's next switch (Go
     * leaves such a timer to the busy Ps).
     */
    void wakeForTimers() {
        if (npidle.get() > 0) {
            wakep();
        } else if (priorityPolicy) {
            runOthersDueTimers(null, allp);
        }
    }

    /**
     * Go.sleep for a goroutine of this runtime: arm its reusable timer, park until it fires.
     * Interrupts do not end the sleep (Go's sleep has none) and are kept for the caller.
     */
    public static void sleep(long nanos) {
        if (nanos <= 0) {
            return;
        }
        G g = currentG();
        if (g == null) {
            sleepPlatform(nanos);
            return;
        }
        if (g.kernelThread) {
            // ONE_TO_ONE: the kernel's timed park is the thread's sleep; shown and counted as a
            // wait like any other (a sleep is never part of a deadlock: it has no blocker).
            g.waitReason = WaitReason.SLEEP;
            g.casStatus(GStatus.RUNNING, GStatus.WAITING);
            try {
                sleepPlatform(nanos);
            } finally {
                g.casStatus(GStatus.WAITING, GStatus.RUNNING);
                g.waitReason = WaitReason.NONE;
                g.sched.countKernelSwitch(SwitchReason.WAIT);
            }
            return;
        }
        Sched s = g.sched;
        long now = s.clock.nanoTime();
        long deadline = now + nanos < now ? Long.MAX_VALUE : now + nanos;
        TimerEntry t = g.sleepTimer;
        if (t == null) {
            Thread self = g.thread;
            t = g.sleepTimer = new TimerEntry((e, seq, at) -> Parking.ready(self));
        }
        boolean interrupted = false;
        s.addTimer(t, deadline, 0);
        try {
            while (t.isPending()) {
                Parking.park(t, WaitReason.SLEEP);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
        } finally {
            TimerHeap.remove(t);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleepPlatform(long nanos) {
        long deadline = System.nanoTime() + nanos;
        boolean interrupted = false;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Blocking calls (Go's entersyscall / exitsyscall)

    /**
     * Runs {@code call}, which may block the carrier, with the caller's P marked SYSCALL so that
     * sysmon can hand the P to another M if the call lasts (Go.blocking). Entering costs a few
     * plain writes and one volatile one; leaving, one CAS when the P is still ours (the fast
     * path). If the P was handed off, the G takes an idle P if there is one, or else leaves its
     * carrier: its M queues it globally and goes idle (the slow path).
     */
    public static <T> T blocking(Callable<T> call) throws Exception {
        G g = currentG();
        if (g == null || g.inSyscall || !g.sched.handsOff) {
            // A platform thread, already inside Go.blocking, or a model without hand-off: under
            // N_1 the call blocks every goroutine; under ONE_TO_ONE only its own thread.
            return call.call();
        }
        M m = (M) VirtualThreads.currentCarrierThread();
        P p = m.p;
        if (p == null) {
            return call.call();
        }
        p.syscalltick++;
        if (!p.casStatus(P.RUNNING, P.SYSCALL)) {
            return call.call(); // sysmon is taking the P from us anyway
        }
        g.inSyscall = true;
        m.inSyscall = true;
        try {
            return call.call();
        } finally {
            exitSyscall(g);
        }
    }

    private static void exitSyscall(G g) {
        if (!g.inSyscall) {
            return; // the G unmounted inside the call; its M settled the syscall then
        }
        M m = (M) VirtualThreads.currentCarrierThread();
        g.inSyscall = false;
        m.inSyscall = false;
        P p = m.p;
        if (p.casStatus(P.SYSCALL, P.RUNNING)) {
            return; // fast path: nobody took the P
        }
        Sched sched = g.sched;
        m.p = null;
        P idle;
        sched.lock.lock();
        try {
            idle = sched.pidleget();
        } finally {
            sched.lock.unlock();
        }
        if (idle != null) {
            sched.acquirep(m, idle);
            return;
        }
        // No P: leave the carrier. The yield comes back to our M from its own carrier, which
        // queues the G globally (afterRun) and then looks for a P or parks (findRunnable).
        Thread.yield();
    }

    /** The G parked inside Go.blocking (a JDK park in the call): settle the syscall for it. */
    private void unmountedInSyscall(M m, G g) {
        g.inSyscall = false;
        m.inSyscall = false;
        P p = m.p;
        if (p != null && !p.casStatus(P.SYSCALL, P.RUNNING)) {
            m.p = null; // sysmon handed it off meanwhile
        }
    }

    /**
     * Gives a P that its M cannot use (retaken from a syscall or a stuck M) to another M if there
     * is work for it, else to the idle list (Go's handoffp).
     */
    private void handoffp(P p) {
        if (!p.runqEmpty() || !globEmpty() || retakenHaveWork()) {
            startm(p, false);
            return;
        }
        if (nmspinning.get() + npidle.get() == 0 && nmspinning.compareAndSet(0, 1)) {
            startm(p, true);
            return;
        }
        // Re-check under the lock, as an M dropping its P does: work queued or a spinner wanted
        // since the checks above must not be left behind an idle P.
        boolean spinning = false;
        lock.lock();
        try {
            if (globEmpty() && needspinning.get() == 0) {
                pidleput(p);
                return;
            }
            if (needspinning.get() != 0) {
                needspinning.set(0);
                nmspinning.incrementAndGet();
                spinning = true;
            }
        } finally {
            lock.unlock();
        }
        startm(p, spinning);
    }

    private boolean retakenHaveWork() {
        for (P p : retaken) {
            if (!p.runqEmpty()) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------
    // Preemption and retaking (driven by Sysmon)

    /** Go.checkpoint: yield if sysmon asked this goroutine to. */
    public static void checkpoint() {
        G g = currentG();
        if (g != null && g.preempt) {
            g.preempt = false;
            g.sched.preemptYields.incrementAndGet();
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
        G g = currentG();
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
        }
        sliceEnds.incrementAndGet();
    }

    /** Sysmon: the G has held its carrier for a time slice; ask it to yield. */
    void requestPreempt(P p, G running) {
        p.sliceExpired = true;
        if (!running.preempt) { // a pending PRIORITY request keeps its reason
            running.preemptReason = SwitchReason.SLICE_END;
            running.preempt = true;
        }
        preemptRequests.incrementAndGet();
    }

    /** Sysmon: retake a P in SYSCALL that has been seen there twice. */
    boolean retakeSyscall(P p) {
        if (!p.casStatus(P.SYSCALL, P.IDLE)) {
            return false;
        }
        p.m = null;
        syscallHandoffs.incrementAndGet();
        handoffp(p);
        return true;
    }

    /**
     * Sysmon: the M running {@code p} is stuck in one goroutine (a hog, or a carrier blocked
     * outside weft's knowledge). Replace {@code p} in allp with a fresh P with the same id and
     * hand that to another M; the stuck M keeps the old one (RETAKEN) until its goroutine leaves
     * the carrier, and other Ms steal the old one's queue meanwhile.
     */
    boolean retakeRunning(P p, boolean blocked) {
        P fresh;
        M stuck;
        lock.lock();
        try {
            P[] ps = allp;
            // CAS: the M may be entering Go.blocking (RUNNING -> SYSCALL) at this moment.
            if (p.id >= ps.length || ps[p.id] != p || stopped || !p.casStatus(P.RUNNING, P.RETAKEN)) {
                return false;
            }
            stuck = p.m;
            fresh = new P(p.id, priorityPolicy);
            fresh.status = P.IDLE;
            P[] copy = ps.clone();
            copy[p.id] = fresh;
            allp = copy;
            p.timers.moveAllTo(fresh.timers);
            P[] r = java.util.Arrays.copyOf(retaken, retaken.length + 1);
            r[r.length - 1] = p;
            retaken = r;
            if (p.stopRequested) {
                fresh.stopRequested = true;
            }
        } finally {
            lock.unlock();
        }
        G g = stuck == null ? null : stuck.curg;
        if (g != null) {
            g.preemptReason = SwitchReason.SLICE_END;
            g.preempt = true; // at its next safe point it leaves the carrier
        }
        (blocked ? blockedRetakes : hogRetakes).incrementAndGet();
        handoffp(fresh);
        return true;
    }

    /** The stuck M is back in the scheduler: give up its retaken P, moving the P's work to the global queue. */
    private void retireRetaken(M m) {
        P p = m.p;
        lock.lock();
        try {
            P[] r = retaken;
            int k = 0;
            P[] kept = new P[r.length - 1];
            for (P x : r) {
                if (x != p) {
                    kept[k++] = x;
                }
            }
            retaken = kept;
            p.status = P.STOPPED;
            p.m = null;
            retiredSwitches.addAndGet(p.switches);
            retiredSteals.addAndGet(p.steals);
            for (int reason = 0; reason < SwitchReason.COUNT; reason++) {
                otherSwitchReasons.addAndGet(reason, p.switchReasons[reason]);
            }
            runqDrainToGlobal(p);
            p.timers.moveAllTo(allp[0].timers);
        } finally {
            lock.unlock();
        }
        m.p = null;
        if (m.spinning) {
            m.spinning = false;
            nmspinning.decrementAndGet();
        }
        wakep();
    }

    /**
     * Sysmon, under PRIORITY with the guard on: Gs queued longer than the bound are boosted to
     * {@link #BOOST_LEVEL} and moved to the global queue (the balance-set manager); then, as for
     * any G becoming ready, an idle P is woken or the lowest running G below the boost level is
     * asked to yield. Returns how many were boosted.
     */
    int boostStarved(long now) {
        long before = now - starvationBoostNanos;
        int moved = 0;
        P[] ps = allp;
        for (int i = 0, n = Math.min(procs, ps.length); i < n; i++) {
            if (ps[i].status != P.STOPPED) {
                moved += ps[i].prq.boostStarved(before, BOOST_LEVEL, globalPrio);
            }
        }
        for (P p : retaken) {
            moved += p.prq.boostStarved(before, BOOST_LEVEL, globalPrio);
        }
        moved += globalPrio.boostStarved(before, BOOST_LEVEL, globalPrio);
        if (moved > 0) {
            starvationBoosts.addAndGet(moved);
            VarHandle.fullFence(); // publish-then-flag, as readyPriority
            if (npidle.get() == 0) {
                preemptLowerThan(BOOST_LEVEL);
            }
            wakep();
        }
        return moved;
    }

    /** For sysmon: whether nothing can run (every P idle). */
    boolean allProcsIdle() {
        return npidle.get() >= procs;
    }

    int spinningPlusIdle() {
        return nmspinning.get() + npidle.get();
    }

    // ---------------------------------------------------------------------------------------
    // procs (GOMAXPROCS)

    public int procs() {
        return procs;
    }

    /**
     * Changes the number of Ps. New Ps start idle and an M is woken for them; a removed idle P
     * stops at once, a removed running P stops at its M's next schedule, its queue moved to the
     * head of the global queue so nothing is lost. A goroutine that never yields delays the stop
     * of its P until it does (there is no stop-the-world on the JVM).
     */
    public void setProcs(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("procs must be at least 1, got " + n);
        }
        if (n > maxMs) {
            throw new IllegalArgumentException("procs (" + n + ") must not exceed maxThreads (" + maxMs + ")");
        }
        int started = 0;
        List<P> stoppedNow = new ArrayList<>();
        lock.lock();
        try {
            int old = procs;
            if (n == old) {
                return;
            }
            P[] ps = allp;
            if (n > ps.length) {
                P[] grown = java.util.Arrays.copyOf(ps, n);
                for (int i = ps.length; i < n; i++) {
                    grown[i] = new P(i, priorityPolicy);
                    grown[i].status = P.STOPPED;
                }
                allp = ps = grown;
            }
            procs = n;
            stealOrder = new StealOrder(n);
            if (n > old) {
                for (int i = old; i < n; i++) {
                    P p = ps[i];
                    p.stopRequested = false;
                    if (p.status == P.STOPPED) {
                        pidleput(p);
                        started++;
                    }
                }
            } else {
                // Remove idle Ps beyond n from the idle list; ask running ones to stop.
                P prev = null;
                for (P p = pidle; p != null; ) {
                    P next = p.link;
                    if (p.id >= n) {
                        if (prev == null) {
                            pidle = next;
                        } else {
                            prev.link = next;
                        }
                        p.link = null;
                        npidle.decrementAndGet();
                        p.status = P.STOPPED;
                        stoppedNow.add(p);
                    } else {
                        prev = p;
                    }
                    p = next;
                }
                for (int i = n; i < old; i++) {
                    if (ps[i].status == P.RUNNING) {
                        ps[i].stopRequested = true;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        // Outside the lock: keep the scheduler lock's section short when the caller is a goroutine.
        for (P p : stoppedNow) {
            runqDrainToGlobal(p);
            p.timers.moveAllTo(allp[0].timers);
        }
        for (int i = 0; i < started; i++) {
            wakep();
        }
    }

    /** Under lock: P is no longer in use; its work (if any) goes to the front of the global queue. */
    private void stopP(P p) {
        p.status = P.STOPPED;
        p.stopRequested = false;
        runqDrainToGlobal(p);
        p.timers.moveAllTo(allp[0].timers);
    }

    /** The M's P was removed by setProcs: stop it and let the M look for another P. */
    private void stopCurrentP(M m) {
        P p = m.p;
        lock.lock();
        try {
            if (p.status == P.RETAKEN) {
                return; // retaken meanwhile: findRunnable retires it next
            }
            releasep(m);
            if (p.id >= procs) {
                stopP(p);
            } else {
                p.stopRequested = false; // procs grew back meanwhile
                pidleput(p);
            }
        } finally {
            lock.unlock();
        }
        if (m.spinning) {
            m.spinning = false;
            nmspinning.decrementAndGet();
        }
        wakep();
    }

    private boolean reacquireOrStop(M m) {
        P p;
        lock.lock();
        try {
            p = pidleget();
        } finally {
            lock.unlock();
        }
        if (p != null) {
            acquirep(m, p);
            return true;
        }
        return stopm(m);
    }

    // ---------------------------------------------------------------------------------------
    // Shutdown

    /**
     * Stops accepting goroutines from outside, waits until every goroutine has finished, then
     * stops the carriers.
     */
    public void close() {
        G self = currentG();
        if (self != null && self.sched == this) {
            throw new IllegalStateException("weft: close() called from goroutine " + self.id
                    + " of the runtime it would wait for");
        }
        boolean interrupted = false;
        closer = Thread.currentThread(); // before closing: decrementLive reads closing, then closer
        closing = true;
        while (live.get() != 0 && deadlockDump == null) {
            java.util.concurrent.locks.LockSupport.park(this);
            interrupted |= Thread.interrupted();
        }
        lock.lock();
        try {
            stopped = true;
            for (M m = midle; m != null; m = m.link) {
                m.nextp = null;
                m.wake();
            }
            midle = null;
            nmidle = 0;
        } finally {
            lock.unlock();
        }
        List<M> ms;
        lock.lock();
        try {
            ms = new ArrayList<>(allm);
        } finally {
            lock.unlock();
        }
        for (M m : ms) {
            boolean done = false;
            while (!done) {
                try {
                    m.join();
                    done = true;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        sysmon.shutdown();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Deadlock detection and goroutine dumps

    /**
     * Sysmon, with every P idle and no timer pending: if every live goroutine is parked in a weft
     * primitive that belongs to this runtime (so no platform thread or other runtime could signal
     * it), and one of them is a main goroutine, returns the dump Go prints for "all goroutines are
     * asleep"; else null. Sysmon calls it twice, some milliseconds apart with no context switch in
     * between, before it believes it.
     */
    String deadlockCandidate() {
        if (!detectDeadlocks || deadlockDump != null || mainsRunning.get() == 0 || !allProcsIdle()
                || !globEmpty() || retaken.length != 0 || earliestTimer() != Long.MAX_VALUE) {
            return null;
        }
        List<G> gs = allgs.snapshot();
        boolean main = false;
        for (G g : gs) {
            if (g.status != GStatus.WAITING) {
                return null;
            }
            WaitReason r = g.waitReason;
            if (r == WaitReason.NONE || r == WaitReason.JDK_PARK) {
                return null; // a JDK park: a platform thread, a socket or a JDK timer may end it
            }
            if (!(g.waitBlocker instanceof RuntimeBound b) || b.weftRuntime() != this) {
                return null;
            }
            main |= g.mainWaiter != null;
        }
        if (!main || gs.isEmpty()) {
            return null;
        }
        return "all goroutines are asleep - deadlock!\n\n" + dump(gs);
    }

    /** Sysmon confirmed a deadlock: every waiting Weft.run throws with the dump. */
    void declareDeadlock(String dump) {
        deadlockDump = dump;
        for (G g : allgs.snapshot()) {
            Thread waiter = g.mainWaiter;
            if (waiter != null) {
                java.util.concurrent.locks.LockSupport.unpark(waiter);
            }
        }
        wakeCloser(); // a close() waiting for these goroutines gives up on them
    }

    /** Context switches so far, over every P; sysmon's "did anything happen" test. */
    long totalSwitches() {
        long n = retiredSwitches.get() + kernelWakes.sum();
        for (P p : allp) {
            n += p.switches;
        }
        return n;
    }

    /** The goroutine dump, in Go's format (Weft.dump()). */
    public String dump() {
        return dump(allgs.snapshot());
    }

    private String dump(List<G> gs) {
        gs.sort(java.util.Comparator.comparingLong(g -> g.id));
        long now = clock.nanoTime();
        StringBuilder sb = new StringBuilder();
        for (G g : gs) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append("goroutine ").append(g.id).append(" [").append(g.statusText());
            if (g.status == GStatus.WAITING) {
                if (g.waitSeenAt == 0) {
                    g.waitSeenAt = now; // stamped lazily, as Go's GC does
                }
                long ms = (now - g.waitSeenAt) / 1_000_000;
                if (ms > 0) {
                    sb.append(", ").append(ms).append(ms == 1 ? " millisecond" : " milliseconds");
                }
            }
            sb.append("]:\n");
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

    public long liveGoroutines() {
        return live.get();
    }

    /** A racy snapshot of the counters, for the demo, tests and (later) schedtrace. */
    public SchedStats stats() {
        P[] ps = allp;
        long switches = retiredSwitches.get(), steals = retiredSteals.get();
        int[] runq = new int[procs];
        long[] reasons = new long[SwitchReason.COUNT];
        for (int r = 0; r < SwitchReason.COUNT; r++) {
            reasons[r] = otherSwitchReasons.get(r);
        }
        if (model == Model.ONE_TO_ONE) {
            switches += reasons[SwitchReason.WAIT] + reasons[SwitchReason.EXIT]; // the kernel's switches we saw
        }
        long[][] perP = new long[Math.min(procs, ps.length)][];
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
        for (int i = 0; i < runq.length && i < ps.length; i++) {
            runq[i] = ps[i].runqSize();
        }
        int ms;
        int idleMs;
        lock.lock();
        try {
            ms = allm.size();
            idleMs = nmidle;
        } finally {
            lock.unlock();
        }
        int timers = 0;
        for (P p : ps) {
            timers += p.timers.size();
        }
        for (P p : retaken) {
            timers += p.timers.size();
        }
        return new SchedStats(procs, npidle.get(), ms, idleMs, nmspinning.get(), globSize(), runq, timers,
                created.get(), adoptedCount.get(), live.get(), switches, steals, preemptRequests.get(),
                preemptYields.get(), sliceEnds.get(), syscallHandoffs.get(), hogRetakes.get(),
                blockedRetakes.get(), priorityPreemptRequests.get(), starvationBoosts.get(), reasons, perP);
    }

    /** The scheduler's state in one line, for diagnosing a stuck runtime. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name).append(": procs=").append(procs).append(' ');
        sb.append("global=").append(globSize()).append(" npidle=").append(npidle.get())
                .append(" nmspinning=").append(nmspinning.get()).append(" needspinning=").append(needspinning.get())
                .append(" live=").append(live.get()).append(" retaken=").append(retaken.length);
        for (P p : allp) {
            sb.append(" [P").append(p.id).append(' ').append(P.statusName(p.status)).append(" ring=")
                    .append(p.runqSize()).append(" next=").append(p.hasRunnext())
                    .append(" m=").append(p.m == null ? "-" : p.m.getName()).append(']');
        }
        for (P p : retaken) {
            sb.append(" [retaken P").append(p.id).append(" ring=").append(p.runqSize()).append(" next=")
                    .append(p.hasRunnext()).append(']');
        }
        int[] counts = new int[8];
        for (G g : allgs.snapshot()) {
            counts[g.status]++;
        }
        sb.append(" gstatus=").append(java.util.Arrays.toString(counts));
        return sb.toString();
    }

    static IllegalStateException fatal(String what) {
        return new IllegalStateException("weft: fatal scheduler error: " + what);
    }

    /** The steal enumeration for n Ps: a start index and a stride coprime with n visit each P once. */
    static final class StealOrder {
        final int count;
        final int[] coprimes;

        StealOrder(int n) {
            this.count = n;
            int[] c = new int[n];
            int k = 0;
            for (int i = 1; i <= n; i++) {
                if (gcd(i, n) == 1) {
                    c[k++] = i;
                }
            }
            this.coprimes = java.util.Arrays.copyOf(c, k);
        }

        private static int gcd(int a, int b) {
            while (b != 0) {
                int t = a % b;
                a = b;
                b = t;
            }
            return a;
        }
    }
}
