package dev.weft.chan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import dev.weft.time.Time;
import dev.weft.time.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A timeout that has already expired is a ready case at once (Go 1.23: a select, a receive or a
 * stop runs an expired timer's channel on the spot). {@code Select.after(ZERO)} (or a negative
 * duration) used to arm a timer due "now" that only the heap's next run delivered, so pass 1
 * never saw it: it lost to every ready case and to {@code orElse}. Now it is one ready case
 * among the others, chosen uniformly by the random poll order; the same for a Timer made with a
 * non-positive duration, whose value is there at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SelectAfterExpiredTest {
    private static final int RUNS = 1000;

    @Test
    void anExpiredAfterCaseIsReadyRatherThanOrElse() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                for (Duration d : new Duration[] {Duration.ZERO, Duration.ofMillis(-5), Duration.ofSeconds(Long.MIN_VALUE)}) {
                    Select sel = new Select().after(d, () -> {}).orElse(() -> {});
                    for (int i = 0; i < 100; i++) {
                        assertThat(sel.run()).as("case chosen for after(%s), run %d", d, i).isZero();
                    }
                }
                assertThat(rt.stats().timers()).as("timers left pending").isZero();
            });
        }
    }

    @Test
    void anExpiredAfterCaseCompetesUniformlyWithAReadyReceive() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                Chan<Integer> ready = Chan.make(1);
                int[] wins = new int[2];
                Select sel = new Select().recv(ready, v -> {}).after(Duration.ZERO, () -> {});
                for (int i = 0; i < RUNS; i++) {
                    ready.trySend(i); // refilled when the receive won
                    wins[sel.run()]++;
                }
                // Uniform: about RUNS / 2 each; below 30% has odds under 1e-30.
                assertThat(wins[0]).as("receive wins").isGreaterThan(RUNS * 3 / 10);
                assertThat(wins[1]).as("expired after wins").isGreaterThan(RUNS * 3 / 10);
            });
        }
    }

    @Test
    void inABubbleTheExpiredCaseIsReadyOnTheBubblesClock() {
        int[] chosen = new int[2];
        dev.weft.internal.sched.Bubble.Outcome o = dev.weft.internal.sched.Bubble.run(3, () -> {
            chosen[0] = new Select().after(Duration.ZERO, () -> {}).orElse(() -> {}).run();
            Chan<Integer> never = Chan.make();
            chosen[1] = new Select().recv(never, v -> {}).after(Duration.ofHours(1), () -> {}).run(); // fake time
        });
        assertThat(o.failure()).as("%s", o.failure()).isNull();
        assertThat(chosen).containsExactly(0, 1);
    }

    @Test
    void aTimerMadeWithANonPositiveDurationHasItsValueAtOnce() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                for (int i = 0; i < 100; i++) {
                    Timer t = Timer.newTimer(Duration.ZERO);
                    int chosen = new Select().recv(t.c(), v -> {}).orElse(() -> {}).run();
                    assertThat(chosen).as("run %d", i).isZero();
                    assertThat(Time.after(Duration.ofMillis(-1)).tryRecv()).isNotNull();
                    Timer r = Timer.newTimer(Duration.ofHours(1));
                    assertThat(r.reset(Duration.ZERO)).as("reset of a pending timer").isTrue();
                    Instant v = r.c().tryRecv();
                    assertThat(v).as("the reset timer's value, at once").isNotNull();
                }
                assertThat(rt.stats().timers()).as("timers left pending").isZero();
            });
        }
    }
}
