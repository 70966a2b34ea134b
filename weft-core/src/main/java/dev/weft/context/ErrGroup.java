package dev.weft.context;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.GoroutineFailedException;
import dev.weft.chan.Chan;
import dev.weft.internal.sched.Sched;
import dev.weft.proc.ProcessExitException;
import dev.weft.proc.WeftProcess;
import dev.weft.sync.WaitGroup;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Goroutines working on subtasks of one task, with the first failure reported and, through
 * {@link #withContext}, cancelling the others: Go's {@code golang.org/x/sync/errgroup.Group}.
 *
 * <pre>{@code
 * ErrGroup g = ErrGroup.withContext(ctx);
 * g.setLimit(8);                                   // optional: at most 8 running at once
 * for (String url : urls) {
 *     g.go(() -> fetch(g.context(), url));         // g.context() is cancelled by the first failure
 * }
 * g.await();                                       // rethrows the first failure
 * }</pre>
 *
 * <h2>Failures</h2>
 * A task fails by throwing (Go's functions return an error). The first failure is kept, later
 * ones are dropped (as Go drops later errors), and {@link #await()} rethrows it after every task
 * has ended: a {@code RuntimeException} or an {@code Error} as it is, a checked exception wrapped
 * in a {@link GoroutineFailedException} naming the goroutine (the rule {@code Weft.run} follows).
 * Every throwable counts: a failing task never reaches the runtime's uncaught-exception handler.
 * A task ended by its process's exit ({@code dev.weft.proc}) failed with that
 * {@link ProcessExitException}, which {@code await} rethrows wrapped in a
 * {@link GoroutineFailedException} unless the caller belongs to that process: to anyone else it is
 * the task's failure, not an exit of their own.
 *
 * <h2>Protocol</h2>
 * A {@link WaitGroup} counts the tasks; {@link #await} parks on it. The limit is Go's: a channel
 * of {@code n} tokens ({@link #sem}), one sent before a task starts (blocking in {@link #go},
 * failing in {@link #tryGo}) and received back when it ends. Each task returns its token to the
 * channel it took it from, so a task never blocks or over-counts on a channel a later
 * {@link #setLimit} made. {@link #active} counts started, unfinished tasks, for setLimit's check.
 *
 * <p>{@code go}, {@code tryGo} and {@code await} may be called from any goroutine or thread and
 * concurrently; {@code setLimit} must not race with them (as in Go). A group may be reused after
 * {@code await} returns; a group made by {@code withContext} keeps its context cancelled.
 * {@code await} is not interruptible, like every weft wait.
 */
public final class ErrGroup {

    /** A task body that returns nothing and may throw anything (Go's {@code func() error}). */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    /** What the limit channel carries; channels refuse null. */
    private static final Object TOKEN = Boolean.TRUE;

    private final Context context;
    /** Whether {@link #context} is this group's own, to be cancelled (false for {@code new ErrGroup()}). */
    private final boolean cancels;
    private final WaitGroup tasks = new WaitGroup();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicReference<Failure> firstFailure = new AtomicReference<>();
    /** The limit's tokens; null for no limit. */
    private volatile Chan<Object> sem;

    private record Failure(Throwable error, long goroutineId) {}

    /**
     * A group without a context of its own (Go's zero {@code Group}): no limit, and a failure
     * cancels nothing; {@link #context()} is {@link Context#background()}.
     */
    public ErrGroup() {
        this.context = Context.background();
        this.cancels = false;
    }

    private ErrGroup(Context derived) {
        this.context = derived;
        this.cancels = true;
    }

    /**
     * A group whose {@link #context()} is a new child of {@code parent}, cancelled by the first
     * task failure (with the failure as its {@link Context#cause()}) or when {@link #await()}
     * returns, whichever comes first; and by {@code parent}, like any child.
     *
     * @throws NullPointerException if {@code parent} is null
     */
    public static ErrGroup withContext(Context parent) {
        Objects.requireNonNull(parent, "parent");
        return new ErrGroup(parent.withCancel());
    }

    /** The context tasks should watch: the derived one for {@link #withContext}, else background(). */
    public Context context() {
        return context;
    }

    /**
     * Starts {@code task} in a new goroutine (as {@link Go#go} starts one, on the caller's runtime),
     * first waiting, if a limit is set, until fewer than that many tasks of this group run. The
     * task's result is ignored.
     *
     * @throws NullPointerException if {@code task} is null
     * @throws java.util.concurrent.RejectedExecutionException if the runtime is closed
     */
    public void go(Callable<?> task) {
        Objects.requireNonNull(task, "task");
        Chan<Object> s = sem;
        if (s != null) {
            s.send(TOKEN);
        }
        start(task, s);
    }

    /** {@link #go(Callable)} for a task without a result. */
    public void go(Task task) {
        go(callable(task));
    }

    /**
     * Starts {@code task} in a new goroutine only if that keeps the group within its limit, without
     * waiting; with no limit it always starts it.
     *
     * @return whether the task was started
     * @throws NullPointerException if {@code task} is null
     */
    public boolean tryGo(Callable<?> task) {
        Objects.requireNonNull(task, "task");
        Chan<Object> s = sem;
        if (s != null && !s.trySend(TOKEN)) {
            return false;
        }
        start(task, s);
        return true;
    }

    /** {@link #tryGo(Callable)} for a task without a result. */
    public boolean tryGo(Task task) {
        return tryGo(callable(task));
    }

    private static Callable<Object> callable(Task task) {
        Objects.requireNonNull(task, "task");
        return () -> {
            task.run();
            return null;
        };
    }

    /** With the token (if any) already taken from {@code s}: count the task in and start it. */
    private void start(Callable<?> task, Chan<Object> s) {
        active.incrementAndGet();
        tasks.add(1);
        try {
            // Not Go.go: its safe point after the start can throw (the caller's process has
            // ended) with the task started, and the undo below would count it out twice.
            Sched.forCaller().go(() -> {
                try {
                    task.call();
                } catch (Throwable t) {
                    fail(t);
                } finally {
                    finish(s);
                }
            }, true);
        } catch (RuntimeException | Error e) {
            finish(s); // not started (the runtime is closed, a process refused it): give everything back
            throw e;
        }
        Go.checkpoint(); // Go.go's safe point, once the task is counted for good
    }

    private void finish(Chan<Object> s) {
        active.decrementAndGet();
        if (s != null) {
            // Its token is there (it sent one), so a receive never waits; tryRecv, because a
            // receive is a safe point: in a task whose process has ended it would throw the exit
            // again, and the task would never be counted out (await waiting for good).
            s.tryRecv();
        }
        tasks.done();
    }

    private void fail(Throwable t) {
        if (firstFailure.compareAndSet(null, new Failure(t, goroutineId()))) {
            if (cancels) {
                context.cancel(t);
            }
        }
    }

    private static long goroutineId() {
        Goroutine g = Go.current();
        return g == null ? 0 : g.id();
    }

    /**
     * Limits the group to {@code n} running tasks: {@link #go} then waits for a free slot and
     * {@link #tryGo} fails. A negative {@code n} removes the limit; 0 admits nothing ({@code go}
     * would wait for good, as in Go).
     *
     * @throws IllegalStateException if tasks of the group are running (Go panics when the old
     *     limit has tokens out; weft refuses any change while tasks run, the rule Go documents)
     */
    public void setLimit(int n) {
        int running = active.get();
        if (running != 0) {
            throw new IllegalStateException("errgroup: modify limit while " + running
                    + " goroutines in the group are still active");
        }
        sem = n < 0 ? null : Chan.make(n);
    }

    /**
     * Waits until every task started so far has ended; then cancels {@link #context()} (for a
     * group from {@link #withContext}) and rethrows the first failure, if any: runtime exceptions
     * and errors as they are, checked exceptions in a {@link GoroutineFailedException}, and so
     * is a {@link ProcessExitException} that ended a task, unless it is the caller's own
     * process's (class comment). Calling it again rethrows the same failure. Not interruptible.
     */
    public void await() {
        tasks.await();
        Failure f = firstFailure.get();
        if (cancels) {
            if (f == null) {
                context.cancel();
            } else {
                context.cancel(f.error());
            }
        }
        if (f == null) {
            return;
        }
        if (f.error() instanceof ProcessExitException pe && !isCallersExit(pe)) {
            // A task's process ended it: the task's failure, not the caller's exit, which code
            // that catches ProcessExitException (a pool's worker, a clean-up that rethrows) would
            // take it for. The caller's own exit is thrown as it is (its wait threw it anyway).
            throw new GoroutineFailedException(f.goroutineId(), pe);
        }
        if (f.error() instanceof RuntimeException re) {
            throw re;
        }
        if (f.error() instanceof Error e) {
            throw e;
        }
        throw new GoroutineFailedException(f.goroutineId(), f.error());
    }

    /** Whether {@code e} is the exit of the calling thread's own process (the pool's rule, ThreadPool.runTask). */
    private static boolean isCallersExit(ProcessExitException e) {
        WeftProcess own = WeftProcess.current();
        return own != WeftProcess.root() && e.pid() == own.pid();
    }

    @Override
    public String toString() {
        Chan<Object> s = sem;
        return "ErrGroup[active=" + active.get() + ", limit=" + (s == null ? "none" : s.cap())
                + ", failed=" + (firstFailure.get() != null) + ", context=" + context + "]";
    }
}
