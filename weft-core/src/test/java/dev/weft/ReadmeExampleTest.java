package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import dev.weft.context.Context;
import dev.weft.context.ErrGroup;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import dev.weft.sync.WaitGroup;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The README's examples, as written there, so they cannot rot. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleComputesTheSumAndTimesOut() {
        AtomicLong result = new AtomicLong();
        AtomicBoolean timedOut = new AtomicBoolean();
        try (Weft rt = Weft.builder().procs(4).build()) {
            rt.run(() -> {
                Chan<Integer> squares = Chan.make(16);
                WaitGroup wg = new WaitGroup();
                for (int i = 1; i <= 100; i++) {
                    int k = i;
                    wg.go(() -> squares.send(k * k));
                }
                Go.go(() -> { wg.await(); squares.close(); });
                long sum = 0;
                for (int v : squares) sum += v;
                result.set(sum);
                new Select().recv(Chan.make(), v -> {})
                        .after(Duration.ofMillis(10), () -> timedOut.set(true)).run();
            });
        }
        assertThat(result.get()).isEqualTo(338350);
        assertThat(timedOut).isTrue();
    }

    @Test
    void theReadmePriorityExampleRunsTheUrgentGoroutineFirst() {
        java.util.List<String> printed = new java.util.concurrent.CopyOnWriteArrayList<>();
        ContextSwitches switches;
        try (Weft rt = Weft.builder()
                .model(ThreadingModel.N_1)
                .policy(SchedulingPolicy.PRIORITY).build()) {
            rt.run(() -> {
                Goroutine bulk = Go.go(2, () -> {
                    for (long i = 0; i < 100_000_000L; i++) {
                        if (i % 10_000 == 0) Go.checkpoint();
                    }
                    printed.add("bulk done");
                });
                int high = PriorityClass.HIGH.level(ThreadPriority.HIGHEST);
                Goroutine urgent = Go.go(high, () -> printed.add("urgent first"));
                urgent.join();
                bulk.join();
            });
            switches = rt.stats().switchesByReason();
        }
        assertThat(printed).containsExactly("urgent first", "bulk done");
        assertThat(switches.preemptions()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theReadmeContextExampleTimesOutAndReportsTheFirstFailure() {
        java.util.List<String> printed = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicLong total = new AtomicLong();
        try (Weft rt = Weft.builder().build()) {
            rt.run(() -> {
                Chan<String> answers = Chan.make();
                try (Context ctx = Context.background().withTimeout(Duration.ofMillis(50))) {
                    new Select().recv(ctx.done(), v -> printed.add(String.valueOf(ctx.err().getMessage())))
                            .recv(answers, a -> printed.add(a)).run();
                }

                ErrGroup g = ErrGroup.withContext(Context.background());
                g.setLimit(8);
                AtomicLong sum = new AtomicLong();
                for (int i = 1; i <= 100; i++) {
                    int n = i;
                    g.go(() -> {
                        if (g.context().err() != null) return;
                        if (n == 42) throw new IOException("task 42 failed");
                        sum.addAndGet(n);
                    });
                }
                try {
                    g.await();
                } catch (GoroutineFailedException e) {
                    printed.add(String.valueOf(e.getCause()));
                }
                total.set(sum.get());
            });
        }
        assertThat(printed).containsExactly("context deadline exceeded", "java.io.IOException: task 42 failed");
        assertThat(total.get()).isLessThanOrEqualTo(5050 - 42); // task 42 did not add; later ones may have stopped early
    }

    @Test
    void theReadmeExecutorExampleRunsTasksAsGoroutines() throws Exception {
        String printed;
        try (Weft rt = Weft.builder().procs(4).build();
                ExecutorService ex = rt.executor()) {
            int answer = CompletableFuture.supplyAsync(() -> 6 * 7, ex).join();
            List<Future<String>> all = ex.invokeAll(List.of(() -> "a", () -> "b"));
            printed = answer + " " + all.get(1).resultNow();
        }
        assertThat(printed).isEqualTo("42 b");
    }
}
