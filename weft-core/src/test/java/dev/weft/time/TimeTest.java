package dev.weft.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Timers on the per-P heaps: sleep, Timer, Ticker, after and Select.after. Durations are only
 * checked from below (a timer never fires early); nothing asserts how late one may be.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimeTest {

    @ParameterizedTest(name = "procs {0}")
    @ValueSource(ints = {1, 2})
    void sleepParksTheGoroutineForAtLeastTheDuration(int procs) {
        try (Weft rt = Weft.builder().procs(procs).build()) {
            AtomicInteger others = new AtomicInteger();
            rt.run(() -> {
                Goroutine busy = Go.go(() -> {
                    for (int i = 0; i < 1000; i++) {
                        others.incrementAndGet();
                        Go.yield();
                    }
                });
                long t0 = System.nanoTime();
                Go.sleep(Duration.ofMillis(20));
                assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(20_000_000L);
                busy.join();
                Go.sleep(Duration.ZERO);
                Go.sleep(Duration.ofSeconds(-1));
            });
            assertThat(others.get()).isEqualTo(1000); // the carrier ran others meanwhile
            assertThat(rt.stats().timers()).isZero();
        }
    }

    @Test
    void aHundredThousandSleepersAllWakeUp() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            int n = dev.weft.Conditions.scaledForTheModel(100_000);
            AtomicInteger woke = new AtomicInteger();
            long t0 = System.nanoTime();
            rt.run(() -> {
                Goroutine[] gs = new Goroutine[n];
                for (int i = 0; i < n; i++) {
                    gs[i] = Go.go(() -> {
                        Go.sleep(Duration.ofMillis(10));
                        woke.incrementAndGet();
                    });
                }
                for (Goroutine g : gs) {
                    g.join();
                }
            });
            System.out.printf("100,000 sleepers x 10 ms: %.0f ms%n", (System.nanoTime() - t0) / 1e6);
            assertThat(woke.get()).isEqualTo(n);
            assertThat(rt.stats().timers()).isZero();
        }
    }

    @Test
    void timersFireInDueOrder() {
        // One P: its M runs its heap in due order. (With several Ps, timers due close together
        // may fire concurrently from different carriers, as in Go.)
        try (Weft rt = Weft.builder().procs(1).build()) {
            int slots = 10;
            Duration delta = Duration.ofMillis(20);
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < slots; i++) {
                order.add(i);
            }
            Collections.shuffle(order);
            rt.run(() -> {
                Timer.newTimer(Duration.ofHours(1)).stop(); // load the classes before timing anything
                List<Timer> timers = new ArrayList<>(Collections.nCopies(slots, (Timer) null));
                long base = System.nanoTime();
                for (int slot : order) {
                    // Due at base + slot x delta, however long arming the earlier ones took.
                    long due = slot * delta.toNanos() - (System.nanoTime() - base);
                    timers.set(slot, Timer.newTimer(Duration.ofNanos(Math.max(0, due))));
                }
                // Each timer stamps the time it fired: the stamps must follow the due times.
                Instant previous = Instant.MIN;
                for (int slot = 0; slot < slots; slot++) {
                    Instant fired = timers.get(slot).c().recv();
                    assertThat(fired).as("timer %d", slot).isAfterOrEqualTo(previous);
                    previous = fired;
                }
            });
            assertThat(rt.stats().timers()).isZero();
        }
    }

    @Test
    void stopBeforeFiringReportsPendingAndNothingArrives() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                Timer t = Timer.newTimer(Duration.ofMillis(20));
                assertThat(t.stop()).isTrue();
                assertThat(t.stop()).isFalse();
                Go.sleep(Duration.ofMillis(40));
                assertThat(t.c().tryRecv()).isNull();
                assertThat(rt.stats().timers()).isZero();
            });
        }
    }

    @Test
    void stopAndResetDrainAValueThatAlreadyArrived() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                Timer t = Timer.newTimer(Duration.ofMillis(1));
                Go.sleep(Duration.ofMillis(10)); // due, not received (sent or not: len says 0, as Go 1.23's)
                assertThat(t.stop()).isTrue();          // Go 1.23: not received, so stopped (and drained)
                assertThat(t.c().tryRecv()).isNull();   // Go 1.23: no stale value after Stop
                long t0 = System.nanoTime();
                assertThat(t.reset(Duration.ofMillis(15))).isFalse();
                Instant at = t.c().recv();
                assertThat(at).isNotNull();
                assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(15_000_000L);
            });
        }
    }

    @Test
    void concurrentStopAndResetNeverDeliverAStaleValue() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            rt.run(() -> {
                Timer t = Timer.newTimer(Duration.ofNanos(1));
                Goroutine[] gs = new Goroutine[8];
                for (int k = 0; k < gs.length; k++) {
                    int me = k;
                    gs[k] = Go.go(() -> {
                        for (int i = 0; i < 500; i++) {
                            if ((i + me) % 2 == 0) {
                                t.stop();
                            } else {
                                t.reset(Duration.ofNanos(i % 3));
                            }
                        }
                    });
                }
                for (Goroutine g : gs) {
                    g.join();
                }
                t.stop();
                assertThat(t.c().tryRecv()).isNull();
                Go.sleep(Duration.ofMillis(5));
                assertThat(t.c().tryRecv()).isNull();   // nothing armed, nothing in flight
            });
            assertThat(rt.stats().timers()).isZero();
        }
    }

    @Test
    void aTickerStoppedWhileItFiresLeavesNoTimerBehind() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            rt.run(() -> {
                for (int i = 0; i < 200; i++) {
                    Ticker t = Ticker.newTicker(Duration.ofNanos(1_000)); // re-armed constantly
                    Go.yield();
                    t.stop();
                }
            });
            assertThat(rt.stats().timers()).isZero();
        }
    }

    @Test
    void aTickerTicksWithoutDriftAndStops() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            rt.run(() -> {
                Duration period = Duration.ofMillis(5);
                Ticker ticker = Ticker.newTicker(period);
                long t0 = System.nanoTime();
                for (int i = 0; i < 10; i++) {
                    assertThat(ticker.c().recv()).isNotNull();
                }
                // Tick k is due at start + k periods: ten ticks take at least ten periods.
                assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(9 * period.toNanos());
                ticker.stop();
                ticker.c().tryRecv();
                Go.sleep(period.multipliedBy(4));
                assertThat(ticker.c().tryRecv()).isNull();
                assertThatThrownBy(() -> Ticker.newTicker(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("non-positive interval");
                assertThat(Time.tick(Duration.ZERO)).isNull();
                assertThatThrownBy(() -> Time.tick(null)).isInstanceOf(NullPointerException.class)
                        .hasMessageContaining("period");
            });
            assertThat(rt.stats().timers()).isZero();
        }
    }

    @Test
    void afterFunctionsRunInTheirOwnGoroutine() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            AtomicReference<Goroutine> ranIn = new AtomicReference<>();
            rt.run(() -> {
                Chan<Boolean> done = Chan.make();
                Timer.afterFunc(Duration.ofMillis(1), () -> {
                    ranIn.set(Go.current());
                    done.send(true);
                });
                assertThat(done.recv()).isTrue();
                assertThat(ranIn.get()).isNotNull().isNotEqualTo(Go.current());
            });
        }
    }

    @Test
    void selectAfterFiresOnlyWhenNothingElseIsReady() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                Chan<Integer> never = Chan.make();
                Chan<Integer> ready = Chan.make(1);
                AtomicInteger timeouts = new AtomicInteger();
                AtomicInteger values = new AtomicInteger();
                Select sel = new Select()
                        .recv(never, v -> values.incrementAndGet())
                        .after(Duration.ofMillis(2), timeouts::incrementAndGet);
                long t0 = System.nanoTime();
                assertThat(sel.run()).isEqualTo(1);
                assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(2_000_000L);
                for (int i = 0; i < 1000; i++) {
                    ready.send(i);
                    new Select().recv(ready, v -> values.incrementAndGet())
                            .after(Duration.ofSeconds(10), timeouts::incrementAndGet).run();
                }
                assertThat(timeouts.get()).isEqualTo(1);
                assertThat(values.get()).isEqualTo(1000);
                assertThat(rt.stats().timers()).isZero(); // every select stopped its timer
            });
        }
    }

    @Test
    void timeAfterWorksFromAPlatformThreadOnTheDefaultRuntime() {
        Instant at = Time.after(Duration.ofMillis(1)).recv();
        assertThat(at).isNotNull();
    }
}
