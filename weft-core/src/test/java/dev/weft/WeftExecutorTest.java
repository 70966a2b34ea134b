package dev.weft;

import static dev.weft.Conditions.awaitTrue;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Weft#executor()} against the {@code ExecutorService} contract. Cases are ported from the
 * JSR-166 TCK (AbstractExecutorServiceTest, ThreadPoolExecutorTest) and from the JDK's
 * ExecutorService/CloseTest, each naming the test it echoes; the TCK's sleeps are replaced by
 * latches, and its "queued task" cases by the never-started goroutine that is their equivalent
 * here. Most calls come from a platform thread, as in the TCK; some from goroutines.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WeftExecutorTest {
    private static final String TEST_STRING = "a test string";
    private static final long LONG_DELAY_MS = 10_000;

    private final Queue<Throwable> uncaught = new ConcurrentLinkedQueue<>();
    private Weft rt;
    private ExecutorService e;

    @BeforeEach
    void start() {
        rt = Weft.builder().name("exec-test").procs(2).uncaughtExceptionHandler((g, t) -> uncaught.add(t)).build();
        e = rt.executor();
    }

    @AfterEach
    void stop() throws InterruptedException {
        e.shutdownNow();
        assertThat(e.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).as("terminated after the test").isTrue();
        rt.close();
    }

    private static final Callable<String> STRING_TASK = () -> TEST_STRING;

    private static final Callable<String> NPE_TASK = () -> {
        throw new NullPointerException();
    };

    /** The opaque token of the runtime the calling goroutine belongs to (what deadlock detection compares). */
    private static Object callerRuntime() {
        return dev.weft.internal.sched.Parking.callerRuntime();
    }

    private static Object tokenOf(Weft runtime) {
        AtomicReference<Object> token = new AtomicReference<>();
        runtime.run(() -> token.set(callerRuntime()));
        return token.get();
    }

    /** A task that waits, interruptibly, until {@code release} opens, after signalling {@code started}. */
    private static Callable<String> blocker(CountDownLatch started, CountDownLatch release) {
        return () -> {
            started.countDown();
            release.await();
            return "released";
        };
    }

    // ---- Weft specifics

    /** ThreadPoolExecutorTest.testExecute: execute runs the task, here on a goroutine of the runtime. */
    @Test
    void executeRunsTheTaskOnAGoroutineOfTheRuntime() throws Exception {
        Object rtToken = tokenOf(rt);
        CountDownLatch done = new CountDownLatch(1);
        AtomicReference<Object> ranOn = new AtomicReference<>();
        AtomicReference<Goroutine> goroutine = new AtomicReference<>();
        e.execute(() -> {
            goroutine.set(Go.current());
            ranOn.set(callerRuntime());
            done.countDown();
        });
        assertThat(done.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(goroutine.get()).isNotNull();
        assertThat(ranOn.get()).isNotNull().isSameAs(rtToken);
    }

    /** CompletableFuture.supplyAsync(f, rt.executor()) runs f, and async stages after it, on goroutines of rt. */
    @Test
    void supplyAsyncRunsOnAGoroutineOfTheRuntime() throws Exception {
        try (Weft other = Weft.builder().procs(1).build()) {
            Object rtToken = tokenOf(rt);
            assertThat(rtToken).isNotSameAs(tokenOf(other));
            CompletableFuture<Object> f = CompletableFuture.supplyAsync(() -> Go.current() == null ? null : callerRuntime(), e);
            assertThat(f.get(LONG_DELAY_MS, MILLISECONDS)).isSameAs(rtToken);
            Object otherToken = tokenOf(other);
            Object chained = f.thenApplyAsync(x -> callerRuntime(), other.executor()).get(LONG_DELAY_MS, MILLISECONDS);
            assertThat(chained).isSameAs(otherToken);
        }
    }

    /** Each call of executor() is an executor of its own: shutting one down leaves the others and the runtime working. */
    @Test
    void eachCallReturnsAnIndependentExecutorAndNoneClosesTheRuntime() throws Exception {
        ExecutorService first = rt.executor();
        ExecutorService second = rt.executor();
        assertThat(first).isNotSameAs(second);
        first.close();
        assertThat(first.isTerminated()).isTrue();
        assertThat(second.isShutdown()).isFalse();
        assertThat(second.submit(STRING_TASK).get(LONG_DELAY_MS, MILLISECONDS)).isSameAs(TEST_STRING);
        AtomicBoolean ran = new AtomicBoolean();
        rt.go(() -> ran.set(true)).join();
        assertThat(ran).isTrue();
        second.close();
    }

    /** A task that fails under execute() reaches the runtime's handler, and still counts out of the executor. */
    @Test
    void aFailureEscapingExecuteGoesToTheRuntimesHandler() throws Exception {
        e.execute(() -> {
            throw new IllegalStateException("boom");
        });
        awaitTrue(() -> !uncaught.isEmpty());
        assertThat(uncaught).singleElement(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
                .isInstanceOf(IllegalStateException.class).hasMessage("boom");
        e.shutdown();
        assertThat(e.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
    }

    /** Tasks submitted from a goroutine of another runtime run on this one; a goroutine may close and await. */
    @Test
    void goroutinesOfAnotherRuntimeSubmitInvokeAllAndClose() throws Exception {
        Object rtToken = tokenOf(rt);
        AtomicReference<List<Object>> results = new AtomicReference<>();
        try (Weft other = Weft.builder().procs(1).build()) {
            other.run(() -> {
                try (ExecutorService ex = rt.executor()) {
                    List<Callable<Object>> calls = Collections.nCopies(10, WeftExecutorTest::callerRuntime);
                    List<Object> tokens = new ArrayList<>();
                    for (Future<Object> f : ex.invokeAll(calls)) {
                        tokens.add(f.resultNow());
                    }
                    tokens.add(ex.submit(WeftExecutorTest::callerRuntime).get());
                    results.set(tokens);
                } catch (InterruptedException | ExecutionException failure) {
                    throw new AssertionError(failure);
                }
            });
        }
        assertThat(results.get()).hasSize(11).containsOnly(rtToken);
    }

    /** After the runtime is closed, tasks from outside it are rejected with the runtime's reason. */
    @Test
    void tasksAreRejectedOnceTheRuntimeIsClosed() {
        Weft closing = Weft.builder().name("closed-rt").procs(1).build();
        ExecutorService ex = closing.executor();
        closing.close();
        assertThatThrownBy(() -> ex.execute(() -> {})).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("'closed-rt' is closed");
        ex.shutdown();
        assertThat(ex.isTerminated()).as("the rejected task left nothing pending").isTrue();
    }

    // ---- AbstractExecutorServiceTest

    /** AbstractExecutorServiceTest.testExecuteRunnable: a submitted runnable completes with null. */
    @Test
    void submittedRunnableCompletesWithNull() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        Future<?> future = e.submit(() -> done.set(true));
        assertThat(future.get()).isNull();
        assertThat(future.get(0, MILLISECONDS)).isNull();
        assertThat(done).isTrue();
        assertThat(future.isDone()).isTrue();
        assertThat(future.isCancelled()).isFalse();
    }

    /** AbstractExecutorServiceTest.testSubmitCallable, testSubmitRunnable, testSubmitRunnable2. */
    @Test
    void submitReturnsTheResult() throws Exception {
        assertThat(e.submit(STRING_TASK).get()).isSameAs(TEST_STRING);
        Future<?> noOp = e.submit(() -> {});
        noOp.get();
        assertThat(noOp.isDone()).isTrue();
        assertThat(e.submit(() -> {}, TEST_STRING).get()).isSameAs(TEST_STRING);
    }

    /** AbstractExecutorServiceTest.testNullTaskSubmission. */
    @Test
    void nullTasksAreRejected() {
        assertThatThrownBy(() -> e.execute(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.submit((Runnable) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.submit((Runnable) null, Boolean.TRUE)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.submit((Callable<?>) null)).isInstanceOf(NullPointerException.class);
    }

    /** AbstractExecutorServiceTest.testSubmitEE: get of a failed callable throws ExecutionException with the cause. */
    @Test
    void getOfAFailedCallableThrowsExecutionException() {
        Future<Object> f = e.submit(() -> {
            throw new ArithmeticException();
        });
        assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ArithmeticException.class);
    }

    /** AbstractExecutorServiceTest.testInterruptedSubmit: a thread waiting in get() is interruptible. */
    @Test
    void getOfARunningTaskIsInterruptible() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch quittingTime = new CountDownLatch(1);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            Future<String> future = e.submit(blocker(started, quittingTime));
            try {
                future.get();
                outcome.set(new AssertionError("get returned"));
            } catch (Throwable x) {
                outcome.set(x);
            }
        });
        assertThat(started.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        awaitTrue(() -> t.getState() == Thread.State.WAITING);
        t.interrupt();
        t.join();
        assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
        quittingTime.countDown();
    }

    /** AbstractExecutorServiceTest.testInvokeAny1-3, testTimedInvokeAny1-3 and testTimedInvokeAnyNullTimeUnit. */
    @Test
    void invokeAnyRejectsNullsAndEmptyCollections() {
        List<Callable<String>> withNull = new ArrayList<>();
        withNull.add(NPE_TASK);
        withNull.add(null);
        assertThatThrownBy(() -> e.invokeAny(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.invokeAny(List.<Callable<String>>of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> e.invokeAny(withNull)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.invokeAny(null, 1, SECONDS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.invokeAny(List.of(STRING_TASK), 1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.invokeAny(List.<Callable<String>>of(), 1, SECONDS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> e.invokeAny(withNull, 1, SECONDS)).isInstanceOf(NullPointerException.class);
    }

    /** AbstractExecutorServiceTest.testInvokeAny4-5 and testTimedInvokeAny4-5. */
    @Test
    void invokeAnyReturnsAResultOrTheFailureOfAll() throws Exception {
        assertThat(e.invokeAny(List.of(STRING_TASK, STRING_TASK))).isSameAs(TEST_STRING);
        assertThat(e.invokeAny(List.of(STRING_TASK, STRING_TASK), LONG_DELAY_MS, MILLISECONDS)).isSameAs(TEST_STRING);
        assertThatThrownBy(() -> e.invokeAny(List.of(NPE_TASK))).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(NullPointerException.class);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> e.invokeAny(List.of(NPE_TASK), LONG_DELAY_MS, MILLISECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NullPointerException.class);
        assertThat(System.nanoTime() - t0).isLessThan(MILLISECONDS.toNanos(LONG_DELAY_MS));
    }

    /** AbstractExecutorServiceTest.testInvokeAll1-3, testTimedInvokeAll1-3 and testTimedInvokeAllNullTimeUnit. */
    @Test
    void invokeAllRejectsNullsAndReturnsEmptyForEmpty() throws Exception {
        List<Callable<String>> withNull = new ArrayList<>();
        withNull.add(STRING_TASK);
        withNull.add(null);
        assertThatThrownBy(() -> e.invokeAll(null)).isInstanceOf(NullPointerException.class);
        assertThat(e.invokeAll(List.<Callable<String>>of())).isEmpty();
        assertThatThrownBy(() -> e.invokeAll(withNull)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.invokeAll(null, 1, SECONDS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.invokeAll(List.of(STRING_TASK), 1, null)).isInstanceOf(NullPointerException.class);
        assertThat(e.invokeAll(List.<Callable<String>>of(), 1, SECONDS)).isEmpty();
        assertThatThrownBy(() -> e.invokeAll(withNull, 1, SECONDS)).isInstanceOf(NullPointerException.class);
    }

    /** AbstractExecutorServiceTest.testInvokeAll4-5 and testTimedInvokeAll4-5. */
    @Test
    void invokeAllReturnsEveryOutcome() throws Exception {
        for (boolean timed : new boolean[] {false, true}) {
            List<Future<String>> failed = timed ? e.invokeAll(List.of(NPE_TASK), LONG_DELAY_MS, MILLISECONDS)
                    : e.invokeAll(List.of(NPE_TASK));
            assertThat(failed).hasSize(1);
            assertThatThrownBy(() -> failed.get(0).get()).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(NullPointerException.class);
            List<Future<String>> ok = timed ? e.invokeAll(List.of(STRING_TASK, STRING_TASK), LONG_DELAY_MS, MILLISECONDS)
                    : e.invokeAll(List.of(STRING_TASK, STRING_TASK));
            assertThat(ok).hasSize(2);
            for (Future<String> f : ok) {
                assertThat(f.get()).isSameAs(TEST_STRING);
            }
        }
    }

    /**
     * AbstractExecutorServiceTest.testTimedInvokeAll6: tasks not done by the timeout are cancelled,
     * which interrupts their goroutine. (The TCK's retry on an unusually late start is kept.)
     */
    @Test
    void timedInvokeAllCancelsTheTasksNotDoneInTime() throws Exception {
        for (long timeout = 50;; timeout *= 2) {
            CountDownLatch interrupted = new CountDownLatch(1);
            Callable<String> stuck = () -> {
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException expected) {
                    interrupted.countDown();
                }
                return TEST_STRING;
            };
            List<Callable<String>> tasks = List.of(() -> "0", stuck, () -> "2");
            long t0 = System.nanoTime();
            List<Future<String>> futures = e.invokeAll(tasks, timeout, MILLISECONDS);
            assertThat(futures).hasSize(3).allMatch(Future::isDone);
            assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(MILLISECONDS.toNanos(timeout));
            try {
                assertThat(futures.get(0).get()).isEqualTo("0");
                assertThat(futures.get(2).get()).isEqualTo("2");
            } catch (CancellationException retryWithLongerTimeout) {
                assertThat(timeout).as("a quick task was still cancelled with a generous timeout").isLessThan(LONG_DELAY_MS / 2);
                continue;
            }
            assertThat(futures.get(1).isCancelled()).isTrue();
            assertThat(interrupted.await(LONG_DELAY_MS, MILLISECONDS)).as("cancel(true) interrupted the goroutine").isTrue();
            break;
        }
    }

    // ---- ThreadPoolExecutorTest

    /** ThreadPoolExecutorTest.testIsShutdown. */
    @Test
    void isShutdownIsFalseBeforeShutdownAndTrueAfter() {
        assertThat(e.isShutdown()).isFalse();
        e.shutdown();
        assertThat(e.isShutdown()).isTrue();
        e.shutdown(); // idempotent
        assertThat(e.isTerminated()).isTrue();
    }

    /** ThreadPoolExecutorTest.testAwaitTermination_timesOut. */
    @Test
    void awaitTerminationTimesOutUntilShutdown() throws Exception {
        assertThat(e.isTerminated()).isFalse();
        assertThat(e.awaitTermination(Long.MIN_VALUE, NANOSECONDS)).isFalse();
        assertThat(e.awaitTermination(Long.MIN_VALUE, MILLISECONDS)).isFalse();
        assertThat(e.awaitTermination(-1L, NANOSECONDS)).isFalse();
        assertThat(e.awaitTermination(-1L, MILLISECONDS)).isFalse();
        assertThat(e.awaitTermination(0L, SECONDS)).isFalse();
        long timeoutNanos = 999_999L;
        long t0 = System.nanoTime();
        assertThat(e.awaitTermination(timeoutNanos, NANOSECONDS)).isFalse();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(timeoutNanos);
        t0 = System.nanoTime();
        assertThat(e.awaitTermination(20, MILLISECONDS)).isFalse();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(MILLISECONDS.toNanos(20));
        assertThat(e.isTerminated()).isFalse();
        e.shutdown();
        assertThat(e.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(e.isTerminated()).isTrue();
        assertThatThrownBy(() -> e.awaitTermination(1, null)).isInstanceOf(NullPointerException.class);
    }

    /** ThreadPoolExecutorTest.testIsTerminated: not terminated while a task runs, terminated once it ends. */
    @Test
    void isTerminatedOnlyOnceTheRunningTasksEnd() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> f = e.submit(blocker(started, release));
        assertThat(started.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        e.shutdown();
        assertThat(e.isShutdown()).isTrue();
        assertThat(e.isTerminated()).isFalse();
        assertThat(e.awaitTermination(10, MILLISECONDS)).isFalse();
        release.countDown();
        assertThat(e.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(e.isTerminated()).isTrue();
        assertThat(f.resultNow()).isEqualTo("released");
    }

    /** ThreadPoolExecutorTest.testRejectedExecutionExceptionOnShutdown, with the runtime named in the message. */
    @Test
    void tasksAfterShutdownAreRejectedNamingTheRuntime() {
        e.shutdown();
        assertThatThrownBy(() -> e.execute(() -> {})).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("'exec-test'");
        assertThatThrownBy(() -> e.submit(STRING_TASK)).isInstanceOf(RejectedExecutionException.class);
        assertThat(e.isTerminated()).isTrue();
    }

    /**
     * ThreadPoolExecutorTest.testShutdownNow: running tasks are interrupted and the executor
     * terminates. Every task has started (each is a goroutine at once), so none is returned.
     */
    @Test
    void shutdownNowInterruptsTheRunningTasks() throws Exception {
        int count = 5;
        CountDownLatch started = new CountDownLatch(count);
        AtomicInteger interrupted = new AtomicInteger();
        for (int i = 0; i < count; i++) {
            e.execute(() -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException success) {
                    interrupted.incrementAndGet();
                }
            });
        }
        assertThat(started.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        List<Runnable> neverStarted = e.shutdownNow();
        assertThat(e.isShutdown()).isTrue();
        assertThat(neverStarted).isEmpty();
        assertThat(e.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(e.isTerminated()).isTrue();
        assertThat(interrupted.get()).isEqualTo(count);
    }

    /**
     * ThreadPoolExecutorTest.testShutdownNow's queued tasks: a task whose goroutine is still in a
     * run queue (one processor, busy with the submitter) is returned and never runs. Needs a
     * user-space scheduler: under ONE_TO_ONE every goroutine is a thread that starts at once.
     */
    @Test
    @Tag("user-space-scheduler")
    void shutdownNowReturnsTheTasksWhoseGoroutineNeverStarted() {
        AtomicBoolean ran = new AtomicBoolean();
        Runnable task = () -> ran.set(true);
        AtomicReference<List<Runnable>> returned = new AtomicReference<>();
        AtomicBoolean terminated = new AtomicBoolean();
        try (Weft one = Weft.builder().procs(1).build()) {
            one.run(() -> {
                ExecutorService ex = one.executor();
                Go.yield(); // a fresh time slice: nothing preempts us before shutdownNow
                ex.execute(task); // queued on our processor, which we keep
                returned.set(ex.shutdownNow());
                terminated.set(ex.isTerminated());
            });
        } // close() waits for the drained goroutine too: it ran, found its task claimed and ended
        assertThat(returned.get()).containsExactly(task);
        assertThat(terminated).isTrue();
        assertThat(ran).as("a returned task never runs").isFalse();
    }

    // ---- JDK test/jdk/java/util/concurrent/ExecutorService/CloseTest

    /** CloseTest.testCloseWithNoTasks. */
    @Test
    void closeWithNoTasks() throws Exception {
        e.close();
        assertThat(e.isShutdown()).isTrue();
        assertThat(e.isTerminated()).isTrue();
        assertThat(e.awaitTermination(10, MILLISECONDS)).isTrue();
    }

    /** CloseTest.testCloseWithRunningTasks: close waits for the running task, which ends only after close began. */
    @Test
    void closeWaitsForTheRunningTasks() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> future = e.submit(blocker(started, release));
        assertThat(started.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        Thread releaser = Thread.ofPlatform().start(() -> {
            awaitTrue(e::isShutdown); // close() has begun
            release.countDown();
        });
        e.close();
        assertThat(e.isTerminated()).isTrue();
        assertThat(future.resultNow()).isEqualTo("released");
        releaser.join();
    }

    /** CloseTest.testShutdownBeforeClose and testTerminateBeforeClose. */
    @Test
    void closeAfterShutdownWaitsAndAfterTerminationReturns() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<String> future = e.submit(blocker(started, release));
        assertThat(started.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        e.shutdown();
        assertThat(e.isTerminated()).isFalse();
        Thread releaser = Thread.ofPlatform().start(release::countDown);
        e.close();
        assertThat(e.isTerminated()).isTrue();
        assertThat(future.resultNow()).isEqualTo("released");
        releaser.join();

        ExecutorService idle = rt.executor();
        idle.shutdown();
        assertThat(idle.isTerminated()).isTrue();
        idle.close();
        assertThat(idle.awaitTermination(10, MILLISECONDS)).isTrue();
    }

    /** CloseTest.testInterruptBeforeClose: close with the interrupt status set interrupts the tasks and keeps the status. */
    @Test
    void closeWithTheInterruptStatusSetInterruptsTheTasks() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Future<String> future = e.submit(blocker(started, new CountDownLatch(1)));
        assertThat(started.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        Thread.currentThread().interrupt();
        try {
            e.close();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(e.isTerminated()).isTrue();
        assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InterruptedException.class);
    }

    /** CloseTest.testInterruptDuringClose: interrupting a thread blocked in close interrupts the tasks. */
    @Test
    void interruptingAThreadBlockedInCloseInterruptsTheTasks() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Future<String> future = e.submit(blocker(started, new CountDownLatch(1)));
        assertThat(started.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread closer = Thread.ofPlatform().start(() -> {
            e.close();
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        awaitTrue(() -> closer.getState() == Thread.State.TIMED_WAITING); // in awaitTermination
        closer.interrupt();
        closer.join();
        assertThat(stillInterrupted).isTrue();
        assertThat(e.isTerminated()).isTrue();
        assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(InterruptedException.class);
    }

    /** Many tasks from many submitters: every accepted task runs exactly once and termination waits for all. */
    @Test
    void everyAcceptedTaskRunsOnceUnderConcurrentSubmitAndShutdown() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        int submitters = 4;
        int perSubmitter = Conditions.scaledForTheModel(10_000); // a kernel thread per task under ONE_TO_ONE
        CountDownLatch submitting = new CountDownLatch(submitters);
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < submitters; s++) {
            threads.add(Thread.ofPlatform().start(() -> {
                submitting.countDown();
                for (int i = 0; i < perSubmitter; i++) {
                    try {
                        e.execute(ran::incrementAndGet);
                        accepted.incrementAndGet();
                    } catch (RejectedExecutionException stop) {
                        return;
                    }
                }
            }));
        }
        assertThat(submitting.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        e.shutdown();
        assertThat(e.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(ran.get()).isEqualTo(accepted.get());
    }

    /** Executors.callable and the other JDK adapters work unchanged. */
    @Test
    void jdkAdaptersWork() throws Exception {
        Collection<Callable<Object>> calls = List.of(Executors.callable(() -> {}), Executors.callable(() -> {}, TEST_STRING));
        List<Future<Object>> fs = e.invokeAll(calls);
        assertThat(fs.get(0).get()).isNull();
        assertThat(fs.get(1).get()).isSameAs(TEST_STRING);
    }
}
