package dev.weft.internal.sched;

import dev.weft.internal.util.StackHeadroom;
import dev.weft.internal.vm.JdkServiceThreads;
import dev.weft.internal.vm.GoroutineContainer;
import dev.weft.internal.vm.VirtualThreads;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * Goroutine creation, exit and adoption (Go's {@code newproc}/{@code goexit}), main goroutines,
 * and the wait for the last goroutine at close.
 *
 * <p><b>Counting.</b> {@link #live} counts goroutines started and not finished: counted
 * before the thread is queued (see {@link #start}), uncounted when the body has finished (before {@code bodyDone}, so a
 * returning {@code Weft.run} sees the count without its main), on the cell of the P the
 * counting thread's carrier holds ({@link LiveCount}). {@code close()} waits for it to reach zero; an exit that
 * reads zero while closing wakes the closer.
 *
 * <p><b>Adoption.</b> A virtual thread that user code starts with the JDK's APIs inside a
 * goroutine inherits that goroutine's G as its scheduler, so its {@code execute} calls arrive at
 * a G whose task is not theirs ({@link G#execute}). On first sight it gets a G of its own,
 * found again through {@link #adoptedByThread} (a map, not a slot on the thread, which user code
 * could overwrite); it leaves the map when its M sees the thread terminated.
 *
 * <p><b>The JDK's own threads are never adopted.</b> The JDK starts some service threads lazily,
 * from whatever thread first needs them: the socket sub-pollers ({@code sun.nio.ch.Poller},
 * virtual threads named {@code SubPoller-N}) when the JVM's first socket I/O happens. Started
 * inside a goroutine, they would inherit its scheduler, run every virtual thread's socket I/O on
 * this runtime's carriers and never end, so {@code close()} would wait forever. Such a thread
 * ({@link JdkServiceThreads#startedByJdk}) is sent to the JDK's default scheduler instead, for
 * its whole life.
 *
 * <p><b>Closing.</b> {@code close()} stops new goroutines from outside the runtime and waits for
 * {@link #live} to reach zero, or for sysmon to find every remaining goroutine asleep for good
 * (a deadlock: they can never end, so the wait gives up on them). Any number of threads may wait
 * at once; each wake-up wakes them all.
 */
final class Goroutines {
    /** Priority argument meaning "the creating goroutine's, or the default outside goroutines". */
    static final int INHERIT_PRIORITY = -1;

    private final Sched sched;
    private final BiConsumer<G, Throwable> uncaughtHandler;

    /**
     * The last goroutine id handed out, in slot {@link #GOID} of an array of 17, 64 bytes from
     * either end, so that no field the carriers read or write shares its line. Ids increase in
     * creation order (a program may rely on it; Go's per-P batches would not keep it), and only
     * spawners write it: with the counter next to this object's fields, which every exit reads,
     * the spawner's add missed the cache on each goroutine (docs/BENCHMARKS.md, spawn-platform).
     */
    private final long[] goidCell = new long[17];
    private static final int GOID = 8;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);
    /** Goroutines started and not finished: striped per P, see {@link LiveCount}. */
    final LiveCount liveCount = new LiveCount();
    /**
     * Starts counted in {@link #liveCount} that created no goroutine (a refused or abandoned
     * spawn, a refused adoption), so that {@link #created} needs no add of its own on the spawn
     * path; written only on those rare paths.
     */
    private final AtomicLong notCreated = new AtomicLong();
    final AtomicLong adoptedCount = new AtomicLong();
    /** An adopted thread's G, or {@link #JDK_SERVICE} for a JDK thread sent to the default scheduler. */
    private final ConcurrentHashMap<Thread, Object> adoptedByThread = new ConcurrentHashMap<>();
    private static final Object JDK_SERVICE = new Object();
    /** Main goroutines (run(main)) currently running. */
    final AtomicInteger mainsRunning = new AtomicInteger();

    /** Every live G, for dumps and deadlock detection. */
    final GRegistry all = new GRegistry();

    private volatile boolean closing;
    /** Threads inside close(), waiting for the goroutines to finish. */
    private final ConcurrentLinkedQueue<Thread> closers = new ConcurrentLinkedQueue<>();
    /** Set by sysmon when closing and every remaining goroutine is asleep for good. */
    private volatile boolean closeGaveUp;

    Goroutines(Sched sched, BiConsumer<G, Throwable> uncaughtHandler) {
        this.sched = sched;
        this.uncaughtHandler = uncaughtHandler;
    }

    long live() {
        return liveCount.live();
    }

    /** Goroutines created (adopted ones included), for statistics: exact once no spawn is under way. */
    long created() {
        long refused = notCreated.get(); // first: each is counted after its start, so this never dips below
        return liveCount.started() - refused;
    }

    /** The next goroutine id. */
    private long nextGoid() {
        return (long) SLOT.getAndAdd(goidCell, GOID, 1L) + 1;
    }

    boolean closing() {
        return closing;
    }

    /** Sysmon found the goroutines a close() waits for asleep for good: the close gives up on them. */
    void giveUpClosing() {
        closeGaveUp = true;
        wakeCloser();
    }

    /**
     * A close gave up on the goroutines left (sysmon found them asleep for good) and is about to
     * stop the carriers: takes their waits out of reach of any waker ({@link WaitCompletion#abandon}).
     * Deadlock detection counts a primitive a goroutine made as signalled by goroutines only, but
     * a platform thread holding it may send on it later: without this, the send would hand its
     * value to a goroutine no carrier will ever run and report it delivered. Done before the
     * carriers stop, so a goroutine a platform thread completed meanwhile (before its wait is
     * abandoned) is still run. Not under ONE_TO_ONE: each goroutine is a thread of its own there,
     * which a later wake-up still runs, so what it is handed is not lost.
     */
    void abandonWaits() {
        List<G> gs;
        try {
            gs = all.snapshot();
        } catch (OutOfMemoryError e) {
            // The close must still stop the carriers (and count down for the closers waiting on it).
            Diagnostics.warn("close could not take the waits of the goroutines it gave up on out of reach of wakers", e);
            return;
        }
        for (G g : gs) {
            if (g.kernelThread() || g.status != GStatus.WAITING) {
                continue;
            }
            Object blocker = g.waitBlocker; // after the status: the fields of the wait it is in
            WaitCompletion c = g.waitCompletion;
            if (c == null) {
                continue;
            }
            try {
                c.abandon(blocker);
            } catch (RuntimeException | Error e) {
                // The close goes on: the carriers must stop whatever a goroutine's wait does.
                Diagnostics.warn("close could not take goroutine " + g.id + "'s wait out of reach of wakers", e);
            }
        }
    }

    /**
     * Creates and starts a goroutine. From a goroutine of this runtime the new G takes the
     * caller's runnext (Go's newproc); from elsewhere it joins the global queue. With a
     * {@code mainWaiter} it is a main goroutine whose end {@link #awaitMain} waits for.
     *
     * <p><b>Failure-atomic, even where the caller's stack ends</b> (docs/notes/stack-end.md).
     * A StackOverflowError can strike at any call, so this either returns a goroutine that will
     * run, or throws having started nothing of the caller's; and whatever it counted is
     * uncounted. An undo that makes calls could overflow in turn, so the steps are ordered so
     * that none is needed (the pattern: a mutation is the last call of its chain, so a call
     * that throws has not made it; its record is a plain field store right after it):
     * <ol>
     *   <li>Private work: the G, and for a virtual thread the JDK's start, which does not queue
     *       it ({@link G#execute} ignores the start of an IDLE G). On failure the thread is
     *       garbage: never queued, it never runs.</li>
     *   <li>The registry, undone by the store {@code bodyDone = true} (the registry drops it).</li>
     *   <li>The live count. From here a failure <em>abandons</em> the G: its body becomes
     *       {@link G#ABANDONED} and it is queued all the same, so that its own exit path,
     *       {@link #bodyFinished}, on a stack of its own, undoes the count, the process slot
     *       ({@code g.process}, stored once reserved) and the main count ({@code g.mainWaiter()},
     *       stored once counted), exactly what was done. None of the caller's code runs.</li>
     *   <li>The commit, {@code sched.ready} (an abandoned G's too), which never throws once it
     *       has changed the status; a failure before that leaves a G no one else can see, so
     *       plain stores mark it runnable and lost, and sysmon queues it
     *       ({@link Diagnostics#recoverLostWakeups}, which scans the registry). Its handler is in
     *       this method: a helper's own call could overflow.</li>
     * </ol>
     * A platform thread (ONE_TO_ONE) starts running at its start, so it cannot be started
     * first and abandoned; its spawn, dear anyway (a kernel thread), takes
     * {@link StackHeadroom#ensure} first and undoes with calls. A refusal while the runtime
     * closes takes headroom and undoes with calls (abandoned, the G could be queued after the
     * close stopped looking; it is abandoned only if that probe overflows); one after it has
     * stopped undoes with calls (no carrier would run the G), which the end of a stack is not
     * covered for.
     */
    G start(Runnable body, boolean reportFailure, Thread mainWaiter, int priority) {
        if (body == null) {
            throw new NullPointerException("weft: go of a null body");
        }
        if (sched.isStopped()) {
            throw closedRefusal(); // before anything exists; the check below covers a stop meanwhile
        }
        boolean kernel = sched.model == Model.ONE_TO_ONE;
        if (kernel) {
            StackHeadroom.ensure(); // see above: every later failure is undone with calls
        }
        G parent = Sched.currentG();
        Thread carrier = VirtualThreads.currentCarrierThread();
        // A call: here, before anything exists (between the registry's add and the count, a throw
        // would leave the G registered for good, IDLE and never queued).
        long[] cell = liveCount.cellOf(carrier, sched);
        long parentId = parent == null || parent.sched != sched ? 0 : parent.id; // ids are per runtime
        if (priority == INHERIT_PRIORITY) {
            priority = parent == null ? G.DEFAULT_PRIORITY : parent.basePriority;
        }
        // 1. Private: an OutOfMemoryError or an overflow here leaves only garbage (an id skipped).
        G g = new G(sched, nextGoid(), parentId, body, reportFailure, priority, kernel);
        if (kernel) {
            g.thread.setPriority(KernelPriorities.javaPriority(priority));
        } else {
            GoroutineContainer.start(g.thread, sched.container); // not queued: see G.execute
        }
        // 2. Registered (it may grow its array): added, or threw without adding.
        all.add(registryShard(carrier), g);
        // 3. Counted before the closing check, and close sets closing before it reads the count:
        // either close sees this goroutine and waits for it, or this call sees the close and
        // refuses. Checked first and counted after, a goroutine accepted as close returned was
        // queued on a stopped runtime and never ran (found by LifecycleTest).
        try {
            liveCount.started(cell); // its chain's last call is the atomic add
        } catch (RuntimeException | Error e) {
            g.bodyDone = true; // not counted; the registry drops it
            throw e;
        }
        ProcessLink proc = parent == null ? null : parent.process;
        Throwable abandoned = null;
        try {
            if (sched.isStopped()) {
                // Stopped meanwhile. No carrier would run an abandoned G, and no close waits for
                // the count: undone here, with calls (not covered at the very end of a stack).
                // The registry drops the G (done, never queued) though the JDK counts its
                // started thread alive.
                g.bodyDone = true;
                undoStart(cell);
                throw closedRefusal();
            }
            if (closing && (parent == null || parent.sched != sched) && !ownThread()) {
                // Refused, and undone here, with calls, inside headroom taken first. Abandoned (a
                // G queued for the carriers, whose exit lowers the count) it could be queued after
                // the close's last read of the count: that read may come before this count while
                // this read of closing comes after the close set it, and the close then stops the
                // carriers with the G never run and counted for good (LifecycleTest, raced
                // lifecycle calls). Only if the probe itself overflows is the G abandoned (the
                // catch below): an undo that overflowed half way would leave the count up.
                StackHeadroom.ensure();
                g.bodyDone = true;
                undoStart(cell);
                throw closedRefusal();
            }
            // A member's goroutine joins its process (Go.go, the JDK's APIs, a pool). A refusal
            // (a thread limit, a process that is exiting) abandons the G like any failure.
            if (proc != null) {
                proc.reserve();
                g.process = proc; // from here its exit leaves the process (left, after a partial joined too)
                proc.joined(g);
            }
            if (mainWaiter != null) {
                G.Rare rare = g.rare(); // a call (it may allocate): before the count
                mainsRunning.incrementAndGet();
                rare.mainWaiter = mainWaiter; // from here its exit uncounts it
            }
            dev.weft.internal.trace.RuntimeTrace t = sched.trace;
            if (t != null) {
                // The carrier read again: a process's join above may have unmounted the caller (a
                // contended monitor does), and the carrier it started on is writing its own
                // events by now: only a buffer's own carrier and its goroutine may write it.
                Tracing.untimed(sched, t, VirtualThreads.currentCarrierThread(),
                        dev.weft.internal.trace.TraceEvent.GO_CREATE, g, g.parentId);
            }
        } catch (RuntimeException | Error e) {
            if (g.bodyDone) { // refused above, already undone
                throw e;
            }
            if (kernel) {
                uncount(g);
                throw e;
            }
            g.body = G.ABANDONED; // its exit path undoes what was done (see above)
            abandoned = e; // queued below all the same, then rethrown
        }
        // 4. Committed.
        if (kernel) {
            try {
                g.thread.start();
            } catch (RuntimeException | Error e) {
                uncount(g);
                throw e;
            }
            return g;
        }
        // Here, not in a method of its own, whose call could overflow: sched.ready changes
        // nothing before its status CAS and lets nothing escape after it, so an error struck
        // before the CAS. The G is still IDLE, unqueued and known to no one but the registry:
        // plain stores (no call) hand it to sysmon, which queues it.
        try {
            sched.ready(g);
        } catch (StackOverflowError | OutOfMemoryError e) {
            g.status = GStatus.RUNNABLE; // what ready's CAS would have set; no one else holds the G
            g.readyLost = true;
            Diagnostics.failureSeen = true;
        }
        if (abandoned instanceof RuntimeException r) {
            throw r;
        }
        if (abandoned != null) {
            throw (Error) abandoned;
        }
        return g;
    }

    /**
     * Undoes a ONE_TO_ONE spawn that failed after counting (its thread never started), with
     * calls: {@link #start} took stack headroom first.
     */
    private void uncount(G g) {
        g.bodyDone = true; // never ran: the registry drops it
        if (g.mainWaiter() != null) {
            mainsRunning.decrementAndGet();
        }
        undoStart(liveCount.cellOf(VirtualThreads.currentCarrierThread(), sched));
        if (g.process != null) {
            g.process.left(g);
        }
    }

    private RejectedExecutionException closedRefusal() {
        return new RejectedExecutionException("weft: runtime '" + sched.name()
                + "' is closed; it accepts no new goroutines");
    }

    /**
     * Whether the caller is one of this runtime's own threads in its own context: a carrier
     * running a timer callback, or sysmon firing one. Their goroutines are the runtime's own
     * work (an AfterFunc or a context deadline armed by a goroutine), which a close waits for.
     */
    private boolean ownThread() {
        Thread t = Thread.currentThread();
        return (t instanceof M m && m.sched == sched) || t == sched.sysmon;
    }

    /**
     * Waits until {@code main} has ended; returns null, or the goroutine dump if every goroutine
     * fell asleep for good first. An interrupt does not end the wait.
     */
    String awaitMain(G main) {
        boolean interrupted = false;
        // A Weft.run nested in a goroutine waits like any weft wait, so that deadlock detection
        // sees it: asleep for good if this runtime's goroutines all are.
        G self = Sched.currentG();
        boolean nested = self != null;
        if (nested) {
            self.cancelMask++; // not a cancellable wait: a cancelled caller's park must still park
        }
        try {
            while (!main.bodyDone) {
                String dump = main.deadlockDump();
                if (dump != null) {
                    return dump;
                }
                if (nested) {
                    Parking.park(main, WaitReason.RUN_MAIN, sched);
                } else {
                    LockSupport.park(main);
                }
                interrupted |= Thread.interrupted();
            }
            return null;
        } finally {
            if (nested) {
                self.cancelMask--;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Called by a G's own virtual thread when its body has returned or thrown ({@code abandoned}:
     * its spawn failed after counting it, see {@link #start}). The G is not DEAD
     * yet: its thread still runs the JDK's exit path, which may block on a monitor and be readied
     * again. Its M marks it DEAD once the thread has terminated ({@code Sched.afterRun}).
     */
    void bodyFinished(G g, boolean abandoned) {
        if (abandoned) {
            notCreated.incrementAndGet(); // its spawn threw: not created (see start)
        }
        decrementLive(); // before bodyDone: a returning Weft.run sees the count without it
        G.BODY_DONE.setRelease(g, true);
        Thread waiter = g.mainWaiter(); // set before the G was first queued: no fence needed between
        if (waiter != null) {
            mainsRunning.decrementAndGet();
            LockSupport.unpark(waiter);
        }
        if (g.process != null) {
            g.process.left(g); // after the count: a process that ends here has no goroutine counted
        }
    }

    /** An adopted thread has terminated (its M saw it): forget it. */
    void adoptedExited(G g) {
        adoptedByThread.remove(g.thread);
        g.forgetAfterExit();
        G.BODY_DONE.setRelease(g, true); // the registry drops it (GRegistry: nothing at exit)
        decrementLive();
        if (g.process != null) {
            g.process.left(g);
        }
    }

    /** The registry shard for a goroutine the caller creates: its carrier's, if one of ours. */
    private GRegistry.Shard registryShard(Thread carrier) {
        return carrier instanceof M m && m.sched == sched ? all.shardOf(m) : all.shared();
    }

    /** Sysmon: drops ended goroutines from the registry once they outnumber the live ones. */
    void sweepRegistry() {
        if (all.needsSweep(live())) {
            all.sweep();
        }
    }

    /** Probe depth before an adoption (four times StackHeadroom's default); see readyForeign. */
    private static final int ADOPTION_HEADROOM_FRAMES = 32;

    /**
     * Undoes a start that created nothing (a refused or failed spawn or adoption) on {@code cell}:
     * counted as not created before the exit count, so a close that reads 0 sees both.
     */
    private void undoStart(long[] cell) {
        notCreated.incrementAndGet();
        decrementLive(cell);
    }

    /** Uncounts a goroutine (its exit) from the calling thread. */
    private void decrementLive() {
        decrementLive(liveCount.cellOf(VirtualThreads.currentCarrierThread(), sched));
    }

    private void decrementLive(long[] cell) {
        liveCount.exited(cell); // a full fence before closing is read: see LiveCount, "Against close"
        if (closing && liveCount.live() == 0) {
            wakeCloser();
        }
    }

    /** Wakes every close() waiting for the goroutines to finish (or to be given up on). */
    void wakeCloser() {
        for (Thread c : closers) {
            LockSupport.unpark(c);
        }
    }

    void reportUncaught(G g, Throwable t) {
        try {
            uncaughtHandler.accept(g, t);
        } catch (Throwable handlerFailure) {
            Diagnostics.warn("the uncaught-exception handler of runtime '" + sched.name() + "' threw "
                    + handlerFailure + " while handling an exception of goroutine " + g.id, t);
        }
    }

    /**
     * {@code execute} with a task that is not the scheduler-G's own: a virtual thread started
     * with the JDK's APIs inside a goroutine. Find or create its G ("adopt" it) and ready that.
     */
    void readyForeign(Runnable task) {
        Thread vt = VirtualThreads.threadOfTask(task);
        Object known = adoptedByThread.get(vt);
        if (known instanceof G g) {
            sched.ready(g);
            return;
        }
        if (known == JDK_SERVICE) {
            VirtualThreads.defaultScheduler().execute(task);
            return;
        }
        if (JdkServiceThreads.startedByJdk(vt)) {
            adoptedByThread.put(vt, JDK_SERVICE);
            VirtualThreads.defaultScheduler().execute(task);
            return;
        }
        // Inside the JDK's start of a thread user code started: a throw here fails that start
        // cleanly (the thread never runs), but a throw after the count below would leave it
        // counted, so the stack must have room for what follows (docs/notes/stack-end.md). And
        // room for the JDK's own handler of the error this may throw: its Continuation.unpin,
        // run after a deoptimization at the end of the stack, overflowed with the usual probe
        // and left the caller pinned for good (its next park blocked N_1's only carrier). Once
        // per adopted thread, not per wake-up; the JDK's start around it costs far more.
        StackHeadroom.ensure(ADOPTION_HEADROOM_FRAMES);
        G parent = Sched.currentG();
        long[] cell = liveCount.cellOf(VirtualThreads.currentCarrierThread(), sched);
        liveCount.started(cell); // before the check, as in start
        if (sched.isStopped() || (closing && (parent == null || parent.sched != sched))) {
            undoStart(cell);
            // Thread.start rethrows this: a thread built inside a goroutine and started after
            // its runtime closed would otherwise never run.
            throw new RejectedExecutionException("weft: runtime '" + sched.name()
                    + "' is closed; it accepts no new goroutines (a virtual thread built inside one of its"
                    + " goroutines cannot start now)");
        }
        ProcessLink proc = parent == null ? null : parent.process;
        if (proc != null) {
            try {
                proc.reserve(); // as in start: Thread.start rethrows a refusal
            } catch (RuntimeException | Error e) {
                undoStart(cell);
                throw e;
            }
        }
        G g;
        try {
            g = adopt(vt, task);
        } catch (RuntimeException | Error e) {
            undoStart(cell); // nothing was adopted
            if (proc != null) {
                proc.release();
            }
            throw e;
        }
        if (proc != null) {
            g.process = proc; // before it first runs: the ready below publishes it
            proc.joined(g);
        }
        dev.weft.internal.trace.RuntimeTrace t = sched.trace;
        if (t != null) { // before its first run, as for a goroutine weft starts
            Tracing.untimed(sched, t, VirtualThreads.currentCarrierThread(), dev.weft.internal.trace.TraceEvent.GO_CREATE,
                    g, g.parentId);
        }
        sched.ready(g);
    }

    private G adopt(Thread vt, Runnable task) {
        G parent = Sched.currentG();
        G g = new G(sched, nextGoid(), parent == null || parent.sched != sched ? 0 : parent.id, vt,
                parent == null ? G.DEFAULT_PRIORITY : parent.basePriority);
        if (sched.nameGoroutines && vt.getName().isEmpty()) { // as G names its own; a name its creator chose stays
            vt.setName(sched.name() + "/g" + g.id);
        }
        all.add(registryShard(VirtualThreads.currentCarrierThread()), g); // first: it may fail (a grown array), and then nothing else changed
        adoptedByThread.put(vt, g);
        if (vt.getUncaughtExceptionHandler() == vt.getThreadGroup()) {
            vt.setUncaughtExceptionHandler(g); // its failures reach the runtime's handler
        }
        adoptedCount.incrementAndGet();
        return g;
    }

    /**
     * close()'s first half: stop accepting goroutines from outside and wait until every
     * goroutine has finished (or a deadlock was declared). An interrupt does not end the wait;
     * returns whether one came.
     */
    /** The longest a close waits between two looks at the live count (see closeAndAwait). */
    private static final long CLOSE_RECHECK_NANOS = 100_000_000L;

    /** How a close's wait ended. */
    enum AwaitResult { ENDED, ENDED_INTERRUPTED, TIMED_OUT }

    /**
     * Stops new goroutines from outside and waits up to {@code nanos} (Long.MAX_VALUE: forever)
     * for every goroutine to end or be given up on. An interrupt does not end the wait; it is
     * reported in the result (and, on a timeout, kept in the thread's status).
     */
    AwaitResult closeAndAwait(long nanos) {
        G self = Sched.currentG();
        if (self != null && self.sched == sched) {
            throw new IllegalStateException("weft: close() called from goroutine " + self.id
                    + " of the runtime it would wait for");
        }
        boolean interrupted = false;
        Thread me = Thread.currentThread();
        closers.add(me); // before closing: decrementLive reads closing, then the closers
        closing = true;
        long start = System.nanoTime();
        try {
            while (liveCount.live() != 0 && !closeGaveUp) {
                if (nanos == Long.MAX_VALUE) {
                    // Timed all the same: the last exit wakes the closer, but an exit that
                    // overflowed its stack between its count and the wake-up would leave the close
                    // parked for good; a look every tenth of a second heals that.
                    LockSupport.parkNanos(this, CLOSE_RECHECK_NANOS);
                } else {
                    long left = nanos - (System.nanoTime() - start);
                    if (left <= 0) {
                        if (interrupted) {
                            me.interrupt();
                        }
                        return AwaitResult.TIMED_OUT;
                    }
                    LockSupport.parkNanos(this, left);
                }
                interrupted |= Thread.interrupted();
            }
        } finally {
            closers.remove(me);
        }
        return interrupted ? AwaitResult.ENDED_INTERRUPTED : AwaitResult.ENDED;
    }
}
