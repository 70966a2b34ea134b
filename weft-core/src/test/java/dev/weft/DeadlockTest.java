package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.chan.Chan;
import dev.weft.sync.Mutex;
import dev.weft.sync.WaitGroup;
import dev.weft.time.Time;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** "all goroutines are asleep - deadlock!" and the goroutine dump. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeadlockTest {

    @Test
    void aMainGoroutineReceivingFromAChannelNobodySendsOnFailsWithTheDump() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            assertThatThrownBy(() -> rt.run(() -> {
                Chan<Integer> never = Chan.make();
                never.recv();
            })).isInstanceOf(DeadlockException.class)
                    .hasMessageStartingWith("all goroutines are asleep - deadlock!")
                    .hasMessageContaining("goroutine 1 [chan receive")
                    .hasMessageContaining("DeadlockTest");
        }
    }

    @Test
    void goroutinesWaitingOnEachOtherAreADeadlock() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            DeadlockException e = org.junit.jupiter.api.Assertions.assertThrows(DeadlockException.class,
                    () -> rt.run(() -> {
                        Mutex m = new Mutex();
                        WaitGroup wg = new WaitGroup();
                        m.lock();
                        wg.add(1);
                        Go.go(() -> {
                            m.lock(); // held by main, which waits for us
                            wg.done();
                        });
                        wg.await();
                    }));
            assertThat(e.dump()).contains("[sync.WaitGroup.Wait", "[sync.Mutex.Lock", "created by goroutine 1");
        }
    }

    @Test
    void aGoroutineWaitingOnATimerTwoSecondsAheadIsNotADeadlock() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            AtomicReference<Instant> fired = new AtomicReference<>();
            rt.run(() -> fired.set(Time.after(Duration.ofSeconds(2)).recv()));
            assertThat(fired.get()).isNotNull();
        }
    }

    @Test
    void aChannelAPlatformThreadMadeCanStillBeSentOnLater() throws Exception {
        try (Weft rt = Weft.builder().procs(1).build()) {
            Chan<String> fromOutside = Chan.make();
            Thread sender = Thread.ofPlatform().start(() -> {
                while (!rt.dump().contains("[chan receive")) {
                    Thread.onSpinWait(); // wait until main is parked on the channel
                }
                waitMoreThanTheConfirmation();
                fromOutside.send("hello");
            });
            AtomicReference<String> got = new AtomicReference<>();
            rt.run(() -> got.set(fromOutside.recv()));
            sender.join();
            assertThat(got.get()).isEqualTo("hello");
        }
    }

    /**
     * What Chan's and DeadlockException's javadoc say: a channel a goroutine made counts as one
     * only goroutines signal, so a main goroutine waiting for a platform thread's send on it is
     * reported while that thread's work is in flight; the report ends nothing, and the late send,
     * while the runtime is open, still reaches it.
     */
    @Test
    void aGoroutinesChannelThatOnlyAPlatformThreadSendsOnIsReportedYetTheLateSendArrives() throws Exception {
        try (Weft rt = Weft.builder().procs(1).build()) {
            AtomicReference<Chan<String>> made = new AtomicReference<>();
            CountDownLatch reported = new CountDownLatch(1);
            CountDownLatch received = new CountDownLatch(1);
            AtomicReference<String> got = new AtomicReference<>();
            Thread callback = Thread.ofPlatform().start(() -> {
                try {
                    reported.await(); // the work in flight: it ends only after the report
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                while (made.get() == null) {
                    Thread.onSpinWait();
                }
                made.get().send("late");
            });
            assertThatThrownBy(() -> rt.run(() -> {
                Chan<String> c = Chan.make();
                made.set(c);
                got.set(c.recv());
                received.countDown();
            })).isInstanceOf(DeadlockException.class);
            reported.countDown();
            callback.join();
            assertThat(received.await(30, TimeUnit.SECONDS)).as("the late send woke the reported goroutine").isTrue();
            assertThat(got.get()).isEqualTo("late");
        }
    }

    /** Lets sysmon look twice at the parked runtime: it must still not call it a deadlock. */
    private static void waitMoreThanTheConfirmation() {
        CountDownLatch never = new CountDownLatch(1);
        try {
            assertThat(never.await(60, TimeUnit.MILLISECONDS)).isFalse();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void closeReturnsAfterADeadlock() {
        Weft rt = Weft.builder().procs(1).build();
        assertThatThrownBy(() -> rt.run(() -> Chan.make().recv())).isInstanceOf(DeadlockException.class);
        rt.close(); // does not wait for the goroutine that can never run
    }

    @Test
    void theDumpShowsEveryGoroutineWithItsStateStackAndCreator() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            Chan<Integer> release = Chan.make(); // made here: a platform thread will send on it
            AtomicReference<Goroutine> child = new AtomicReference<>();
            Goroutine parent = rt.go(() -> {
                child.set(Go.go(release::recv));
                child.get().join();
            });
            String dump = rt.dump();
            while (!dump.contains("[chan receive") || !dump.contains("[goroutine join")) {
                Thread.onSpinWait(); // both are about to park; the class timeout bounds this
                dump = rt.dump();
            }
            release.send(1);
            parent.join();
            assertThat(dump).contains("goroutine " + parent.id() + " [goroutine join");
            assertThat(dump).contains("goroutine " + child.get().id() + " [chan receive");
            assertThat(dump).contains("dev.weft.chan.Chan.");
            assertThat(dump).contains("created by goroutine " + parent.id());
        }
    }
}
