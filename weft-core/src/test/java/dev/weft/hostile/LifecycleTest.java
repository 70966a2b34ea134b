package dev.weft.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.DeadlockException;
import dev.weft.Go;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Lifecycle calls raced against each other and against load, and the deadlock reports around them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LifecycleTest {

    /** Guards against: two threads closing at once, one of them blocked forever (issue 12, defect 5). */
    @Test
    void manyThreadsClosingAtOnceAllReturn() throws Exception {
        for (int trial = 0; trial < Soak.iterations(20); trial++) {
            Weft rt = Weft.builder().procs(2).build();
            CountDownLatch release = new CountDownLatch(1);
            rt.go(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            int closers = 4;
            CyclicBarrier start = new CyclicBarrier(closers + 1);
            List<Thread> ts = new ArrayList<>();
            for (int i = 0; i < closers; i++) {
                ts.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    rt.close();
                }));
            }
            start.await();
            release.countDown();
            for (Thread t : ts) {
                t.join(TimeUnit.SECONDS.toMillis(20));
                assertThat(t.isAlive()).as("a close() still waiting").isFalse();
            }
            assertThat(rt.goroutineCount()).isZero();
        }
    }

    /** Guards against: close with no bound and no way back; close(Duration) leaves a defined state. */
    @Test
    void closeWithATimeoutReturnsFalseAndLeavesTheRuntimeClosingThenTrueOnceTheGoroutinesEnd() {
        Weft rt = Weft.builder().procs(2).build();
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean childRan = new AtomicBoolean();
        rt.go(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            Go.go(() -> childRan.set(true)).join(); // goroutines may still start others while closing
        });
        assertThat(rt.close(Duration.ofMillis(50))).isFalse();
        assertThat(rt.goroutineCount()).isEqualTo(1);
        assertThatThrownBy(() -> rt.go(() -> {})).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("closed");
        release.countDown();
        assertThat(rt.close(Duration.ofSeconds(30))).isTrue();
        assertThat(childRan).isTrue();
        assertThat(rt.goroutineCount()).isZero();
        rt.close(); // again: returns at once
    }

    /**
     * Guards against: a timer callback (AfterFunc, a context deadline) armed by a goroutine being
     * dropped while its runtime closes, so that the goroutine waiting for it never ends and
     * close() waits for ever.
     */
    @Test
    void aTimerCallbackFiringWhileTheRuntimeClosesStillRuns() {
        Weft rt = Weft.builder().procs(1).build();
        rt.go(() -> {
            Chan<Integer> done = Chan.make();
            dev.weft.time.Timer.afterFunc(Duration.ofMillis(50), done::close);
            done.recv();
        });
        assertThat(rt.close(Duration.ofSeconds(30))).isTrue();
        assertThat(rt.goroutineCount()).isZero();
    }

    /** Guards against: a deadlock report sticking to the runtime (issue 12, defect 7). */
    @Test
    void aRunAfterADeadlockedRunStartsAfreshAndADeadlockIsReportedAgain() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            assertThatThrownBy(() -> rt.run(() -> Chan.<Integer>make().recv())).isInstanceOf(DeadlockException.class);
            AtomicInteger ran = new AtomicInteger();
            rt.run(() -> {
                Chan<Integer> c = Chan.make();
                Go.go(() -> c.send(41));
                ran.set(c.recv() + 1);
            });
            assertThat(ran).hasValue(42);
            AtomicBoolean after = new AtomicBoolean();
            assertThatThrownBy(() -> rt.run(() -> {
                Chan.<Integer>make().recv();
                after.set(true);
            })).isInstanceOf(DeadlockException.class).hasMessageContaining("chan receive");
            assertThat(after).isFalse();
        }
    }

    /** Guards against: a deadlock inside a run nested in a goroutine hanging (issue 12, defect 9). */
    @Test
    void aDeadlockInARunNestedInAGoroutineIsReported() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            AtomicReference<Throwable> inner = new AtomicReference<>();
            assertThatThrownBy(() -> rt.run(() -> {
                try {
                    rt.run(() -> Chan.<Integer>make().recv());
                } catch (DeadlockException e) {
                    inner.set(e);
                    throw e;
                }
            })).isInstanceOf(DeadlockException.class);
            assertThat(inner.get()).isInstanceOf(DeadlockException.class);
        }
    }

    /** Guards against: select with no cases hanging where Go reports a deadlock (issue 12, defect 10). */
    @Test
    void aSelectWithNoCasesOrOnlyNilChannelsIsADeadlock() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            assertThatThrownBy(() -> rt.run(() -> new Select().run())).isInstanceOf(DeadlockException.class)
                    .hasMessageContaining("select (no cases)");
            assertThatThrownBy(() -> rt.run(() -> new Select().recv((Chan<Integer>) null, v -> {}).run()))
                    .isInstanceOf(DeadlockException.class);
        }
    }

    /** Guards against: a virtual thread started after close being accepted and never run (defect 8). */
    @Test
    void aVirtualThreadBuiltInAGoroutineAndStartedAfterCloseIsRejected() throws Exception {
        AtomicReference<Thread> built = new AtomicReference<>();
        Weft rt = Weft.builder().procs(1).build();
        rt.run(() -> built.set(Thread.ofVirtual().unstarted(() -> {})));
        rt.close();
        if (!built.get().isVirtual() || rt.model() == dev.weft.ThreadingModel.ONE_TO_ONE) {
            return; // under ONE_TO_ONE the thread is the JDK's, not a goroutine: it simply runs
        }
        assertThatThrownBy(() -> built.get().start()).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("closed");
    }

    /** Guards against: close, run, go and build racing under load losing or stranding goroutines. */
    @Test
    void lifecycleCallsRacedUnderLoadLoseNothing() throws Exception {
        for (int trial = 0; trial < Soak.iterations(10); trial++) {
            Weft rt = Weft.builder().procs(2).build();
            AtomicInteger done = new AtomicInteger();
            AtomicInteger started = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            Thread spawner = Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < 10_000; i++) {
                    try {
                        rt.go(() -> {
                            Go.yield();
                            done.incrementAndGet();
                        });
                        started.incrementAndGet();
                    } catch (RejectedExecutionException closed) {
                        return;
                    }
                }
            });
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    rt.run(() -> {
                        Chan<Integer> c = Chan.make();
                        Go.go(() -> c.send(1));
                        c.recv();
                    });
                } catch (RejectedExecutionException closed) {
                    // close won the race
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            go.countDown();
            Weft.builder().procs(1).build().close(); // builds racing too
            rt.close();
            spawner.join();
            runner.join();
            assertThat(done.get()).as("every accepted goroutine ran").isEqualTo(started.get());
            assertThat(rt.goroutineCount()).isZero();
        }
    }
}
