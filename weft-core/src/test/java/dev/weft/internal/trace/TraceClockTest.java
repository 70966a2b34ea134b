package dev.weft.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The trace clock: nanoTime when asked for, a clear error for an unknown choice, and whichever
 * clock was chosen runs forwards at a rate that converts to nanoseconds consistent with nanoTime.
 */
class TraceClockTest {
    @Test
    void nanotimeIsChosenWhenAskedFor() {
        assertThat(TraceClock.counterOrNull("nanotime")).isNull();
    }

    @Test
    void anUnknownChoiceIsNamed() {
        assertThatThrownBy(() -> TraceClock.counterOrNull("sundial"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("weft.trace.clock=sundial");
    }

    @Test
    void theClockRunsForwardsAndConvertsToNanoTime() {
        long n0 = System.nanoTime();
        long t0 = TraceClock.now();
        long prev = t0;
        for (int i = 0; i < 100_000; i++) {
            long t = TraceClock.now();
            assertThat(t).isGreaterThanOrEqualTo(prev);
            prev = t;
        }
        // Spin until nanoTime has moved 2 ms (a clock of its own, not a sleep as synchronisation).
        while (System.nanoTime() - n0 < 2_000_000) {
            Thread.onSpinWait();
        }
        long t1 = TraceClock.now();
        long n1 = System.nanoTime();
        double converted = (t1 - t0) * TraceClock.nanosPerTick();
        // Within a quarter either way: the rate is measured against nanoTime over this JVM's life.
        assertThat(converted).isBetween((n1 - n0) * 0.75, (n1 - n0) * 1.25);
        assertThat(TraceClock.source()).isEqualTo(TraceClock.isCounter() ? "tsc" : "nanotime");
    }
}
