package dev.weft.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Go 1.23's timer channels are synchronous: they present as unbuffered, so {@code len} and
 * {@code cap} of one are 0 whether or not its value is waiting (runtime {@code chanlen},
 * {@code chancap}). Weft's {@code stop} and {@code reset} already answer as Go 1.23's do (a value
 * sent and not received counts as not fired, and is drained), so a {@code len} of 1 followed by a
 * {@code stop} that says "stopped before it fired" contradicted itself; {@code len} also ran the
 * timer (Go's asynctimerchan=1 behaviour). A receive or a select finds the value as before.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimerChannelLenTest {

    @Test
    void aTimersChannelPresentsAsUnbufferedWhetherOrNotItsValueIsWaiting() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                Timer notDue = Timer.newTimer(Duration.ofHours(1));
                assertThat(notDue.c().len()).isZero();
                assertThat(notDue.c().cap()).as("cap, as Go 1.23's").isZero();
                notDue.stop();

                Timer fired = Timer.newTimer(Duration.ofMillis(1));
                Chan<Instant> after = Time.after(Duration.ofMillis(1));
                Ticker ticker = Ticker.newTicker(Duration.ofMillis(1));
                Go.sleep(Duration.ofMillis(20)); // every value due, and (procs 1, heap order) sent
                assertThat(fired.c().len()).as("a fired timer's channel, value not received").isZero();
                assertThat(after.len()).as("Time.after's").isZero();
                assertThat(ticker.c().len()).as("a ticker's").isZero();
                assertThat(fired.c().cap()).isZero();
                assertThat(after.cap()).isZero();
                assertThat(ticker.c().cap()).isZero();

                assertThat(fired.c().tryRecv()).as("the value is there for a receive").isNotNull();
                assertThat(after.tryRecv()).isNotNull();
                assertThat(ticker.c().tryRecv()).isNotNull();
                ticker.stop();

                Timer alreadyExpired = Timer.newTimer(Duration.ZERO); // delivered by the call itself
                assertThat(alreadyExpired.c().len()).isZero();
                assertThat(alreadyExpired.stop()).as("Go 1.23: not received, so stopped").isTrue();
                assertThat(alreadyExpired.c().tryRecv()).isNull();
            });
        }
    }

    @Test
    void plainChannelsAreMeasuredAsBefore() {
        Chan<Integer> c = Chan.make(2);
        c.send(1);
        assertThat(c.len()).isOne();
        assertThat(c.cap()).isEqualTo(2);
    }
}
