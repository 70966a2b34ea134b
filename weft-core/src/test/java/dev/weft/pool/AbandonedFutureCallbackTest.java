package dev.weft.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.proc.WeftProcess;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Work a pool abandons (a shut-down pool that can start no worker: a process's
 * {@code maxThreads}) is cancelled, and a {@code Runnable} that is a {@code Future} may be the
 * caller's own: a {@code FutureTask} whose {@code done()} hook is user code. That code must not run
 * under the pool's lock (a {@code done()} that logs the pool, or submits to it, takes the lock
 * again: the manager deadlocks on itself), and an exception out of it must not leave the other
 * abandoned futures pending for ever.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AbandonedFutureCallbackTest {

    /** A process whose two threads (primary and the pool's manager) leave no room for a worker. */
    private static void withStarvedPool(Weft rt, Queue<Throwable> failures, Consumer<ThreadPool> body) throws Exception {
        AtomicReference<ThreadPool> poolRef = new AtomicReference<>();
        CountDownLatch built = new CountDownLatch(1);
        Chan<Object> never = Chan.make();
        WeftProcess p = WeftProcess.builder("tight").maxThreads(2).start(rt, () -> {
            poolRef.set(ThreadPool.builder("starved").minWorkers(1).maxWorkers(2)
                    .uncaughtExceptionHandler((t, e) -> failures.add(e)).build(rt));
            built.countDown();
            never.recv();
        });
        assertThat(built.await(30, TimeUnit.SECONDS)).isTrue();
        boolean passed = false;
        try {
            body.accept(poolRef.get());
            passed = true;
        } finally {
            p.terminate(0);
            java.util.OptionalInt exit = p.waitFor(Duration.ofSeconds(20));
            if (passed) { // else the body's failure is the one to see
                assertThat(exit).hasValue(0);
            }
        }
    }

    /** Before the fix the manager ran done() under the pool's lock: toString() waited for that lock for ever. */
    @Test
    void aCancelledFutureTaskDoneHookMayUseThePool() throws Exception {
        try (Weft rt = Weft.builder().procs(2).build()) {
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            withStarvedPool(rt, failures, pool -> {
                AtomicReference<String> seen = new AtomicReference<>();
                FutureTask<Void> task = new FutureTask<>(() -> { }, null) {
                    @Override
                    protected void done() {
                        seen.set("cancelled on " + pool); // toString reads the pool's stats
                    }
                };
                pool.execute(task);
                pool.shutdown();
                try {
                    assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).as("terminated: " + failures).isTrue();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                assertThat(task.isCancelled()).isTrue();
                assertThat(seen.get()).startsWith("cancelled on ThreadPool[starved");
            });
        }
    }

    /** Before the fix the first done()'s exception ended the abandonment: the second future stayed pending. */
    @Test
    void aDoneHookThatThrowsLeavesNoOtherAbandonedFuturePending() throws Exception {
        try (Weft rt = Weft.builder().procs(2).build()) {
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            withStarvedPool(rt, failures, pool -> {
                RuntimeException boom = new IllegalStateException("done() hook failed");
                FutureTask<Void> throwing = new FutureTask<>(() -> { }, null) {
                    @Override
                    protected void done() {
                        throw boom;
                    }
                };
                FutureTask<Void> plain = new FutureTask<>(() -> { }, null);
                pool.execute(throwing);
                pool.execute(plain);
                pool.shutdown();
                try {
                    assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).as("terminated: " + failures).isTrue();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                assertThat(throwing.isCancelled()).isTrue();
                assertThat(plain.isDone()).as("the second abandoned future ended too").isTrue();
                assertThat(plain.isCancelled()).isTrue();
                assertThat(failures).as("the hook's exception reaches the handler").contains(boom);
            });
        }
    }

    /**
     * A process that ends stops its pool and cancels the work that never started (endWithProcess,
     * called by each of the pool's threads as it unwinds): the pool must not terminate before
     * that work is cancelled. Here the first abandoned future's done() hook holds the thread
     * that cancels them while the pool's other thread unwinds. Before the fix that other
     * thread terminated the pool meanwhile, with the second future still pending: a caller
     * that waited for termination then found work neither run nor cancelled. (This is older
     * than today's changes; ProcessPoolTest's workQueuedWhenItsProcessEnds... hits the same
     * window now and then.)
     */
    @Test
    void aPoolWhoseProcessEndsTerminatesOnlyOnceItsAbandonedFuturesAreCancelled() throws Exception {
        try (Weft rt = Weft.builder().procs(2).build()) {
            AtomicReference<ThreadPool> poolRef = new AtomicReference<>();
            AtomicReference<java.util.concurrent.Future<?>> second = new AtomicReference<>();
            CountDownLatch hookEntered = new CountDownLatch(1);
            CountDownLatch hookMayReturn = new CountDownLatch(1);
            CountDownLatch queued = new CountDownLatch(1);
            CountDownLatch running = new CountDownLatch(1);
            FutureTask<Void> first = new FutureTask<>(() -> { }, null) {
                @Override
                protected void done() {
                    hookEntered.countDown();
                    // The process's cancellation interrupts its threads, and that interrupt can
                    // land after this worker has unwound into the hook (seen under ONE_TO_ONE on
                    // a loaded machine): the hook then returned early and the test waited for a
                    // thread count it would never see. Hold on regardless, as the test needs.
                    boolean interrupted = false;
                    for (;;) {
                        try {
                            hookMayReturn.await();
                            break;
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                    }
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            WeftProcess p = WeftProcess.builder("ending").start(rt, () -> {
                ThreadPool pool = ThreadPool.builder("one").minWorkers(1).maxWorkers(1).build(rt);
                poolRef.set(pool);
                pool.execute(() -> {
                    running.countDown();
                    Chan.make().recv(); // until the process ends
                });
                pool.execute(first);
                second.set(pool.submit(() -> { }));
                queued.countDown();
                Chan.make().recv();
            });
            assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(queued.await(30, TimeUnit.SECONDS)).isTrue();
            ThreadPool pool = poolRef.get();
            p.terminate(0);
            try {
                assertThat(hookEntered.await(30, TimeUnit.SECONDS)).isTrue();
                // Every thread of the process but the one held in the hook has ended.
                dev.weft.Conditions.awaitTrue(() -> p.threads().size() == 1);
                assertThat(pool.isTerminated())
                        .as("terminated while work it abandoned is neither run nor cancelled: " + second.get())
                        .isFalse();
            } finally {
                hookMayReturn.countDown();
            }
            assertThat(p.waitFor(Duration.ofSeconds(20))).hasValue(0);
            assertThat(pool.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
            assertThat(first.isCancelled()).isTrue();
            assertThat(second.get().isCancelled()).isTrue();
        }
    }
}
