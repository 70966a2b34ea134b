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
        try {
            body.accept(poolRef.get());
        } finally {
            p.terminate(0);
            assertThat(p.waitFor(Duration.ofSeconds(20))).hasValue(0);
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
}
