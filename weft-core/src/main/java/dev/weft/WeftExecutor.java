package dev.weft;

import dev.weft.internal.util.TaskChecks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Weft#executor()}: an {@code ExecutorService} that runs each task as a goroutine of one
 * runtime, the way {@code Executors.newVirtualThreadPerTaskExecutor()} runs each on a virtual
 * thread. No pool and no queue of its own: a task becomes a goroutine at once and waits, if it
 * must, in the scheduler's run queues.
 *
 * <h2>Lifecycle</h2>
 * RUNNING → SHUTDOWN ({@link #shutdown}, {@link #shutdownNow}, or {@code close}) → TERMINATED
 * once no accepted task is left; {@link #terminated} is counted down exactly once, by whoever
 * makes that last transition. Shutting the executor down never closes the runtime, and closing
 * the runtime does not shut the executor down: it then rejects tasks because the runtime does.
 *
 * <h2>Protocol</h2>
 * Every accepted task is in {@link #tasks} from before its goroutine is started until it ends,
 * and {@link #pending} counts them. {@link #execute} adds the task, then checks the state: a
 * shutdown that comes later sees the task and waits for it; one that came earlier is seen by the
 * check, which takes the task back and rejects it. Each {@link Task} is claimed exactly once,
 * by a CAS on its state: by its goroutine (NEW → STARTED) or by {@link #shutdownNow} (NEW →
 * CANCELLED, returned as never started); the claimer removes it. shutdownNow interrupts the
 * goroutines of STARTED tasks.
 */
final class WeftExecutor extends AbstractExecutorService {
    private static final int RUNNING = 0;
    private static final int SHUTDOWN = 1;
    private static final int TERMINATED = 2;

    private final Weft runtime;
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final Set<Task> tasks = ConcurrentHashMap.newKeySet();
    /** Accepted tasks not yet ended or claimed by shutdownNow; termination waits for zero. */
    private final AtomicInteger pending = new AtomicInteger();
    private final CountDownLatch terminated = new CountDownLatch(1);

    WeftExecutor(Weft runtime) {
        this.runtime = runtime;
    }

    /**
     * Starts {@code command} as a goroutine of the runtime. An exception that escapes it goes to
     * the runtime's uncaught-exception handler ({@code submit} keeps it in the Future instead).
     *
     * @throws RejectedExecutionException if this executor is shut down, or the runtime closed
     */
    @Override
    public void execute(Runnable command) {
        TaskChecks.task(command, "execute");
        if (state.get() != RUNNING) {
            throw rejected();
        }
        Task t = new Task(command);
        pending.incrementAndGet();
        tasks.add(t);
        if (state.get() != RUNNING) {
            // A shutdown raced with us and may not have seen the task: take it back, unless
            // shutdownNow already has (then it is in that call's list of never-started tasks).
            if (t.claim(Task.CANCELLED)) {
                ended(t);
                throw rejected();
            }
            return;
        }
        try {
            runtime.go(t);
        } catch (RuntimeException | Error e) { // the runtime is closed (its message names it), or worse
            if (t.claim(Task.CANCELLED)) {
                ended(t);
            }
            throw e;
        }
    }

    // Bad input: AbstractExecutorService's own checks throw NullPointerExceptions with no
    // message, and ExecutorCompletionService (invokeAny) checks before newTaskFor; these name it.

    @Override
    public Future<?> submit(Runnable task) {
        return super.submit(TaskChecks.task(task, "submit"));
    }

    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        return super.submit(TaskChecks.task(task, "submit"), result);
    }

    @Override
    public <T> Future<T> submit(Callable<T> task) {
        return super.submit(TaskChecks.task(task, "submit"));
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> task) {
        return super.newTaskFor(TaskChecks.task(task, "invokeAll"));
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        return super.invokeAll(TaskChecks.collection(tasks, "invokeAll"));
    }

    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        return super.invokeAll(TaskChecks.collection(tasks, "invokeAll"), timeout, TaskChecks.unit(unit, "invokeAll"));
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        return super.invokeAny(TaskChecks.invokeAnyTasks(tasks));
    }

    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        return super.invokeAny(TaskChecks.invokeAnyTasks(tasks), timeout, TaskChecks.unit(unit, "invokeAny"));
    }

    private RejectedExecutionException rejected() {
        return new RejectedExecutionException("weft: the executor of runtime '" + runtime.name()
                + "' is shut down; it accepts no new tasks");
    }

    /** A task left the executor (ran, was drained or was rejected): terminate if it was the last. */
    private void ended(Task t) {
        tasks.remove(t);
        if (pending.decrementAndGet() == 0) {
            tryTerminate();
        }
    }

    private void tryTerminate() {
        if (state.get() == SHUTDOWN && pending.get() == 0 && state.compareAndSet(SHUTDOWN, TERMINATED)) {
            terminated.countDown();
        }
    }

    /** Accepts no new tasks; the accepted ones run to their end. Idempotent. */
    @Override
    public void shutdown() {
        if (state.compareAndSet(RUNNING, SHUTDOWN)) {
            tryTerminate();
        }
    }

    /**
     * Shuts down, interrupts the goroutines of running tasks, and returns the accepted tasks whose
     * goroutine had not begun to run yet (those never run). Tasks start as goroutines at once, so
     * the list holds only tasks still waiting in a run queue, normally none. An interrupt ends a
     * task only if it waits interruptibly (JDK locks, {@code Thread.sleep}, I/O); weft's own waits
     * (channels, select, sync) ignore interrupts, as Go's do: stop such tasks with a
     * {@link dev.weft.context.Context}.
     */
    @Override
    public List<Runnable> shutdownNow() {
        shutdown();
        List<Runnable> neverStarted = new ArrayList<>();
        for (Task t : tasks) {
            if (t.claim(Task.CANCELLED)) {
                neverStarted.add(t.command);
                ended(t);
            } else {
                t.interruptIfRunning();
            }
        }
        return neverStarted;
    }

    @Override
    public boolean isShutdown() {
        return state.get() != RUNNING;
    }

    @Override
    public boolean isTerminated() {
        return state.get() == TERMINATED;
    }

    /**
     * Waits until terminated or {@code timeout} has passed; from a goroutine it parks the goroutine.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        TaskChecks.unit(unit, "awaitTermination");
        if (isTerminated()) {
            return true;
        }
        return terminated.await(timeout, unit);
    }

    @Override
    public String toString() {
        String s = switch (state.get()) {
            case RUNNING -> "running";
            case SHUTDOWN -> "shutting down";
            default -> "terminated";
        };
        return "WeftExecutor[runtime=" + runtime.name() + ", " + s + ", tasks=" + pending.get() + "]";
    }

    /** One accepted task and the claim that decides whether its goroutine or shutdownNow owns it. */
    private final class Task implements Runnable {
        static final int NEW = 0;
        static final int STARTED = 1;
        static final int CANCELLED = 2;

        final Runnable command;
        private final AtomicInteger taskState = new AtomicInteger(NEW);
        /** Written by the goroutine before it claims the task, so shutdownNow can interrupt it. */
        private volatile Thread runner;

        Task(Runnable command) {
            this.command = command;
        }

        boolean claim(int to) {
            return taskState.compareAndSet(NEW, to);
        }

        void interruptIfRunning() {
            Thread r = runner;
            if (taskState.get() == STARTED && r != null) {
                r.interrupt(); // after the task's end this only touches a finishing goroutine
            }
        }

        @Override
        public void run() {
            runner = Thread.currentThread();
            if (!claim(STARTED)) {
                return; // shutdownNow drained it before it could start
            }
            try {
                command.run();
            } finally {
                ended(this);
            }
        }
    }
}
