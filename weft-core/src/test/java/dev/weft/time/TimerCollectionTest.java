package dev.weft.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Conditions;
import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Go 1.23 collects a channel timer nobody references any more. weft used to keep every
 * {@code Time.after} armed in its heap until due, with its channel: a select loop making one an
 * hour long each round kept an entry per round for an hour. Now the heap reaches the timer only
 * weakly and a cleaner takes a collected timer's entry out, so the runtime's pending count
 * ({@code stats().timers()}) drops once a GC has noticed. Held timers, held channels, tickers and
 * AfterFuncs stay armed.
 *
 * <p>GC is not on command: each wait below runs GCs until the condition holds, with a 30 s limit
 * as a safety net (the old code never gets there).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TimerCollectionTest {
    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void anUnreferencedAfterChannelIsCollectedAndItsTimerLeavesTheHeap() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                WeakReference<Chan<Instant>> dropped = afterAndDrop(HOUR);
                assertThat(rt.stats().timers()).as("armed").isEqualTo(1);
                gcUntil("the channel collected and its timer out of the heap",
                        () -> dropped.get() == null && rt.stats().timers() == 0);
            });
        }
    }

    @Test
    void aSelectLoopMakingAnHourLongAfterEachRoundDoesNotPileUpTimers() {
        int rounds = 100_000;
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                Chan<Integer> ready = Chan.make(1);
                int[] wins = new int[2];
                for (int i = 0; i < rounds; i++) {
                    ready.trySend(i);
                    wins[new Select().recv(ready, v -> {}).recv(Time.after(HOUR), v -> {}).run()]++;
                }
                assertThat(wins).as("the ready channel won every round").containsExactly(rounds, 0);
                gcUntil("the loop's " + rounds + " timers out of the heap", () -> rt.stats().timers() == 0);
            });
        }
    }

    @Test
    void heldTimersChannelsAndTickersStayArmedAcrossTheGcsThatCollectADroppedOne() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                Timer held = Timer.newTimer(HOUR);
                Chan<Instant> heldChan = Time.after(HOUR); // only the channel is held
                Ticker ticker = Ticker.newTicker(HOUR);
                Chan<Instant> tick = Time.tick(HOUR);
                WeakReference<Chan<Instant>> dropped = afterAndDrop(HOUR);
                assertThat(rt.stats().timers()).isEqualTo(5);
                gcUntil("the dropped timer collected", () -> dropped.get() == null && rt.stats().timers() == 4);
                for (int i = 0; i < 3; i++) {
                    System.gc();
                }
                assertThat(rt.stats().timers()).as("the held four, still armed").isEqualTo(4);
                assertThat(heldChan.len()).isZero();
                assertThat(tick.tryRecv()).isNull();

                // The held Timer works as ever, Go 1.23's stop and reset rules included.
                assertThat(held.stop()).as("stop of a pending timer").isTrue();
                assertThat(held.reset(Duration.ofMillis(1))).as("reset of a stopped one").isFalse();
                assertThat(held.c().recv()).isNotNull();
                assertThat(held.reset(HOUR)).as("fired and received").isFalse();
                assertThat(held.c().tryRecv()).as("no stale value after reset").isNull();
                assertThat(held.stop()).isTrue();
                ticker.reset(Duration.ofMillis(1));
                assertThat(ticker.c().recv()).isNotNull();
                assertThat(ticker.c().recv()).isNotNull();
                ticker.stop();
                assertThat(rt.stats().timers()).as("the held channel and the tick, still armed").isEqualTo(2);
                Reference.reachabilityFence(heldChan);
                Reference.reachabilityFence(tick);
            });
        }
    }

    @Test
    void aChannelThatOnlyAWaitingGoroutineHoldsStaysArmed() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                Chan<Boolean> quit = Chan.make();
                AtomicInteger chosen = new AtomicInteger(-1);
                Goroutine selecting = Go.go(() ->
                        chosen.set(new Select().recv(Time.after(HOUR), v -> {}).recv(quit, v -> {}).run()));
                Conditions.awaitTrue(() -> selecting.state() == Goroutine.State.WAITING);
                WeakReference<Chan<Instant>> dropped = afterAndDrop(HOUR);
                gcUntil("the dropped timer collected", () -> dropped.get() == null && rt.stats().timers() == 1);
                for (int i = 0; i < 3; i++) {
                    System.gc();
                }
                assertThat(rt.stats().timers()).as("the waiting select's timer, still armed").isEqualTo(1);
                quit.send(true);
                selecting.join();
                assertThat(chosen).hasValue(1);

                AtomicReference<Instant> got = new AtomicReference<>();
                Goroutine receiving = Go.go(() -> got.set(Time.after(Duration.ofMillis(200)).recv()));
                Conditions.awaitTrue(() -> receiving.state() == Goroutine.State.WAITING);
                for (int i = 0; i < 3; i++) {
                    System.gc(); // the channel is held by the receiver's stack alone
                }
                receiving.join(); // hangs (the test's timeout) if its timer was collected
                assertThat(got.get()).as("the waiting receiver's value").isNotNull();
            });
        }
    }

    @Test
    void anUnreferencedAfterFuncStaysArmed() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                dropAfterFunc(HOUR, () -> {});
                WeakReference<Chan<Instant>> dropped = afterAndDrop(HOUR);
                gcUntil("the dropped channel timer collected", () -> dropped.get() == null && rt.stats().timers() == 1);
                for (int i = 0; i < 3; i++) {
                    System.gc();
                }
                assertThat(rt.stats().timers()).as("the AfterFunc, still armed (as in Go)").isEqualTo(1);
            });
        }
    }

    /** Made in a frame of its own, so that no local of the test keeps the channel. */
    private static WeakReference<Chan<Instant>> afterAndDrop(Duration d) {
        return new WeakReference<>(Time.after(d));
    }

    private static void dropAfterFunc(Duration d, Runnable f) {
        Timer.afterFunc(d, f);
    }

    /** Runs GCs until {@code done} holds (a cleaner thread does the removal after the GC). */
    static void gcUntil(String what, BooleanSupplier done) {
        long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // a safety net, not a wait
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() - limit).as("still not done after 30 s of GCs: %s", what).isNegative();
            System.gc();
            Thread.yield();
        }
    }
}
