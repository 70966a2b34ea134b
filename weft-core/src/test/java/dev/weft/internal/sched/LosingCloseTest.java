package dev.weft.internal.sched;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.internal.timer.TimerEntry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bounded close that finds another close stopping the carriers waited for that one without its
 * bound. Here the other close is held in its stop: a carrier runs a timer callback that waits on
 * a latch (every goroutine has ended, so the closes get past their wait for goroutines at once).
 * The bounded close must return false within its bound, the stop still under way; the 30 s
 * join is only a safety net (before the fix it waited for the release).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LosingCloseTest {

    @Test
    void aBoundedCloseThatLosesTheStopReturnsWithinItsBound() throws Exception {
        SchedConfig d = SchedConfig.defaults("losing-close", (g, t) -> t.printStackTrace());
        Sched s = new Sched(new SchedConfig(d.name(), 1, 64, d.uncaughtHandler(), d.clock(), d.timesliceNanos(),
                false, false, Model.M_N, d.starvationBoostNanos()));
        CountDownLatch inCallback = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TimerEntry blocker = new TimerEntry((e, seq, at) -> {
            inCallback.countDown();
            try {
                release.await();
            } catch (InterruptedException ex) {
                throw new AssertionError(ex);
            }
        });
        Thread winner = null;
        try {
            // Armed by the goroutine, on its P: its M runs it once the goroutine has ended.
            G g = s.go(() -> s.addTimer(blocker, s.nanoTime(), 0), true);
            assertThat(inCallback.await(30, TimeUnit.SECONDS)).isTrue();
            g.thread().join();
            winner = Thread.ofPlatform().start(s::close);
            awaitTrue(s::isStopped); // the winner is in the stop, joining the held carrier

            AtomicReference<Boolean> result = new AtomicReference<>();
            Thread loser = Thread.ofPlatform().start(() -> result.set(s.close(TimeUnit.MILLISECONDS.toNanos(1))));
            loser.join(Duration.ofSeconds(30)); // a safety net
            assertThat(loser.isAlive()).as("the bounded close, still waiting for the other").isFalse();
            assertThat(result.get()).as("what it returned").isFalse();
            assertThat(s.isTerminated()).as("the stop, still under way").isFalse();
        } finally {
            release.countDown();
            if (winner != null) {
                winner.join();
            }
            s.close();
        }
        assertThat(s.isTerminated()).isTrue();
        assertThat(s.close(0)).as("a close after the stop").isTrue();
    }
}
