package dev.weft.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.internal.sched.Bubble;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Ticker whose second tick lies past the end of the clock (2^63 ns, about 292 years): it ticks
 * once and then never again, as Go's maxWhen. Its next due time used to wrap into the past, and
 * the carrier then looped in the timer heap for ever (this bubble hung). The bubble's fake clock
 * gets there in no real time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TickerHugePeriodTest {

    @Test
    void aTickerWithAHugePeriodTicksOnceInABubbleAndThenStaysQuiet() {
        List<Instant> ticks = new ArrayList<>();
        Bubble.Outcome o = Bubble.run(7, () -> {
            Duration period = Duration.ofDays(365L * 150); // 150 years: the second tick is past 2^63 ns
            Ticker tk = Ticker.newTicker(period);
            ticks.add(tk.c().recv());
            Go.sleep(Duration.ofSeconds(1));
            Instant again = tk.c().tryRecv();
            if (again != null) {
                ticks.add(again);
            }
            tk.stop();
        });
        assertThat(o.failure()).as("%s", o.failure()).isNull();
        assertThat(ticks).containsExactly(Bubble.EPOCH.plus(Duration.ofDays(365L * 150)));
    }
}
