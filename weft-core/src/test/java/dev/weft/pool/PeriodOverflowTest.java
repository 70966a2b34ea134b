package dev.weft.pool;

import static dev.weft.Conditions.awaitTrue;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A periodic task with a period near {@code Long.MAX_VALUE} nanoseconds (JSR-166's
 * {@code ScheduledExecutorTest.testScheduleWithFixedDelay_overflow}, JDK-8051859). The delay
 * queue compares trigger times by subtraction, which holds only while any two times are less
 * than 2^63 apart; one-shot delays are capped for that, and the period must be too: a fixed-delay
 * task put back at "end of run + Long.MAX_VALUE" compared as earlier than a task that was already
 * due, took the head of the queue, and the manager then waited ~292 years for it while the due
 * task never ran.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PeriodOverflowTest {
    private Weft rt;
    private ThreadPool p;

    @BeforeEach
    void start() {
        rt = Weft.builder().procs(2).name("overflow").build();
        p = ThreadPool.builder("overflow").minWorkers(1).maxWorkers(1).build(rt);
    }

    @AfterEach
    void stop() throws Exception {
        p.shutdownNow();
        assertThat(p.awaitTermination(30, SECONDS)).isTrue();
        rt.close();
    }

    /**
     * The state the race leaves, made certain: a task due in the delay queue that the manager has
     * not moved yet (its kick not yet acted on) when the periodic task is put back. It is put
     * there under the pool's lock, as {@code schedule} does, and its kick is sent once the
     * periodic task is back in the queue.
     */
    @Test
    void aFixedDelayTaskWithAHugeDelayDoesNotStarveADueTask() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        ScheduledFuture<?> periodic = p.scheduleWithFixedDelay(() -> {
            running.countDown();
            try {
                finish.await();
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        }, 0, Long.MAX_VALUE, NANOSECONDS);
        assertThat(running.await(30, SECONDS)).isTrue();
        ScheduledTask<String> due = new ScheduledTask<>(p, () -> "ran", System.nanoTime());
        p.lock.lock();
        try {
            due.seq = Long.MAX_VALUE;
            p.delayed.addLocked(due);
        } finally {
            p.lock.unlock();
        }
        finish.countDown(); // the periodic task ends its run and is put back in the queue
        awaitTrue(() -> periodic.getDelay(NANOSECONDS) > 0);
        p.kick(); // schedule's kick, acted on only now
        assertThat(due.get(20, SECONDS)).isEqualTo("ran");
        assertThat(periodic.isDone()).isFalse();
    }

    /** The same with the public API only (JSR-166's test): the race, not always lost. */
    @Test
    void aTaskScheduledByAFixedDelayTaskWithAHugeDelayRuns() throws Exception {
        for (int round = 0; round < 20; round++) {
            CountDownLatch ran = new CountDownLatch(1);
            ScheduledFuture<?> periodic = p.scheduleWithFixedDelay(
                    () -> p.schedule(ran::countDown, 0, NANOSECONDS), 0, Long.MAX_VALUE, NANOSECONDS);
            assertThat(ran.await(20, SECONDS)).as("round " + round).isTrue();
            periodic.cancel(false);
        }
    }
}
