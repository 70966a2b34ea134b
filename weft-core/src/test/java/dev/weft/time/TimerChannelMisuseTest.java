package dev.weft.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A timer's channel ({@code Timer.c()}, {@code Ticker.c()}, {@code Time.after}) is Go's
 * receive-only {@code <-chan Time}: only its timer sends on it. weft returns a full
 * {@link Chan}, and a send or a close by user code broke the timer for good (a closed channel
 * made every later firing throw on its carrier; a value sent by hand was taken for the timer's
 * own, and filled the one slot the timer's value needs). Each is now refused with a clear
 * IllegalStateException, and the timer goes on working.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimerChannelMisuseTest {
    private static final Instant FAKE = Instant.EPOCH;

    @Test
    void sendTrySendCloseAndSelectSendOnATimersChannelAreRefusedAndTheTimerStillFires() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                // Far ahead, so that a send by hand would find the slot free (and not wait).
                Timer t = Timer.newTimer(Duration.ofHours(1));
                Ticker tk = Ticker.newTicker(Duration.ofHours(1));
                Chan<Instant> after = Time.after(Duration.ofHours(1));
                for (Chan<Instant> c : List.of(t.c(), tk.c(), after)) {
                    assertRefused(c, ch -> ch.send(FAKE), "send on a timer's channel");
                    assertRefused(c, ch -> ch.trySend(FAKE), "send on a timer's channel");
                    assertRefused(c, Chan::close, "close of a timer's channel");
                    assertRefused(c, ch -> new Select().send(ch, FAKE, () -> {}), "send on a timer's channel");
                    assertThat(c.tryRecv()).as("nothing was sent").isNull();
                }
                assertThat(t.reset(Duration.ofMillis(1))).isTrue();
                tk.reset(Duration.ofMillis(1));
                for (Chan<Instant> c : List.of(t.c(), tk.c())) {
                    Instant v = c.recv();
                    assertThat(v).as("the timer's own value").isNotNull().isNotEqualTo(FAKE);
                }
                tk.stop();
            });
        }
    }

    private static void assertRefused(Chan<Instant> c, Consumer<Chan<Instant>> misuse, String what) {
        assertThatThrownBy(() -> misuse.accept(c)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(what);
    }

    @Test
    void anOrdinaryChannelOfInstantsIsNotAffected() {
        Chan<Instant> c = Chan.make(1);
        assertThat(c.trySend(FAKE)).isTrue();
        assertThat(c.recv()).isEqualTo(FAKE);
        c.close();
    }
}
