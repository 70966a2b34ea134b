package dev.weft.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Conditions;
import dev.weft.Go;
import dev.weft.PriorityClass;
import dev.weft.ThreadPriority;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.proc.WeftProcess;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pool built by a thread of a process: its workers are threads of that process, at the
 * process's class, and they end with it (issue 14: "Workers are goroutines of the pool's
 * process").
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPoolTest {

    @Test
    void aPoolBuiltInAProcessRunsAtItsClassAndEndsWithIt() throws Exception {
        try (Weft rt = Weft.builder().procs(2).name("pooled").build()) {
            AtomicReference<ThreadPool> poolRef = new AtomicReference<>();
            AtomicReference<WeftProcess> seenByTask = new AtomicReference<>();
            CountDownLatch blocked = new CountDownLatch(2);
            AtomicInteger finallies = new AtomicInteger();
            Chan<Object> never = Chan.make();
            WeftProcess p = WeftProcess.builder("indexer").priorityClass(PriorityClass.HIGH).start(rt, () -> {
                ThreadPool pool = ThreadPool.builder("io").minWorkers(2).maxWorkers(2)
                        .priority(ThreadPriority.ABOVE_NORMAL).build(rt);
                poolRef.set(pool);
                for (int i = 0; i < 2; i++) {
                    pool.execute(() -> {
                        try {
                            seenByTask.set(WeftProcess.current());
                            blocked.countDown();
                            never.recv();
                        } finally {
                            finallies.incrementAndGet();
                        }
                    });
                }
                never.recv();
            });
            assertThat(blocked.await(30, TimeUnit.SECONDS)).isTrue();
            ThreadPool pool = poolRef.get();
            assertThat(seenByTask.get()).isSameAs(p);
            assertThat(pool.priorityLevel()).isEqualTo(PriorityClass.HIGH.level(ThreadPriority.ABOVE_NORMAL));

            p.terminate(7);
            assertThat(p.waitFor()).isEqualTo(7);
            assertThat(finallies.get()).as("each blocked task unwound through its finally").isEqualTo(2);
            assertThat(p.threads()).isEmpty();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).as("the pool ended with its process").isTrue();
            assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
        }
    }

    /**
     * Work still queued when the process ends can never run (no thread can be started for an
     * ending process): the pool stops, cancels it, and terminates, and the process ends.
     */
    @Test
    void workQueuedWhenItsProcessEndsIsCancelledAndThePoolTerminates() throws Exception {
        try (Weft rt = Weft.builder().procs(2).build()) {
            AtomicReference<ThreadPool> poolRef = new AtomicReference<>();
            List<Future<?>> futures = new CopyOnWriteArrayList<>();
            CountDownLatch running = new CountDownLatch(1);
            CountDownLatch submitted = new CountDownLatch(1);
            WeftProcess p = WeftProcess.builder("busy").start(rt, () -> {
                try (ThreadPool pool = ThreadPool.builder("one").minWorkers(1).maxWorkers(1).build(rt)) {
                    poolRef.set(pool);
                    for (int i = 0; i < 3; i++) {
                        futures.add(pool.submit(() -> {
                            running.countDown();
                            Go.sleep(Duration.ofHours(1));
                        }));
                    }
                    futures.add(pool.schedule(() -> { }, 1, TimeUnit.HOURS));
                    submitted.countDown();
                    Chan.make().recv(); // the primary waits too; close() would wait for the pool
                }
            });
            assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(submitted.await(30, TimeUnit.SECONDS)).isTrue();
            p.terminate(3);
            assertThat(p.waitFor(Duration.ofSeconds(30))).hasValue(3);
            ThreadPool pool = poolRef.get();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            for (Future<?> f : futures) {
                assertThat(f.isDone()).as("no future is left pending").isTrue();
            }
            assertThat(futures.subList(1, 4)).allMatch(Future::isCancelled);
        }
    }

    @Test
    void aPoolBuiltOutsideAnyProcessIsInTheNormalClass() {
        try (Weft rt = Weft.builder().procs(1).build();
             ThreadPool pool = ThreadPool.builder("root").priority(ThreadPriority.HIGHEST).build(rt)) {
            assertThat(pool.priorityLevel()).isEqualTo(PriorityClass.NORMAL.level(ThreadPriority.HIGHEST));
        }
    }

    /**
     * A process's {@code maxThreads} refuses every worker of a pool built in it (its primary and
     * the manager use both slots): the work queued meanwhile can never run. Once the pool is shut
     * down it must not wait for workers that will never come: the work is cancelled and the pool
     * terminates (so close() returns). Before the fix awaitTermination stayed false for ever.
     */
    @Test
    void aShutDownPoolThatCanStartNoWorkerCancelsItsQueueAndTerminates() throws Exception {
        try (Weft rt = Weft.builder().procs(2).build()) {
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
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
            ThreadPool pool = poolRef.get();
            Future<?> queued = pool.submit(() -> { });
            pool.shutdown();
            try {
                assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).as("terminated: " + pool).isTrue();
                assertThat(queued.isCancelled()).as("the work no worker could run is cancelled").isTrue();
                assertThat(failures).as("the refusals are reported")
                        .anySatisfy(e -> assertThat(e).hasMessageContaining("limit of 2 threads"));
                // And so is the work left behind (reported after the lock: maybe after termination).
                Conditions.awaitTrue(() -> failures.stream().anyMatch(e -> String.valueOf(e.getMessage()).contains("1 task will never run")));
            } finally {
                p.terminate(0);
                assertThat(p.waitFor(Duration.ofSeconds(30))).hasValue(0);
            }
        }
    }
}
