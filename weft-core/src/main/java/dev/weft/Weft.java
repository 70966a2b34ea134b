package dev.weft;

import dev.weft.internal.sched.G;
import dev.weft.internal.sched.KernelPriorities;
import dev.weft.internal.sched.Model;
import dev.weft.internal.sched.Sched;
import dev.weft.internal.sched.SchedConfig;
import dev.weft.internal.sched.SchedStats;
import dev.weft.internal.trace.Recordings;
import dev.weft.internal.trace.TraceSession;
import dev.weft.internal.util.Clock;
import dev.weft.proc.WeftProcess;
import dev.weft.trace.TraceRecording;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A weft runtime: goroutines scheduled Go's way (G-M-P) on a few carrier threads.
 *
 * <pre>{@code
 * try (Weft rt = Weft.builder().procs(4).build()) {
 *     rt.run(() -> {
 *         Goroutine g = Go.go(() -> System.out.println("hello from " + Go.current()));
 *         g.join();
 *     });
 * }
 * }</pre>
 *
 * <p>The JVM must run with {@code --add-opens java.base/java.lang=ALL-UNNAMED}; without it
 * {@link Builder#build()} fails with a message naming the flag.
 */
public final class Weft implements AutoCloseable {

    /** Receives exceptions that escape a goroutine's body. It must not block for long. */
    @FunctionalInterface
    public interface UncaughtExceptionHandler {
        void uncaught(Goroutine goroutine, Throwable failure);
    }

    /** Go's behaviour without the exit: the goroutine id and the stack trace, on stderr. */
    public static final UncaughtExceptionHandler PRINT_TO_STDERR = (g, t) -> {
        synchronized (System.err) {
            System.err.println("weft: goroutine " + g.id() + " failed: " + t);
            t.printStackTrace();
        }
    };

    private static final AtomicInteger RUNTIME_IDS = new AtomicInteger();

    final Sched sched;
    private final ThreadingModel model;
    private final SchedulingPolicy policy;
    /** This runtime's JMX bean (dev.weft:type=Runtime,name=...), registered now or in the background. */
    private final RuntimeBean bean;
    /**
     * The default runtime, which cannot be closed. A field, not a comparison with
     * {@link #defaultRuntime()}: that would create the default runtime (its carriers and its
     * sysmon, for the JVM's life) at the first close of any other.
     */
    private final boolean shared;

    /** The default runtime: the scheduler internals create it (timers and Go.go need it there). */
    private Weft(Sched sched, ThreadingModel model) {
        this.shared = true;
        this.sched = sched;
        this.model = model;
        this.policy = SchedulingPolicy.FIFO;
        this.bean = RuntimeBean.register(this);
    }

    private Weft(Builder b, String name) {
        this.shared = false;
        UncaughtExceptionHandler handler = b.handler;
        this.model = b.model;
        this.policy = b.policy;
        // A default procs (the machine's, or -Dweft.procs) is capped at maxThreads: only an
        // explicit procs above it is an error (BuilderDefaultsTest).
        int procs = b.procsGiven ? b.procs : Math.min(b.procs, b.maxThreads);
        this.sched = new Sched(new SchedConfig(name, procs, b.maxThreads,
                (g, t) -> handler.uncaught(new Goroutine(g), t), Clock.SYSTEM, Go.saturatedNanos(b.timeslice),
                b.detectDeadlocks, policy == SchedulingPolicy.PRIORITY, Model.valueOf(model.name()),
                b.starvationBoost ? Go.saturatedNanos(b.starvationBound) : 0));
        if (b.nameGoroutines != null) {
            sched.nameGoroutines(b.nameGoroutines);
        }
        this.bean = RuntimeBean.register(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** weft's version, as the build wrote it (for example {@code 0.1.0-SNAPSHOT}). */
    public static String version() {
        return VersionHolder.VERSION;
    }

    private static final class VersionHolder {
        static final String VERSION = load();

        private static String load() {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = Weft.class.getResourceAsStream("weft.properties")) {
                if (in == null) {
                    throw new IllegalStateException("weft: weft.properties is missing from the weft-core jar");
                }
                p.load(in);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("weft: cannot read weft.properties", e);
            }
            return p.getProperty("version");
        }
    }

    /**
     * The runtime {@link Go#go} and the timers use outside any goroutine; started on first use
     * with the builder's defaults (so {@code -Dweft.procs} and {@code -Dweft.model} apply),
     * shared by the whole JVM and never closed.
     */
    public static Weft defaultRuntime() {
        return DefaultHolder.RUNTIME;
    }

    private static final class DefaultHolder {
        static final Weft RUNTIME = new Weft(Sched.defaultSched(),
                ThreadingModel.valueOf(Sched.defaultSched().model().name()));
    }

    /**
     * Starts a goroutine. From a goroutine of this runtime it runs next on the caller's P (and
     * inherits the rest of its time slice when the caller blocks); from elsewhere it is queued
     * globally and an idle carrier is woken.
     *
     * @throws NullPointerException if {@code body} is null
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is closed
     */
    public Goroutine go(Runnable body) {
        return new Goroutine(sched.go(body, true));
    }

    /**
     * Starts a goroutine at {@code priority}, 0 (lowest) to 31 (highest); see
     * {@link PriorityClass} for the symbolic levels. The priority orders goroutines under the
     * {@link SchedulingPolicy#PRIORITY} policy and sets the thread priority under
     * {@link ThreadingModel#ONE_TO_ONE}; under FIFO it is only recorded (and inherited).
     *
     * @throws IllegalArgumentException if {@code priority} is outside 0..31
     * @throws NullPointerException if {@code body} is null
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is closed
     */
    public Goroutine go(int priority, Runnable body) {
        return new Goroutine(sched.go(body, true, Goroutine.checkPriority(priority)));
    }

    /**
     * Runs {@code main} as a goroutine and waits for it. An exception that escapes {@code main}
     * is rethrown here (and not passed to the uncaught-exception handler).
     *
     * @throws DeadlockException if, before {@code main} ends, every goroutine of this runtime
     *     is parked for good on weft's own primitives (channels, select, sync, join) with no timer
     *     pending, Go's "all goroutines are asleep - deadlock!"; the message is the goroutine dump
     * @throws NullPointerException if {@code main} is null
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is closed
     */
    public void run(Runnable main) {
        Objects.requireNonNull(main, "weft: run of a null main");
        G g = sched.goMain(main);
        String deadlock = sched.awaitMain(g);
        if (deadlock != null) {
            throw new DeadlockException(deadlock);
        }
        Throwable t = g.failure();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new GoroutineFailedException(g.id(), t);
        }
    }

    /**
     * An {@link ExecutorService} that runs each task as a goroutine of this runtime, as
     * {@link #go} would: {@code CompletableFuture.supplyAsync(f, rt.executor())} runs {@code f} on
     * a goroutine, and code written against {@code ExecutorService} gets goroutines unchanged.
     *
     * <p>Each call returns a new executor with its own lifecycle, like
     * {@code Executors.newVirtualThreadPerTaskExecutor()}: its {@code shutdown}, {@code close}
     * (the JDK's default: shut down, then wait for its tasks) and {@code awaitTermination} concern
     * only the tasks submitted through it, so a try-with-resources block on one cannot break
     * another user of the runtime, and none of them closes the runtime. There is no queue: a task
     * becomes a goroutine at once, so {@code shutdownNow} returns only tasks still waiting in a run
     * queue (normally none) and interrupts the running ones, which weft's own waits (channels,
     * sync) ignore. After the runtime is closed, submitting from outside it is rejected.
     */
    public ExecutorService executor() {
        return new WeftExecutor(this);
    }

    /**
     * Starts recording an execution trace of this runtime: every goroutine's creation, runs,
     * waits and wake-ups, preemptions, steals, hand-offs, carriers parking and waking, timers,
     * with nanosecond timestamps. {@link TraceRecording#stop} or {@code close} writes
     * {@code file} as Chrome trace-event JSON (Perfetto, {@code chrome://tracing},
     * {@code weft trace FILE}). For a whole program, {@code -Dweft.trace=FILE} traces every
     * runtime of the JVM and writes the file at exit.
     *
     * @throws IllegalStateException if the trace writer (artifact {@code dev.weft:weft-trace}) is
     *                               not on the class path, this runtime is already traced, or
     *                               it is closed
     * @throws java.io.UncheckedIOException if {@code file} cannot be written (it is created, or
     *                               emptied, at once)
     */
    public TraceRecording startTrace(Path file) {
        Objects.requireNonNull(file, "weft: startTrace needs a file");
        return Recordings.wrap(sched.startTrace(file, TraceSession.configuredCapacity()), TraceRecording.class);
    }

    /**
     * A goroutine dump in Go's format: for every live goroutine its id, state or wait reason,
     * how long it has been seen waiting, its stack, and which goroutine created it. When some
     * belong to processes ({@code dev.weft.proc}), they are grouped under a header line per
     * process (pid, name, priority class, exit state), the root process's first.
     */
    public String dump() {
        return sched.dump();
    }

    /**
     * The number of logical processors (Go's GOMAXPROCS): 1 under N_1; under ONE_TO_ONE, where
     * the kernel schedules every thread, the processors available to the JVM.
     */
    public int procs() {
        return model == ThreadingModel.ONE_TO_ONE ? Runtime.getRuntime().availableProcessors() : sched.procs();
    }

    /**
     * Changes the number of logical processors while goroutines run; queued work of removed
     * processors moves to the global queue.
     *
     * @throws UnsupportedOperationException under N_1 and ONE_TO_ONE, which have no processors to resize
     * @throws IllegalArgumentException if {@code procs} is below 1, above 4096 or above {@code maxThreads}
     * @throws IllegalStateException if the runtime is closed (a close that timed out leaves it
     *                               running its goroutines: their processors may still change)
     */
    public void setProcs(int procs) {
        if (model != ThreadingModel.M_N) {
            throw new UnsupportedOperationException("weft: setProcs needs the M_N model; runtime '" + name()
                    + "' runs " + model + (model == ThreadingModel.N_1 ? ", which has one processor"
                    : ", where the kernel schedules every goroutine's thread"));
        }
        sched.setProcs(procs);
    }

    public ThreadingModel model() {
        return model;
    }

    public SchedulingPolicy policy() {
        return policy;
    }

    /**
     * Whether goroutine priorities change the order goroutines run in: under PRIORITY (M_N or
     * N_1) always; under ONE_TO_ONE only if the operating system applies Java thread priorities
     * (Linux does not, unless the JVM runs as root with {@code -XX:ThreadPriorityPolicy=1});
     * under FIFO never.
     */
    public boolean prioritiesHonoured() {
        if (model == ThreadingModel.ONE_TO_ONE) {
            return KernelPriorities.osHonoursThreadPriorities();
        }
        return policy == SchedulingPolicy.PRIORITY;
    }

    /**
     * The live processes started on this runtime ({@link WeftProcess.Builder#start}), by pid. The
     * root process, which every runtime shares, is not among them.
     */
    public List<WeftProcess> processes() {
        return WeftProcess.list(this);
    }

    /** Goroutines started and not yet finished. */
    public long goroutineCount() {
        return sched.liveGoroutines();
    }

    public String name() {
        return sched.name();
    }

    /**
     * A snapshot of the scheduler's counters; racy, for display. Within one snapshot the
     * processor count and the per-processor lists ({@code localRunq},
     * {@code switchesByReasonPerProc}) agree, even while {@link #setProcs} runs; a
     * {@link #procs()} read apart from it may already differ.
     */
    public SchedulerStats stats() {
        SchedStats s = sched.stats();
        return new SchedulerStats(s.procs(), s.idleProcs(), s.threads(), s.idleThreads(), s.spinning(),
                s.globalRunq(), s.localRunq(), s.timers(), s.created(), s.adopted(), s.live(), s.switches(), s.steals(),
                s.preemptRequests(), s.preemptYields(), s.sliceEnds(), s.syscallHandoffs(), s.hogRetakes(),
                s.blockedRetakes(), s.priorityPreemptRequests(), s.starvationBoosts(),
                ContextSwitches.of(s.switchReasons()),
                java.util.Arrays.stream(s.switchReasonsPerP()).map(ContextSwitches::of).toList());
    }

    /**
     * Stops accepting goroutines from outside the runtime, waits for every goroutine to finish
     * (goroutines may still start others meanwhile), then stops the carriers.
     *
     * <p>The wait has no time limit: a goroutine that never ends keeps {@code close()} waiting
     * (use {@link #close(Duration)} to bound it). The one exception is a deadlock: if deadlock
     * detection is on and every remaining goroutine is asleep for good, the wait gives up on them;
     * they stay parked, counted in {@link #goroutineCount()}, and never run again. Their channel
     * waits are withdrawn first, so that a platform thread that still holds one of their channels
     * and sends on it later finds no receiver, rather than handing its value to a goroutine that
     * will never run (under {@link ThreadingModel#ONE_TO_ONE} they are left queued: each is a
     * thread of its own, which such a send wakes, and it runs on). Timers still
     * pending when the carriers stop never fire (a {@code Time.after} channel made in a goroutine
     * of this runtime gets no value once it is closed). Several threads may call it at once; each
     * returns once the runtime has stopped. Virtual threads that goroutines started with the JDK's
     * own APIs are goroutines and are waited for too (not under {@link ThreadingModel#ONE_TO_ONE},
     * where goroutines are platform threads and the virtual threads they start are the JDK's).
     *
     * @throws IllegalStateException if called from one of this runtime's goroutines
     */
    @Override
    public void close() {
        checkClosable();
        sched.close();
        bean.unregister();
    }

    /**
     * {@link #close()} with a bound on the wait. If every goroutine ends within {@code timeout},
     * the carriers stop and it returns true. If not, it returns false and leaves the runtime
     * closing: it accepts no new goroutines from outside, its goroutines keep running (and may
     * start others), and a later {@code close} or {@code close(Duration)} waits again. It also
     * returns false, after stopping the carriers, when it gave up on goroutines asleep for good
     * (see {@link #close()}), and, within the timeout, when another thread's close was stopping
     * the carriers and had not finished (that close finishes the stop).
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws IllegalStateException if called from one of this runtime's goroutines
     */
    public boolean close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("weft: negative close timeout: " + timeout);
        }
        checkClosable();
        boolean ended = sched.close(Go.saturatedNanos(timeout));
        if (sched.isTerminated()) {
            bean.unregister();
        }
        return ended;
    }

    private void checkClosable() {
        if (shared) {
            throw new UnsupportedOperationException("weft: the default runtime is shared and cannot be closed");
        }
    }

    /** The runtime's name and scheduler state (queues, processors, goroutine states) in one line. */
    @Override
    public String toString() {
        return "Weft[" + sched + "]";
    }

    /** Configures a runtime; every option has a documented default. */
    public static final class Builder {
        // Every default comes from SchedConfig.defaults, which the default runtime uses too.
        private int procs;
        /** Whether {@link #procs} was called: a default procs is capped at maxThreads instead. */
        private boolean procsGiven;
        private int maxThreads;
        private String name;
        private UncaughtExceptionHandler handler = PRINT_TO_STDERR;
        private Duration timeslice;
        private boolean detectDeadlocks;
        private ThreadingModel model;
        private SchedulingPolicy policy;
        private boolean starvationBoost = true;
        private Duration starvationBound;
        /** Null: the default ({@code -Dweft.nameGoroutines}, else off). */
        private Boolean nameGoroutines;

        private Builder() {
            SchedConfig d = SchedConfig.defaults(null, null);
            procs = d.procs();
            maxThreads = d.maxThreads();
            timeslice = Duration.ofNanos(d.timesliceNanos());
            detectDeadlocks = d.detectDeadlocks();
            model = ThreadingModel.valueOf(d.model().name());
            policy = d.priorityPolicy() ? SchedulingPolicy.PRIORITY : SchedulingPolicy.FIFO;
            starvationBound = Duration.ofNanos(d.starvationBoostNanos());
        }

        /**
         * The threading model; default M_N, or the one the system property {@code weft.model}
         * names (so an unchanged program can be run under each).
         */
        public Builder model(ThreadingModel model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** How the next goroutine is chosen; default {@link SchedulingPolicy#FIFO}, Go's. */
        public Builder policy(SchedulingPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Under the PRIORITY policy, how long a goroutine may wait ready before it is boosted to
         * level 15 (decaying one level per run back to its own); default 1 s.
         */
        public Builder starvationBound(Duration bound) {
            Objects.requireNonNull(bound, "starvation bound");
            if (bound.isNegative() || bound.isZero()) {
                throw new IllegalArgumentException("starvation bound must be positive, got " + bound);
            }
            this.starvationBound = bound;
            return this;
        }

        /**
         * Whether the PRIORITY policy boosts starving goroutines (default true); false gives strict
         * priority, where a busy higher level starves every lower one.
         */
        public Builder starvationBoost(boolean boost) {
            this.starvationBoost = boost;
            return this;
        }

        /**
         * Logical processors (GOMAXPROCS), 1 to 4096 and no more than {@link #maxThreads};
         * default: {@code -Dweft.procs}, else the available processors, at most maxThreads.
         */
        public Builder procs(int procs) {
            Sched.checkProcs(procs);
            this.procs = procs;
            this.procsGiven = true;
            return this;
        }

        /** Cap on carrier threads (Go's SetMaxThreads); default 10,000. */
        public Builder maxThreads(int maxThreads) {
            if (maxThreads < 1) {
                throw new IllegalArgumentException("maxThreads must be at least 1, got " + maxThreads);
            }
            this.maxThreads = maxThreads;
            return this;
        }

        /** Names the runtime and its carrier threads; default {@code weft-N}. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * How long a goroutine may hold its carrier before the scheduler asks it to yield at its
         * next safe point (and, one slice later, gives its processor to another carrier);
         * default 10 ms, as Go.
         */
        public Builder timeslice(Duration timeslice) {
            Objects.requireNonNull(timeslice, "timeslice");
            if (timeslice.isNegative() || timeslice.isZero()) {
                throw new IllegalArgumentException("timeslice must be positive, got " + timeslice);
            }
            this.timeslice = timeslice;
            return this;
        }

        /**
         * Whether {@link Weft#run} fails with a {@link DeadlockException} when every goroutine is
         * asleep for good; default true. Switch it off if goroutines wait on weft primitives made
         * inside the runtime that code outside it (a platform thread that holds a reference)
         * will signal later: weft cannot see such a waker coming.
         */
        public Builder detectDeadlocks(boolean detect) {
            this.detectDeadlocks = detect;
            return this;
        }

        /**
         * Whether each goroutine's virtual thread is named {@code <runtime name>/g<id>} (e.g.
         * {@code weft-1/g42}), so that a {@code jcmd <pid> Thread.dump_to_file} dump or a profiler
         * shows which goroutine a thread is (a virtual thread a goroutine starts with the JDK's own
         * API too, unless its creator named it). Default: off (a name costs a string per spawn), or
         * {@code -Dweft.nameGoroutines=true}. {@link Weft#dump()} prints each goroutine's Java
         * thread id either way.
         */
        public Builder nameGoroutines(boolean name) {
            this.nameGoroutines = name;
            return this;
        }

        /** Where exceptions escaping goroutines go; default {@link #PRINT_TO_STDERR}. */
        public Builder uncaughtExceptionHandler(UncaughtExceptionHandler handler) {
            this.handler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Starts the runtime (its carriers start on demand).
         *
         * @throws IllegalStateException if the JVM lacks {@code --add-opens java.base/java.lang=ALL-UNNAMED}
         */
        public Weft build() {
            return new Weft(this, name != null ? name : "weft-" + RUNTIME_IDS.incrementAndGet());
        }
    }
}
