package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import dev.weft.time.Ticker;
import dev.weft.time.Time;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A timer whose due time saturated at the end of the clock (2^63 ns, about 292 years: a huge
 * {@code Time.after}, a Ticker whose first tick lies past it) is still a pending timer, and a
 * pending timer means no deadlock, as in Go's {@code checkdead} (any timer in any P's heap). Its
 * heap's earliest due time reads Long.MAX_VALUE, the same as an empty heap's, and the detector
 * took it for no timer at all: the main goroutine waiting on it was declared deadlocked.
 *
 * <p>White-box and free of timing: once the main goroutine is parked and every P idle, the
 * detector's own check ({@link Diagnostics#deadlockCandidate}) is asked directly; sysmon may
 * also have asked it meanwhile, so the main goroutine must not have been told of a deadlock
 * either. A control case with a plain channel shows the check does find a real deadlock.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SaturatedTimerDeadlockTest {
    private static final Duration HUGE = Duration.ofSeconds(Long.MAX_VALUE);

    @Test
    void aMainGoroutineWaitingOnlyOnASaturatedAfterIsNotADeadlock() throws Exception {
        assertNoDeadlockWhileWaitingOn(() -> Time.after(HUGE));
    }

    @Test
    void aMainGoroutineWaitingOnlyOnATickerWhoseFirstTickSaturatedIsNotADeadlock() throws Exception {
        assertNoDeadlockWhileWaitingOn(() -> Ticker.newTicker(HUGE).c());
    }

    @Test
    void aMainGoroutineWaitingOnlyOnASaturatedSelectAfterIsNotADeadlock() throws Exception {
        assertNoDeadlockWhileWaitingOn(null);
    }

    @Test
    void controlAMainGoroutineWaitingOnAChannelAloneIsADeadlock() throws Exception {
        try (Setup s = new Setup(() -> Chan.make(), false)) {
            assertThat(s.sched.diagnostics.deadlockCandidate() != null || s.main.deadlockDump() != null)
                    .as("the detector finds the real deadlock").isTrue();
        }
    }

    /** {@code timer} null: the wait is a {@code Select.after(HUGE)} case. */
    private static void assertNoDeadlockWhileWaitingOn(Supplier<Chan<?>> timer) throws Exception {
        try (Setup s = new Setup(timer, true)) {
            assertThat(s.main.deadlockDump()).as("sysmon declared a deadlock").isNull();
            assertThat(s.sched.diagnostics.deadlockCandidate()).as("the detector's check").isNull();
            s.release.get().send(true);
            assertThat(s.sched.awaitMain(s.main)).isNull();
            assertThat(s.woken).isTrue();
        }
    }

    /**
     * A runtime of one P whose main goroutine makes a release channel and selects on it and on
     * {@code timer} (or on a {@code Select.after(HUGE)} case if null), parked with every P idle.
     */
    private static final class Setup implements AutoCloseable {
        final Sched sched;
        final G main;
        final AtomicReference<Chan<Boolean>> release = new AtomicReference<>();
        volatile boolean woken;

        Setup(Supplier<Chan<?>> timer, boolean withRelease) {
            SchedConfig d = SchedConfig.defaults("saturated-timer", (g, t) -> {});
            sched = new Sched(new SchedConfig(d.name(), 1, 64, d.uncaughtHandler(), d.clock(), d.timesliceNanos(),
                    true, false, d.model(), d.starvationBoostNanos()));
            CountDownLatch made = new CountDownLatch(1);
            main = sched.goMain(() -> {
                Chan<Boolean> r = Chan.make(); // made by the goroutine: only the runtime could send on it
                release.set(r);
                Select sel = new Select();
                if (withRelease) {
                    sel.recv(r, v -> woken = true);
                }
                if (timer != null) {
                    sel.recv(timer.get(), v -> {});
                } else {
                    sel.after(HUGE, () -> {});
                }
                made.countDown();
                sel.run();
            });
            try {
                made.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            dev.weft.Conditions.awaitTrue(() -> (main.status == GStatus.WAITING
                    && main.waitReason() == WaitReason.SELECT && sched.allProcsIdle() && !sched.anyQueuedWork())
                    || main.deadlockDump() != null);
        }

        @Override
        public void close() {
            sched.close();
        }
    }
}
