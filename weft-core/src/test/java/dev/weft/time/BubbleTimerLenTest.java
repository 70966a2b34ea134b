package dev.weft.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.chan.Chan;
import dev.weft.internal.sched.Bubble;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A channel made inside a synctest bubble refuses a send, receive, close or select from outside
 * it, but not {@code len} (ARCHITECTURE, "Misuse from outside"; Go's {@code chanlen} checks no
 * bubble either). A timer's channel is a channel like the others there: a measure from outside
 * must not become a refused receive (the hook that runs a due timer once ran before {@code len}
 * too; now a timer's channel says 0 without running anything, as Go 1.23's), nor run the
 * bubble's timer from outside (the bubble's schedule replays from its seed); receives are still
 * refused.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BubbleTimerLenTest {

    @Test
    void aBubbleTimersChannelCanBeMeasuredFromOutsideLikeAnyOfItsChannels() {
        AtomicReference<Chan<Instant>> timerChan = new AtomicReference<>();
        AtomicReference<Chan<Integer>> plainChan = new AtomicReference<>();
        Bubble.Outcome outcome = Bubble.run(1, () -> {
            timerChan.set(Timer.newTimer(Duration.ofHours(1)).c());
            Chan<Integer> plain = Chan.make(1);
            plain.send(7);
            plainChan.set(plain);
        });
        assertThat(outcome.failure()).isNull();

        assertThat(plainChan.get().len()).as("a plain channel of the bubble, from outside").isOne();
        assertThat(timerChan.get().len()).as("the bubble timer's channel, from outside").isZero();

        assertThatThrownBy(() -> timerChan.get().tryRecv()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("receive on synctest channel from outside bubble");
        assertThatThrownBy(() -> timerChan.get().recv()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("receive on synctest channel from outside bubble");
    }
}
