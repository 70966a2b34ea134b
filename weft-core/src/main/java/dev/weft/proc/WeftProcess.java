package dev.weft.proc;

import dev.weft.ContextSwitches;
import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.PriorityClass;
import dev.weft.ThreadPriority;
import dev.weft.Weft;
import dev.weft.internal.sched.G;
import dev.weft.internal.sched.ProcessLink;
import dev.weft.internal.sched.ProcessSupport;
import dev.weft.internal.util.StackHeadroom;
import dev.weft.internal.sched.SwitchReason;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * A process: a group of goroutines (its threads) that shares an environment, a priority class, a
 * security context, a thread limit and a table of handles, started with a primary thread and
 * ended with an exit code, as an operating system's process is.
 *
 * <pre>{@code
 * WeftProcess p = WeftProcess.builder("indexer").priorityClass(PriorityClass.BELOW_NORMAL)
 *         .env(Map.of("MODE", "fast")).maxThreads(1_000).start(rt, () -> index());
 * int code = p.waitFor();
 * }</pre>
 *
 * <h2>Membership</h2>
 * Every goroutine a thread of the process starts belongs to it, however it is started
 * ({@code Go.go}, {@code Weft.go}, the JDK's {@code Thread.ofVirtual()} inside a goroutine, a
 * pool): the scheduler's G carries the process and its creation path inherits it
 * ({@code internal.sched.ProcessLink}). Goroutines started by platform threads, or by goroutines
 * outside any process, belong to the {@linkplain #root() root process}. A thread's base level is
 * the process's class with the thread's relative priority ({@link PriorityClass#level}); the
 * primary thread runs at the class's NORMAL level and others inherit their creator's.
 *
 * <h2>Lifecycle</h2>
 * The thread count is reserved before a goroutine is created ({@code maxThreads} refuses with
 * nothing started) and given back when its body has finished. The process ends once:
 * <ul>
 *   <li>when its last thread ends (code 0),
 *   <li>when a thread calls {@link #exit(int)} or anyone calls {@link #terminate(int)},
 *   <li>when an exception escapes the primary thread (code 1, {@link #failure()}).
 * </ul>
 * The first of these decides the code; the others' threads are then cancelled: each unwinds with
 * a {@link ProcessExitException} from its next weft wait or safe point, and one in a JDK wait is
 * interrupted. When the count reaches zero, the handles still open are closed, newest first, by a
 * thread of their own (so that no carrier runs user code and no cancelled thread does), the
 * {@link ExitRecord} is written and {@link #waitFor} returns.
 */
public final class WeftProcess {
    private static final AtomicLong PIDS = new AtomicLong();
    /** Live processes of every runtime, for {@link #list}. */
    private static final Set<WeftProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final WeftProcess ROOT = new WeftProcess();

    private final long pid;
    private final String name;
    private final Map<String, String> env;
    private final PriorityClass priorityClass;
    private final SecurityContext security;
    private final int maxThreads;
    /** The runtime its primary thread runs on; null for the root process. */
    private final Weft runtime;
    /** How the scheduler sees it; null for the root process. */
    private final Link link;
    private final Handles handles = new Handles(this);

    private volatile Goroutine primary;
    /** The primary's thread, set by the primary itself just before it joins. */
    private volatile Thread primaryThread;
    /** The primary thread's G, whose escaping exception ends the process. */
    private volatile G primaryG;
    /** Threads alive or being created (reserved). The end comes when it falls to zero. */
    private final AtomicInteger threads = new AtomicInteger();
    private final Set<G> members = ConcurrentHashMap.newKeySet();
    /** The decision, set once: the first exit, terminate, primary failure or last thread. */
    private final AtomicReference<Decision> decision = new AtomicReference<>();
    private volatile ExitRecord record;
    private final CountDownLatch ended = new CountDownLatch(1);
    /**
     * Makes the thread that finishes an ending process. A field so that a test can make its start
     * fail, as the JVM's does when it cannot create a native thread; nothing else sets it.
     */
    static volatile ThreadFactory endThreads = r -> Thread.ofPlatform().daemon().unstarted(r);
    /**
     * Opens once the end is handed over: to the end thread, or, if that thread could not start
     * ({@link #orphaned}), to the waiters, the first of which finishes the end in its own thread.
     */
    private final CountDownLatch handedOver = new CountDownLatch(1);
    /** The end thread could not start: {@link #waitFor} finishes the end (see {@link #startEnd}). */
    private volatile boolean orphaned;
    /** Claimed by whoever runs {@link #finish}: the end thread, or a waiter of an orphaned end. */
    private final AtomicBoolean finishing = new AtomicBoolean();

    private final LongAdder runNanos = new LongAdder();
    private final LongAdder[] switches = new LongAdder[SwitchReason.COUNT];

    private record Decision(int code, ExitRecord.Reason reason, Throwable failure) {}

    /** The root process. */
    private WeftProcess() {
        this.pid = PIDS.getAndIncrement();
        this.name = "root";
        this.env = Map.copyOf(System.getenv());
        this.priorityClass = PriorityClass.NORMAL;
        this.security = SecurityContext.SYSTEM;
        this.maxThreads = Integer.MAX_VALUE;
        this.runtime = null;
        this.link = null;
        for (int i = 0; i < switches.length; i++) {
            switches[i] = new LongAdder();
        }
    }

    private WeftProcess(Builder b, Weft runtime) {
        this.pid = PIDS.getAndIncrement();
        this.name = b.name;
        WeftProcess creator = current();
        this.env = b.env != null ? b.env : creator.env;
        this.priorityClass = b.priorityClass;
        this.security = b.security != null ? b.security : creator.security;
        this.maxThreads = b.maxThreads;
        this.runtime = runtime;
        this.link = new Link();
        for (int i = 0; i < switches.length; i++) {
            switches[i] = new LongAdder();
        }
    }

    /**
     * A builder for a process called {@code name}.
     *
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if it is blank
     */
    public static Builder builder(String name) {
        Objects.requireNonNull(name, "weft: process name is null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("weft: process name is blank");
        }
        return new Builder(name);
    }

    /** The process of the calling thread: its goroutine's, or the root process. */
    public static WeftProcess current() {
        G g = ProcessSupport.current();
        ProcessLink l = g == null ? null : ProcessSupport.processOf(g);
        return l instanceof Link link ? link.owner() : ROOT;
    }

    /** The root process: goroutines started outside any process, and platform threads. It never ends. */
    public static WeftProcess root() {
        return ROOT;
    }

    /**
     * Ends the calling thread's process with {@code code}: its other threads are cancelled and this
     * one unwinds at once with the {@link ProcessExitException} this throws. If the process is
     * already ending, the first code stands and this thread unwinds all the same.
     *
     * @throws IllegalStateException if the caller belongs to no process (a platform thread, or a
     *     goroutine of the root process)
     */
    public static void exit(int code) {
        WeftProcess p = current();
        if (p == ROOT) {
            throw new IllegalStateException("weft: WeftProcess.exit(" + code + ") called outside any process"
                    + " (from the root process: a platform thread or a goroutine started outside processes)");
        }
        p.decide(code, ExitRecord.Reason.EXIT, null);
        throw p.link.cancellation();
    }

    /**
     * Starts a goroutine in the caller's process at its class's level for {@code priority}
     * ({@link #level}); in the root process, the NORMAL class's.
     */
    public static Goroutine go(ThreadPriority priority, Runnable body) {
        Objects.requireNonNull(priority, "weft: thread priority is null");
        Objects.requireNonNull(body, "weft: go of a null body");
        return Go.go(current().level(priority), body);
    }

    /**
     * Starts a thread of this process from any thread, this process's or not, at its class's
     * level for {@code priority}, on the runtime its primary runs on: for code that serves a
     * process from outside it (a thread pool of the process growing on a submission from
     * elsewhere, say). From a thread of this process, {@link #go(ThreadPriority, Runnable)} does
     * the same.
     *
     * @throws java.util.concurrent.RejectedExecutionException beyond {@code maxThreads}, or if the runtime is closed
     * @throws IllegalStateException if the process is ending or has ended (a thread of it gets
     *     its {@link ProcessExitException} instead)
     * @throws UnsupportedOperationException for the root process (use {@code Weft.go})
     * @throws StackOverflowError at the very end of the caller's stack: the thread's slot is then
     *     released unless the thread already runs, which it may in one narrow case (an overflow
     *     in the handle's constructor after the start), so a caller that retries on this error
     *     may run the body twice
     */
    public Goroutine startThread(ThreadPriority priority, Runnable body) {
        Objects.requireNonNull(priority, "weft: thread priority is null");
        Objects.requireNonNull(body, "weft: startThread of a null body");
        if (this == ROOT) {
            throw new UnsupportedOperationException("weft: the root process has no runtime of its own; use Weft.go");
        }
        if (decision.get() != null && current() != this) {
            throw new IllegalStateException("weft: startThread on " + label() + ", which " + (isAlive()
                    ? "is exiting" : "has exited"));
        }
        // The slot goes to exactly one owner: the started goroutine, which claims it at its first
        // statement (and leaves the process at its end), or the catch below, which releases it.
        // At the end of a stack (docs/notes/stack-end.md) go can throw after it started the
        // goroutine (in the handle's constructor), so whether it returned says nothing; and the
        // probe makes an overflow strike before the reserve rather than in the catch's release,
        // which runs at this frame's depth.
        AtomicBoolean claimed = new AtomicBoolean();
        StackHeadroom.ensure();
        link.reserve();
        try {
            return ProcessSupport.outsideProcess(() -> runtime.go(level(priority), () -> {
                if (!claimed.compareAndSet(false, true)) {
                    return; // startThread threw and released the slot: not a thread of the process
                }
                ProcessSupport.joinCurrent(link); // as the primary does: joins from its first statement
                ProcessSupport.checkCancelled(); // the process ended before it ran: the body does not start
                body.run();
            }));
        } catch (RuntimeException | Error e) {
            if (claimed.compareAndSet(false, true)) {
                link.release();
            }
            throw e;
        }
    }

    /** The live processes whose primary thread runs on {@code rt}, by pid (what {@code Weft.processes()} returns). */
    public static List<WeftProcess> list(Weft rt) {
        Objects.requireNonNull(rt, "weft: runtime is null");
        List<WeftProcess> out = new ArrayList<>();
        for (WeftProcess p : LIVE) {
            if (p.runtime == rt) {
                out.add(p);
            }
        }
        out.sort(Comparator.comparingLong(WeftProcess::pid));
        return out;
    }

    /** Unique among the processes of this JVM; the root process is 0. */
    public long pid() {
        return pid;
    }

    public String name() {
        return name;
    }

    /** The environment, immutable; the same for every thread of the process. */
    public Map<String, String> env() {
        return env;
    }

    public PriorityClass priorityClass() {
        return priorityClass;
    }

    /** The process's own security context (a thread may impersonate another: {@link SecurityContext#current()}). */
    public SecurityContext security() {
        return security;
    }

    /** The base level of a thread of this process with relative priority {@code p}. */
    public int level(ThreadPriority p) {
        return priorityClass.level(p);
    }

    /** The primary thread; null for the root process. */
    public Goroutine primary() {
        return primary;
    }

    /** The threads alive now (a snapshot). */
    public List<Goroutine> threads() {
        List<Goroutine> out = new ArrayList<>();
        for (G g : this == ROOT ? ProcessSupport.rootMembers() : List.copyOf(members)) {
            out.add((Goroutine) ProcessSupport.goroutineOf(g));
        }
        return out;
    }

    public Handles handles() {
        return handles;
    }

    /**
     * Ends the process with {@code code} from any thread, its own included (the caller then unwinds
     * at its next safe point).
     *
     * @throws IllegalStateException if the process is already ending or has ended (a second
     *     terminate, an exit, or its end came first): the first decision stands
     * @throws UnsupportedOperationException for the root process
     */
    public void terminate(int code) {
        if (this == ROOT) {
            throw new UnsupportedOperationException("weft: the root process cannot be terminated");
        }
        if (!decide(code, ExitRecord.Reason.TERMINATED, null)) {
            Decision d = decision.get();
            throw new IllegalStateException("weft: terminate(" + code + ") of " + label() + ", which "
                    + (isAlive() ? "is already exiting" : "has exited") + " with code " + d.code()
                    + " (" + d.reason() + "); a process ends once");
        }
    }

    /**
     * Waits for the process to end and its handles to be closed; returns the exit code. An
     * interrupt does not end the wait (it is kept), unless the caller's own process is ending:
     * then it unwinds with that process's {@link ProcessExitException}.
     *
     * @throws IllegalStateException if the caller is a thread of this process (it would wait for itself)
     * @throws UnsupportedOperationException for the root process, which never ends
     */
    public int waitFor() {
        checkWaitable();
        // A caller whose process is ending unwinds here, as at every weft wait: its canceller's
        // interrupt may be spent already (a thread that caught its exit), and it would wait on.
        ProcessSupport.checkCancelled();
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    handedOver.await();
                    finishIfOrphaned();
                    ended.await();
                    return record.code();
                } catch (InterruptedException e) {
                    ProcessSupport.checkCancelled();
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@link #waitFor()} for at most {@code timeout}: empty if the process has not ended by then. */
    public OptionalInt waitFor(Duration timeout) {
        Objects.requireNonNull(timeout, "weft: waitFor timeout is null");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("weft: negative waitFor timeout " + timeout);
        }
        checkWaitable();
        ProcessSupport.checkCancelled(); // as in waitFor()
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        long deadline = System.nanoTime() + nanos;
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    if (nanos == Long.MAX_VALUE) {
                        handedOver.await();
                        finishIfOrphaned();
                        ended.await();
                    } else if (!handedOver.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                        return OptionalInt.empty();
                    } else {
                        finishIfOrphaned();
                        if (!ended.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                            return OptionalInt.empty();
                        }
                    }
                    return OptionalInt.of(record.code());
                } catch (InterruptedException e) {
                    ProcessSupport.checkCancelled();
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void checkWaitable() {
        if (this == ROOT) {
            throw new UnsupportedOperationException("weft: the root process never ends; waitFor would not return");
        }
        if (current() == this) {
            throw new IllegalStateException("weft: waitFor called by a thread of " + label()
                    + ", which would wait for itself");
        }
    }

    /** Until the process has ended and closed its handles. */
    public boolean isAlive() {
        return ended.getCount() != 0;
    }

    /** What escaped the primary thread, if anything (known as soon as the process starts to end). */
    public Optional<Throwable> failure() {
        Decision d = decision.get();
        return Optional.ofNullable(d == null ? null : d.failure());
    }

    /** How the process ended; empty while it is alive. */
    public Optional<ExitRecord> exitRecord() {
        return Optional.ofNullable(isAlive() ? null : record);
    }

    /**
     * Its threads' run time, context switches by reason, threads and handles; racy. For the root
     * process only threads and handles are measured ({@link ProcessStats} says why).
     */
    public ProcessStats stats() {
        long[] s = new long[SwitchReason.COUNT];
        for (int i = 0; i < s.length; i++) {
            s[i] = switches[i].sum();
        }
        return new ProcessStats(Duration.ofNanos(runNanos.sum()),
                new ContextSwitches(s[SwitchReason.SLICE_END], s[SwitchReason.PRIORITY], s[SwitchReason.WAIT],
                        s[SwitchReason.YIELD], s[SwitchReason.EXIT]),
                this == ROOT ? ProcessSupport.rootMembers().size() : members.size(), handles.size());
    }

    @Override
    public String toString() {
        return describe();
    }

    /** "process 3 'indexer'", for messages. */
    String label() {
        return "process " + pid + " '" + name + "'";
    }

    private String describe() {
        Decision d = decision.get();
        String state = d == null ? "running" : isAlive() ? "exiting with code " + d.code() : "exited with code " + d.code();
        return label() + " [" + priorityClass + ", " + state + "]";
    }

    // ---- The lifecycle ----

    private Goroutine startPrimary(Runnable body) {
        threads.set(1); // the primary's slot
        LIVE.add(this);
        try {
            // Started outside the caller's process, if it has one: the new thread is this one's.
            return ProcessSupport.outsideProcess(() -> runtime.go(priorityClass.level(ThreadPriority.NORMAL), () -> {
                primaryThread = Thread.currentThread();
                ProcessSupport.joinCurrent(link);
                ProcessSupport.checkCancelled(); // terminated before it ran: the body does not start
                body.run();
            }));
        } catch (RuntimeException | Error e) {
            LIVE.remove(this); // never started: nothing to end
            throw e;
        }
    }

    /** Records the first decision and cancels every thread; false if one was made before. */
    private boolean decide(int code, ExitRecord.Reason reason, Throwable failure) {
        if (!decision.compareAndSet(null, new Decision(code, reason, failure))) {
            return false;
        }
        for (G g : members) {
            ProcessSupport.cancel(g);
        }
        return true;
    }

    private void threadGone() {
        for (;;) {
            int n = threads.get();
            if (n == 1 && decision.get() == null) {
                // The last thread's end decides before the count reaches zero, where reserve
                // takes the process for ended: decided after it, a terminate landing in between
                // was accepted and wrote its code over an end that came first. (An outsider's
                // startThread whose reserve read no decision may still raise the count before
                // the CAS below; its thread is cancelled as it joins, and its own end finishes.)
                decide(0, ExitRecord.Reason.LAST_THREAD_ENDED, null);
            }
            if (threads.compareAndSet(n, n - 1)) {
                if (n == 1) {
                    startEnd();
                }
                return;
            }
        }
    }

    /**
     * Hands the end (the handles' closes, the record) to a thread of its own: the last thread
     * may be a carrier (an adopted thread's end is seen there) or a cancelled goroutine, and a
     * close is user code that may block. If that thread cannot start (the JVM out of native
     * threads, or a stack overflow here), the end is left to {@link #waitFor}: its first caller,
     * a thread willing to wait, finishes it in its own thread. A failed start used to leave
     * waitFor waiting for ever.
     */
    private void startEnd() {
        try {
            Thread t = endThreads.newThread(this::finishOnce);
            t.setName("weft-process-" + pid + "-end");
            t.start();
        } catch (Throwable e) {
            orphaned = true;
            try {
                System.getLogger("dev.weft").log(System.Logger.Level.WARNING, "weft: the end thread of "
                        + label() + " could not start; its first waitFor finishes its end", e);
            } catch (Throwable ignored) {
                // out of memory or a broken logger: the report is lost, the end is not
            }
        } finally {
            handedOver.countDown();
        }
    }

    /** A waiter's part in an orphaned end (see {@link #startEnd}). */
    private void finishIfOrphaned() {
        if (orphaned) {
            finishOnce();
        }
    }

    private void finishOnce() {
        if (finishing.compareAndSet(false, true)) {
            finish();
        }
    }

    private void finish() {
        List<Throwable> failures = handles.closeAll();
        Decision d = decision.get();
        if (d.failure() != null) {
            for (Throwable t : failures) {
                // A close may throw the very failure (a shared sentinel, a rethrown error):
                // Throwable refuses to suppress itself, and a throw here left waitFor waiting for ever.
                if (t != d.failure()) {
                    d.failure().addSuppressed(t);
                }
            }
        }
        record = new ExitRecord(pid, d.code(), d.reason(), d.failure(), failures);
        LIVE.remove(this);
        ended.countDown();
    }

    /** The scheduler's view of this process (internal, so that no public method names a G). */
    private final class Link implements ProcessLink {
        WeftProcess owner() {
            return WeftProcess.this;
        }

        @Override
        public void reserve() {
            for (;;) {
                int n = threads.get();
                // Ended or ending: a count of zero is final (the last thread is gone and the exit is
                // being recorded), even before the decision is written. A member is unwinding; an
                // outsider (startThread) is told that the process has ended.
                if (decision.get() != null || n == 0) {
                    G self = ProcessSupport.current();
                    if (self != null && ProcessSupport.processOf(self) == this) {
                        throw cancellation();
                    }
                    throw new IllegalStateException("weft: " + label() + " has ended or is ending; "
                            + "no thread can be started in it");
                }
                if (n >= maxThreads) {
                    throw new RejectedExecutionException("weft: " + label() + " has reached its limit of "
                            + maxThreads + " threads; the goroutine was not started");
                }
                if (threads.compareAndSet(n, n + 1)) {
                    return;
                }
            }
        }

        @Override
        public void release() {
            threadGone();
        }

        @Override
        public void joined(G g) {
            if (g.thread() == primaryThread) {
                primaryG = g;
                primary = (Goroutine) ProcessSupport.goroutineOf(g);
            }
            members.add(g);
            // decide() sets the decision before it reads the members: either it sees g, or this sees it.
            if (decision.get() != null) {
                ProcessSupport.cancel(g);
            }
        }

        @Override
        public void left(G g) {
            members.remove(g);
            if (g.thread() == Thread.currentThread() && !g.thread().isVirtual()) {
                runNanos.add(cpuNanos()); // ONE_TO_ONE: the kernel ran it; its CPU time is the run time
            }
            Throwable t = g.failure();
            if (g == primaryG && t != null && !(t instanceof ProcessExitException pe && pe.pid() == pid)) {
                decide(1, ExitRecord.Reason.PRIMARY_FAILED, t);
            }
            threadGone();
        }

        @Override
        public void switched(int reason, long ranNanos) {
            runNanos.add(ranNanos);
            switches[reason].increment();
        }

        @Override
        public boolean isExit(Throwable t) {
            // Its own unwinding, and the primary's failure, which the process keeps (failure()).
            if (t instanceof ProcessExitException pe && pe.pid() == pid) {
                return true;
            }
            if (Thread.currentThread() != primaryThread) {
                return false;
            }
            // Decided here, not only in left (which comes after the report): the primary's
            // failure is kept only if it ends the process. After another end (an exit, a
            // terminate) it is reported like any thread's; it used to vanish.
            return decide(1, ExitRecord.Reason.PRIMARY_FAILED, t) || decision.get().failure() == t;
        }

        @Override
        public RuntimeException cancellation() {
            Decision d = decision.get();
            return new ProcessExitException(pid, name, d == null ? 0 : d.code());
        }

        @Override
        public String describe() {
            return WeftProcess.this.describe();
        }
    }

    private static long cpuNanos() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long t = mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : -1;
        return Math.max(0, t);
    }

    /** Configures a process; {@link #start} starts it. */
    public static final class Builder {
        private final String name;
        private Map<String, String> env;
        private PriorityClass priorityClass = PriorityClass.NORMAL;
        private SecurityContext security;
        private int maxThreads = Integer.MAX_VALUE;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * The environment, copied (default: the creating thread's process's).
         *
         * @throws NullPointerException if the map, or a key or value in it, is null
         */
        public Builder env(Map<String, String> env) {
            Objects.requireNonNull(env, "weft: process environment is null");
            env.forEach((k, v) -> {
                if (k == null || v == null) {
                    throw new NullPointerException("weft: process environment entry " + k + "=" + v
                            + ": keys and values must not be null");
                }
            });
            this.env = Map.copyOf(env);
            return this;
        }

        /** The priority class (default NORMAL). */
        public Builder priorityClass(PriorityClass priorityClass) {
            this.priorityClass = Objects.requireNonNull(priorityClass, "weft: priority class is null");
            return this;
        }

        /** The security context (default: the creating thread's process's own). */
        public Builder security(SecurityContext security) {
            this.security = Objects.requireNonNull(security, "weft: security context is null");
            return this;
        }

        /**
         * The most threads alive at once, the primary included (default: no limit); a goroutine
         * beyond it is refused with {@link RejectedExecutionException} and nothing is started.
         *
         * @throws IllegalArgumentException if {@code maxThreads} is not positive
         */
        public Builder maxThreads(int maxThreads) {
            if (maxThreads < 1) {
                throw new IllegalArgumentException("weft: maxThreads must be positive, got " + maxThreads);
            }
            this.maxThreads = maxThreads;
            return this;
        }

        /**
         * Starts the process on {@code rt} with {@code primary} as its primary thread.
         *
         * @throws java.util.concurrent.RejectedExecutionException if the runtime is closed
         */
        public WeftProcess start(Weft rt, Runnable primary) {
            Objects.requireNonNull(rt, "weft: process runtime is null");
            Objects.requireNonNull(primary, "weft: process primary body is null");
            WeftProcess p = new WeftProcess(this, rt);
            Goroutine g = p.startPrimary(primary);
            if (p.primary == null) {
                p.primary = g; // normally set already by the primary joining
            }
            return p;
        }
    }
}
