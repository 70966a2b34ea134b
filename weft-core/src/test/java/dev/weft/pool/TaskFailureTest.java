package dev.weft.pool;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import dev.weft.proc.ProcessExitException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What escapes a task is the task's failure, whatever its type, unless it is the worker's own end. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TaskFailureTest {

    /**
     * A {@link ProcessExitException} is a worker's own unwinding only when it names the worker's
     * process (as the runtime's own check, {@code isExit}, has it). One of another process, which
     * a task rethrew, is a failure like any: before the fix the worker took it for its own
     * process's end, left, and stopped the whole pool as a process's end does, and the handler
     * never heard of it.
     */
    @Test
    void aProcessExitOfAnotherProcessEscapingATaskIsReportedAndThePoolGoesOn() throws Exception {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CountDownLatch reported = new CountDownLatch(1);
        try (Weft rt = Weft.builder().procs(2).name("foreign-exit").build()) {
            ThreadPool pool = ThreadPool.builder("root-pool").minWorkers(1).maxWorkers(1)
                    .uncaughtExceptionHandler((t, e) -> {
                        failures.add(e);
                        reported.countDown();
                    }).build(rt);
            ProcessExitException foreign = new ProcessExitException(Long.MAX_VALUE, "elsewhere", 3);
            pool.execute(() -> {
                throw foreign;
            });
            assertThat(reported.await(20, SECONDS)).as("the handler got the failure: " + pool).isTrue();
            assertThat(failures).containsExactly(foreign);
            assertThat(pool.isShutdown()).isFalse();
            assertThat(pool.submit(() -> "still running").get(30, SECONDS)).isEqualTo("still running");
            assertThat(pool.stats().failed()).isEqualTo(1);
            pool.shutdown();
            assertThat(pool.awaitTermination(30, SECONDS)).isTrue();
        }
    }
}
