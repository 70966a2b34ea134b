package dev.weft;

import static dev.weft.Conditions.awaitTrue;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What is particular to {@link Weft#executor()}: tasks are goroutines of the runtime, executors are
 * independent of each other and of the runtime's lifecycle, failures reach the runtime's handler,
 * rejections name the runtime, and the "queued task" of the JDK's contract is a goroutine that
 * never started. The generic {@code ExecutorService} contract (the JSR-166 TCK's cases and the
 * JDK's ExecutorService/CloseTest) is {@code dev.weft.pool.WeftExecutorContractTest}, shared with
 * the thread pool.
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

    /** The opaque token of the runtime the calling goroutine belongs to (what deadlock detection compares). */
    private static Object callerRuntime() {
        return dev.weft.internal.sched.Parking.callerRuntime();
    }

    private static Object tokenOf(Weft runtime) {
        AtomicReference<Object> token = new AtomicReference<>();
        runtime.run(() -> token.set(callerRuntime()));
        return token.get();
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

    // ---- ThreadPoolExecutorTest

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

}
