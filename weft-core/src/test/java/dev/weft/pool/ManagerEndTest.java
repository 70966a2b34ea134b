package dev.weft.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.proc.WeftProcess;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
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
}
