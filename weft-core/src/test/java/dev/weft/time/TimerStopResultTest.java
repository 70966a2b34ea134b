package dev.weft.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.Weft;
import dev.weft.internal.sched.Bubble;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@code Timer.stop} and {@code Timer.reset} return, Go 1.23's rule: since they drain a value
 * that was sent but not received, and drop a firing under way, they must report the timer as
 * stopped ({@code true}) whenever the program has not received its value. Otherwise the idiom
 * every pre-1.23 Go program uses, {@code if !t.Stop() { <-t.C }}, waits for a value the stop
 * itself threw away. The bubble's fake clock makes "fired, not yet received" exact.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimerStopResultTest {

    @Test
    void stopOfAFiredButUnreceivedTimerReportsTrueAndTheDrainIdiomDoesNotHang() {
        AtomicReference<Boolean> stopped = new AtomicReference<>();
        AtomicInteger idiomDone = new AtomicInteger();
        Bubble.Outcome o = Bubble.run(3, () -> {
            Timer t = Timer.newTimer(Duration.ofSeconds(1));
            // The clock passes the due time, and the carrier runs the due timer before any
            // goroutine: the value is sent (len cannot show it: a timer's channel says 0).
            Go.sleep(Duration.ofSeconds(2));
            stopped.set(t.stop());
            assertThat(t.c().tryRecv()).as("no stale value after stop").isNull();

            Timer u = Timer.newTimer(Duration.ofSeconds(1));
            Go.sleep(Duration.ofSeconds(2));
            if (!u.stop()) {
                u.c().recv(); // the pre-1.23 idiom: only right if stop kept the value it reported
            }
            idiomDone.incrementAndGet();
        });
        assertThat(o.failure()).as("%s", o.failure()).isNull();
        assertThat(stopped.get()).isTrue();
        assertThat(idiomDone.get()).isEqualTo(1);
    }

    @Test
    void resetOfAFiredButUnreceivedTimerReportsTrueAndOnlyTheNewValueArrives() {
        AtomicReference<Boolean> reset = new AtomicReference<>();
        AtomicReference<Instant> got = new AtomicReference<>();
        Bubble.Outcome o = Bubble.run(4, () -> {
            Timer t = Timer.newTimer(Duration.ofSeconds(1));
            Go.sleep(Duration.ofSeconds(2));
            reset.set(t.reset(Duration.ofSeconds(5)));
            got.set(t.c().recv());
            assertThat(t.stop()).as("fired and received: not stopped by this call").isFalse();
            assertThat(t.reset(Duration.ofSeconds(1))).as("stopped already").isFalse();
        });
        assertThat(o.failure()).as("%s", o.failure()).isNull();
        assertThat(reset.get()).isTrue();
        assertThat(got.get()).isEqualTo(Bubble.EPOCH.plusSeconds(7));
    }

    @Test
    void aTimerWhoseValueNobodyReceivedAlwaysReportsStopped() {
        // Stops land before, at and after the firing (value in flight, or sent and unreceived):
        // none of them may report false, since nobody received anything.
        try (Weft rt = Weft.builder().procs(2).build()) {
            AtomicInteger falseStops = new AtomicInteger();
            rt.run(() -> {
                for (int i = 0; i < 2_000; i++) {
                    Timer t = Timer.newTimer(Duration.ofNanos((i % 20) * 500L));
                    for (int y = i % 4; y > 0; y--) {
                        Go.yield(); // the P's schedule runs due timers
                    }
                    boolean stopped = (i & 1) == 0 ? t.stop() : t.reset(Duration.ofDays(1));
                    if (!stopped) {
                        falseStops.incrementAndGet();
                    }
                    assertThat(t.c().tryRecv()).isNull();
                    t.stop();
                }
            });
            assertThat(falseStops).as("stop/reset that reported a value nobody received as delivered").hasValue(0);
            assertThat(rt.stats().timers()).isZero();
        }
    }

    @Test
    void afterFuncStopStillReportsFalseOnceTheFunctionStarted() {
        AtomicReference<Boolean> stopped = new AtomicReference<>();
        AtomicInteger ran = new AtomicInteger();
        Bubble.Outcome o = Bubble.run(5, () -> {
            Timer t = Timer.afterFunc(Duration.ofSeconds(1), ran::incrementAndGet);
            Go.sleep(Duration.ofSeconds(2));
            stopped.set(t.stop());
        });
        assertThat(o.failure()).as("%s", o.failure()).isNull();
        assertThat(ran.get()).isEqualTo(1);
        assertThat(stopped.get()).isFalse();
    }
}
