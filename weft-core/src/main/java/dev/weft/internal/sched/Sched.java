package dev.weft.internal.sched;

import dev.weft.internal.queue.LocalRunQueue;
import dev.weft.internal.timer.TimerEntry;
import dev.weft.internal.trace.RuntimeTrace;
import dev.weft.internal.trace.TraceEvent;
import dev.weft.internal.trace.TraceSession;
import dev.weft.internal.util.Clock;
import dev.weft.internal.util.SpinLock;
import dev.weft.internal.vm.GoroutineContainer;
import dev.weft.internal.vm.VirtualThreads;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One weft runtime's scheduler: Go's {@code schedt} plus {@code schedule} and {@code ready}, for
 * Gs that are JDK virtual threads (see {@link G}) run by carriers ({@link M}) through logical
 * processors ({@link P}). The other concerns live in rooms of their
 * own, each a field of this class (the package-info is the map):
 * {@link RunQueuePolicy} (FIFO or PRIORITY queues), {@link Idle} (idle lists, spinning, the
 * lost-wake-up protocol), {@link Timers}, {@link Syscalls}, {@link Preemption},
 * {@link Goroutines} (creation, exit, adoption), {@link FindWork} (a carrier's search for its
 * next goroutine), {@link ProcResize} and {@link Diagnostics}.
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
 *       returns ({@link RunQueuePolicy#requeue}).</li>
 *   <li>From anywhere else (platform threads, the JDK's timer and monitor threads): the global
 *       queue, then {@link Idle#wakep}.</li>
 * </ol>
 * The policy decides the details (PRIORITY may preempt a running G instead).
 *
 * <h2>Finding work</h2>
 * After each run the carrier asks {@link FindWork} for its next G (its class comment has the
 * order: timers, the queues, stealing, parking).
 *
 * <h2>Locks</h2>
 * {@link #lock} (Go's {@code sched.lock}) guards the idle P and M lists, M creation,
 * {@code allp}/{@code retaken} changes and shutdown; the global queue, the timer heaps and the
 * registry have their own locks. All are {@link SpinLock}s, because carriers take them from the
 * scheduler loop and a carrier must never queue behind a goroutine (which unmounts while it waits
 * on a monitor). None is held while user code runs or anything parks; the scheduler lock comes
 * before the others. Methods documented "Under lock." assert it when assertions are on.
 */
public final class Sched {
    /** Every this many new time slices, the global queue goes first. */
    static final int GLOBAL_FAIRNESS_TICKS = 61;

    private final String name;
    final Clock clock;
    /** A G that holds its carrier this long gets its preempt flag; after twice this, loses its P. */
    final long timesliceNanos;
    final Model model;
    /** Whether sysmon may hand a P to another M (false under N_1, which has one M). */
    final boolean handsOff;
    /** Whether sysmon looks for "all goroutines are asleep" while a main goroutine runs. */
    final boolean detectDeadlocks;
    /** PRIORITY: the starvation bound in ns (0: no guard); 0 under FIFO. */
    final long starvationBoostNanos;
    private final boolean priorityPolicy;

    /**
     * Whether goroutines' virtual threads are named {@code <runtime>/g<id>}: set once by the
     * builder before the runtime is handed out ({@link #nameGoroutines(boolean)}).
     */
    volatile boolean nameGoroutines = Boolean.getBoolean("weft.nameGoroutines");

    /** Go's sched.lock: idle lists, allp/procs changes, M creation, shutdown. */
    final SpinLock lock = new SpinLock();

    // The rooms (see the class comment).
    final RunQueuePolicy queues;
    final Idle idle;
    final Timers timers;
    final Preemption preemption;
    final Goroutines goroutines;
    final FindWork findWork;
    /**
     * The JDK thread container its goroutines start in (see {@code GoroutineContainer}: the JDK's
     * root container would track each one a second time); null under ONE_TO_ONE, whose
     * goroutines are platform threads.
     */
    final AutoCloseable container;
    final ProcResize resize;
    final Diagnostics diagnostics;
    /** -Dweft.schedtrace's periodic line, printed by sysmon. */
    final SchedTrace schedTrace;
    final Sysmon sysmon;

    /** All Ps ever created; only the first {@link #procs} are in use. Replaced under lock. */
    private volatile P[] allp;
    private volatile int procs;
    /** Precomputed steal enumeration for the current procs. */
    private volatile StealOrder stealOrder;
    /** Ps that sysmon retook from stuck Ms; still stealable until their M retires them. Replaced under lock. */
    private volatile P[] retaken = new P[0];
    private volatile boolean stopped;
    /** Won by the one close() that stops the carriers; the others wait for {@link #terminated}. */
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch terminated = new CountDownLatch(1);

    /**
     * The execution trace being recorded, or null: the one check of every tracing hook (see
     * {@link Tracing}). Set and cleared by CAS ({@link #TRACE}).
     */
    volatile RuntimeTrace trace;
    static final VarHandle TRACE;

    /** The lowest level any of its goroutines was given: PRIORITY's ready reads it ({@link LevelFloor}). */
    final LevelFloor levelFloor = new LevelFloor();
    static {
        try {
            TRACE = MethodHandles.lookup().findVarHandle(Sched.class, "trace", RuntimeTrace.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The synctest bubble this runtime is (its fake clock and seeded schedule), or null. */
    final Bubble bubble;

    /** Every runtime of the JVM not yet closed: deadlock detection looks at all of them. */
    private static final Set<Sched> LIVE = ConcurrentHashMap.newKeySet();

    public Sched(SchedConfig c) {
        this(c, null);
    }

    /** A runtime that is {@code bubble}'s (null: an ordinary one); see {@link Bubble#run}. */
    Sched(SchedConfig c, Bubble bubble) {
        VirtualThreads.ensureAvailable();
        // N_1 is one P and one carrier, ONE_TO_ONE one P that only holds timers, whatever the
        // configuration asks: the models' definitions.
        int procs = c.model() == Model.M_N ? c.procs() : 1;
        int maxMs = c.model() == Model.N_1 ? 1 : c.maxThreads();
        if (c.starvationBoostNanos() < 0) {
            throw new IllegalArgumentException("starvation bound must not be negative, got " + c.starvationBoostNanos()
                    + " ns");
        }
        ProcResize.checkProcs(procs, maxMs);
        if (c.timesliceNanos() <= 0) {
            throw new IllegalArgumentException("timeslice must be positive, got " + c.timesliceNanos() + " ns");
        }
        this.name = c.name();
        this.clock = c.clock();
        this.timesliceNanos = c.timesliceNanos();
        this.detectDeadlocks = c.detectDeadlocks();
        this.model = c.model();
        this.handsOff = model == Model.M_N;
        this.priorityPolicy = c.priorityPolicy();
        this.starvationBoostNanos = priorityPolicy ? c.starvationBoostNanos() : 0;
        this.bubble = bubble;
        if (bubble != null) {
            bubble.sched = this;
        }
        this.queues = bubble != null ? new SeededQueues(this, bubble)
                : priorityPolicy ? new PriorityQueues(this, starvationBoostNanos) : new FifoQueues(this);
        this.idle = new Idle(this, maxMs);
        this.timers = new Timers(this);
        this.preemption = new Preemption(this);
        this.goroutines = new Goroutines(this, c.uncaughtHandler());
        this.container = model == Model.ONE_TO_ONE ? null
                : GoroutineContainer.create(name, () -> goroutines.all.threads().stream());
        this.resize = new ProcResize(this);
        this.diagnostics = new Diagnostics(this);
        this.schedTrace = new SchedTrace(this);
        this.findWork = new FindWork(this);
        P[] ps = new P[procs];
        for (int i = 0; i < procs; i++) {
            ps[i] = newP(i);
        }
        this.allp = ps;
        this.procs = procs;
        this.stealOrder = new StealOrder(procs);
        lock.lock();
        try {
            for (int i = procs - 1; i >= 0; i--) {
                idle.pidleput(ps[i]);
            }
        } finally {
            lock.unlock();
        }
        if (bubble == null) {
            // A bubble is a test's private runtime, built once per schedule: under -Dweft.trace
            // each would keep its buffers until exit and add a process to the file.
            Tracing.attachGlobal(this);
        }
        this.sysmon = new Sysmon(this);
        LIVE.add(this);
        if (bubble == null) {
            // A bubble needs no monitor: its clock moves only when its carrier idles, so no time
            // slice ends, and the carrier itself advances time and detects deadlocks (Bubble).
            sysmon.start();
        }
    }

    /** The runtimes of the JVM not yet closed (the default one included once started). */
    static Set<Sched> liveRuntimes() {
        return LIVE;
    }

    /** Whether any runtime of this copy of weft is live (made and not yet closed), the default one included. */
    public static boolean anyLive() {
        return !LIVE.isEmpty();
    }

    // ---------------------------------------------------------------------------------------
    // The runtime's face (what dev.weft calls)

    public String name() {
        return name;
    }

    /** The clock every scheduling decision and timer of this runtime reads. */
    public long nanoTime() {
        return clock.nanoTime();
    }

    /** Priority argument meaning "the creating goroutine's, or the default outside goroutines". */
    public static final int INHERIT_PRIORITY = Goroutines.INHERIT_PRIORITY;

    /** Starts a goroutine running {@code body} at the creator's priority. */
    public G go(Runnable body, boolean reportFailure) {
        return goroutines.start(body, reportFailure, null, INHERIT_PRIORITY);
    }

    /** {@link #go} at {@code priority} (0..31), or the creator's with {@link #INHERIT_PRIORITY}. */
    public G go(Runnable body, boolean reportFailure, int priority) {
        return goroutines.start(body, reportFailure, null, priority);
    }

    /** Starts {@code main} as a main goroutine; see {@link #awaitMain}. Its failure is not reported. */
    public G goMain(Runnable main) {
        return goroutines.start(main, false, Thread.currentThread(), INHERIT_PRIORITY);
    }

    /** Waits for {@code main} to end: null, or the dump if every goroutine fell asleep for good first. */
    public String awaitMain(G main) {
        return goroutines.awaitMain(main);
    }

    public int procs() {
        return procs;
    }

    /** The synctest bubble this runtime is, or null. */
    public Bubble bubble() {
        return bubble;
    }

    public Model model() {
        return model;
    }

    /** Checks a procs value for a builder, naming the problem (1 to {@link ProcResize#MAX_PROCS}). */
    public static void checkProcs(int n) {
        ProcResize.checkProcs(n, Integer.MAX_VALUE);
    }

    /**
     * Changes the number of Ps (GOMAXPROCS); see {@link ProcResize}.
     *
     * @throws IllegalStateException if the runtime has stopped (a close stopped its carriers)
     */
    public void setProcs(int n) {
        resize.setProcs(n);
    }

    public long liveGoroutines() {
        return goroutines.live();
    }

    /** Arms {@code t} on this runtime; see {@link Timers}. */
    public void addTimer(TimerEntry t, long when, long period) {
        timers.add(t, when, period);
    }

    public SchedStats stats() {
        return diagnostics.stats();
    }

    /**
     * Starts recording an execution trace of this runtime into {@code file}, with
     * {@code capacity} events per carrier buffer; {@link TraceSession#stop} writes it.
     *
     * @throws IllegalStateException if no trace writer is on the class path, or a recording
     *                               already covers this runtime
     */
    public TraceSession startTrace(Path file, int capacity) {
        return Tracing.start(this, file, capacity);
    }

    /** Names goroutines' virtual threads {@code <runtime>/g<id>} from now on, or stops naming them. */
    public void nameGoroutines(boolean on) {
        nameGoroutines = on;
    }

    /** The goroutine dump, in Go's format. */
    public String dump() {
        return diagnostics.dump();
    }

    @Override
    public String toString() {
        return diagnostics.describe();
    }

    /** Go.sleep. */
    public static void sleep(long nanos) {
        Timers.sleep(nanos);
    }

    /** Go.blocking. */
    public static <T> T blocking(Callable<T> call) throws Exception {
        return Syscalls.blocking(call);
    }

    /**
     * Go.checkpoint: yield if asked to; throw the goroutine's process exit exception if its
     * process has ended (see {@link ProcessSupport}).
     */
    public static void checkpoint() {
        G g = currentG();
        if (g != null) {
            if (g.preempt) {
                Preemption.checkpoint();
            }
            if (g.cancelled) {
                ProcessSupport.checkCancelled();
            }
        }
    }

    /**
     * Stops accepting goroutines from outside, waits until every goroutine has finished (or
     * sysmon finds the rest asleep for good), then stops the carriers and sysmon. Any number of
     * threads may call it, at once or again later; each returns once the runtime has stopped.
     */
    public void close() {
        close(Long.MAX_VALUE);
    }

    /**
     * {@link #close()} waiting at most {@code nanos} for the goroutines (Long.MAX_VALUE: no
     * limit). On a timeout it returns false and the runtime stays as it was, closing: its
     * goroutines keep running (and may start others), nothing new comes from outside, and a
     * later close may wait again. Otherwise it stops the carriers and returns whether every
     * goroutine ended (false if some were given up on, asleep for good). A close that finds
     * another one stopping the carriers waits for it within what is left of {@code nanos}, and
     * returns false if that runs out first (the other close finishes the stop).
     */
    public boolean close(long nanos) {
        long start = System.nanoTime();
        Goroutines.AwaitResult r = goroutines.closeAndAwait(nanos);
        if (r == Goroutines.AwaitResult.TIMED_OUT) {
            return false;
        }
        boolean interrupted = r == Goroutines.AwaitResult.ENDED_INTERRUPTED;
        if (stopping.compareAndSet(false, true)) {
            if (goroutines.live() != 0) {
                goroutines.abandonWaits(); // given up on: see there
            }
            interrupted |= idle.stopCarriers();
            sysmon.shutdown();
            RuntimeTrace t = trace;
            if (t != null) { // no carrier writes its buffer any more: let the recording shrink them
                t.compact();
            }
            LIVE.remove(this);
            if (container != null && goroutines.live() == 0) {
                // Not after a close that gave up on goroutines asleep for good: their threads
                // stay parked, and dumps should still show them.
                GoroutineContainer.close(container);
            }
            terminated.countDown();
        } else {
            for (;;) {
                try {
                    if (nanos == Long.MAX_VALUE) {
                        terminated.await();
                    } else if (!terminated.await(Math.max(0, nanos - (System.nanoTime() - start)),
                            java.util.concurrent.TimeUnit.NANOSECONDS)) {
                        if (interrupted) {
                            Thread.currentThread().interrupt();
                        }
                        return false; // the bound ran out while the other close stops the carriers
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return goroutines.live() == 0;
    }

    // ---------------------------------------------------------------------------------------
    // Finding the runtime

    /**
     * The process-wide default runtime (what {@code Go.go} and timers use outside goroutines),
     * created on first use from {@link SchedConfig#defaults}, with failures printed to stderr.
     */
    public static Sched defaultSched() {
        return DefaultHolder.SCHED;
    }

    private static final class DefaultHolder {
        static final Sched SCHED = new Sched(SchedConfig.defaults("weft", Sched::printFailure));
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

    // ---------------------------------------------------------------------------------------
    // Shared state for the rooms

    /** The steal enumeration for the current procs; read before {@link #allp()} (see FindWork). */
    StealOrder stealOrder() {
        return stealOrder;
    }

    /** The Ps ever created (package-private: rooms, white-box tests and statistics). */
    P[] allp() {
        return allp;
    }

    /** Under lock: replaces allp (grown by setProcs, a P swapped by a retake). */
    void publishAllp(P[] ps) {
        lock.assertHeld();
        allp = ps;
    }

    /** Under lock: a new procs, with its steal order. */
    void publishProcs(int n) {
        lock.assertHeld();
        procs = n;
        stealOrder = new StealOrder(n);
    }

    P[] retaken() {
        return retaken;
    }

    /** Under lock. */
    void publishRetaken(P[] r) {
        lock.assertHeld();
        retaken = r;
    }

    boolean isStopped() {
        return stopped;
    }

    /** Whether a close has stopped the carriers and sysmon (the runtime is gone for good). */
    public boolean isTerminated() {
        return terminated.getCount() == 0;
    }

    /** Under lock: the runtime stops; idle Ms exit instead of waiting for work. */
    void markStopped() {
        lock.assertHeld();
        stopped = true;
    }

    P newP(int id) {
        return new P(id, priorityPolicy, goroutines.liveCount.procCell(id));
    }

    static void acquirep(M m, P p) {
        m.p = p;
        p.m = m;
        p.status = P.RUNNING;
        RuntimeTrace t = m.sched.trace;
        if (t != null) {
            Tracing.onM(t, m, TraceEvent.P_START, 0, p.id, 0);
        }
    }

    static void releasep(M m) {
        P p = m.p;
        RuntimeTrace t = m.sched.trace;
        if (t != null) {
            Tracing.onM(t, m, TraceEvent.P_STOP, 0, p.id, 0);
        }
        p.m = null;
        m.p = null;
    }

    /** For sysmon: whether nothing can run (every P idle). */
    boolean allProcsIdle() {
        return idle.idleProcs() >= procs;
    }

    /** Whether any run queue holds a goroutine: the global one, a P's, a retaken P's. */
    boolean anyQueuedWork() {
        if (!queues.globalEmpty() || retakenHaveWork()) {
            return true;
        }
        for (P p : allp) {
            if (p.status != P.STOPPED && !p.runqEmpty()) {
                return true;
            }
        }
        return false;
    }

    boolean retakenHaveWork() {
        for (P p : retaken) {
            if (!p.runqEmpty()) {
                return true;
            }
        }
        return false;
    }

    static IllegalStateException fatal(String what) {
        return new IllegalStateException("weft: fatal scheduler error: " + what);
    }

    // ---------------------------------------------------------------------------------------
    // Readying (the JDK's execute)

    /** Makes {@code g} runnable; the three paths are in the class comment. Never parks or throws. */
    void ready(G g) {
        Thread caller = Thread.currentThread();
        Thread carrier = VirtualThreads.currentCarrierThread();
        for (;;) {
            int s = g.status;
            if (s == GStatus.WAITING || s == GStatus.IDLE) {
                if (!g.casStatus(s, GStatus.RUNNABLE)) {
                    continue;
                }
                RuntimeTrace t = trace;
                if (t != null && s == GStatus.WAITING) {
                    Tracing.unblock(this, t, carrier, g);
                }
                P mine = null;
                if (carrier instanceof M m && m.sched == this && m.p != null && !m.inSyscall
                        && m.p.status != P.RETAKEN) {
                    mine = m.p;
                }
                g.queuePending = true;
                try {
                    queues.ready(g, mine, carrier != caller);
                    if (s == GStatus.WAITING && mine != null && carrier != caller && !((M) carrier).weftWake) {
                        ((M) carrier).markWorkQueuedBehind(); // a JDK wake-up: see M's class comment
                    }
                } catch (StackOverflowError | OutOfMemoryError e) {
                    // Never let it escape: the JDK has marked the thread runnable and would not
                    // submit it again. Field writes only here (no call can overflow): if the put
                    // did not happen, sysmon queues the G (Diagnostics.recoverLostWakeups).
                    LocalRunQueue<G> q = mine == null ? null : mine.runq; // null under PRIORITY
                    // inFlight is set only once g has taken runnext (the element it displaced is
                    // in flight), and is never stale here (mstart clears what a failed put in
                    // the M's loop left): then g is queued, and only the displaced one is lost.
                    boolean inRunnext = q != null && q.inFlight != null;
                    if (g.queuePending) {
                        g.queuePending = false;
                        if (!inRunnext) {
                            g.readyLost = true;
                            Diagnostics.failureSeen = true;
                        }
                    }
                    if (q != null) {
                        // Gs the local queue's put held in no queue (the one runnext displaced,
                        // an overflow batch): lost too. Fields only (LocalRunQueue#inFlight).
                        if (q.inFlight != null) {
                            ((G) q.inFlight).readyLost = true;
                            q.inFlight = null;
                            Diagnostics.failureSeen = true;
                        }
                        for (int i = q.inFlightBatch - 1; i >= 0; i--) {
                            ((G) q.overflowBatch[i]).readyLost = true;
                            q.overflowBatch[i] = null;
                            Diagnostics.failureSeen = true;
                        }
                        q.inFlightBatch = 0;
                    }
                }
                return;
            }
            if (s == GStatus.RUNNING) {
                g.readiedOnCarrier = carrier == caller && carrier instanceof M m && m.curg == g
                        && VirtualThreads.isYielded(g.thread);
                if (g.casStatus(GStatus.RUNNING, GStatus.RUNNABLE_MOUNTED)) {
                    RuntimeTrace t = trace;
                    if (t != null && !g.readiedOnCarrier) { // a wait ended while it unmounted
                        Tracing.unblock(this, t, carrier, g);
                    }
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
            Diagnostics.warn("internal error: ready of " + g + " in status " + GStatus.name(s), null);
            return;
        }
    }

    /** The JDK's execute for a virtual thread this runtime has not seen: see {@link Goroutines}. */
    void readyForeign(Runnable task) {
        goroutines.readyForeign(task);
    }

    // ---------------------------------------------------------------------------------------
    // The M loop

    /**
     * The M's scheduling loop. It survives any Throwable (an OutOfMemoryError in a queue, a bug):
     * a carrier that died would take its P and every goroutine queued there with it. The handler
     * allocates nothing itself and the loop goes on with whatever P the M still holds.
     */
    void mstart(M m) {
        P p = m.nextp;
        m.nextp = null;
        RuntimeTrace tr = trace;
        if (tr != null) {
            Tracing.onM(tr, m, TraceEvent.M_START, 0, m.mid, 0);
        }
        acquirep(m, p);
        for (;;) {
            try {
                G g = findWork.findRunnable(m);
                if (g == null) {
                    return; // runtime stopped
                }
                if (m.spinning) {
                    idle.resetSpinning(m);
                }
                execute(m, g);
            } catch (Throwable t) {
                long n = ++m.failures;
                Diagnostics.failureSeen = true;
                recoverInFlight(m.p);
                // An error that recurs on every turn of the loop must not flood the log (a bug
                // once wrote gigabytes in a minute): the 1st, 2nd, 4th, 8th... are reported.
                if (Long.bitCount(n) == 1) {
                    Diagnostics.warn("carrier " + m.getName() + " caught an error in its scheduling loop and carries on"
                            + (n == 1 ? "" : " (error " + n + " on this carrier; the next reported is the " + 2 * n + "th)"), t);
                }
            }
        }
    }

    /**
     * After an error in the M's loop: Gs a failed put of the loop (a requeue) left in no queue
     * of {@code p}'s ring (the one runnext displaced, an overflow batch) are handed to sysmon, as
     * {@link #ready}'s handler does, so that inFlight is never stale when that handler reads it.
     */
    private static void recoverInFlight(P p) {
        LocalRunQueue<G> q = p == null ? null : p.runq;
        if (q == null) {
            return;
        }
        if (q.inFlight != null) {
            ((G) q.inFlight).readyLost = true;
            q.inFlight = null;
        }
        for (int i = q.inFlightBatch - 1; i >= 0; i--) {
            ((G) q.overflowBatch[i]).readyLost = true;
            q.overflowBatch[i] = null;
        }
        q.inFlightBatch = 0;
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
        G.Rare rare = g.rarePlain();
        if (rare != null && rare.waitSeenAt != 0) {
            rare.waitSeenAt = 0;
        }
        g.setStatusRelease(GStatus.RUNNING); // taken from a queue: nobody else may change it now
        m.curg = g;
        // Spinning in the JDK's concurrent queues is useless when the partner can only run on
        // this P: with one P, or with work already queued here (see M's class comment).
        m.setShadowWork(procs == 1 || !p.runqEmpty());
        queues.mounting(g);
        ProcessLink proc = g.process; // a process member's run time is accounted to its process
        long mountedAt = proc == null ? 0 : System.nanoTime();
        RuntimeTrace tr = trace;
        if (tr != null) {
            Tracing.goStart(tr, m, g, m.foundAtOnce);
        }
        try {
            g.runContinuation().run();
        } catch (Throwable t) {
            // The JDK's runContinuation does not throw for a healthy thread; keep the carrier.
            Diagnostics.warn("carrier " + m.getName() + " caught an exception running goroutine " + g.id, t);
        }
        m.curg = null;
        if (g.inSyscall) {
            Syscalls.unmountedInSyscall(m, g);
        }
        afterRun(m, g);
        if (proc != null) {
            proc.switched(m.lastSwitchReason, System.nanoTime() - mountedAt);
        } else if (m.joined != null) {
            // It joined its process in this slice (a primary, a startThread): the slice counts
            // from the join, or a thread that never waits would show no run time and no switch.
            m.joined = null;
            ProcessLink joined = g.process; // null if it stepped outside it meanwhile (outsideProcess)
            if (joined != null) {
                joined.switched(m.lastSwitchReason, System.nanoTime() - m.joinedAt);
            }
        }
    }

    private void afterRun(M m, G g) {
        queues.ran(g);
        for (;;) {
            int s = g.status;
            if (s == GStatus.RUNNING) {
                if (!g.thread.isAlive()) {
                    // Terminated. Only the M that ran it last marks it: nothing can ready it now.
                    if (g.casStatus(GStatus.RUNNING, GStatus.DEAD)) {
                        Joins.exited(g); // first: nothing that could throw stands between DEAD and its joiners
                        countSwitch(m, g, SwitchReason.EXIT);
                        if (g.adopted()) {
                            goroutines.adoptedExited(g);
                        }
                        return;
                    }
                    continue;
                }
                if (g.casStatus(GStatus.RUNNING, GStatus.WAITING)) {
                    countSwitch(m, g, SwitchReason.WAIT);
                    return;
                }
                continue;
            }
            if (s == GStatus.RUNNABLE_MOUNTED) {
                boolean yielded = g.readiedOnCarrier;
                boolean preempted = false;
                if (yielded) {
                    preempted = g.yieldReason != SwitchReason.YIELD;
                    countSwitch(m, g, g.yieldReason);
                    g.yieldReason = SwitchReason.YIELD;
                } else {
                    countSwitch(m, g, SwitchReason.WAIT);
                }
                g.setStatusRelease(GStatus.RUNNABLE);
                queues.requeue(g, m.p, yielded, preempted);
                return;
            }
            throw fatal("goroutine " + g.id + " unmounted in status " + GStatus.name(s));
        }
    }

    /** Counts a switch on the M's P, or among the others if the M lost its P meanwhile. */
    private void countSwitch(M m, G g, int reason) {
        RuntimeTrace t = trace;
        if (t != null) {
            Tracing.goStop(t, m, g, reason);
        }
        m.lastSwitchReason = reason;
        P p = m.p;
        if (p != null) {
            p.switchReasons[reason]++;
        } else {
            diagnostics.countOtherSwitch(reason);
        }
    }
}
