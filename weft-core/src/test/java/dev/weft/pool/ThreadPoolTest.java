package dev.weft.pool;

import static dev.weft.Conditions.awaitTrue;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Conditions;
import dev.weft.Go;
import dev.weft.PriorityClass;
import dev.weft.ThreadPriority;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.sync.WaitGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@link ThreadPool} adds to the generic contract ({@link ThreadPoolContractTest}): a queue
 * (ThreadPoolExecutorTest's queued-task cases, each naming the test it echoes), its bounds,
 * growth and shrinking, counters, failure handling, priority and bad input.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadPoolTest {
    private static final long LONG_DELAY_MS = 10_000;

    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final List<ThreadPool> pools = new ArrayList<>();
    private Weft rt;

    @BeforeEach
    void start() {
        rt = Weft.builder().name("pool-test").procs(2).build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (ThreadPool p : pools) {
            p.shutdownNow();
            assertThat(p.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).as("terminated after the test: " + p).isTrue();
        }
        rt.close();
    }

    private ThreadPool.Builder builder() {
        return ThreadPool.builder("test").uncaughtExceptionHandler((t, x) -> failures.add(x));
    }

    private ThreadPool track(ThreadPool p) {
        pools.add(p);
        return p;
    }

    /** Runs {@code n} tasks that wait for {@code release}; returns once all {@code started} have begun. */
    private static void blockers(ThreadPool p, int n, CountDownLatch started, CountDownLatch release) {
        for (int i = 0; i < n; i++) {
            p.execute(() -> {
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    /**
     * ThreadPoolExecutorTest.testShutdownNow (and ScheduledExecutorTest.testShutdownNow): with
     * every worker busy, shutdownNow returns exactly the queued tasks, which never run; the running
     * ones are interrupted and counted as completed.
     */
    @Test
    void shutdownNowReturnsTheQueuedTasks() throws Exception {
        ThreadPool p = track(builder().minWorkers(1).maxWorkers(2).build(rt));
        int count = 5;
        CountDownLatch started = new CountDownLatch(2);
        AtomicInteger ran = new AtomicInteger();
        List<Runnable> submitted = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Runnable r = () -> {
                ran.incrementAndGet();
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException success) {
                    // shutdownNow
                }
            };
            submitted.add(r);
            p.execute(r);
        }
        assertThat(started.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        PoolStats busy = p.stats();
        assertThat(busy.active()).isEqualTo(2);
        assertThat(busy.queued()).isEqualTo(count - 2);
        assertThat(busy.completed()).isZero();
        List<Runnable> queued = p.shutdownNow();
        assertThat(p.isShutdown()).isTrue();
        assertThat(queued).hasSize(count - 2).isSubsetOf(submitted);
        assertThat(p.stats().queued()).isZero();
        assertThat(p.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(ran.get()).isEqualTo(2);
        assertThat(p.stats().completed()).isEqualTo(2);
        assertThat(p.stats().workers()).isZero();
    }

    /**
     * ThreadPoolExecutorTest.testSaturatedExecute: beyond the queue's capacity, with every worker
     * busy, execute throws RejectedExecutionException naming the pool and the capacity; the
     * rejected task never runs and is counted.
     */
    @Test
    void workBeyondTheQueueCapacityIsRejected() throws Exception {
        ThreadPool p = track(ThreadPool.builder("small").minWorkers(1).maxWorkers(1).queueCapacity(2).build(rt));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        blockers(p, 1, started, release);
        assertThat(started.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        AtomicInteger ran = new AtomicInteger();
        p.execute(ran::incrementAndGet);
        p.execute(ran::incrementAndGet);
        assertThatThrownBy(() -> p.execute(ran::incrementAndGet)).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("'small'").hasMessageContaining("capacity is 2");
        assertThatThrownBy(() -> p.submit(() -> "x")).isInstanceOf(RejectedExecutionException.class);
        PoolStats s = p.stats();
        assertThat(s.queued()).isEqualTo(2);
        assertThat(s.rejected()).isEqualTo(2);
        release.countDown();
        p.shutdown();
        assertThat(p.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(ran.get()).isEqualTo(2);
        assertThat(p.stats().completed()).isEqualTo(3);
    }

    /**
     * ThreadPoolExecutorTest.testGet_cancelled, with one worker as there: the second task waits in
     * the queue; cancelled there, it never runs, and cancel(true) of the running one interrupts it.
     */
    @Test
    void aCancelledQueuedTaskNeverRuns() throws Exception {
        ThreadPool p = track(builder().minWorkers(1).maxWorkers(1).build(rt));
        CountDownLatch started = new CountDownLatch(1);
        AtomicInteger interrupted = new AtomicInteger();
        Future<?> running = p.submit(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException cancelled) {
                interrupted.incrementAndGet();
            }
        });
        AtomicInteger queuedRuns = new AtomicInteger();
        Future<?> queued = p.submit(queuedRuns::incrementAndGet);
        assertThat(started.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(p.stats().queued()).isEqualTo(1);
        assertThat(queued.cancel(false)).isTrue();
        assertThat(running.cancel(true)).isTrue();
        assertThatThrownBy(queued::get).isInstanceOf(java.util.concurrent.CancellationException.class);
        awaitTrue(() -> p.stats().completed() == 2); // the cancelled one is taken and ends at once
        assertThat(queuedRuns.get()).isZero();
        assertThat(interrupted.get()).isEqualTo(1);
        assertThat(p.submit(() -> Thread.currentThread().isInterrupted()).get(LONG_DELAY_MS, MILLISECONDS))
                .as("the next task starts with the interrupt status clear").isFalse();
    }

    /**
     * ThreadPoolExecutorTest.testRejectedRecycledTask: a task resubmitted after rejections, while
     * the pool saturates and drains, runs every time it was accepted.
     */
    @Test
    void aRecycledTaskRunsEveryTimeItWasAccepted() throws Exception {
        int nTasks = Conditions.scaledForTheModel(1000) * 10;
        CountDownLatch done = new CountDownLatch(nTasks);
        ThreadPool p = track(builder().minWorkers(1).maxWorkers(30).queueCapacity(30).build(rt));
        Runnable recycled = done::countDown;
        int rejections = 0;
        for (int i = 0; i < nTasks; i++) {
            for (;;) {
                try {
                    p.execute(recycled);
                    break;
                } catch (RejectedExecutionException full) {
                    rejections++;
                    Thread.yield();
                }
            }
        }
        assertThat(done.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(p.stats().rejected()).isEqualTo(rejections);
    }

    /**
     * ThreadPoolExecutorTest.testGetPoolSize and testGetLargestPoolSize: the pool grows from min to
     * max under queued work, and never beyond max.
     */
    @Test
    void growsToMaxUnderQueuedWorkAndNoFurther() throws Exception {
        ThreadPool p = track(builder().minWorkers(1).maxWorkers(4).build(rt));
        assertThat(p.stats().workers()).isEqualTo(1);
        CountDownLatch started = new CountDownLatch(4);
        CountDownLatch release = new CountDownLatch(1);
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 6; i++) {
            p.execute(() -> {
                threads.add(Thread.currentThread());
                started.countDown();
                try {
                    release.await();
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertThat(started.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        PoolStats s = p.stats();
        assertThat(s.workers()).isEqualTo(4);
        assertThat(s.active()).isEqualTo(4);
        assertThat(s.queued()).isEqualTo(2);
        assertThat(threads).hasSize(4);
        release.countDown();
        awaitTrue(() -> p.stats().completed() == 6);
        assertThat(threads).as("the queued tasks ran on the same four workers").hasSize(4);
        assertThat(p.stats().workers()).isLessThanOrEqualTo(4);
    }

    /**
     * ThreadPoolExecutorTest.testAllowCoreThreadTimeOut_true, for the workers above min: after
     * keepAlive idle they end, down to minWorkers, which stay and still run work.
     */
    @Test
    void shrinksToMinAfterTheKeepAlive() throws Exception {
        ThreadPool p = track(builder().minWorkers(2).maxWorkers(6).keepAlive(Duration.ofMillis(20)).build(rt));
        CountDownLatch started = new CountDownLatch(6);
        CountDownLatch release = new CountDownLatch(1);
        blockers(p, 6, started, release);
        assertThat(started.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(p.stats().workers()).isEqualTo(6);
        release.countDown();
        awaitTrue(() -> p.stats().workers() == 2); // the safety net is the class's @Timeout
        assertThat(p.submit(() -> "still serving").get(LONG_DELAY_MS, MILLISECONDS)).isEqualTo("still serving");
        assertThat(p.stats().workers()).isGreaterThanOrEqualTo(2);
    }

    /**
     * Churn: with a keep-alive of a millisecond, workers time out while wakers choose them, over
     * and over. Every burst is served, the pool never exceeds max, and it settles back to min.
     */
    @Test
    void growAndShrinkChurnLosesNoWakeUp() throws Exception {
        ThreadPool p = track(builder().minWorkers(1).maxWorkers(5).keepAlive(Duration.ofMillis(1)).build(rt));
        int rounds = Conditions.scaledForTheModel(2_000) / 2 + 10;
        AtomicInteger most = new AtomicInteger();
        long total = 0;
        for (int r = 0; r < rounds; r++) {
            int burst = 1 + r % 7;
            total += burst;
            CountDownLatch done = new CountDownLatch(burst);
            for (int i = 0; i < burst; i++) {
                p.execute(() -> {
                    most.accumulateAndGet(p.stats().workers(), Math::max);
                    done.countDown();
                });
            }
            assertThat(done.await(LONG_DELAY_MS, MILLISECONDS)).as(() -> "round served: " + p).isTrue();
            if (r % 3 == 0) {
                Thread.yield(); // let some workers time out between bursts
            }
        }
        assertThat(most.get()).isBetween(1, 5);
        awaitTrue(() -> p.stats().workers() == 1);
        long expected = total;
        awaitTrue(() -> p.stats().completed() == expected); // counted as each task returns to its worker
        assertThat(p.submit(() -> "after churn").get(LONG_DELAY_MS, MILLISECONDS)).isEqualTo("after churn");
    }

    /** ThreadPoolExecutorTest.testGetActiveCount and testGetCompletedTaskCount: the counters, never overestimated. */
    @Test
    void statsCountActiveCompletedAndFailed() throws Exception {
        ThreadPool p = track(builder().minWorkers(1).maxWorkers(2).build(rt));
        assertThat(p.stats()).isEqualTo(new PoolStats(1, 0, 0, 0, 0, 0));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        AtomicReference<PoolStats> inside = new AtomicReference<>();
        p.execute(() -> {
            inside.set(p.stats());
            started.countDown();
            try {
                proceed.await();
            } catch (InterruptedException stop) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(inside.get().active()).isEqualTo(1);
        assertThat(inside.get().completed()).isZero();
        assertThat(p.stats().active()).isEqualTo(1);
        proceed.countDown();
        awaitTrue(() -> p.stats().completed() == 1);
        p.execute(() -> {
            throw new IllegalStateException("escaped");
        });
        Future<?> failedFuture = p.submit(() -> {
            throw new IllegalArgumentException("kept in the future");
        });
        awaitTrue(failedFuture::isDone);
        awaitTrue(() -> p.stats().completed() == 3);
        PoolStats s = p.stats();
        assertThat(s.active()).isZero();
        assertThat(s.failed()).isEqualTo(2);
        assertThat(s.rejected()).isZero();
        assertThat(failures).singleElement(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
                .hasMessage("escaped");
    }

    /** A task that throws (even an Error) reaches the handler and does not kill its worker: the same worker runs the next. */
    @Test
    void aThrowingTaskNeverKillsItsWorker() throws Exception {
        ThreadPool p = track(builder().minWorkers(1).maxWorkers(1).build(rt));
        AtomicReference<Thread> first = new AtomicReference<>();
        p.execute(() -> {
            first.set(Thread.currentThread());
            throw new StackOverflowError("deep");
        });
        p.execute(() -> {
            throw new IllegalStateException("second");
        });
        Thread next = p.submit(Thread::currentThread).get(LONG_DELAY_MS, MILLISECONDS);
        assertThat(next).isSameAs(first.get());
        assertThat(failures).extracting(Throwable::getMessage).containsExactly("deep", "second");
        assertThat(p.stats().workers()).isEqualTo(1);
        assertThat(p.stats().failed()).isEqualTo(2);
    }

    /** A handler that throws itself is logged, and the worker still goes on. */
    @Test
    void aThrowingHandlerIsSurvived() throws Exception {
        ThreadPool p = track(ThreadPool.builder("bad-handler").minWorkers(1).maxWorkers(1)
                .uncaughtExceptionHandler((t, x) -> {
                    throw new IllegalStateException("handler");
                }).build(rt));
        p.execute(() -> {
            throw new IllegalStateException("task");
        });
        assertThat(p.submit(() -> "alive").get(LONG_DELAY_MS, MILLISECONDS)).isEqualTo("alive");
    }

    /** Workers are goroutines of the runtime, at the pool's priority in the (today NORMAL) class. */
    @Test
    void workersAreGoroutinesAtThePoolsPriority() throws Exception {
        ThreadPool p = track(builder().priority(ThreadPriority.ABOVE_NORMAL).build(rt));
        int expected = PriorityClass.NORMAL.level(ThreadPriority.ABOVE_NORMAL);
        assertThat(p.priorityLevel()).isEqualTo(expected);
        Integer level = p.submit(() -> Go.current() == null ? -1 : Go.current().priority()).get(LONG_DELAY_MS, MILLISECONDS);
        assertThat(level).isEqualTo(expected);
        if (rt.model() == dev.weft.ThreadingModel.ONE_TO_ONE) { // a kernel thread per worker, at the mapped Java priority
            assertThat(p.submit(() -> Thread.currentThread().getPriority()).get(LONG_DELAY_MS, MILLISECONDS))
                    .isEqualTo(dev.weft.internal.sched.KernelPriorities.javaPriority(expected));
        }
        ThreadPool low = track(builder().priority(ThreadPriority.IDLE).build(rt));
        assertThat(low.submit(() -> Go.current().priority()).get(LONG_DELAY_MS, MILLISECONDS)).isEqualTo(1);
    }

    /** A pool built inside a goroutine works the same, and its tasks may submit to it. */
    @Test
    void aPoolBuiltInAGoroutineRunsNestedSubmissions() {
        AtomicInteger sum = new AtomicInteger();
        rt.run(() -> {
            ThreadPool p = ThreadPool.builder("inner").minWorkers(1).maxWorkers(3).build(rt);
            try {
                WaitGroup wg = new WaitGroup();
                for (int i = 1; i <= 10; i++) {
                    int v = i;
                    wg.add(1);
                    p.execute(() -> p.execute(() -> {
                        sum.addAndGet(v);
                        wg.done();
                    }));
                }
                wg.await();
            } finally {
                p.close();
            }
        });
        assertThat(sum.get()).isEqualTo(55);
    }

    /**
     * Deadlock detection sees through a pool built in a goroutine: while a timer task is pending
     * nothing is reported; with the pool idle (its goroutines parked in the runtime's own waits) a
     * main goroutine waiting for nothing still is.
     */
    @Test
    void deadlockDetectionSeesThroughAnIdlePool() throws Exception {
        AtomicReference<ThreadPool> pool = new AtomicReference<>();
        rt.run(() -> {
            ThreadPool p = ThreadPool.builder("in-run").minWorkers(1).maxWorkers(1).build(rt);
            pool.set(p);
            WaitGroup wg = new WaitGroup();
            wg.add(1);
            p.schedule(wg::done, 30, MILLISECONDS);
            wg.await(); // every goroutine parked, but the manager's timer is pending
        });
        track(pool.get());
        assertThatThrownBy(() -> rt.run(() -> Chan.make().recv())).isInstanceOf(dev.weft.DeadlockException.class);
        pool.get().shutdown();
        assertThat(pool.get().awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
    }

    /** Under the PRIORITY policy the pool works the same: work, timer and wait callbacks. */
    @Test
    void worksUnderThePriorityPolicy() throws Exception {
        try (Weft prio = Weft.builder().name("prio").procs(2).policy(dev.weft.SchedulingPolicy.PRIORITY).build()) {
            ThreadPool p = builder().priority(ThreadPriority.HIGHEST).maxWorkers(3).build(prio);
            try {
                assertThat(p.submit(() -> Go.current().priority()).get(LONG_DELAY_MS, MILLISECONDS))
                        .isEqualTo(PriorityClass.NORMAL.level(ThreadPriority.HIGHEST));
                assertThat(p.schedule(() -> "timed", 5, MILLISECONDS).get(LONG_DELAY_MS, MILLISECONDS)).isEqualTo("timed");
                Chan<Integer> ch = Chan.make(4);
                AtomicInteger sum = new AtomicInteger();
                WaitRegistration r = p.onReceive(ch, sum::addAndGet);
                for (int i = 1; i <= 4; i++) {
                    ch.send(i);
                }
                ch.close();
                awaitTrue(() -> !r.isActive() && sum.get() == 10);
            } finally {
                p.close();
            }
        }
    }

    /** close() from one of the pool's own workers would wait for itself: a clear exception instead. */
    @Test
    void closeFromAWorkerThrows() throws Exception {
        ThreadPool p = track(builder().build(rt));
        Future<?> f = p.submit(p::close);
        assertThatThrownBy(f::get).hasCauseInstanceOf(IllegalStateException.class)
                .cause().hasMessageContaining("its own workers");
        assertThat(p.isShutdown()).isFalse();
    }

    /** A pool cannot be built on a closed runtime. */
    @Test
    void buildOnAClosedRuntimeIsRejected() {
        Weft closed = Weft.builder().name("gone").procs(1).build();
        closed.close();
        assertThatThrownBy(() -> ThreadPool.builder("late").build(closed)).isInstanceOf(RejectedExecutionException.class);
    }

    /** Bad input: each gets an exception that names the problem. */
    @Test
    void badInputIsRejectedWithAClearMessage() {
        assertThatThrownBy(() -> ThreadPool.builder(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("name");
        ThreadPool.Builder b = ThreadPool.builder("bad");
        assertThatThrownBy(() -> b.minWorkers(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minWorkers");
        assertThatThrownBy(() -> b.minWorkers(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minWorkers");
        assertThatThrownBy(() -> b.maxWorkers(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWorkers");
        assertThatThrownBy(() -> b.queueCapacity(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queueCapacity");
        assertThatThrownBy(() -> b.queueCapacity(-5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queueCapacity");
        assertThatThrownBy(() -> b.keepAlive(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keepAlive");
        assertThatThrownBy(() -> b.keepAlive(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.keepAlive(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("keepAlive");
        assertThatThrownBy(() -> b.priority(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("priority");
        assertThatThrownBy(() -> b.uncaughtExceptionHandler(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.build(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("runtime");
        assertThatThrownBy(() -> ThreadPool.builder("inverted").minWorkers(5).maxWorkers(2).build(rt))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minWorkers (5)").hasMessageContaining("maxWorkers (2)");
        ThreadPool p = track(builder().build(rt));
        assertThatThrownBy(() -> p.onReceive(null, v -> {})).isInstanceOf(NullPointerException.class).hasMessageContaining("channel");
        assertThatThrownBy(() -> p.onReceive(Chan.make(), null)).isInstanceOf(NullPointerException.class).hasMessageContaining("callback");
        assertThatThrownBy(() -> p.onDone(null, () -> {})).isInstanceOf(NullPointerException.class).hasMessageContaining("WaitGroup");
        assertThatThrownBy(() -> p.onDone(new WaitGroup(), null)).isInstanceOf(NullPointerException.class).hasMessageContaining("callback");
    }
}
