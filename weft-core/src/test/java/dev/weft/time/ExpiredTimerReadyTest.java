package dev.weft.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Goroutine;
import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import dev.weft.internal.sched.G;
import dev.weft.internal.sched.Sched;
import dev.weft.internal.sched.SchedConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A timer whose positive delay has passed is ready at once when its channel is received from or
 * selected on, as in Go 1.23 (which runs an expired timer on the spot), not once a
 * heap or sysmon gets round to it. {@code Select.after(<= 0)} and non-positive timers were fixed
 * before (SelectAfterExpiredTest); this is a timer whose time came after it was armed.
 *
 * <p>Deterministic: the runtime runs on a fake clock that only the test moves, and its time
 * slice is an hour of that clock, so the goroutine is never asked to yield: between the clock's
 * move and the receive, nothing gives the goroutine's P a schedule in which to run its heap. (In
 * ONE_TO_ONE an idle P's carrier may run it meanwhile; the value must be there all the same.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExpiredTimerReadyTest {
    private static final long START = 1_000_000_000L;

    @Test
    void aTimerWhoseTimeHasComeIsReadyBeforeAnyHeapRunsIt() {
        AtomicLong now = new AtomicLong(START);
        boolean[] ready = new boolean[5];
        runOnFakeClock(now, 1, () -> {
            Chan<Instant> received = Time.after(Duration.ofSeconds(1));
            Chan<Instant> selected = Time.after(Duration.ofSeconds(1));
            Chan<Instant> measured = Time.after(Duration.ofSeconds(1));
            Timer stopped = Timer.newTimer(Duration.ofSeconds(1));
            Timer late = Timer.newTimer(Duration.ofSeconds(3));
            now.addAndGet(TimeUnit.SECONDS.toNanos(2)); // past all but the last due time
            ready[0] = received.tryRecv() != null;
            ready[1] = new Select().recv(selected, v -> {}).orElse(() -> {}).run() == 0;
            // Measuring shows nothing and runs nothing (Go 1.23: the channel presents as
            // unbuffered); the value is there for the receive that follows.
            ready[2] = measured.len() == 0 && measured.tryRecv() != null && measured.tryRecv() == null;
            ready[3] = stopped.stop() && stopped.c().tryRecv() == null; // Go 1.23: unreceived, so stopped
            ready[4] = late.c().tryRecv() == null; // not due yet
            late.stop();
        });
        assertThat(ready).as("received, selected, measured then received, stopped, not yet due").containsOnly(true);
    }

    @Test
    void everyDueValueArrivesExactlyOnceWhileHeapsRaceTheReceivers() {
        // Receivers take due firings (TimerHeap.takeIfDue) while idle Ps and sysmon run the same
        // heaps; each value must be there at the first look and never twice.
        AtomicLong now = new AtomicLong(START);
        int goroutines = 3;
        int rounds = dev.weft.Conditions.scaledForTheModel(20_000) / 10 + 100;
        AtomicInteger missing = new AtomicInteger();
        AtomicInteger doubled = new AtomicInteger();
        AtomicInteger wrongStops = new AtomicInteger();
        runOnFakeClock(now, 4, () -> {
            Chan<Boolean> done = Chan.make(goroutines);
            for (int g = 0; g < goroutines; g++) {
                dev.weft.Go.go(() -> {
                    for (int i = 0; i < rounds; i++) {
                        Timer t = Timer.newTimer(Duration.ofNanos(1_000));
                        now.addAndGet(2_000); // its time (and maybe others') has come
                        if (i % 4 == 0) {
                            dev.weft.Go.yield(); // let this P's heap fire it, sometimes
                        }
                        if (t.c().tryRecv() == null) {
                            missing.incrementAndGet();
                        }
                        if (t.c().tryRecv() != null) {
                            doubled.incrementAndGet();
                        }
                        if (t.stop()) {
                            wrongStops.incrementAndGet(); // received: stop must say so
                        }
                    }
                    done.send(true);
                });
            }
            for (int g = 0; g < goroutines; g++) {
                done.recv();
            }
        });
        assertThat(missing).as("due values not there at the first look").hasValue(0);
        assertThat(doubled).as("values delivered twice").hasValue(0);
        assertThat(wrongStops).as("stops of received timers that said true").hasValue(0);
    }

    @Test
    void aStopRacingTheReceiverThatRunsTheTimerLeavesExactlyOneOfThemWithTheValue() {
        // Go 1.23's rule, now that a receiver may run the timer itself: stop says true exactly
        // when nobody received the value, and once it returns nobody can. The receiver makes
        // each timer and moves the clock past it; even rounds: it looks before handing the timer
        // to the stopper (it must find the value, and stop then says false); odd rounds: it
        // looks while the stopper stops.
        AtomicLong now = new AtomicLong(START);
        int rounds = dev.weft.Conditions.scaledForTheModel(200_000) / 10 + 100;
        AtomicReference<Timer> slot = new AtomicReference<>();
        AtomicInteger stoppedRound = new AtomicInteger(-1);
        boolean[] received = new boolean[rounds];
        boolean[] stopped = new boolean[rounds];
        AtomicInteger stale = new AtomicInteger();
        runOnFakeClock(now, 4, () -> {
            Goroutine stopper = dev.weft.Go.go(() -> {
                for (int i = 0; i < rounds; i++) {
                    Timer t;
                    while ((t = slot.getAndSet(null)) == null) {
                        dev.weft.Go.yield();
                    }
                    stopped[i] = t.stop();
                    if (t.c().tryRecv() != null) {
                        stale.incrementAndGet();
                    }
                    stoppedRound.set(i);
                }
            });
            for (int i = 0; i < rounds; i++) {
                Timer t = Timer.newTimer(Duration.ofNanos(1_000));
                now.addAndGet(2_000); // due
                if ((i & 1) == 0) {
                    received[i] = t.c().tryRecv() != null;
                    slot.set(t);
                } else {
                    slot.set(t);
                    received[i] = t.c().tryRecv() != null;
                }
                while (stoppedRound.get() < i) {
                    dev.weft.Go.yield();
                }
                if (t.c().tryRecv() != null) {
                    stale.incrementAndGet();
                }
            }
            stopper.join();
        });
        int bothOrNeither = 0;
        int missedInOrder = 0;
        for (int i = 0; i < rounds; i++) {
            if (received[i] == stopped[i]) {
                bothOrNeither++;
            }
            if ((i & 1) == 0 && !received[i]) {
                missedInOrder++;
            }
        }
        assertThat(missedInOrder).as("due values not there when the receiver looked before the stop").isZero();
        assertThat(bothOrNeither).as("rounds where the value was received and stop said true, or neither").isZero();
        assertThat(stale).as("values received after stop returned").hasValue(0);
    }

    /** Runs {@code body} as a goroutine of a fresh runtime on {@code clock}, failing on its failures. */
    private static void runOnFakeClock(AtomicLong clock, int procs, Runnable body) {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        SchedConfig d = SchedConfig.defaults("fake-clock-timers", (g, t) -> failures.add(t));
        Sched s = new Sched(new SchedConfig(d.name(), procs, 64, d.uncaughtHandler(), clock::get,
                TimeUnit.HOURS.toNanos(1), d.detectDeadlocks(), false, d.model(), d.starvationBoostNanos()));
        try {
            G g = s.go(body, true);
            g.thread().join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        } finally {
            s.close();
        }
        Consumer<Throwable> none = t -> {
            throw new AssertionError("a goroutine failed", t);
        };
        failures.forEach(none);
    }
}
