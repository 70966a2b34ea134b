package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.chan.Chan;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A goroutine that yields with nothing else queued (a lone yielder) stays on its processor
 * instead of going through the global queue (FifoQueues.requeue). Each test here has a yielder
 * spin on {@code Go.yield} until something that only the rest of the scheduler can deliver has
 * happened: a timer, a wake-up from a platform thread, a join's timeout, a goroutine started from
 * outside. On one processor (and under N_1 always) the yielder's carrier is the only one, so if a
 * yield that stays put skipped any of these, the loop would never end and the class timeout
 * fails the test. The yields are also still counted, and a runtime whose yielder stops is still
 * found deadlocked.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoneYielderTest {

    @ParameterizedTest
    @EnumSource(SchedulingPolicy.class)
    void aLoneYielderDoesNotStarveATimer(SchedulingPolicy policy) {
        try (Weft rt = Weft.builder().procs(1).policy(policy).build()) {
            AtomicBoolean woke = new AtomicBoolean();
            rt.run(() -> {
                Goroutine sleeper = Go.go(() -> {
                    Go.sleep(Duration.ofMillis(2));
                    woke.set(true);
                });
                while (!woke.get()) {
                    Go.yield(); // alone once the sleeper has parked: only its timer can end this
                }
                sleeper.join();
            });
            assertThat(woke).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(SchedulingPolicy.class)
    void aLoneYielderDoesNotStarveAGoroutineWokenByAPlatformThread(SchedulingPolicy policy) throws Exception {
        try (Weft rt = Weft.builder().procs(1).policy(policy).build()) {
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean ran = new AtomicBoolean();
            AtomicReference<Thread> waker = new AtomicReference<>();
            rt.run(() -> {
                Goroutine waiter = Go.go(() -> {
                    try {
                        release.await(); // a JDK wait: its wake-up comes from outside the runtime
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    ran.set(true);
                });
                Conditions.awaitTrue(() -> waiter.state() == Goroutine.State.WAITING);
                waker.set(Thread.ofPlatform().start(release::countDown));
                while (!ran.get()) {
                    Go.yield(); // the waiter is readied into the global queue, never polled if we stayed put for good
                }
                waiter.join();
            });
            waker.get().join();
            assertThat(ran).isTrue();
        }
    }

    @Test
    void aJoinWithATimeoutBesideALoneYielderTimesOut() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            CountDownLatch never = new CountDownLatch(1);
            AtomicReference<Boolean> joined = new AtomicReference<>();
            rt.run(() -> {
                Goroutine blocked = Go.go(() -> {
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                Goroutine joiner = Go.go(() -> {
                    try {
                        joined.set(blocked.join(Duration.ofMillis(5)));
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                while (joiner.state() != Goroutine.State.DEAD) {
                    Go.yield(); // the join's timeout is the JDK's timer: it readies the joiner from outside
                }
                never.countDown();
                blocked.join();
            });
            assertThat(joined.get()).isFalse();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void goroutinesStartedFromOutsideAllRunBesideLoneYielders(int procs) throws Exception {
        int arrivals = 2_000;
        try (Weft rt = Weft.builder().procs(procs).build()) {
            AtomicInteger ran = new AtomicInteger();
            AtomicInteger yieldersDone = new AtomicInteger();
            Goroutine[] yielders = new Goroutine[procs];
            for (int i = 0; i < procs; i++) {
                yielders[i] = rt.go(() -> {
                    while (ran.get() < arrivals) {
                        Go.yield();
                    }
                    yieldersDone.incrementAndGet();
                });
            }
            Thread spawner = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < arrivals; i++) {
                    rt.go(ran::incrementAndGet);
                }
            });
            spawner.join();
            for (Goroutine y : yielders) {
                y.join();
            }
            assertThat(ran.get()).isEqualTo(arrivals);
            assertThat(yieldersDone.get()).isEqualTo(procs);
        }
    }

    @Test
    void loneYieldsAreCountedAsYields() {
        int yields = 10_000;
        try (Weft rt = Weft.builder().procs(1).build()) {
            long before = rt.stats().switchesByReason().yields();
            rt.run(() -> {
                for (int i = 0; i < yields; i++) {
                    Go.yield();
                }
            });
            if (rt.model() != ThreadingModel.ONE_TO_ONE) { // there a yield is the kernel's, not counted
                assertThat(rt.stats().switchesByReason().yields() - before).isGreaterThanOrEqualTo(yields);
            }
        }
    }

    @Test
    void aMainThatYieldsAloneAndThenBlocksForGoodIsADeadlock() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            assertThatThrownBy(() -> rt.run(() -> {
                for (int i = 0; i < 10_000; i++) {
                    Go.yield();
                }
                Chan.make().recv(); // nobody sends: its P must go idle so sysmon can see it
            })).isInstanceOf(DeadlockException.class);
        }
    }
}
