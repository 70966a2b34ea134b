package dev.weft.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Conditions;
import dev.weft.Weft;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The handler's "N tasks will never run" counts what the pool abandoned, not what the user had
 * cancelled already. A cancelled delayed task leaves the delay queue only when its cancel gets
 * the pool's lock, so a manager that dies first finds it there, cancelled. Before the fix it was
 * counted: "2 tasks will never run" for one abandoned task.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbandonedCountTest {

    @Test
    void aTaskTheUserCancelledIsNotCountedAsAbandoned() throws Exception {
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (Weft rt = Weft.builder().procs(2).name("abandoned-count").build()) {
            ThreadPool pool = ThreadPool.builder("counted").minWorkers(1).maxWorkers(1)
                    .uncaughtExceptionHandler((t, e) -> failures.add(e)).build(rt);
            ScheduledFuture<?> abandoned = pool.schedule(() -> { }, 1, TimeUnit.HOURS);
            ScheduledFuture<?> cancelled = pool.schedule(() -> { }, 2, TimeUnit.HOURS);
            // The user's cancel, up to the point where it waits for the pool's lock to leave the
            // delay queue (cancelQuietly is that first half): still queued, already done.
            ((ScheduledTask<?>) cancelled).cancelQuietly();
            assertThat(cancelled.isCancelled()).isTrue();

            pool.manager.dieForTest(new Error("the manager dies"));
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).as("the pool terminates: " + pool).isTrue();
            assertThat(abandoned.isCancelled()).as("the abandoned task's future is cancelled").isTrue();
            // The report comes after the lock, maybe after the pool terminated.
            Conditions.awaitTrue(() -> failures.stream().anyMatch(e -> String.valueOf(e.getMessage()).contains("will never run")));
            List<String> reports = failures.stream().map(e -> String.valueOf(e.getMessage()))
                    .filter(m -> m.contains("will never run")).toList();
            assertThat(reports).singleElement().asString().contains("1 task will never run");
        }
    }
}
