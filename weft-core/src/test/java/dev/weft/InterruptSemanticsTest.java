package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import dev.weft.sync.Cond;
import dev.weft.sync.Mutex;
import dev.weft.sync.Semaphore;
import dev.weft.sync.WaitGroup;
import dev.weft.time.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@code Thread.interrupt()} does to a goroutine in each of weft's waits. The decision (as
 * Go, which has no interrupts; cancellation is a {@code Context}'s job): no weft wait is
 * interruptible. An interrupt neither ends the wait nor makes it spin; the wait ends only as it
 * would have without the interrupt, with its value, and the interrupt status is set again when it
 * returns so that the next JDK wait sees it. Each test parks a goroutine in one wait, interrupts it
 * repeatedly while it is parked, checks that it is still waiting, then completes the wait and
 * checks the value and the interrupt status. The stress tests check that interrupts racing with
 * hand-offs never lose or duplicate a value.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InterruptSemanticsTest {
    private Weft rt;

    @BeforeEach
    void start() {
        rt = Weft.builder().procs(2).name("interrupts").build();
    }

    @AfterEach
    void stop() {
        rt.close();
    }

    /**
     * Starts {@code wait} in a goroutine, interrupts it three times while it is parked, checks it
     * is still parked, runs {@code complete}, and returns what the wait returned; also checks that
     * the goroutine's interrupt status was set when its wait returned.
     */
    private <T> T interruptThenComplete(Supplier<T> wait, Runnable complete) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        Goroutine g = rt.go(() -> {
            result.set(wait.get());
            interruptedAfter.set(Thread.interrupted());
        });
        for (int i = 0; i < 3; i++) {
            Conditions.awaitTrue(() -> g.state() == Goroutine.State.WAITING);
            g.thread().interrupt();
            // The interrupt unparks the thread; the wait loop sees its condition unmet and parks again.
            Conditions.awaitTrue(() -> g.state() == Goroutine.State.WAITING);
        }
        assertThat(result.get()).as("the wait ended before it was completed").isNull();
        complete.run();
        g.join();
        assertThat(interruptedAfter.get()).as("interrupt status restored when the wait returns").isTrue();
        return result.get();
    }

    @Test
    void channelReceiveIsNotEndedByAnInterrupt() {
        Chan<String> ch = Chan.make();
        String got = interruptThenComplete(ch::recv, () -> rt.go(() -> ch.send("v")));
        assertThat(got).isEqualTo("v");
    }

    @Test
    void channelSendIsNotEndedByAnInterrupt() {
        Chan<String> ch = Chan.make();
        AtomicReference<String> received = new AtomicReference<>();
        String got = interruptThenComplete(() -> {
            ch.send("v");
            return "sent";
        }, () -> received.set(ch.recv()));
        assertThat(got).isEqualTo("sent");
        assertThat(received.get()).isEqualTo("v");
    }

    @Test
    void selectIsNotEndedByAnInterrupt() {
        Chan<String> a = Chan.make();
        Chan<String> b = Chan.make();
        String got = interruptThenComplete(() -> {
            AtomicReference<String> r = new AtomicReference<>();
            new Select().recv(a, v -> r.set("a:" + v)).recv(b, v -> r.set("b:" + v)).run();
            return r.get();
        }, () -> b.send("v"));
        assertThat(got).isEqualTo("b:v");
    }

    @Test
    void mutexLockIsNotEndedByAnInterrupt() {
        Mutex m = new Mutex();
        m.lock();
        String got = interruptThenComplete(() -> {
            m.lock();
            m.unlock();
            return "locked";
        }, m::unlock);
        assertThat(got).isEqualTo("locked");
    }

    @Test
    void waitGroupWaitIsNotEndedByAnInterrupt() {
        WaitGroup wg = new WaitGroup();
        wg.add(1);
        String got = interruptThenComplete(() -> {
            wg.await();
            return "done";
        }, wg::done);
        assertThat(got).isEqualTo("done");
    }

    @Test
    void condWaitIsNotEndedByAnInterrupt() {
        Mutex m = new Mutex();
        Cond c = new Cond(m);
        boolean[] ready = new boolean[1];
        String got = interruptThenComplete(() -> {
            m.lock();
            try {
                while (!ready[0]) {
                    c.await();
                }
                return "signalled";
            } finally {
                m.unlock();
            }
        }, () -> {
            m.lock();
            ready[0] = true;
            c.signal();
            m.unlock();
        });
        assertThat(got).isEqualTo("signalled");
    }

    @Test
    void semaphoreAcquireIsNotEndedByAnInterrupt() {
        Semaphore s = new Semaphore(1);
        s.acquire(1);
        String got = interruptThenComplete(() -> {
            s.acquire(1);
            return "acquired";
        }, () -> s.release(1));
        assertThat(got).isEqualTo("acquired");
    }

    @Test
    void timerChannelIsNotEndedByAnInterrupt() {
        Timer t = Timer.newTimer(Duration.ofDays(1));
        Chan<String> stop = Chan.make();
        // The timer will not fire; a second case lets the test end the wait deterministically.
        String got = interruptThenComplete(() -> {
            AtomicReference<String> r = new AtomicReference<>();
            new Select().recv(t.c(), v -> r.set("fired")).recv(stop, v -> r.set(v)).run();
            return r.get();
        }, () -> stop.send("stopped"));
        assertThat(got).isEqualTo("stopped");
        assertThat(t.stop()).as("the timer was still pending").isTrue();
    }

    @Test
    void sleepLastsItsWholeDurationDespiteInterrupts() {
        Duration d = Duration.ofMillis(200);
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        long[] elapsed = new long[1];
        Goroutine g = rt.go(() -> {
            long start = System.nanoTime();
            Go.sleep(d);
            elapsed[0] = System.nanoTime() - start;
            interruptedAfter.set(Thread.interrupted());
        });
        Conditions.awaitTrue(() -> g.state() == Goroutine.State.WAITING || g.state() == Goroutine.State.DEAD);
        g.thread().interrupt();
        g.join();
        // A lower bound only: an interrupt that ended the sleep early would fail this.
        assertThat(elapsed[0]).isGreaterThanOrEqualTo(d.toNanos());
        assertThat(interruptedAfter.get()).isTrue();
    }

    @Test
    void timerReceiveIsNotEndedByAnInterrupt() {
        Timer t = Timer.newTimer(Duration.ofDays(1));
        java.time.Instant got = interruptThenComplete(t.c()::recv, () -> t.reset(Duration.ofMillis(1)));
        assertThat(got).isNotNull();
    }

    /** Interrupts racing with every hand-off of an unbuffered channel: each value arrives once, in order. */
    @Test
    void interruptsRacingWithHandOffsNeitherLoseNorDuplicateValues() {
        int n = Conditions.scaledForTheModel(20_000);
        Chan<Integer> ch = Chan.make();
        List<Integer> received = new ArrayList<>(n);
        AtomicBoolean done = new AtomicBoolean();
        Goroutine receiver = rt.go(() -> {
            for (int i = 0; i < n; i++) {
                received.add(ch.recv());
            }
            Thread.interrupted();
        });
        Goroutine interrupter = rt.go(() -> {
            while (!done.get()) {
                receiver.thread().interrupt();
                Go.yield();
            }
        });
        rt.run(() -> {
            for (int i = 0; i < n; i++) {
                ch.send(i);
            }
        });
        receiver.join();
        done.set(true);
        interrupter.join();
        assertThat(received).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(received.get(i)).isEqualTo(i);
        }
    }

    /** The same race through a select whose two cases compete: each value is taken by exactly one case. */
    @Test
    void interruptsRacingWithSelectNeitherLoseNorDuplicateValues() {
        int n = Conditions.scaledForTheModel(10_000);
        Chan<Integer> a = Chan.make();
        Chan<Integer> b = Chan.make();
        long[] sum = new long[1];
        int[] count = new int[1];
        AtomicBoolean done = new AtomicBoolean();
        Goroutine receiver = rt.go(() -> {
            for (int i = 0; i < 2 * n; i++) {
                new Select().recv(a, v -> { sum[0] += v; count[0]++; })
                        .recv(b, v -> { sum[0] += v; count[0]++; }).run();
            }
            Thread.interrupted();
        });
        Goroutine interrupter = rt.go(() -> {
            while (!done.get()) {
                receiver.thread().interrupt();
                Go.yield();
            }
        });
        Goroutine senderB = rt.go(() -> {
            for (int i = 0; i < n; i++) {
                b.send(n + i);
            }
        });
        rt.run(() -> {
            for (int i = 0; i < n; i++) {
                a.send(i);
            }
        });
        senderB.join();
        receiver.join();
        done.set(true);
        interrupter.join();
        long m = 2L * n;
        assertThat(count[0]).isEqualTo(2 * n);
        assertThat(sum[0]).isEqualTo(m * (m - 1) / 2);
    }
}
