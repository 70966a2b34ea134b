package dev.weft.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Go;
import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import dev.weft.context.Context;
import dev.weft.sync.Cond;
import dev.weft.sync.Mutex;
import dev.weft.sync.RWMutex;
import dev.weft.sync.Semaphore;
import dev.weft.sync.WaitGroup;
import dev.weft.time.Ticker;
import dev.weft.time.Time;
import dev.weft.time.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviours Go 1.25's own synctest tests check (src/internal/synctest/synctest_test.go,
 * read from github.com/golang/go), ported to weft; each test names the Go test it ports.
 * Go's failures are panics; weft's are exceptions from Synctest.run with Go's wording.
 */
@Timeout(60) // a safety net: a bubble that hangs fails here instead of stalling the build
class SynctestTest {
    private static final Instant START = Instant.parse("2000-01-01T00:00:00Z");

    // TestNow: time starts at 2000-01-01, new goroutines see the same clock, a sleep advances it.
    @Test
    void now() {
        List<Instant> seen = new ArrayList<>();
        Synctest.run(() -> {
            seen.add(Time.now());
            Go.go(() -> seen.add(Time.now()));
            Go.sleep(Duration.ofSeconds(1));
            seen.add(Time.now());
        });
        assertThat(seen).containsExactly(START, START, START.plusSeconds(1));
    }

    // Outside any bubble Time.now is the real clock.
    @Test
    void nowOutsideABubbleIsTheRealClock() {
        Instant before = Instant.now();
        Instant t = Time.now();
        assertThat(t).isBetween(before, Instant.now());
    }

    // TestRunEmpty, TestSimpleWait, TestGoroutineWait.
    @Test
    void emptyRunsAndWaits() {
        Synctest.run(() -> {});
        Synctest.run(Synctest::await);
        AtomicBoolean ran = new AtomicBoolean();
        Synctest.run(() -> {
            Go.go(() -> ran.set(true));
            Synctest.await();
            assertThat(ran).isTrue(); // await returned after the goroutine ended
        });
    }

    // TestWait: await waits for a chain of 100 goroutines handing a count down a channel.
    @Test
    void awaitWaitsForEveryGoroutine() {
        Synctest.run(() -> {
            AtomicBoolean done = new AtomicBoolean();
            Chan<Integer> ch = Chan.make();
            Runnable[] f = new Runnable[1];
            f[0] = () -> {
                int count = ch.recv();
                if (count == 0) {
                    done.set(true);
                } else {
                    Go.go(f[0]);
                    ch.send(count - 1);
                }
            };
            Go.go(f[0]);
            ch.send(100);
            Synctest.await();
            assertThat(done).isTrue();
        });
    }

    // TestHappensBefore (first half): await returns after goroutines exit, then after they block.
    @Test
    void awaitReturnsOnceOthersBlock() {
        Synctest.run(() -> {
            AtomicInteger v = new AtomicInteger();
            Chan<Object> ch = Chan.make();
            Go.go(() -> { v.incrementAndGet(); ch.recv(); });
            Go.go(() -> { v.incrementAndGet(); ch.recv(); });
            Synctest.await();
            assertThat(v.get()).isEqualTo(2);
            assertThat(Time.now()).isEqualTo(START); // await never moves the clock
            ch.close();
        });
    }

    // TestTimerReadBeforeDeadline.
    @Test
    void timerReadBeforeDeadline() {
        Synctest.run(() -> {
            Instant start = Time.now();
            Timer tm = Timer.newTimer(Duration.ofSeconds(5));
            tm.c().recv();
            assertThat(Duration.between(start, Time.now())).isEqualTo(Duration.ofSeconds(5));
        });
    }

    // TestTimerReadAfterDeadline: the value sent is the time the timer fired.
    @Test
    void timerReadAfterDeadline() {
        Synctest.run(() -> {
            Instant want = Time.now().plusSeconds(1);
            Timer tm = Timer.newTimer(Duration.ofSeconds(1));
            Go.sleep(Duration.ofSeconds(2));
            assertThat(tm.c().recv()).isEqualTo(want);
        });
    }

    // TestTimerRanInPast: a timer that fired during a sleep is readable without waiting.
    @Test
    void timerRanInPast() {
        Synctest.run(() -> {
            Instant want = Time.now().plusSeconds(1);
            Timer tm = Timer.newTimer(Duration.ofSeconds(1));
            Go.sleep(Duration.ofSeconds(2));
            AtomicReference<Instant> got = new AtomicReference<>();
            int fired = new Select().recv(tm.c(), got::set).orElse(() -> {}).run();
            assertThat(fired).isZero();
            assertThat(got.get()).isEqualTo(want);
        });
    }

    // TestTimerReset.
    @Test
    void timerReset() {
        Synctest.run(() -> {
            Instant start = Time.now();
            Timer tm = Timer.newTimer(Duration.ofSeconds(1));
            assertThat(tm.c().recv()).isEqualTo(start.plusSeconds(1));
            tm.reset(Duration.ofSeconds(2));
            assertThat(tm.c().recv()).isEqualTo(start.plusSeconds(1 + 2));
            tm.reset(Duration.ofSeconds(3));
            Go.sleep(Duration.ofSeconds(1));
            tm.reset(Duration.ofSeconds(3));
            assertThat(tm.c().recv()).isEqualTo(start.plusSeconds(1 + 2 + 4));
        });
    }

    // TestTimeAfter: membership propagates through AfterFunc to the goroutines it starts.
    @Test
    void afterFuncGoroutinesBelongToTheBubble() {
        Synctest.run(() -> {
            AtomicInteger i = new AtomicInteger();
            Timer.afterFunc(Duration.ofSeconds(1), () -> {
                i.incrementAndGet();
                Go.go(() -> {
                    Go.sleep(Duration.ofSeconds(1));
                    i.incrementAndGet();
                });
            });
            Go.sleep(Duration.ofSeconds(3));
            Synctest.await();
            assertThat(i.get()).isEqualTo(2);
        });
    }

    // TestTimerAfterBubbleExit: a pending timer does not keep the bubble alive, and never runs.
    @Test
    void timerAfterBubbleExitNeverRuns() {
        AtomicBoolean run = new AtomicBoolean();
        Synctest.run(() -> Timer.afterFunc(Duration.ofSeconds(1), () -> run.set(true)));
        assertThat(run).isFalse();
    }

    // TestTimerFromOutsideBubble: a timer made outside fires in real time; the bubble waits for it.
    @Test
    void timerFromOutsideBubble() {
        Timer tm = Timer.newTimer(Duration.ofMillis(10));
        Synctest.run(() -> tm.c().recv());
        assertThat(tm.stop()).as("run returned before the outside timer fired").isFalse();
    }

    // TestSleepNondeterminism: goroutines sleeping to the same instant wake in either order.
    @Test
    void sleepersOfTheSameInstantRunInEitherOrder() {
        Synctest.run(() -> {
            boolean seen1 = false, seen2 = false;
            for (int i = 0; i < 1000 && !(seen1 && seen2); i++) {
                AtomicInteger first = new AtomicInteger();
                Go.go(() -> { Go.sleep(Duration.ofNanos(1)); first.compareAndSet(0, 1); });
                Go.go(() -> { Go.sleep(Duration.ofNanos(1)); first.compareAndSet(0, 2); });
                Go.sleep(Duration.ofNanos(1));
                Synctest.await();
                switch (first.get()) {
                    case 1 -> seen1 = true;
                    case 2 -> seen2 = true;
                    default -> throw new AssertionError("first = " + first.get() + ", want 1 or 2");
                }
            }
            assertThat(seen1 && seen2).as("both orders seen").isTrue();
        });
    }

    // TestAfterFuncRunsImmediately: a 0-duration AfterFunc runs without the bubble blocking.
    @Test
    void zeroAfterFuncRunsWhileOthersSpin() {
        Synctest.run(() -> {
            AtomicBoolean b = new AtomicBoolean();
            Timer.afterFunc(Duration.ZERO, () -> b.set(true));
            while (!b.get()) {
                Go.yield();
            }
        });
    }

    // TestChannelFromOutsideBubble: waits on channels made outside are not durable; the bubble
    // waits for the outside to act instead of declaring a deadlock.
    @Test
    void channelFromOutsideBubble() {
        Chan<Integer> closeMe = Chan.make();
        Timer.afterFunc(Duration.ofMillis(1), closeMe::close);
        Synctest.run(() -> assertThat(closeMe.recv()).isNull()); // "read closed"

        Chan<Integer> sendMe = Chan.make();
        Timer.afterFunc(Duration.ofMillis(1), () -> sendMe.send(0));
        Synctest.run(() -> assertThat(sendMe.recv()).isZero()); // "read value"

        Chan<Integer> recvMe = Chan.make();
        Timer.afterFunc(Duration.ofMillis(1), recvMe::recv);
        Synctest.run(() -> recvMe.send(0)); // "write value"

        Chan<Integer> outside = Chan.make();
        Timer.afterFunc(Duration.ofMillis(1), outside::close);
        Synctest.run(() -> { // "select mixed"
            Chan<Integer> inside = Chan.make();
            int fired = new Select().recv(outside, v -> {}).recv(inside, v -> {}).run();
            assertThat(fired).isZero();
        });
    }

    // TestChannelMovedOutOfBubble ("outside_bubble"): a bubble's channel used from outside.
    @Test
    void channelMovedOutOfBubble() {
        AtomicReference<Chan<Integer>> leaked = new AtomicReference<>();
        Synctest.run(() -> leaked.set(Chan.make(1)));
        Chan<Integer> ch = leaked.get();
        assertThatThrownBy(ch::recv).hasMessageContaining("receive on synctest channel from outside bubble");
        assertThatThrownBy(() -> ch.send(1)).hasMessageContaining("send on synctest channel from outside bubble");
        assertThatThrownBy(ch::close).hasMessageContaining("close of synctest channel from outside bubble");
        assertThatThrownBy(() -> new Select().recv(ch, v -> {}).orElse(() -> {}).run())
                .hasMessageContaining("select on synctest channel from outside bubble");
    }

    // TestChannelMovedOutOfBubble ("different_bubble").
    @Test
    void channelMovedToADifferentBubble() {
        AtomicReference<Chan<Integer>> leaked = new AtomicReference<>();
        Synctest.run(() -> leaked.set(Chan.make(1)));
        assertThatThrownBy(() -> Synctest.run(() -> leaked.get().send(1)))
                .hasMessageContaining("send on synctest channel from outside bubble (a different bubble)");
    }

    // TestTimerFromInsideBubble: a bubble's timer used from outside.
    @Test
    void timerMovedOutOfBubble() {
        AtomicReference<Timer> leaked = new AtomicReference<>();
        Synctest.run(() -> leaked.set(Timer.newTimer(Duration.ofSeconds(1))));
        Timer tm = leaked.get();
        assertThatThrownBy(() -> tm.c().recv()).hasMessageContaining("receive on synctest channel from outside bubble");
        assertThatThrownBy(() -> tm.reset(Duration.ofSeconds(1)))
                .hasMessageContaining("reset of synctest timer from outside bubble");
        assertThatThrownBy(tm::stop).hasMessageContaining("stop of synctest timer from outside bubble");
    }

    // TestDeadlockRoot.
    @Test
    void deadlockRoot() {
        assertThatThrownBy(() -> Synctest.run(() -> new Select().run()))
                .hasMessageContaining("deadlock: all goroutines in bubble are blocked")
                .hasMessageContaining("[select (no cases)]");
    }

    // TestDeadlockChild.
    @Test
    void deadlockChild() {
        assertThatThrownBy(() -> Synctest.run(() -> Go.go(() -> new Select().run())))
                .hasMessageContaining("deadlock: main bubble goroutine has exited but blocked goroutines remain")
                .hasMessageContaining("[select (no cases)]");
    }

    // TestDeadlockTicker: a goroutine ranging over a ticker when the root exits is a deadlock.
    @Test
    void deadlockTicker() {
        AtomicBoolean ticked = new AtomicBoolean();
        assertThatThrownBy(() -> Synctest.run(() -> Go.go(() -> {
            for (Instant ignored : Time.tick(Duration.ofSeconds(1))) {
                ticked.set(true);
                return;
            }
        }))).hasMessageContaining("deadlock: main bubble goroutine has exited but blocked goroutines remain");
        assertThat(ticked).as("ticker unexpectedly ran").isFalse();
    }

    // The deadlock report names each goroutine and its wait (Go's dump format).
    @Test
    void deadlockReportNamesEachWait() {
        assertThatThrownBy(() -> Synctest.run(() -> {
            Chan<Integer> never = Chan.make();
            WaitGroup wg = new WaitGroup();
            wg.add(1);
            Go.go(never::recv);
            wg.await();
        })).hasMessageContaining("deadlock: all goroutines in bubble are blocked")
                .hasMessageContaining("goroutine 1 [sync.WaitGroup.Wait]")
                .hasMessageContaining("goroutine 2 [chan receive]");
    }

    // TestCond: Signal and Broadcast from a goroutine that sleeps first.
    @Test
    void cond() {
        Synctest.run(() -> {
            Mutex mu = new Mutex();
            Cond cond = new Cond(mu);
            Instant start = Time.now();
            Duration waitTime = Duration.ofMillis(1);
            Go.go(() -> {
                Go.sleep(waitTime);
                mu.lock();
                cond.signal();
                mu.unlock();
                Go.sleep(waitTime);
                mu.lock();
                cond.broadcast();
                mu.unlock();
            });
            mu.lock();
            cond.await();
            mu.unlock();
            assertThat(Duration.between(start, Time.now())).isEqualTo(waitTime);
            AtomicBoolean waiterDone = new AtomicBoolean();
            Go.go(() -> {
                mu.lock();
                cond.await();
                mu.unlock();
                waiterDone.set(true);
            });
            mu.lock();
            cond.await();
            mu.unlock();
            Synctest.await();
            assertThat(waiterDone).isTrue();
            assertThat(Duration.between(start, Time.now())).isEqualTo(waitTime.multipliedBy(2));
        });
    }

    // TestWaitGroupInBubble.
    @Test
    void waitGroupInBubble() {
        Synctest.run(() -> {
            WaitGroup wg = new WaitGroup();
            wg.add(1);
            Duration delay = Duration.ofSeconds(1);
            Go.go(() -> {
                Go.sleep(delay);
                wg.done();
            });
            Instant start = Time.now();
            wg.await();
            assertThat(Duration.between(start, Time.now())).isEqualTo(delay);
        });
    }

    // TestWaitGroupOutOfBubble: a wait on a WaitGroup made outside is not durable: the bubble
    // waits for the outside Done instead of reporting a deadlock.
    @Test
    void waitGroupOutOfBubble() throws Exception {
        WaitGroup wg = new WaitGroup();
        wg.add(1);
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                Synctest.run(() -> {
                    waiting.countDown();
                    wg.await();
                });
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        waiting.await();
        wg.done();
        runner.join();
        assertThat(failure.get()).isNull();
    }

    // TestHappensBefore (second half): AfterFunc(0) goroutines finish or block before await returns.
    @Test
    void awaitCoversAfterFuncGoroutines() {
        Synctest.run(() -> {
            AtomicInteger v = new AtomicInteger();
            Chan<Object> ch = Chan.make();
            Timer.afterFunc(Duration.ZERO, () -> { v.incrementAndGet(); ch.recv(); });
            Timer.afterFunc(Duration.ZERO, () -> { v.incrementAndGet(); ch.recv(); });
            Synctest.await();
            assertThat(v.get()).isEqualTo(2);
            ch.close();
        });
    }

    // testing/synctest's context example (context_example_test.go): a deadline in fake time.
    @Test
    void contextWithTimeout() {
        Synctest.run(() -> {
            Duration timeout = Duration.ofSeconds(5);
            try (Context ctx = Context.background().withTimeout(timeout)) {
                Go.sleep(timeout.minusNanos(1));
                Synctest.await();
                assertThat(ctx.err()).as("before the deadline").isNull();
                Go.sleep(Duration.ofNanos(1));
                Synctest.await();
                assertThat(ctx.err()).as("at the deadline").isSameAs(Context.DEADLINE_EXCEEDED);
            }
        });
    }

    // Select.after and Ticker in fake time: ten-second timeouts take no real time.
    @Test
    void selectAfterAndTicker() {
        Synctest.run(() -> {
            Chan<String> reply = Chan.make();
            Go.go(() -> {
                Go.sleep(Duration.ofSeconds(10));
                reply.send("late");
            });
            int fired = new Select().recv(reply, r -> {}).after(Duration.ofSeconds(5), () -> {}).run();
            assertThat(fired).isEqualTo(1);
            assertThat(Time.now()).isEqualTo(START.plusSeconds(5));
            assertThat(reply.recv()).isEqualTo("late");
            Ticker t = Ticker.newTicker(Duration.ofMillis(250));
            for (int i = 1; i <= 4; i++) {
                assertThat(t.c().recv()).isEqualTo(START.plusSeconds(10).plusMillis(250L * i));
            }
            t.stop();
        });
    }

    // Goroutines started with the JDK's API inside a bubble belong to it (fake time, membership).
    @Test
    void jdkVirtualThreadsBelongToTheBubble() {
        Synctest.run(() -> {
            AtomicReference<Instant> woke = new AtomicReference<>();
            Thread t = Thread.ofVirtual().start(() -> {
                Go.sleep(Duration.ofHours(1));
                woke.set(Time.now());
            });
            Synctest.await(); // the adopted thread is durably asleep
            assertThat(woke.get()).isNull();
            Go.sleep(Duration.ofHours(2));
            assertThat(woke.get()).isEqualTo(START.plusSeconds(3600));
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    // Go panics on a second concurrent Wait; weft throws.
    @Test
    void awaitOutsideABubbleThrows() {
        assertThatThrownBy(Synctest::await).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside any bubble");
    }

    // A failure in any goroutine of the bubble fails run, with the seed that replays it.
    @Test
    void goroutineFailureFailsTheRun() {
        assertThatThrownBy(() -> Synctest.run(42, () -> Go.go(() -> {
            throw new IllegalArgumentException("boom");
        }))).isInstanceOf(IllegalArgumentException.class).hasMessage("boom")
                .satisfies(t -> assertThat(t.getSuppressed()[0]).hasMessageContaining("seed=42"));
    }

    // Not in Go: a Mutex made in the bubble is durable (outsiders are refused), so holding it
    // across a sleep while another goroutine waits for it advances time instead of hanging.
    @Test
    void mutexMadeInTheBubbleIsDurable() {
        Synctest.run(() -> {
            Mutex mu = new Mutex();
            mu.lock();
            AtomicReference<Instant> got = new AtomicReference<>();
            Go.go(() -> {
                mu.lock();
                got.set(Time.now());
                mu.unlock();
            });
            Go.sleep(Duration.ofSeconds(1));
            mu.unlock();
            Synctest.await();
            assertThat(got.get()).isEqualTo(START.plusSeconds(1));
        });
    }

    // Sync primitives made in a bubble refuse outsiders on the paths that wait or wake.
    @Test
    void syncPrimitivesMovedOutOfBubble() {
        AtomicReference<Mutex> mutex = new AtomicReference<>();
        AtomicReference<WaitGroup> group = new AtomicReference<>();
        AtomicReference<Cond> cond = new AtomicReference<>();
        Synctest.run(() -> {
            Mutex m = new Mutex();
            m.lock(); // left locked: an outside lock takes the slow path
            mutex.set(m);
            group.set(new WaitGroup());
            cond.set(new Cond(new Mutex()));
        });
        assertThatThrownBy(() -> mutex.get().lock()).hasMessageContaining("lock of synctest mutex from outside bubble");
        assertThatThrownBy(() -> group.get().add(1)).hasMessageContaining("add to synctest WaitGroup from outside bubble");
        assertThatThrownBy(() -> cond.get().signal()).hasMessageContaining("signal of synctest Cond from outside bubble");
        AtomicReference<RWMutex> rw = new AtomicReference<>();
        AtomicReference<Semaphore> sem = new AtomicReference<>();
        Synctest.run(() -> {
            rw.set(new RWMutex());
            sem.set(new Semaphore(1));
        });
        assertThatThrownBy(() -> rw.get().rLock()).hasMessageContaining("read lock of synctest RWMutex from outside bubble");
        assertThatThrownBy(() -> rw.get().lock()).hasMessageContaining("lock of synctest RWMutex from outside bubble");
        assertThatThrownBy(() -> sem.get().acquire(1)).hasMessageContaining("acquire of synctest Semaphore from outside bubble");
    }

    // Go panics if two goroutines of a bubble call Wait at once; weft throws.
    @Test
    void secondConcurrentAwaitThrows() {
        assertThatThrownBy(() -> Synctest.run(() -> {
            Go.go(Synctest::await);
            Go.yield(); // let it start waiting (its wait cannot end while we run)
            Synctest.await();
        })).hasMessageContaining("is already waiting");
    }

    // TestHappensBefore (last Run): goroutines still running when the root returns are waited for.
    @Test
    void runWaitsForGoroutinesLeftRunning() {
        AtomicInteger v = new AtomicInteger();
        Synctest.run(() -> Go.go(() -> Go.go(() -> Go.go(v::incrementAndGet))));
        assertThat(v.get()).isEqualTo(1);
    }

    // Synctest's class comment example, verbatim.
    @Test
    void classCommentExample() {
        Synctest.run(() -> {
            Chan<String> reply = Chan.make(1);
            Go.go(() -> { Go.sleep(Duration.ofSeconds(10)); reply.send("late"); });
            int fired = new Select().recv(reply, r -> {}).after(Duration.ofSeconds(5), () -> {}).run();
            org.junit.jupiter.api.Assertions.assertEquals(1, fired);
            org.junit.jupiter.api.Assertions.assertEquals(Instant.parse("2000-01-01T00:00:05Z"), Time.now());
            Synctest.await();
            org.junit.jupiter.api.Assertions.assertEquals("late", reply.recv());
        });
    }

    // An interrupt of the thread in Synctest.run (a test timeout) abandons a bubble that waits
    // for real, with the dump, instead of hanging the test.
    @Test
    void interruptAbandonsABubbleWaitingForReal() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread runner = Thread.ofPlatform().start(() -> {
            try {
                Synctest.run(() -> {
                    entered.countDown();
                    try {
                        never.await(); // a JDK wait: not durable, the bubble waits for real
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        entered.await();
        runner.interrupt();
        runner.join();
        assertThat(failure.get()).hasMessageContaining("synctest run interrupted").hasMessageContaining("goroutine 1 [");
        never.countDown(); // let the abandoned goroutine end
    }

    // An interrupt pending before the run does not abandon the bubble; it is kept for the caller.
    @Test
    void anInterruptFromBeforeIsKept() {
        Thread.currentThread().interrupt();
        try {
            Synctest.run(() -> Go.sleep(Duration.ofSeconds(1)));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    // TestTimerNondeterminism: timers due at the same instant do not always fire in the same order.
    @Test
    void timersOfTheSameInstantFireInEitherOrder() {
        Synctest.run(() -> {
            boolean seen1 = false, seen2 = false;
            for (int i = 0; i < 1000 && !(seen1 && seen2); i++) {
                Timer tm1 = Timer.newTimer(Duration.ofNanos(1));
                Timer tm2 = Timer.newTimer(Duration.ofNanos(1));
                int fired = new Select().recv(tm1.c(), t -> {}).recv(tm2.c(), t -> {}).run();
                seen1 |= fired == 0;
                seen2 |= fired == 1;
                Synctest.await();
            }
            assertThat(seen1 && seen2).as("both timers seen first").isTrue();
        });
    }
}
