package dev.weft.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Conditions;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.proc.WeftProcess;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The manager ending (its process ends, or it dies) with workers it was asked to start still
 * in {@code toStart}: those were counted in {@code workers} when they were queued, and nobody
 * will ever start them, so the manager must take them off the count on its way out, or the
 * pool waits for them for ever and never terminates.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ManagerEndTest {

    /**
     * A submission from outside the pool's process gets the pool's lock after the process was
     * terminated and before the unwinding manager does: the lock is held here across both, so
     * that order is certain. The submission has the manager start two more workers, which it
     * never will. Before the fix the pool never terminated.
     */
    @Test
    void workersQueuedForAManagerThatUnwindsWithItsProcessDoNotKeepThePoolAlive() throws Exception {
        try (Weft rt = Weft.builder().procs(2).name("manager-end").build()) {
            AtomicReference<ThreadPool> poolRef = new AtomicReference<>();
            CountDownLatch running = new CountDownLatch(1);
            Chan<Object> never = Chan.make();
            WeftProcess p = WeftProcess.builder("owner").start(rt, () -> {
                ThreadPool pool = ThreadPool.builder("grows").minWorkers(1).maxWorkers(3).build(rt);
                poolRef.set(pool);
                pool.execute(() -> {
                    running.countDown();
                    never.recv();
                });
                never.recv();
            });
            assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
            ThreadPool pool = poolRef.get();
            pool.lock.lock();
            try {
                p.terminate(1);
                // What execute does under the lock: queue, then have the manager start a worker.
                for (int i = 0; i < 2; i++) {
                    pool.queue.addLast(() -> { });
                    assertThat(pool.dispatchLocked()).isSameAs(ThreadPool.KICK);
                }
            } finally {
                pool.lock.unlock();
            }
            pool.kick();
            assertThat(p.waitFor(Duration.ofSeconds(30))).hasValue(1);
            assertThat(pool.awaitTermination(20, TimeUnit.SECONDS))
                    .as("the pool terminates: " + pool).isTrue();
            assertThat(pool.stats().workers()).isZero();
        }
    }

    /**
     * A manager that dies leaves nobody to time the delay queue: its one-shot tasks can never run,
     * so they must end (cancelled) before the pool terminates, or their futures' get() waits for
     * ever. The manager dies here of an Error thrown in its loop (its test seam), as a
     * StackOverflowError or an OutOfMemoryError would. Before the fix the pool terminated with
     * both futures still pending.
     */
    @Test
    void oneShotDelayedTasksOfAPoolWhoseManagerDiedAreCancelled() throws Exception {
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (Weft rt = Weft.builder().procs(2).name("manager-dies").build()) {
            ThreadPool pool = ThreadPool.builder("orphaned").minWorkers(1).maxWorkers(1)
                    .uncaughtExceptionHandler((t, e) -> failures.add(e)).build(rt);
            ScheduledFuture<?> runnable = pool.schedule(() -> { }, 1, TimeUnit.HOURS);
            ScheduledFuture<String> callable = pool.schedule(() -> "late", 2, TimeUnit.HOURS);
            pool.manager.dieForTest(new Error("the manager dies"));

            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).as("the pool terminates: " + pool).isTrue();
            for (ScheduledFuture<?> f : List.of(runnable, callable)) {
                assertThat(f.isDone()).as("a delayed task nobody can time any more has ended").isTrue();
                assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
            }
            assertThat(failures).as("the manager's death is reported")
                    .anySatisfy(e -> assertThat(e).hasMessage("the manager dies"));
            // So are the tasks it leaves behind (maybe after the pool terminated: the report
            // comes after the lock, and the last worker's exit may terminate the pool first).
            Conditions.awaitTrue(() -> failures.stream().anyMatch(e -> String.valueOf(e.getMessage()).contains("2 tasks will never run")));
        }
    }
}
