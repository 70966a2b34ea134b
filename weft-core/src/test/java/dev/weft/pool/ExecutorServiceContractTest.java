package dev.weft.pool;

import static dev.weft.Conditions.awaitTrue;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Conditions;
import dev.weft.Go;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The generic {@code ExecutorService} contract, ported from the JSR-166 TCK
 * (AbstractExecutorServiceTest, ThreadPoolExecutorTest, ScheduledExecutorTest) and the JDK's
 * ExecutorService/CloseTest, each case naming the test it echoes. It runs against every weft
 * executor: {@link ThreadPoolContractTest} ({@link ThreadPool}, which queues) and
 * {@link WeftExecutorContractTest} ({@code Weft.executor()}, a goroutine per task), so the cases
 * that differ between a queue and none are written for both: a task either ran or was returned,
 * and as many tasks run at once as {@link #concurrency()} says. The TCK's sleeps are latches here.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class ExecutorServiceContractTest {
    static final String TEST_STRING = "a test string";
    static final long LONG_DELAY_MS = 10_000;

    /** Whatever escaped an {@code execute}d task: the runtime's handler or the pool's. */
    final Queue<Throwable> uncaught = new ConcurrentLinkedQueue<>();
    Weft rt;
    ExecutorService e;

    /** The executor under test, on {@code runtime}, reporting escaped failures into {@link #uncaught}. */
    abstract ExecutorService newExecutor(Weft runtime);

    /** How many tasks of {@link #newExecutor} run at once (at least 2). */
    abstract int concurrency();

    @BeforeEach
    void start() {
        rt = Weft.builder().name("contract").procs(2).uncaughtExceptionHandler((g, t) -> uncaught.add(t)).build();
        e = newExecutor(rt);
    }

    @AfterEach
    void stop() throws InterruptedException {
        e.shutdownNow();
        assertThat(e.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).as("terminated after the test").isTrue();
        rt.close();
    }

    static final Callable<String> STRING_TASK = () -> TEST_STRING;

    static final Callable<String> NPE_TASK = () -> {
        throw new NullPointerException();
    };

    /** A task that waits, interruptibly, until {@code release} opens, after signalling {@code started}. */
    static Callable<String> blocker(CountDownLatch started, CountDownLatch release) {
        return () -> {
            started.countDown();
            release.await();
            return "released";
        };
    }

    /** ThreadPoolExecutorTest.testExecute: execute runs the task, on a goroutine. */
    @Test
    void executeRunsTheTaskOnAGoroutine() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        AtomicBoolean onGoroutine = new AtomicBoolean();
        e.execute(() -> {
            onGoroutine.set(Go.current() != null);
            done.countDown();
        });
        assertThat(done.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(onGoroutine).isTrue();
    }

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

    /** AbstractExecutorServiceTest.testNullTaskSubmission and ThreadPoolExecutorTest.testExecuteNull. */
    @Test
    void nullTasksAreRejected() {
        assertThatThrownBy(() -> e.execute(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.submit((Runnable) null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.submit((Runnable) null, Boolean.TRUE)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> e.submit((Callable<?>) null)).isInstanceOf(NullPointerException.class);
    }

    /**
     * weft's rule for bad input: the exception names the problem. AbstractExecutorService's
     * submit and newTaskFor throw a NullPointerException with no message at all.
     */
    @Test
    void aNullTaskIsRejectedWithAMessageNamingIt() {
        List<Callable<String>> withNull = new ArrayList<>();
        withNull.add(null);
        assertThatThrownBy(() -> e.submit((Runnable) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null task");
        assertThatThrownBy(() -> e.submit((Runnable) null, Boolean.TRUE)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null task");
        assertThatThrownBy(() -> e.submit((Callable<?>) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null task");
        assertThatThrownBy(() -> e.invokeAll(withNull)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null task");
        assertThatThrownBy(() -> e.invokeAny(withNull)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null task");
    }

    /**
     * The same rule for a null collection or time unit and for execute: the message names the
     * operation, as weft's other null checks do. AbstractExecutorService's invokeAll threw a
     * NullPointerException with no message for a null collection.
     */
    @Test
    void nullArgumentsAreRejectedWithAMessageNamingTheOperation() {
        List<Callable<String>> tasks = List.of(STRING_TASK);
        assertThatThrownBy(() -> e.execute(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("weft: execute of a null task");
        assertThatThrownBy(() -> e.invokeAll(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("weft: invokeAll of a null collection");
        assertThatThrownBy(() -> e.invokeAll(null, 1, SECONDS)).isInstanceOf(NullPointerException.class)
                .hasMessage("weft: invokeAll of a null collection");
        assertThatThrownBy(() -> e.invokeAll(tasks, 1, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("weft: invokeAll with a null time unit");
        assertThatThrownBy(() -> e.invokeAny(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("weft: invokeAny of a null collection");
        assertThatThrownBy(() -> e.invokeAny(null, 1, SECONDS)).isInstanceOf(NullPointerException.class)
                .hasMessage("weft: invokeAny of a null collection");
        assertThatThrownBy(() -> e.invokeAny(tasks, 1, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("weft: invokeAny with a null time unit");
        assertThatThrownBy(() -> e.awaitTermination(1, null)).isInstanceOf(NullPointerException.class)
                .hasMessage("weft: awaitTermination with a null time unit");
    }

    /** AbstractExecutorServiceTest.testSubmitEE: get of a failed callable throws ExecutionException with the cause. */
    @Test
    void getOfAFailedCallableThrowsExecutionException() {
        Future<Object> f = e.submit(() -> {
            throw new ArithmeticException();
        });
        assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ArithmeticException.class);
    }

    /** A task that fails under execute() reaches the handler, and the executor goes on running tasks. */
    @Test
    void aFailureEscapingExecuteReachesTheHandlerAndTheExecutorGoesOn() throws Exception {
        e.execute(() -> {
            throw new IllegalStateException("boom");
        });
        awaitTrue(() -> !uncaught.isEmpty());
        assertThat(uncaught).singleElement(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
                .isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(e.submit(STRING_TASK).get(LONG_DELAY_MS, MILLISECONDS)).isSameAs(TEST_STRING);
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

    /** ThreadPoolExecutorTest.testGet_cancelled: get of a cancelled task throws CancellationException. */
    @Test
    void getOfACancelledTaskThrowsCancellationException() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Future<String>> futures = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            futures.add(e.submit(blocker(started, release)));
        }
        assertThat(started.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        for (Future<String> f : futures) {
            assertThat(f.cancel(false)).isTrue();
        }
        for (Future<String> f : futures) {
            assertThat(f.isCancelled()).isTrue();
            assertThat(f.isDone()).isTrue();
            assertThatThrownBy(f::get).isInstanceOf(CancellationException.class);
            assertThatThrownBy(() -> f.get(LONG_DELAY_MS, MILLISECONDS)).isInstanceOf(CancellationException.class);
        }
        release.countDown();
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
        assertThatThrownBy(() -> e.invokeAny(List.of(NPE_TASK), LONG_DELAY_MS, MILLISECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NullPointerException.class);
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
     * which interrupts the running one. (The TCK's retry on an unusually late start is kept.)
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
            assertThat(interrupted.await(LONG_DELAY_MS, MILLISECONDS)).as("cancel(true) interrupted the task").isTrue();
            break;
        }
    }

    /** ThreadPoolExecutorTest.testIsShutdown. */
    @Test
    void isShutdownIsFalseBeforeShutdownAndTrueAfter() throws Exception {
        assertThat(e.isShutdown()).isFalse();
        e.shutdown();
        assertThat(e.isShutdown()).isTrue();
        e.shutdown(); // idempotent
        assertThat(e.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(e.isShutdown()).isTrue();
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

    /**
     * ThreadPoolExecutorTest.testRejectedExecutionExceptionOnShutdown and
     * ScheduledExecutorTest.testSubmittedTasksRejectedWhenShutdown: every form of submission is
     * rejected once shut down, before and after termination.
     */
    @Test
    void everySubmissionIsRejectedOnceShutDown() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        e.submit(blocker(started, release));
        assertThat(started.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        e.shutdown();
        assertSubmissionsRejected();
        assertThat(e.isTerminated()).isFalse();
        release.countDown();
        assertThat(e.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertSubmissionsRejected();
    }

    private void assertSubmissionsRejected() {
        assertThatThrownBy(() -> e.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> e.submit(() -> {})).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> e.submit(() -> {}, TEST_STRING)).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> e.submit(STRING_TASK)).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> e.invokeAll(List.of(STRING_TASK))).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> e.invokeAny(List.of(STRING_TASK))).isInstanceOf(RejectedExecutionException.class);
    }

    /**
     * ThreadPoolExecutorTest.testShutdownNow: the running tasks are interrupted, the ones that
     * never started are returned (and never run), and the executor terminates. How many start
     * depends on the executor ({@link #concurrency()}); every task is one or the other.
     */
    @Test
    void shutdownNowInterruptsTheRunningAndReturnsTheRest() throws Exception {
        int count = 5;
        int running = Math.min(count, concurrency());
        CountDownLatch started = new CountDownLatch(running);
        AtomicInteger interrupted = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < count; i++) {
            e.execute(() -> {
                ran.incrementAndGet();
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
        assertThat(e.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(e.isTerminated()).isTrue();
        assertThat(neverStarted).hasSize(count - running);
        assertThat(ran.get()).isEqualTo(running);
        assertThat(interrupted.get()).isEqualTo(running);
    }

    /** JDK ExecutorService/CloseTest.testCloseWithNoTasks. */
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
        e.close(); // terminated: returns at once
        assertThat(e.awaitTermination(10, MILLISECONDS)).isTrue();
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

    /** Many submitters and a shutdown: every accepted task runs exactly once and termination waits for all. */
    @Test
    void everyAcceptedTaskRunsOnceUnderConcurrentSubmitAndShutdown() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        int submitters = 4;
        int perSubmitter = Conditions.scaledForTheModel(10_000);
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
