package dev.weft.internal.timer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A periodic timer whose next due time passes the end of the clock: it must saturate (never fire
 * again, as Go's {@code maxWhen}), not wrap to a due time in the past, which made every later
 * {@code runDue} fire it again at once and, its catch-up arithmetic wrapping too, loop for ever.
 * (dev.weft.time.TickerHugePeriodTest shows it through a Ticker, under every model.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimerHeapPeriodTest {

    @Test
    void aPeriodicTimerWhoseNextDueTimeOverflowsNeverFiresAgain() {
        TimerHeap h = new TimerHeap();
        AtomicInteger fired = new AtomicInteger();
        TimerEntry t = new TimerEntry((e, seq, now) -> {
            if (fired.incrementAndGet() > 3) {
                throw new IllegalStateException("fired " + fired.get() + " times at " + now); // ends the loop
            }
        });
        long period = Long.MAX_VALUE / 2 + 1_000;
        long first = 1_000_000_000L + period; // a huge period armed at a bubble's start
        h.add(t, first, period);
        assertThat(h.runDue(first)).isEqualTo(1);
        assertThat(h.nextWhen()).as("the next tick is beyond any clock reading").isEqualTo(Long.MAX_VALUE);
        assertThat(h.runDue(first + 1)).isZero();
        assertThat(fired).hasValue(1);
        assertThat(TimerHeap.remove(t)).isTrue(); // still pending, as a ticker is until stopped
    }
}
