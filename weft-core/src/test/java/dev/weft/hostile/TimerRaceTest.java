package dev.weft.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.Weft;
import dev.weft.time.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Guards against: values arriving after {@code Timer.stop()} or {@code reset()} returned (issue
 * 12, defect 4: the sequence number was bumped before the entry left its heap, so a firing taken
 * out in between carried the new number). Stops and resets land right at the due time, many times.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TimerRaceTest {

    @Test
    void noValueFromBeforeAStopOrResetArrivesAfterIt() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            AtomicInteger late = new AtomicInteger();
            int rounds = Soak.iterations(20_000);
            rt.run(() -> {
                for (int i = 0; i < rounds; i++) {
                    Timer t = Timer.newTimer(Duration.ofNanos(20_000));
                    long due = System.nanoTime() + 20_000 - (i % 40) * 1_000L; // around the due time
                    while (System.nanoTime() < due) {
                        Thread.onSpinWait();
                    }
                    if ((i & 1) == 0) {
                        t.stop();
                    } else {
                        t.reset(Duration.ofDays(1));
                    }
                    // Let a firing that was in flight finish; it must not deliver now.
                    Go.sleep(Duration.ofNanos(50_000));
                    if (t.c().tryRecv() != null) {
                        late.incrementAndGet();
                    }
                    t.stop();
                }
            });
            assertThat(late).as("values received after stop/reset returned").hasValue(0);
        }
    }
}
