package dev.weft.pool;

import dev.weft.PriorityClass;
import dev.weft.ThreadPriority;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.internal.sched.ProcessSupport;
import dev.weft.chan.Select;
import dev.weft.sync.Cond;
import dev.weft.sync.Mutex;
import dev.weft.proc.ProcessExitException;
import dev.weft.proc.WeftProcess;
import dev.weft.sync.WaitGroup;
import dev.weft.internal.util.TaskChecks;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A thread pool of goroutines: between {@code minWorkers} and {@code maxWorkers} worker goroutines
 * of one runtime run work ({@link #execute}, {@link #submit}, {@link #invokeAll}...), timer
 * callbacks ({@link #schedule}, {@link #scheduleAtFixedRate}, {@link #scheduleWithFixedDelay}) and
 * wait callbacks ({@link #onReceive}, {@link #onDone}). It is a {@link ScheduledExecutorService}
 * with the JDK's contract, and follows {@code ScheduledThreadPoolExecutor}'s default policies: at
 * {@link #shutdown} periodic tasks are cancelled and one-shot delayed tasks still run;
 * {@link #shutdownNow} returns every queued and delayed task that never started.
 *
 * <pre>{@code
 * ThreadPool pool = ThreadPool.builder("io").minWorkers(1).maxWorkers(8)
 *         .priority(ThreadPriority.ABOVE_NORMAL).queueCapacity(10_000).build(rt);
 * pool.submit(() -> fetch(url));
 * pool.scheduleAtFixedRate(this::flush, 0, 1, TimeUnit.SECONDS);
 * WaitRegistration r = pool.onReceive(requests, req -> serve(req));
 * }</pre>
 *
 * <h2>Goroutines</h2>
 * Workers are goroutines of {@code rt} at level {@code class.level(priority)}, where the class is
 * the creating thread's process's ({@link PriorityClass#NORMAL} for the root process).
 * One more goroutine, the <em>manager</em> ({@link Manager}), is started by {@link Builder#build}
 * from the creating thread; it starts every worker, so every goroutine of the pool descends from
 * the thread that built it (a goroutine inherits its creator's process, so the workers of a pool
 * built in a process belong to that process, whoever submits the work). The manager also keeps
 * the delay queue and waits for the wait callbacks' channels. Nothing of the pool is a platform
 * thread.
 *
 * <h2>State and invariants</h2>
 * One weft {@link Mutex} ({@code lock}) guards all the pool's state: the work queue, the delay
 * queue (a heap by trigger time, then submission order), the idle stack, the counters and the
 * registrations. Nothing runs user code or parks while holding it ({@code cancel} and
 * {@code shutdownNow}, which may wait for the manager's Select to end, wait on a {@link Cond} of it,
 * which releases it). Under it:
 * <ul>
 *   <li>{@code promised} counts workers on their way to the queue (started, or popped from the
 *       idle stack and woken, and not yet back at the top of their loop); {@code dispatchLocked},
 *       called after every enqueue, wakes or starts one more worker while
 *       {@code queue.size() > promised}. So an idle worker and a queued task never coexist for
 *       longer than a wake-up, and the pool grows towards max exactly while work is queued that
 *       no worker is promised to.
 *   <li>A worker is idle only with the queue empty (it checks under the lock before it pushes
 *       itself), so waking the most recently idled one (a stack) keeps a warm worker busy and lets
 *       the coldest run out their keep-alive: that is how the pool shrinks.
 *   <li>Each task is taken from the queue exactly once, under the lock, by a worker or by
 *       {@link #shutdownNow}: every accepted task either runs or is returned, never both.
 * </ul>
 *
 * <h2>Parking</h2>
 * An idle worker parks on a channel of its own (capacity 1, made by the worker's goroutine so that
 * deadlock detection attributes the wait to the runtime); a waker pops it under the lock and sends
 * a token after unlocking, so the woken goroutine does not run into the lock its waker holds. A
 * worker above {@code minWorkers} waits in a {@link Select} with {@code after(keepAlive)}; if it
 * times out and is still on the idle stack (nobody chose it), it leaves while the pool has more
 * than {@code minWorkers}. A token that arrives after such a timeout stays in the channel and
 * makes the next wait return at once: the worker, still on the idle stack then, takes itself off,
 * sees that nobody chose it and looks again, so a worker is on the idle stack only while it waits
 * and each pop is answered by one wake-up. Channels, Select, Mutex and weft's timers
 * behave the same under the three threading models, so the pool does too.
 *
 * <h2>Timer callbacks</h2>
 * A scheduled task waits in the delay queue ({@link DelayedTasks}); the manager waits in a Select
 * on its kick channel with {@code after(time of the earliest task)}, a timer on weft's heaps: no
 * timer thread and no {@code ScheduledThreadPoolExecutor}. When it is due, the manager moves it to
 * the work queue (due tasks and wait callbacks were accepted earlier, so they enter the work queue
 * even when it is full; the capacity bounds what {@link #execute} accepts). A periodic task puts
 * itself back after each run (fixed rate: previous time plus period; fixed delay: end of the run
 * plus delay); cancelling removes a task from the delay queue.
 *
 * <h2>Wait callbacks</h2>
 * The registrations are kept by {@link WaitCallbacks}, whose overview has their invariants.
 * No goroutine per {@link #onReceive} registration: an armed registration is a receive case in
 * the manager's Select, so one parked goroutine waits for every channel. A value received there is
 * queued as a callback; after the callback, its worker tries the channel again without waiting (a
 * Select with {@code orElse}, under the pool's lock, so it is ordered with {@code cancel}) and
 * queues the next callback at once, or re-arms the registration with the manager if the channel is
 * empty. So callbacks of one registration run one at a time, in the channel's order, like
 * {@code for v := range ch { f(v) }}, and a fast producer is served without the manager. The price
 * is a Select over every armed channel each time the manager wakes (linear in the registrations).
 * {@link #onDone} does use one goroutine per registration, started by the manager: a
 * {@link WaitGroup} offers only a blocking {@code await}, and a non-blocking registration would
 * change its state word's protocol. Unlike Go's {@code go func() { wg.Wait(); ... }()}, the
 * goroutine's wait is abandonable: when the registration ends before its group reaches zero
 * (cancelled, or the pool shuts down) the goroutine leaves the group's waiters and ends at once,
 * so it never holds the runtime's close open.
 *
 * <h2>Failures</h2>
 * An exception that escapes a task run by {@link #execute}, or a wait callback, goes to the pool's
 * handler (by default a WARNING on {@code System.Logger} "dev.weft"); one from {@link #submit} or a
 * scheduled task completes its Future, as the JDK does. Either way the worker goes on, and
 * {@link PoolStats#failed()} counts it. Work offered when the queue holds {@code queueCapacity}
 * tasks, or after shutdown, gets {@link RejectedExecutionException}.
 *
 * <h2>Lifecycle</h2>
 * RUNNING → SHUTDOWN ({@link #shutdown}: no new work; queued and delayed one-shot tasks still
 * run; periodic tasks and wait registrations end) or STOP ({@link #shutdownNow}: the queues are
 * drained and returned, running tasks interrupted) → TERMINATED once no worker is left, the
 * manager has ended and nothing is queued or delayed. Work that can never run is abandoned
 * rather than waited for: when the manager dies (it reports why, and shuts the pool down) its
 * delayed tasks, and when a shut-down pool has no worker and cannot start one (a process's
 * {@code maxThreads}) its queued tasks; their futures are cancelled and the handler is told how
 * many. Shut a pool down before closing its runtime: the runtime's close waits for the pool's
 * goroutines.
 */
public final class ThreadPool extends AbstractExecutorService implements ScheduledExecutorService {
    private static final System.Logger LOG = System.getLogger("dev.weft");

    static final int RUNNING = 0;
    static final int SHUTDOWN = 1;
    static final int STOP = 2;
    private static final int TERMINATED = 3;

    /** What wakes an idle worker or the manager; the value carries nothing. */
    private static final Object TOKEN = Boolean.TRUE;
    /** {@link #dispatchLocked}'s answer "a worker was added to toStart: kick the manager". */
    static final Object KICK = new Object();

    private final String name;
    final Weft runtime;
    final int minWorkers;
    private final int maxWorkers;
    private final int queueCapacity;
    final long keepAliveNanos;
    final int level;
    private final Thread.UncaughtExceptionHandler handler;

    /** Guards every field below that is not final or volatile. */
    final Mutex lock = new Mutex();
    /** Signalled when the manager's Select has returned and its cases are no longer armed there. */
    final Cond selectDone = new Cond(lock);
    final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    /** The scheduled tasks not due yet; the manager times them. */
    final DelayedTasks delayed = new DelayedTasks(this);
    /** Idle workers, most recently idled first. */
    final ArrayDeque<Worker> idle = new ArrayDeque<>();
    /** Workers whose goroutine has begun (shutdownNow interrupts the busy ones). */
    final Set<Worker> started = new HashSet<>();
    /** Goroutine bodies (workers, onDone waiters) the manager is to start. */
    final List<Runnable> toStart = new ArrayList<>();
    /** The wait callbacks' registrations. */
    final WaitCallbacks callbacks = new WaitCallbacks(this);
    /** The manager goroutine's body, started by {@link Builder#build}. */
    final Manager manager = new Manager(this);
    int workers;
    int active;
    int promised;
    boolean managerAlive = true;
    /** The manager is in (or about to run) a Select with receive cases: shutdownNow waits it out. */
    boolean managerSelecting;
    long completed;
    long failed;
    private long rejected;
    /**
     * Threads cancelling work taken out of the queues outside the lock ({@link #endWithProcess},
     * a dead manager): the pool terminates only after them.
     */
    int cancelling;

    volatile int runState = RUNNING;
    /** Capacity 1: kicks coalesce, and a kick sent while the manager works is seen by its next Select. */
    final Chan<Object> kick = Chan.make(1);
    private final CountDownLatch terminated = new CountDownLatch(1);

    private ThreadPool(Builder b, Weft runtime, int max) {
        this.name = b.name;
        this.runtime = runtime;
        this.minWorkers = b.minWorkers;
        this.maxWorkers = max;
        this.queueCapacity = b.queueCapacity;
        this.keepAliveNanos = saturatedNanos(b.keepAlive);
        this.level = creatorClass().level(b.priority);
        this.handler = b.handler != null ? b.handler
                : (t, e) -> LOG.log(System.Logger.Level.WARNING, "weft: thread pool '" + name + "': a task failed on " + t, e);
    }

    /**
     * The priority class the pool's relative priority applies to: the creating thread's process's
     * (NORMAL for the root process, to which threads outside any process belong).
     */
    private static PriorityClass creatorClass() {
        return WeftProcess.current().priorityClass();
    }

    /**
     * Takes the pool's lock even in a thread whose process is ending (a weft {@code Mutex.lock}
     * is a cancellation point there): the pool's bookkeeping on the way out of a worker or the
     * manager must complete, or the lock and the counters would be left inconsistent. The waits
     * for work stay cancellable, which is how a process's pool threads unwind.
     */
    void lockUncancellable() {
        ProcessSupport.mask();
        try {
            lock.lock();
        } finally {
            ProcessSupport.unmask();
        }
    }

    /** A builder for a pool named {@code name} (the name appears in messages and logs). */
    public static Builder builder(String name) {
        return new Builder(Objects.requireNonNull(name, "weft: thread pool name is null"));
    }

    /** The pool's name. */
    public String name() {
        return name;
    }

    /** The goroutine priority level (0-31) of the pool's workers. */
    public int priorityLevel() {
        return level;
    }

    // ---- work

    /**
     * Queues {@code command} for a worker. An exception that escapes it goes to the pool's handler.
     *
     * @throws RejectedExecutionException if the queue holds {@code queueCapacity} tasks, or the pool
     *     is shut down
     * @throws NullPointerException if {@code command} is null
     */
    @Override
    public void execute(Runnable command) {
        TaskChecks.task(command, "execute");
        Object action;
        lockUncancellable();
        try {
            checkAcceptingLocked();
            if (queue.size() >= queueCapacity) {
                rejected++;
                throw new RejectedExecutionException("weft: thread pool '" + name + "' is full: " + queue.size()
                        + " tasks queued, the capacity is " + queueCapacity);
            }
            queue.addLast(command);
            action = dispatchLocked();
        } finally {
            lock.unlock();
        }
        act(action);
    }

    void checkAcceptingLocked() {
        if (runState != RUNNING) {
            rejected++;
            throw new RejectedExecutionException("weft: thread pool '" + name + "' is shut down; it accepts no new work");
        }
    }

    /**
     * After an enqueue: if more is queued than workers are promised to, wake the most recent idle
     * worker or, below max, have the manager start one. Returns the worker to wake, {@link #KICK},
     * or null; the caller acts on it after unlocking.
     */
    Object dispatchLocked() {
        if (queue.size() <= promised) {
            return null;
        }
        Worker w = idle.pollFirst();
        if (w != null) {
            w.promisedWork = true;
            promised++;
            return w;
        }
        if (workers < maxWorkers && runState < STOP && managerAlive) {
            w = new Worker(this);
            w.promisedWork = true;
            promised++;
            workers++;
            toStart.add(w);
            return KICK;
        }
        return null; // every worker is busy and the pool is at max: the task waits its turn
    }

    void act(Object action) {
        if (action == KICK) {
            kick();
        } else if (action != null) {
            ((Worker) action).wake.trySend(TOKEN);
        }
    }

    void kick() {
        kick.trySend(TOKEN); // false: a kick is already pending, which is as good
    }

    /** Runs one task on the calling worker; returns whether it failed. Never throws. */
    boolean runTask(Runnable task) {
        // ThreadPoolExecutor's rule: a stopping pool's worker runs interrupted, a running pool's
        // worker starts clean, re-checked after the clear in case shutdownNow came in between.
        if (runState >= STOP) {
            Thread.currentThread().interrupt();
        } else {
            Thread.interrupted();
            if (runState >= STOP) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            task.run();
        } catch (ProcessExitException e) {
            // The worker's own process ending: the worker unwinds with it. One of another process
            // (a task rethrew it) is the task's failure: taken for ours, it would stop the pool.
            WeftProcess own = WeftProcess.current();
            if (own != WeftProcess.root() && e.pid() == own.pid()) {
                throw e;
            }
            report(e);
            return true;
        } catch (Throwable t) {
            report(t);
            return true;
        }
        return task instanceof Future<?> f && f.isDone() && f.state() == Future.State.FAILED;
    }

    void report(Throwable t) {
        try {
            handler.uncaughtException(Thread.currentThread(), t);
        } catch (Throwable inHandler) {
            LOG.log(System.Logger.Level.WARNING, "weft: thread pool '" + name + "': its failure handler threw", inHandler);
        }
    }

    /**
     * The pool's process is ending (called by a worker or the manager unwinding with it): no
     * thread can be started for the pool any more, so queued and delayed work could never run.
     * The pool stops as {@link #shutdownNow} does, and work that never started is cancelled, so
     * that nobody waits for ever on its future; then the pool terminates once its last thread is
     * gone. Cancellation is held off meanwhile: the caller is unwinding already.
     */
    void endWithProcess() {
        ProcessSupport.mask();
        try {
            stopAndCancelUnstarted();
        } finally {
            ProcessSupport.unmask();
        }
    }

    /**
     * {@link #shutdownNow}, and the futures of the tasks it took out cancelled, for callers that
     * would otherwise drop its list (a process's end; {@link #close} interrupted): the pool does
     * not terminate before those cancels are done.
     */
    private void stopAndCancelUnstarted() {
        lockUncancellable();
        try {
            cancelling++; // shutdownNow must not terminate the pool before the cancels below
        } finally {
            lock.unlock();
        }
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Runnable r : shutdownNow()) {
                if (r instanceof Future<?> f) {
                    futures.add(f);
                }
            }
            cancelAbandoned(futures);
        } finally {
            lockUncancellable();
            try {
                cancelling--;
                tryTerminateLocked();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Under the lock, once no worker can ever take them: none is left and none will start (the
     * manager has died, or a shut-down pool's manager was refused one). Takes the queued tasks
     * out, and the delayed ones too if {@code delayedToo} (nobody is left to time them), and
     * cancels the futures among them, so that nobody waits for ever on a task that never runs
     * and the pool can terminate. Returns how many of them it abandoned, for
     * {@link #reportAbandoned}: a future done already (its user cancelled it, and its removal
     * from the queue had yet to get the lock) was not, and is not counted.
     * Only the pool's own {@link ScheduledTask}s are cancelled here: any other future may be the
     * caller's (a {@code FutureTask} whose {@code done()} hook uses the pool, or throws), so it
     * goes to {@code cancelLater}, for {@link #cancelAbandoned} once the lock is released, which
     * counts those it abandons.
     */
    int abandonUnrunnableLocked(boolean delayedToo, List<Future<?>> cancelLater) {
        List<Runnable> never = new ArrayList<>();
        if (workers == 0) {
            never.addAll(queue);
            queue.clear();
        }
        if (delayedToo) {
            never.addAll(delayed.drainLocked());
        }
        int abandoned = 0;
        for (Runnable r : never) {
            if (r instanceof ScheduledTask<?> t) {
                if (t.cancelQuietly()) { // its cancel would take the lock we hold
                    abandoned++;
                }
            } else if (r instanceof Future<?> f) {
                cancelLater.add(f); // maybe user code (done()): not under the lock
            } else {
                abandoned++;
            }
        }
        return abandoned;
    }

    /**
     * After the lock: cancels what {@link #abandonUnrunnableLocked} left to cancel; a hook's
     * exception goes to the handler. Returns how many it abandoned: those not done before.
     */
    int cancelAbandoned(List<Future<?>> futures) {
        int abandoned = 0;
        for (Future<?> f : futures) {
            try {
                if (!f.isDone()) {
                    abandoned++;
                    f.cancel(false);
                }
            } catch (Throwable t) { // a done() that throws: the other futures still end
                report(t);
            }
        }
        return abandoned;
    }

    /** After the lock: tells the handler that {@code n} tasks were abandoned, and why. */
    void reportAbandoned(int n, String why, Throwable cause) {
        if (n > 0) {
            report(new RejectedExecutionException("weft: thread pool '" + name + "': " + n
                    + (n == 1 ? " task" : " tasks") + " will never run (" + why
                    + "); the futures among them are cancelled", cause));
        }
    }

    void tryTerminateLocked() {
        if (runState == SHUTDOWN || runState == STOP) {
            if (workers == 0 && !managerAlive && queue.isEmpty() && delayed.isEmptyLocked() && cancelling == 0) {
                runState = TERMINATED;
                terminated.countDown();
            }
        }
    }

    // ---- lifecycle

    /**
     * Accepts no new work. Queued tasks and one-shot delayed tasks still run; periodic tasks are
     * cancelled and wait registrations end (as {@code ScheduledThreadPoolExecutor}'s default
     * policies). Idempotent.
     */
    @Override
    public void shutdown() {
        List<Worker> toWake = new ArrayList<>();
        lockUncancellable();
        try {
            if (runState == RUNNING) {
                runState = SHUTDOWN;
                delayed.cancelPeriodicLocked();
                queue.removeIf(ThreadPool::cancelIfPeriodic);
                callbacks.endAllLocked();
                idleToWakeLocked(toWake);
                if (workers == 0 && !queue.isEmpty()) {
                    // Work left with no worker: starts were refused (a process's thread limit).
                    // One more try; if it is refused too, the manager abandons the work rather
                    // than have the pool wait for ever. Returns KICK or null: nobody is idle.
                    dispatchLocked();
                }
                tryTerminateLocked();
            }
        } finally {
            lock.unlock();
        }
        wakeAndKick(toWake);
    }

    /** After the lock: wakes the idle workers {@code idleToWakeLocked} chose, and the manager. */
    private void wakeAndKick(List<Worker> toWake) {
        for (Worker w : toWake) {
            w.wake.trySend(TOKEN);
        }
        kick();
    }

    static boolean cancelIfPeriodic(Object task) {
        if (task instanceof ScheduledTask<?> t && t.isPeriodic()) {
            t.cancelQuietly();
            return true;
        }
        return false;
    }

    private void idleToWakeLocked(List<Worker> toWake) {
        Worker w;
        while ((w = idle.pollFirst()) != null) {
            toWake.add(w);
        }
    }

    /**
     * Shuts down, interrupts the workers running tasks, and returns every task that never started:
     * those queued for a worker (wait callbacks included, each with its value) and the delayed
     * ones, in that order. If the manager is waiting on registrations' channels, this first kicks
     * it and waits for that Select to end, so a value it took from a channel meanwhile is queued
     * and returned too: no value taken from a channel is lost.
     */
    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> neverStarted = new ArrayList<>();
        List<Worker> toWake = new ArrayList<>();
        lockUncancellable();
        try {
            if (runState < STOP) {
                runState = STOP;
            }
            if (managerSelecting) {
                kick();
                // Not cancellable: a thread whose process is ending must still leave the pool
                // stopped and drained. The wait is bounded: the manager was kicked, and if it is
                // unwinding itself its catch clears managerSelecting and broadcasts.
                ProcessSupport.mask();
                try {
                    while (managerSelecting) {
                        selectDone.await(); // its next Select has no receive cases: the pool is stopping
                    }
                } finally {
                    ProcessSupport.unmask();
                }
            }
            neverStarted.addAll(queue);
            queue.clear();
            neverStarted.addAll(delayed.drainLocked());
            callbacks.endAllLocked();
            idleToWakeLocked(toWake);
            for (Worker w : started) {
                if (w.current != null) {
                    w.thread.interrupt();
                }
            }
            tryTerminateLocked();
        } finally {
            lock.unlock();
        }
        wakeAndKick(toWake);
        return neverStarted;
    }

    @Override
    public boolean isShutdown() {
        return runState != RUNNING;
    }

    @Override
    public boolean isTerminated() {
        return runState == TERMINATED;
    }

    /**
     * Waits until terminated or {@code timeout} has passed.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        TaskChecks.unit(unit, "awaitTermination");
        return terminated.await(timeout, unit);
    }

    /**
     * The JDK's close (shut down, wait for termination; an interrupt while waiting becomes
     * {@link #shutdownNow} and the status is kept), except that the futures of the tasks that
     * never started are then cancelled rather than left pending.
     *
     * @throws IllegalStateException if called from one of the pool's workers, which would wait for
     *     itself
     */
    @Override
    public void close() {
        Thread me = Thread.currentThread();
        lockUncancellable();
        try {
            for (Worker w : started) {
                if (w.thread == me) {
                    throw new IllegalStateException("weft: thread pool '" + name
                            + "' closed from one of its own workers, which would wait for itself");
                }
            }
        } finally {
            lock.unlock();
        }
        // The JDK's close, but for what an interrupt makes of it: its shutdownNow's list of tasks
        // that never started is dropped there, and their futures stayed pending for ever once the
        // pool had terminated. A process's primary closing its pool as the process ends is
        // interrupted so. Here they are cancelled.
        boolean terminated = isTerminated();
        if (!terminated) {
            shutdown();
            boolean interrupted = false;
            while (!terminated) {
                try {
                    terminated = awaitTermination(1L, TimeUnit.DAYS);
                } catch (InterruptedException e) {
                    if (!interrupted) {
                        stopAndCancelUnstarted();
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The pool's counters, read together. */
    public PoolStats stats() {
        lockUncancellable();
        try {
            return new PoolStats(workers, active, queue.size(), completed, rejected, failed);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        String s = switch (runState) {
            case RUNNING -> "running";
            case SHUTDOWN -> "shutting down";
            case STOP -> "stopping";
            default -> "terminated";
        };
        return "ThreadPool[" + name + ", " + s + ", " + stats() + "]";
    }

    // ---- bad input: AbstractExecutorService's own checks throw NullPointerExceptions with no
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

    // ---- timer callbacks

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "weft: schedule of a null task");
        Objects.requireNonNull(unit, "weft: schedule with a null time unit");
        return delayed.schedule(new ScheduledTask<Void>(this, command, DelayedTasks.triggerTime(delay, unit), 0));
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        Objects.requireNonNull(callable, "weft: schedule of a null task");
        Objects.requireNonNull(unit, "weft: schedule with a null time unit");
        return delayed.schedule(new ScheduledTask<>(this, callable, DelayedTasks.triggerTime(delay, unit)));
    }

    /**
     * Runs {@code command} first after {@code initialDelay}, then every {@code period} after that
     * first time; a run that overruns delays the next, and runs never overlap. An exception ends
     * the task (the future completes with it); so do cancel and shutdown.
     *
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        Objects.requireNonNull(command, "weft: scheduleAtFixedRate of a null task");
        Objects.requireNonNull(unit, "weft: scheduleAtFixedRate with a null time unit");
        if (period <= 0) {
            throw new IllegalArgumentException("weft: scheduleAtFixedRate needs a positive period, got " + period);
        }
        return delayed.schedule(new ScheduledTask<Void>(this, command, DelayedTasks.triggerTime(initialDelay, unit),
                DelayedTasks.periodNanos(period, unit)));
    }

    /**
     * Runs {@code command} first after {@code initialDelay}, then {@code delay} after the end of
     * each run. An exception ends the task (the future completes with it); so do cancel and
     * shutdown.
     *
     * @throws IllegalArgumentException if {@code delay} is not positive
     */
    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        Objects.requireNonNull(command, "weft: scheduleWithFixedDelay of a null task");
        Objects.requireNonNull(unit, "weft: scheduleWithFixedDelay with a null time unit");
        if (delay <= 0) {
            throw new IllegalArgumentException("weft: scheduleWithFixedDelay needs a positive delay, got " + delay);
        }
        return delayed.schedule(new ScheduledTask<Void>(this, command, DelayedTasks.triggerTime(initialDelay, unit),
                -DelayedTasks.periodNanos(delay, unit)));
    }

    // ---- wait callbacks

    /**
     * Runs {@code callback} on a worker for each value received from {@code chan}, one at a time and
     * in the channel's order, until the channel is closed (and drained), the registration is
     * cancelled, or the pool shuts down. An exception from the callback goes to the pool's handler
     * and the registration goes on.
     *
     * @throws RejectedExecutionException if the pool is shut down
     * @throws NullPointerException if {@code chan} or {@code callback} is null
     * @throws IllegalArgumentException if {@code chan} was made in a synctest bubble, whose
     *     channels only that bubble's goroutines may use (a pool never runs inside one)
     */
    public <T> WaitRegistration onReceive(Chan<T> chan, Consumer<? super T> callback) {
        Objects.requireNonNull(chan, "weft: onReceive of a null channel");
        Objects.requireNonNull(callback, "weft: onReceive with a null callback");
        return callbacks.onReceive(chan, callback);
    }

    /**
     * Runs {@code callback} once on a worker when {@code group} reaches zero (at once if it is
     * zero), unless cancelled before, or the pool shuts down first. An exception from the callback
     * goes to the pool's handler.
     *
     * @throws RejectedExecutionException if the pool is shut down
     * @throws NullPointerException if {@code group} or {@code callback} is null
     */
    public WaitRegistration onDone(WaitGroup group, Runnable callback) {
        Objects.requireNonNull(group, "weft: onDone of a null WaitGroup");
        Objects.requireNonNull(callback, "weft: onDone with a null callback");
        return callbacks.onDone(group, callback);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /** Options of a {@link ThreadPool}; each setter checks its argument at once. */
    public static final class Builder {
        private final String name;
        private int minWorkers = 1;
        private int maxWorkers; // 0: max(minWorkers, the runtime's procs)
        private ThreadPriority priority = ThreadPriority.NORMAL;
        private int queueCapacity = Integer.MAX_VALUE;
        private Duration keepAlive = Duration.ofSeconds(60);
        private Thread.UncaughtExceptionHandler handler;

        private Builder(String name) {
            this.name = name;
        }

        private int atLeastOne(String what, int n) {
            if (n < 1) {
                throw new IllegalArgumentException("weft: thread pool '" + name + "': " + what + " must be at least 1, got " + n);
            }
            return n;
        }

        /** Workers kept while idle (default 1); at least 1, since workers start workers. */
        public Builder minWorkers(int n) {
            this.minWorkers = atLeastOne("minWorkers", n);
            return this;
        }

        /** The most workers (default: the larger of minWorkers and the runtime's procs). */
        public Builder maxWorkers(int n) {
            this.maxWorkers = atLeastOne("maxWorkers", n);
            return this;
        }

        /** The workers' priority relative to the creating process's class (default NORMAL). */
        public Builder priority(ThreadPriority p) {
            this.priority = Objects.requireNonNull(p, "weft: thread pool priority is null");
            return this;
        }

        /** The most tasks {@code execute} queues for a worker (default unbounded). */
        public Builder queueCapacity(int n) {
            this.queueCapacity = atLeastOne("queueCapacity", n);
            return this;
        }

        /** How long a worker beyond minWorkers stays idle before it ends (default 60 s). */
        public Builder keepAlive(Duration d) {
            Objects.requireNonNull(d, "weft: thread pool keepAlive is null");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("weft: thread pool '" + name + "': keepAlive must be positive, got " + d);
            }
            this.keepAlive = d;
            return this;
        }

        /**
         * Receives what escapes a task run by {@code execute} or a wait callback (default: a
         * WARNING on {@code System.Logger} "dev.weft"). It runs on the worker and must not block long.
         */
        public Builder uncaughtExceptionHandler(Thread.UncaughtExceptionHandler h) {
            this.handler = Objects.requireNonNull(h, "weft: thread pool uncaughtExceptionHandler is null");
            return this;
        }

        /**
         * Builds the pool on {@code rt} and starts its manager goroutine from the calling thread;
         * {@code minWorkers} workers follow at once.
         *
         * @throws IllegalArgumentException if minWorkers is above maxWorkers
         * @throws RejectedExecutionException if the runtime is closed
         */
        public ThreadPool build(Weft rt) {
            Objects.requireNonNull(rt, "weft: thread pool '" + name + "' built on a null runtime");
            int max = maxWorkers == 0 ? Math.max(minWorkers, rt.procs()) : maxWorkers;
            if (minWorkers > max) {
                throw new IllegalArgumentException("weft: thread pool '" + name + "': minWorkers (" + minWorkers
                        + ") is above maxWorkers (" + max + ")");
            }
            ThreadPool pool = new ThreadPool(this, rt, max);
            pool.lockUncancellable();
            try {
                for (int i = 0; i < minWorkers; i++) {
                    Worker w = new Worker(pool);
                    w.promisedWork = true; // on its way to the queue, like any worker started for work
                    pool.promised++;
                    pool.toStart.add(w);
                    pool.workers++;
                }
            } finally {
                pool.lock.unlock();
            }
            rt.go(pool.level, pool.manager);
            return pool;
        }
    }
}
