package dev.weft.pool;

import static java.util.concurrent.TimeUnit.HOURS;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.NANOSECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Go;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ThreadPool} as a {@code ScheduledExecutorService}: the JSR-166 TCK's
 * ScheduledExecutorTest, each case naming the test it echoes. Delays are checked as lower bounds
 * only (the contract); nothing asserts an upper bound on timing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScheduledThreadPoolTest {
    private static final long LONG_DELAY_MS = 10_000;
    private static final long TIMEOUT_MS = 20;

    private Weft rt;
    private ThreadPool p;

    @BeforeEach
    void start() {
        rt = Weft.builder().name("sched-test").procs(2).build();
        p = ThreadPool.builder("sched").minWorkers(1).maxWorkers(4).build(rt);
    }

    @AfterEach
    void stop() throws InterruptedException {
        p.shutdownNow();
        assertThat(p.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).as("terminated after the test").isTrue();
        rt.close();
    }

    private static long millisElapsedSince(long t0) {
        return NANOSECONDS.toMillis(System.nanoTime() - t0);
    }

    /** ScheduledExecutorTest.testSchedule1: a delayed callable runs after its delay, on a worker goroutine. */
    @Test
    void aDelayedCallableRunsAfterItsDelay() throws Exception {
        long t0 = System.nanoTime();
        AtomicBoolean onGoroutine = new AtomicBoolean();
        Callable<Boolean> task = () -> {
            onGoroutine.set(Go.current() != null && Go.current().priority() == p.priorityLevel());
            assertThat(millisElapsedSince(t0)).isGreaterThanOrEqualTo(TIMEOUT_MS);
            return Boolean.TRUE;
        };
        Future<Boolean> f = p.schedule(task, TIMEOUT_MS, MILLISECONDS);
        assertThat(f.get()).isSameAs(Boolean.TRUE);
        assertThat(millisElapsedSince(t0)).isGreaterThanOrEqualTo(TIMEOUT_MS);
        assertThat(onGoroutine).as("timer callbacks run on the pool's worker goroutines").isTrue();
    }

    /** ScheduledExecutorTest.testSchedule3: a delayed runnable runs after its delay and its future yields null. */
    @Test
    void aDelayedRunnableRunsAfterItsDelay() throws Exception {
        long t0 = System.nanoTime();
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong ranAfter = new AtomicLong();
        Future<?> f = p.schedule(() -> {
            ranAfter.set(millisElapsedSince(t0));
            done.countDown();
        }, TIMEOUT_MS, MILLISECONDS);
        assertThat(done.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(f.get(LONG_DELAY_MS, MILLISECONDS)).isNull();
        assertThat(ranAfter.get()).isGreaterThanOrEqualTo(TIMEOUT_MS);
    }

    /** ScheduledExecutorTest.testSchedule4 and testSchedule5: periodic tasks start after their initial delay. */
    @Test
    void periodicTasksStartAfterTheirInitialDelay() throws Exception {
        for (boolean fixedRate : new boolean[] {true, false}) {
            long t0 = System.nanoTime();
            CountDownLatch done = new CountDownLatch(1);
            AtomicLong ranAfter = new AtomicLong();
            Runnable task = () -> {
                ranAfter.compareAndSet(0, Math.max(1, millisElapsedSince(t0)));
                done.countDown();
            };
            ScheduledFuture<?> f = fixedRate ? p.scheduleAtFixedRate(task, TIMEOUT_MS, LONG_DELAY_MS, MILLISECONDS)
                    : p.scheduleWithFixedDelay(task, TIMEOUT_MS, LONG_DELAY_MS, MILLISECONDS);
            assertThat(done.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
            assertThat(ranAfter.get()).isGreaterThanOrEqualTo(TIMEOUT_MS);
            assertThat(f.isDone()).as("a periodic task is not done while it repeats").isFalse();
            assertThat(f.cancel(true)).isTrue();
            assertThat(f.isCancelled()).isTrue();
        }
    }

    /**
     * ScheduledExecutorTest.testFixedRateSequence: runs at a fixed rate; after {@code cycles} runs at
     * least {@code (cycles - 1) * period} has passed (the lower bound; the TCK's upper bound is a
     * timing assertion and is left out).
     */
    @Test
    void fixedRateRunsInSequence() throws Exception {
        int cycles = 8;
        long period = 5;
        long t0 = System.nanoTime();
        CountDownLatch done = new CountDownLatch(cycles);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        ScheduledFuture<?> f = p.scheduleAtFixedRate(() -> {
            if (concurrent.incrementAndGet() > 1) {
                overlapped.set(true);
            }
            done.countDown();
            concurrent.decrementAndGet();
        }, 0, period, MILLISECONDS);
        assertThat(done.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        f.cancel(true);
        assertThat(millisElapsedSince(t0)).isGreaterThanOrEqualTo((cycles - 1) * period);
        assertThat(overlapped).as("runs of one periodic task never overlap").isFalse();
    }

    /** ScheduledExecutorTest.testFixedDelaySequence: each run starts at least the delay after the previous one ended. */
    @Test
    void fixedDelayRunsInSequence() throws Exception {
        int cycles = 8;
        long delay = 5;
        AtomicLong previousEnd = new AtomicLong();
        AtomicLong shortestGap = new AtomicLong(Long.MAX_VALUE);
        CountDownLatch done = new CountDownLatch(cycles);
        ScheduledFuture<?> f = p.scheduleWithFixedDelay(() -> {
            long now = System.nanoTime();
            long prev = previousEnd.get();
            if (prev != 0) {
                shortestGap.accumulateAndGet(now - prev, Math::min);
            }
            done.countDown();
            previousEnd.set(System.nanoTime());
        }, 0, delay, MILLISECONDS);
        assertThat(done.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        f.cancel(true);
        assertThat(shortestGap.get()).isGreaterThanOrEqualTo(MILLISECONDS.toNanos(delay));
    }

    /** A cancelled periodic task runs at most once more (a run already under way), then never again. */
    @Test
    void aCancelledPeriodicTaskStopsRunning() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch three = new CountDownLatch(3);
        ScheduledFuture<?> f = p.scheduleAtFixedRate(() -> {
            runs.incrementAndGet();
            three.countDown();
        }, 0, 1, MILLISECONDS);
        assertThat(three.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(f.cancel(false)).isTrue();
        int atCancel = runs.get();
        assertThatThrownBy(f::get).isInstanceOf(CancellationException.class);
        p.shutdown();
        assertThat(p.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(runs.get()).isBetween(atCancel, atCancel + 1);
    }

    /**
     * ScheduledExecutorTest.testShutdown_cancellation (its periodic task that throws): an exception
     * ends a periodic task, whose future then holds it.
     */
    @Test
    void anExceptionEndsAPeriodicTask() throws Exception {
        RuntimeException boom = new RuntimeException("periodic");
        AtomicInteger runs = new AtomicInteger();
        ScheduledFuture<?> f = p.scheduleWithFixedDelay(() -> {
            if (runs.incrementAndGet() == 2) {
                throw boom;
            }
        }, 0, 1, MILLISECONDS);
        assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).cause().isSameAs(boom);
        assertThat(runs.get()).isEqualTo(2);
        dev.weft.Conditions.awaitTrue(() -> p.stats().failed() == 1); // counted as the run returns to its worker
        assertThat(p.stats().completed()).isEqualTo(2);
    }

    /**
     * ScheduledExecutorTest.testShutdown_cancellation with the default policies: at shutdown the
     * delayed one-shot tasks still run (and termination waits for them), periodic tasks are
     * cancelled, and new work is rejected.
     */
    @Test
    void shutdownRunsDelayedTasksAndCancelsPeriodicOnes() throws Exception {
        CountDownLatch periodicRan = new CountDownLatch(1);
        AtomicInteger delayedRuns = new AtomicInteger();
        ScheduledFuture<?> periodic = p.scheduleAtFixedRate(periodicRan::countDown, 0, 1, MILLISECONDS);
        ScheduledFuture<?> later = p.scheduleWithFixedDelay(() -> {}, 1, 1, HOURS);
        assertThat(periodicRan.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        ScheduledFuture<Integer> delayed = p.schedule(delayedRuns::incrementAndGet, 50, MILLISECONDS);
        p.shutdown();
        assertThat(p.isShutdown()).isTrue();
        assertThatThrownBy(() -> p.schedule(() -> {}, 1, SECONDS)).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> p.scheduleAtFixedRate(() -> {}, 1, 1, SECONDS)).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> p.scheduleWithFixedDelay(() -> {}, 1, 1, SECONDS)).isInstanceOf(RejectedExecutionException.class);
        assertThat(later.isCancelled()).isTrue();
        assertThat(p.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(delayed.get()).isEqualTo(1);
        assertThat(periodic.isCancelled()).isTrue();
        assertThat(delayedRuns.get()).isEqualTo(1);
    }

    /**
     * ScheduledExecutorTest.testShutdownNow_delayedTasks: shutdownNow returns every delayed task,
     * one-shot and periodic, neither done nor cancelled, and the pool terminates without them.
     */
    @Test
    void shutdownNowReturnsTheDelayedTasks() throws Exception {
        List<ScheduledFuture<?>> tasks = new ArrayList<>();
        Runnable r = () -> {};
        for (int i = 0; i < 3; i++) {
            tasks.add(p.schedule(r, 9, SECONDS));
            tasks.add(p.scheduleAtFixedRate(r, 9, 9, SECONDS));
            tasks.add(p.scheduleWithFixedDelay(r, 9, 9, SECONDS));
        }
        List<Runnable> queued = p.shutdownNow();
        assertThat(p.isShutdown()).isTrue();
        assertThat(new HashSet<Object>(queued)).isEqualTo(new HashSet<Object>(tasks));
        assertThat(queued).hasSize(tasks.size());
        for (ScheduledFuture<?> t : tasks) {
            assertThat(t.isDone()).isFalse();
            assertThat(t.isCancelled()).isFalse();
        }
        assertThat(p.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(p.isTerminated()).isTrue();
    }

    /** A cancelled delayed task never runs and leaves the delay queue, so a shutdown need not wait for it. */
    @Test
    void aCancelledDelayedTaskNeverRunsNorDelaysTermination() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        ScheduledFuture<?> f = p.schedule(() -> ran.set(true), 1, HOURS);
        assertThat(f.getDelay(MILLISECONDS)).isGreaterThan(0).isLessThanOrEqualTo(HOURS.toMillis(1));
        assertThat(f.cancel(false)).isTrue();
        assertThat(f.cancel(false)).isFalse();
        p.shutdown();
        assertThat(p.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(ran).isFalse();
    }

    /** Delayed ordering (Delayed.compareTo, getDelay): the earlier task compares first and runs first. */
    @Test
    void tasksRunInTheOrderOfTheirTimes() throws Exception {
        ThreadPool single = ThreadPool.builder("single").minWorkers(1).maxWorkers(1).build(rt);
        try {
            List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(3);
            ScheduledFuture<?> c = single.schedule(() -> { order.add(3); done.countDown(); }, 60, MILLISECONDS);
            ScheduledFuture<?> a = single.schedule(() -> { order.add(1); done.countDown(); }, 20, MILLISECONDS);
            ScheduledFuture<?> b = single.schedule(() -> { order.add(2); done.countDown(); }, 40, MILLISECONDS);
            // The times are relative to each call: a caller stalled for 20 ms between two calls
            // (a loaded machine) moves a later-scheduled task past an earlier one. So the order
            // expected is the futures' own, as compareTo gives it; unstalled, that is a, b, c.
            List<ScheduledFuture<?>> byTime = new ArrayList<>(List.of(a, b, c));
            byTime.sort((x, y) -> x.compareTo(y));
            List<Integer> expected = new ArrayList<>();
            for (ScheduledFuture<?> f : byTime) {
                expected.add(f == a ? 1 : f == b ? 2 : 3);
            }
            assertThat(a.compareTo(a)).isZero();
            assertThat(done.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
            assertThat(order).containsExactlyElementsOf(expected);
            assertThat(a.getDelay(MILLISECONDS)).isLessThanOrEqualTo(0);
        } finally {
            single.close();
        }
    }

    /** ScheduledExecutorTest.testNullTaskSubmission and the period checks: bad input is rejected, naming the problem. */
    @Test
    void badScheduleArgumentsAreRejected() {
        assertThatThrownBy(() -> p.schedule((Runnable) null, 1, SECONDS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> p.schedule((Callable<?>) null, 1, SECONDS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> p.schedule(() -> {}, 1, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> p.scheduleAtFixedRate(null, 1, 1, SECONDS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> p.scheduleWithFixedDelay(null, 1, 1, SECONDS)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> p.scheduleAtFixedRate(() -> {}, 1, 0, SECONDS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("period");
        assertThatThrownBy(() -> p.scheduleWithFixedDelay(() -> {}, 1, -1, SECONDS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("delay");
    }

    /** A zero or negative delay runs at once; a huge one never overflows into the past. */
    @Test
    void extremeDelays() throws Exception {
        assertThat(p.schedule(() -> "now", -5, SECONDS).get(LONG_DELAY_MS, MILLISECONDS)).isEqualTo("now");
        ScheduledFuture<?> never = p.schedule(() -> {}, Long.MAX_VALUE, NANOSECONDS);
        ScheduledFuture<?> neverEither = p.schedule(() -> {}, Long.MAX_VALUE, TimeUnit.DAYS);
        assertThat(never.getDelay(TimeUnit.DAYS)).isPositive();
        assertThat(neverEither.getDelay(TimeUnit.DAYS)).isPositive();
        assertThat(p.schedule(() -> "soon", 1, MILLISECONDS).get(LONG_DELAY_MS, MILLISECONDS)).isEqualTo("soon");
        assertThat(never.isDone()).isFalse();
    }
}
