package dev.weft.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Conditions;
import dev.weft.Weft;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code close()} interrupted while it waits: as the JDK's, it stops the pool
 * ({@code shutdownNow}), but the JDK's drops the list of tasks that never started, whose futures
 * then stay pending for ever once the pool has terminated. A process's primary closing its pool
 * with try-with-resources as the process ends is interrupted so, racing the pool's own threads,
 * which cancel what they drain themselves (seen as a ProcessPoolTest failure on CI).
 */
class CloseInterruptedTest {

    @Test
    @Timeout(60)
    void aCloseInterruptedWhileWaitingCancelsTheTasksThatNeverStarted() throws Exception {
        try (Weft rt = Weft.builder().procs(2).build()) {
            ThreadPool pool = ThreadPool.builder("closing").minWorkers(1).maxWorkers(1).build(rt);
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch never = new CountDownLatch(1);
            Future<?> blocker = pool.submit(() -> {
                running.countDown();
                never.await(); // interruptible: shutdownNow's interrupt ends it
                return null;
            });
            Future<?> queued = pool.submit(() -> { });
            Future<?> delayed = pool.schedule(() -> { }, 1, TimeUnit.HOURS);
            assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();

            Thread closer = Thread.ofPlatform().start(pool::close);
            // Until close() waits for termination (its shutdown() leaves the blocker running).
            Conditions.awaitTrue(() -> closer.getState() == Thread.State.WAITING
                    || closer.getState() == Thread.State.TIMED_WAITING);
            closer.interrupt();
            closer.join();

            assertThat(pool.isTerminated()).isTrue();
            assertThat(blocker.isDone()).isTrue();
            assertThat(queued.isDone()).as("a queued task that never started: " + queued).isTrue();
            assertThat(queued.isCancelled()).isTrue();
            assertThat(delayed.isDone()).as("a delayed task that never started: " + delayed).isTrue();
        }
    }
}
