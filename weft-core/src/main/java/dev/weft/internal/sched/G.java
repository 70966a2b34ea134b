package dev.weft.internal.sched;

import dev.weft.internal.queue.PriorityRunQueue;
import dev.weft.internal.timer.TimerEntry;
import dev.weft.internal.vm.VirtualThreads;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;

/**
 * A goroutine: one JDK virtual thread plus weft's scheduling state for it.
 *
 * <p><b>How the JDK finds its G.</b> weft builds each virtual thread with its own G as the
 * thread's scheduler, so when the JDK makes the thread runnable it calls
 * {@code g.execute(runContinuation)} on exactly this object: no lookup, no lock. A virtual thread
 * that user code starts from inside a goroutine with the JDK's own APIs inherits the parent's
 * scheduler object, so its {@code execute} calls also arrive here, carrying a task that is not
 * this G's; {@link #execute} passes those to {@link Goroutines#readyForeign}, which gives the thread
 * a G of its own on first sight ("adoption").
 *
 * <p><b>Status.</b> {@link #status} follows the state machine in {@link GStatus}; every
 * transition is a CAS. The fields below it are written by whoever owns the G at the time (its M
 * while running, the G itself for its wait reason) and read racily by statistics and dumps.
 *
 * <p><b>Size.</b> Every goroutine allocates one G beside the JDK's own objects for its virtual
 * thread (272 bytes), and a program that keeps a million goroutine handles keeps a million Gs:
 * its bytes are copied by every young collection those goroutines live through, which is most
 * of what spawning a million costs beyond the JDK's own (docs/notes/issue-11-spawn.md). With
 * compressed references a G is 80 bytes (sysmon keeps its own per-goroutine notes in maps of its own, as
 * Diagnostics' recovery candidates); a field added here that takes it past a multiple of
 * eight costs eight more per goroutine, so measure it (a class histogram of a spawn run).
 * What only some goroutines need (a main goroutine's waiter and deadlock dump, a failure, the
 * sleep timer, a dump's wait stamp) lives in a {@link Rare} side object made on first need, and
 * the JDK's {@code runContinuation} task is read from the thread, which holds it anyway. A field
 * read on a switch, a park or a spawn belongs here, not in {@link Rare}: a goroutine that parks
 * on a channel must not pay a second object. Small values are bytes: the status, the wait
 * reason (its ordinal), priorities, levels and switch reasons, and the three facts fixed at
 * creation share one byte of {@link #kind} bits.
 */
public final class G implements Executor, Runnable, Thread.UncaughtExceptionHandler,
        PriorityRunQueue.Leveled {
    /** The level of a goroutine nobody gave a priority: Windows' NORMAL class, NORMAL thread. */
    public static final int DEFAULT_PRIORITY = 8;

    final Sched sched;
    final long id;
    final long parentId;
    /**
     * The goroutine's body, or null for an adopted thread (the JDK runs the user's task); cleared
     * when it has run ({@link #forgetAfterExit}), or replaced by {@link #ABANDONED} by a spawn
     * that failed after counting it ({@code Goroutines.start}).
     */
    Runnable body;
    /** The body of a G whose spawn failed after counting it: it runs only its exit path. */
    static final Runnable ABANDONED = () -> { };
    /** Its virtual thread, or under the ONE_TO_ONE model its own platform thread. */
    final Thread thread;
    /**
     * What the G is, fixed at creation: {@link #ADOPTED}, {@link #KERNEL_THREAD} and
     * {@link #REPORT_FAILURE} bits (read through the methods of those names).
     */
    private final byte kind;
    private static final byte ADOPTED = 1;
    private static final byte KERNEL_THREAD = 2;
    private static final byte REPORT_FAILURE = 4;

    /**
     * Priority 0..31 given at creation or by setPriority; any thread may write it. This and the
     * three fields below are bytes (their values are below 32): see "Size" above.
     */
    volatile byte basePriority;
    /**
     * The level it queues at: its base priority, or higher while a starvation boost lasts (the
     * boost decays one level per run, see {@code PriorityQueues.ran}). Written by whoever owns the G:
     * its M, or a run queue's boost under the queue's lock while the G is queued.
     */
    volatile byte level;
    /** Why sysmon or the scheduler set {@link #preempt}: {@link SwitchReason#SLICE_END} or PRIORITY. */
    volatile byte preemptReason;
    /**
     * How the G's last yield is to be counted ({@link SwitchReason}); set by the G itself just
     * before a yield the scheduler asked for, read and cleared by its M after the unmount.
     */
    byte yieldReason = SwitchReason.YIELD;

    /** See {@link GStatus} (its values fit a byte). CAS only. */
    volatile byte status;
    /**
     * The ordinal of its {@link WaitReason} ({@link #waitReason()}); 0, the default, is
     * {@link WaitReason#NONE}. Set by the G itself before it parks in a weft primitive; racy
     * reads by dumps.
     */
    private byte waitReason;
    /**
     * Why a RUNNING G became runnable again: true for a {@code Thread.yield} (the JDK called
     * {@code execute} from the G's own carrier, thread state YIELDED), false for a park or monitor
     * wait that was ended while the G unmounted. Written before the CAS to RUNNABLE_MOUNTED, read
     * by the M after it.
     */
    boolean readiedOnCarrier;
    /**
     * Set by sysmon when the G has used up its time slice (or lost its P); the G yields at its
     * next safe point ({@code Go.checkpoint}, {@code Go.go}, weft's blocking calls) and its M
     * clears it when the G next starts running.
     */
    volatile boolean preempt;
    /** What the G parks on in a weft primitive (for deadlock detection and dumps); G-written. */
    Object waitBlocker;
    /** The runtime token of what it parks on ({@code Parking.park}); null if made outside any. G-written. */
    Object waitRuntime;
    /** The completion flag of the current weft wait, if the primitive gave one; G-written. */
    WaitCompletion waitCompletion;
    /**
     * Set by {@code Sched.ready} just before the queue put and cleared by the policy right after
     * it: still set when an error escapes the put, so ready knows the G is in no queue.
     */
    boolean queuePending;
    /** A primitive's reusable waiter for this goroutine (a channel's plain send/receive); G only. */
    Object spareWaiter;
    /** A ready whose queue put failed (an error ready swallowed); sysmon queues the G. */
    volatile boolean readyLost;
    /**
     * Set when the body has returned or thrown (the thread may still be finishing), or, for an
     * adopted thread, once it has terminated: the registry then skips the G and drops it.
     */
    volatile boolean bodyDone;
    /**
     * What only some goroutines need, made on first need ({@link #rare()}); installed by a CAS,
     * since its makers differ (the creator of a main goroutine, the G itself, a dump), and read
     * with acquire by other threads ({@link #rareOrNull}). Its M reads it plainly at mount.
     */
    private Rare rare;
    /** Inside Go.blocking on its current M; owner-written (the G itself and its M). */
    boolean inSyscall;

    /**
     * The process this goroutine belongs to, or null for the root process (see
     * {@link ProcessLink}). Written by its creator before the thread starts, or by the G itself
     * (a process's primary joining, {@code ProcessSupport.outsideProcess}); its M reads it at mount.
     */
    ProcessLink process;
    /** Set once when its process ends: waits and safe points throw the process's exit exception. */
    volatile boolean cancelled;
    /**
     * While above zero, cancellation is held off (a process's own unwinding steps); G only. A
     * short, not an int: masks nest a few deep (each is undone in a finally block), and the two
     * bytes are part of what brings a G to 112 bytes (see the class comment).
     */
    short cancelMask;

    private static final VarHandle STATUS;
    /**
     * {@link #bodyDone}, set with a release store: its readers (a {@code Weft.run} waiting for its
     * main, the bubble) loop on a volatile read with a park permit behind it, so the store needs
     * no full fence, which every goroutine's exit would pay.
     */
    static final VarHandle BODY_DONE;
    /**
     * For the constructors, which initialise {@link #basePriority} and {@link #level} with plain
     * stores: a volatile write is a full fence, two per spawn, and a new G needs none, since it is
     * published to other threads by its thread's start (the run-queue put is a release).
     */
    private static final VarHandle BASE_PRIORITY;
    private static final VarHandle LEVEL;
    private static final VarHandle RARE;
    static {
        try {
            RARE = MethodHandles.lookup().findVarHandle(G.class, "rare", Rare.class);
            BASE_PRIORITY = MethodHandles.lookup().findVarHandle(G.class, "basePriority", byte.class);
            LEVEL = MethodHandles.lookup().findVarHandle(G.class, "level", byte.class);
            BODY_DONE = MethodHandles.lookup().findVarHandle(G.class, "bodyDone", boolean.class);
            STATUS = MethodHandles.lookup().findVarHandle(G.class, "status", byte.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A goroutine weft creates, not yet started: on a virtual thread whose scheduler is this G,
     * or with {@code kernelThread} on a platform thread of its own.
     */
    G(Sched sched, long id, long parentId, Runnable body, boolean reportFailure, int priority, boolean kernelThread) {
        this.sched = sched;
        this.id = id;
        this.parentId = parentId;
        this.body = body;
        this.kind = (byte) ((reportFailure ? REPORT_FAILURE : 0) | (kernelThread ? KERNEL_THREAD : 0));
        sched.levelFloor.note(priority); // before the G can run at it (LevelFloor)
        BASE_PRIORITY.set(this, (byte) priority);
        LEVEL.set(this, (byte) priority);
        if (kernelThread) {
            this.thread = new KernelThread(this, sched.name() + "/g" + id); // a platform thread has a name anyway: the same one
        } else {
            // Named "<runtime>/g<id>" (so that a jcmd thread dump shows which goroutine a virtual
            // thread is) when the runtime names goroutines; otherwise unnamed, as the JDK's own
            // virtual threads are: a name costs a string per spawn (measured in
            // docs/BENCHMARKS.md, "Goroutine names").
            this.thread = VirtualThreads.newThread(this, sched.nameGoroutines ? sched.name() + "/g" + id : "", this);
        }
        // status starts IDLE, the default value (0): no store, so no fence
    }

    /** A virtual thread started by user code inside a goroutine, seen for the first time. */
    G(Sched sched, long id, long parentId, Thread adoptedThread, int priority) {
        this.sched = sched;
        this.id = id;
        this.parentId = parentId;
        this.body = null;
        this.kind = ADOPTED | REPORT_FAILURE;
        this.thread = adoptedThread;
        sched.levelFloor.note(priority); // before the G can run at it (LevelFloor)
        BASE_PRIORITY.set(this, (byte) priority);
        LEVEL.set(this, (byte) priority);
        // status starts IDLE, the default value (0): no store, so no fence
    }

    /** A platform thread that is one goroutine (ONE_TO_ONE); how {@code Sched.currentG} finds it. */
    static final class KernelThread extends Thread {
        final G g;

        KernelThread(G g, String name) {
            super(null, null, name, 0, false);
            this.g = g;
            setDaemon(true); // as goroutines: the program does not wait for them
        }

        @Override
        public void run() {
            g.setStatusRelease(GStatus.RUNNING);
            try {
                g.run();
            } finally {
                // Volatile, not release: Joins' protocol orders it before the read of the joiners,
                // which come first after it (nothing that could throw in between).
                STATUS.setVolatile(g, (byte) GStatus.DEAD);
                Joins.exited(g);
                g.sched.diagnostics.countOtherSwitch(SwitchReason.EXIT);
            }
        }
    }

    /** For the owner of the G (the M that dequeued it): no CAS needed, ordering kept. */
    void setStatusRelease(int s) {
        STATUS.setRelease(this, (byte) s);
    }

    boolean casStatus(int expect, int update) {
        return STATUS.compareAndSet(this, (byte) expect, (byte) update);
    }

    /**
     * What only some goroutines need, in a side object so that the others do not carry its
     * fields (see "Size" in the class comment). Each field has one kind of writer at a time.
     */
    static final class Rare {
        /** The thread waiting in Weft.run for this G to end, if it is a main goroutine; set before the start. */
        volatile Thread mainWaiter;
        /** Set once if this main goroutine was found in a deadlock: the dump its Weft.run throws with. */
        volatile String deadlockDump;
        /** What escaped the body, if anything; written before DEAD. */
        volatile Throwable failure;
        /** The timer Go.sleep arms, created on the first sleep and reused. Owner only. */
        TimerEntry sleepTimer;
        /**
         * When a dump first saw the G waiting (0: not yet seen, or running again). Stamped
         * lazily, as Go's GC stamps waitsince, so parking costs no clock read; racy, as before.
         */
        long waitSeenAt;
        /** {@link Joins}' stack of joiners waiting for this goroutine's end, then its EXITED mark. */
        volatile Object joiners;
    }

    /** The side object, made and installed if absent. */
    Rare rare() {
        Rare r = (Rare) RARE.getAcquire(this);
        if (r != null) {
            return r;
        }
        Rare made = new Rare();
        Rare won = (Rare) RARE.compareAndExchange(this, null, made);
        return won == null ? made : won;
    }

    /** The side object, or null if nothing has needed it; any thread. */
    Rare rareOrNull() {
        return (Rare) RARE.getAcquire(this);
    }

    /**
     * The side object with a volatile read: for the G's M after it marked the G DEAD, whose read
     * must be ordered after that with a joiner's install and push ({@link Joins}).
     */
    Rare rareVolatile() {
        return (Rare) RARE.getVolatile(this);
    }

    /** For its M at mount (the M owns the G): a plain read. */
    Rare rarePlain() {
        return rare;
    }

    /** A virtual thread started by user code with the JDK's APIs, which weft adopted. */
    boolean adopted() {
        return (kind & ADOPTED) != 0;
    }

    /** Runs on its own platform thread (ONE_TO_ONE): no M, no P, the kernel schedules it. */
    boolean kernelThread() {
        return (kind & KERNEL_THREAD) != 0;
    }

    /** Why it waits in a weft primitive ({@link WaitReason#NONE} outside one). */
    WaitReason waitReason() {
        return WaitReason.ofOrdinal(waitReason);
    }

    /** Its {@link WaitReason#ordinal()} as stored, for the trace's wait key. */
    int waitReasonOrdinal() {
        return waitReason;
    }

    /** Set by the G itself before it parks in a weft primitive, and back to NONE after. */
    void waitReason(WaitReason r) {
        waitReason = (byte) r.ordinal();
    }

    /** The thread waiting in Weft.run for this main goroutine, or null. */
    Thread mainWaiter() {
        Rare r = rareOrNull();
        return r == null ? null : r.mainWaiter;
    }

    /** The dump a main goroutine found in a deadlock ends its Weft.run with, or null. */
    String deadlockDump() {
        Rare r = rareOrNull();
        return r == null ? null : r.deadlockDump;
    }

    /** The JDK's task that mounts this G's virtual thread (not for a kernel-thread G). */
    Runnable runContinuation() {
        return VirtualThreads.runContinuation(thread);
    }

    /** The JDK's scheduler entry point for this virtual thread (and for its children). */
    @Override
    public void execute(Runnable task) {
        if (task == VirtualThreads.runContinuation(thread)) {
            // IDLE: the JDK's start of a goroutine weft started (adopted Gs are readied by
            // weft, not here). Goroutines.start queues it once that start has returned, so
            // that an error in the JDK's start after this call cannot leave it queued.
            if (status != GStatus.IDLE) {
                sched.ready(this);
            }
        } else {
            sched.readyForeign(task);
        }
    }

    /** The virtual thread's task: the body, with escaping exceptions sent to the runtime. */
    @Override
    public void run() {
        Runnable b = body;
        try {
            b.run();
        } catch (Throwable t) {
            try {
                rare().failure = t; // may allocate the side object
            } catch (VirtualMachineError e) {
                // Out of memory for the side object: the failure is still reported below.
            }
            if ((kind & REPORT_FAILURE) != 0 && (process == null || !process.isExit(t))) {
                sched.goroutines.reportUncaught(this, t);
            }
        } finally {
            forgetAfterExit();
            sched.goroutines.bodyFinished(this, b == ABANDONED);
        }
    }

    /**
     * Drops what the ended goroutine referred to: the registry keeps an ended G until its next
     * compaction (GRegistry), and its body's captured state or the last object it waited on must
     * not live that long. The G's own thread (or, for an adopted one, its M) is the only writer.
     */
    void forgetAfterExit() {
        body = null;
        waitBlocker = null;
        waitRuntime = null;
        waitCompletion = null;
        spareWaiter = null;
        Rare r = rare;
        if (r != null) {
            r.sleepTimer = null;
        }
    }

    /** Adopted threads: an exception escaping the user's task reaches the runtime's handler. */
    @Override
    public void uncaughtException(Thread t, Throwable e) {
        try {
            rare().failure = e; // may allocate the side object
        } catch (VirtualMachineError err) {
            // Out of memory for the side object: the failure is still reported below.
        }
        if (process == null || !process.isExit(e)) {
            sched.goroutines.reportUncaught(this, e);
        }
    }

    @Override
    public int runLevel() {
        return level;
    }

    @Override
    public void boost(int boostedLevel) {
        level = (byte) Math.max(level, boostedLevel); // never lower (setPriority may have raised it meanwhile)
    }

    public int priority() {
        return basePriority;
    }

    /**
     * Changes the base priority; any boost ends. A queued G keeps its place until it next
     * queues; a kernel-thread G's platform thread gets the nearest Java priority.
     */
    public void setPriority(int priority) {
        sched.levelFloor.note(priority); // first: the floor is below every level a G holds
        basePriority = (byte) priority;
        level = (byte) priority;
        if (kernelThread()) {
            thread.setPriority(KernelPriorities.javaPriority(priority));
        }
    }


    public long id() {
        return id;
    }

    public Sched sched() {
        return sched;
    }

    public Thread thread() {
        return thread;
    }

    /** Go's status word for dumps: the wait reason when waiting, else runnable/running/dead. */
    public String statusText() {
        int s = status;
        if (s == GStatus.RUNNING && inSyscall) {
            return "syscall";
        }
        if (s == GStatus.WAITING || (kernelThread() && isWaiting())) {
            WaitReason r = waitReason();
            return r == WaitReason.NONE ? WaitReason.JDK_PARK.text() : r.text();
        }
        return GStatus.name(s);
    }

    public boolean isNew() {
        return status == GStatus.IDLE;
    }

    public boolean isRunning() {
        return status == GStatus.RUNNING;
    }

    public boolean isWaiting() {
        int s = status;
        if (s == GStatus.RUNNING && kernelThread()) {
            // ONE_TO_ONE: a wait inside the JDK (a latch, a monitor, join) shows only in the thread.
            Thread.State t = thread.getState();
            return t == Thread.State.WAITING || t == Thread.State.TIMED_WAITING || t == Thread.State.BLOCKED;
        }
        return s == GStatus.WAITING;
    }

    /**
     * True once the goroutine's thread has terminated. Its M marks it DEAD a moment later (after
     * runContinuation returns), so a joiner that woke on the termination must not wait for that.
     */
    public boolean isDead() {
        int s = status;
        return s == GStatus.DEAD || (s != GStatus.IDLE && !thread.isAlive());
    }

    /**
     * Whether its body has returned or thrown, though its thread may still be finishing: the
     * uncaught-exception report (after the failure is recorded), its process's bookkeeping, the
     * JDK's exit path. {@link #isDead} comes later, once the thread has ended.
     */
    public boolean bodyEnded() {
        if (bodyDone) {
            return true;
        }
        Rare r = rareOrNull();
        return r != null && r.failure != null;
    }

    public Throwable failure() {
        Rare r = rareOrNull();
        return r == null ? null : r.failure;
    }

    @Override
    public String toString() {
        return "goroutine " + id + " [" + statusText() + "]";
    }
}
