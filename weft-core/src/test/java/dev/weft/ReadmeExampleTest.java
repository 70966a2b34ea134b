package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.chan.Chan;
import dev.weft.chan.Select;
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
}
