package dev.weft.sync;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Goroutine;
import dev.weft.Weft;
import dev.weft.proc.WeftProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WaitGroupTest {

    @Test
    void negativeCounterIsRejectedAndTheGroupStaysUsable() {
        WaitGroup wg = new WaitGroup();
        assertThatThrownBy(wg::done).isInstanceOf(IllegalStateException.class).hasMessage("negative WaitGroup counter");
        wg.add(2);
        assertThatThrownBy(() -> wg.add(-3)).hasMessage("negative WaitGroup counter");
        wg.done();
        wg.done();
        wg.await(); // counter is back at zero: returns at once
    }

    /** Past Integer.MAX_VALUE the counter would wrap: said as such (it used to say "negative"). */
    @Test
    void anOverflowingAddIsRejectedAsSuchAndChangesNothing() {
        WaitGroup wg = new WaitGroup();
        wg.add(Integer.MAX_VALUE);
        assertThatThrownBy(() -> wg.add(1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("WaitGroup counter overflow");
        wg.add(-Integer.MAX_VALUE);
        wg.await(); // the counter is back at zero: returns at once
    }

    /**
     * A rejected add must leave no trace that other threads can see. It used to add first and
     * take the delta back after seeing the counter negative: an await that read the counter
     * in between took it for non-zero, registered as a waiter and slept for good, the counter
     * back at zero with nobody left to release it. The awaits run on a thread of their own, since a
     * wait is not interruptible: the join's timeout is only the safety net that reports a hang.
     */
    @Test
    void anAwaitOnAZeroCounterReturnsWhileAnotherThreadsDoneIsRejected() throws Exception {
        WaitGroup wg = new WaitGroup();
        AtomicBoolean stop = new AtomicBoolean();
        Thread misuser = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                try {
                    wg.done(); // the counter is 0: rejected
                } catch (IllegalStateException expected) {
                }
            }
        });
        Thread waiter = Thread.ofPlatform().daemon().start(() -> {
            for (int i = 0; i < 300_000; i++) {
                wg.await();
            }
        });
        try {
            waiter.join(java.time.Duration.ofSeconds(20));
        } finally {
            stop.set(true);
            misuser.join();
        }
        assertThat(waiter.isAlive()).as("an await on a zero counter slept for good").isFalse();
    }

    @ParameterizedTest(name = "procs={0}")
    @ValueSource(ints = {1, 2})
    void awaitReturnsWhenAllTasksAreDoneAndReleasesEveryWaiter(int procs) throws Exception {
        try (Weft rt = Weft.builder().procs(procs).build()) {
            for (int round = 0; round < 3; round++) { // reusable once every await returned
                WaitGroup start = new WaitGroup();
                start.add(1);
                WaitGroup wg = new WaitGroup();
                AtomicInteger work = new AtomicInteger();
                int tasks = 200;
                wg.add(tasks);
                for (int i = 0; i < tasks; i++) {
                    Runnable task = () -> {
                        start.await();
                        work.incrementAndGet();
                        wg.done();
                    };
                    if (i % 50 == 0) {
                        Thread.ofPlatform().start(task);
                    } else {
                        rt.go(task);
                    }
                }
                AtomicInteger sawAll = new AtomicInteger();
                List<Goroutine> waiters = new ArrayList<>();
                for (int w = 0; w < 3; w++) {
                    waiters.add(rt.go(() -> {
                        wg.await();
                        if (work.get() == tasks) {
                            sawAll.incrementAndGet();
                        }
                    }));
                }
                for (Goroutine w : waiters) {
                    awaitTrue(() -> w.status().equals("sync.WaitGroup.Wait"));
                }
                assertThat(work.get()).isZero();
                start.done();
                wg.await(); // this platform thread waits too
                assertThat(work.get()).isEqualTo(tasks);
                waiters.forEach(Goroutine::join);
                assertThat(sawAll.get()).isEqualTo(3);
            }
        }
    }

    @Test
    void goRunsTheTaskAsACountedGoroutine() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            AtomicInteger ran = new AtomicInteger();
            rt.run(() -> {
                WaitGroup wg = new WaitGroup();
                for (int i = 0; i < 50; i++) {
                    wg.go(ran::incrementAndGet);
                }
                wg.await();
                assertThat(ran.get()).isEqualTo(50);
            });
            assertThat(ran.get()).isEqualTo(50);
        }
    }

    /**
     * weft's spawn can refuse (a process's thread limit, a closed runtime), which Go's go
     * statement cannot: the refused task never runs, so its done never comes, and a count left
     * for it would hang every later await.
     */
    @Test
    void aRefusedGoLeavesNothingCounted() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            WaitGroup wg = new WaitGroup();
            AtomicReference<Throwable> refused = new AtomicReference<>();
            WeftProcess p = WeftProcess.builder("full").maxThreads(1).start(rt, () -> {
                try {
                    wg.go(() -> {}); // the primary is the process's only thread allowed
                } catch (RejectedExecutionException e) {
                    refused.set(e);
                }
            });
            assertThat(p.waitFor()).isZero();
            assertThat(refused.get()).isInstanceOf(RejectedExecutionException.class);
            assertThatThrownBy(wg::done).as("the counter is back at zero")
                    .isInstanceOf(IllegalStateException.class).hasMessage("negative WaitGroup counter");
            wg.await(); // returns at once
        }
    }
}
