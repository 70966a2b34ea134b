package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The public API as a user's code exercises it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GoroutineApiTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4})
    void goJoinAndCount(int procs) {
        try (Weft rt = Weft.builder().procs(procs).build()) {
            if (rt.model() == ThreadingModel.M_N) { // N_1 has one processor; ONE_TO_ONE, the machine's
                assertThat(rt.procs()).isEqualTo(procs);
            }
            AtomicInteger ran = new AtomicInteger();
            Goroutine[] gs = new Goroutine[1000];
            for (int i = 0; i < gs.length; i++) {
                gs[i] = rt.go(ran::incrementAndGet);
            }
            for (Goroutine g : gs) {
                g.join();
                assertThat(g.state()).isEqualTo(Goroutine.State.DEAD);
            }
            assertThat(ran.get()).isEqualTo(1000);
            assertThat(rt.goroutineCount()).isZero();
        }
    }

    @Test
    void idsAreUniqueAndIncreasing() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            Set<Long> ids = ConcurrentHashMap.newKeySet();
            rt.run(() -> {
                long prev = 0;
                for (int i = 0; i < 100; i++) {
                    Goroutine g = Go.go(() -> ids.add(Go.current().id()));
                    assertThat(g.id()).isGreaterThan(prev);
                    prev = g.id();
                    g.join();
                }
            });
            assertThat(ids).hasSize(100);
        }
    }

    @Test
    void runRethrowsWhatMainThrowsAndDoesNotReportIt() {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        try (Weft rt = Weft.builder().procs(1).uncaughtExceptionHandler((g, t) -> reported.add(t)).build()) {
            assertThatThrownBy(() -> rt.run(() -> {
                throw new IllegalArgumentException("boom");
            })).isInstanceOf(IllegalArgumentException.class).hasMessage("boom");
            assertThat(reported).isEmpty();
        }
    }

    @Test
    void aCheckedExceptionFromMainIsWrapped() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            assertThatThrownBy(() -> rt.run(() -> sneakyThrow(new IOException("disk"))))
                    .isInstanceOf(GoroutineFailedException.class)
                    .hasCauseInstanceOf(IOException.class);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void anEscapingExceptionGoesToTheHandlerAndTheRuntimeKeepsRunning(int procs) {
        List<String> reported = new CopyOnWriteArrayList<>();
        try (Weft rt = Weft.builder().procs(procs)
                .uncaughtExceptionHandler((g, t) -> reported.add(g.id() + ":" + t.getMessage())).build()) {
            Goroutine bad = rt.go(() -> {
                throw new IllegalStateException("bad goroutine");
            });
            bad.join();
            assertThat(bad.failure()).hasMessage("bad goroutine");
            assertThat(reported).containsExactly(bad.id() + ":bad goroutine");
            // The carriers survived: more goroutines still run.
            AtomicInteger ran = new AtomicInteger();
            for (int i = 0; i < 100; i++) {
                rt.go(ran::incrementAndGet).join();
            }
            assertThat(ran.get()).isEqualTo(100);
        }
    }

    @Test
    void joinWithTimeoutReportsWhetherTheGoroutineFinished() throws Exception {
        try (Weft rt = Weft.builder().procs(1).build()) {
            CountDownLatch release = new CountDownLatch(1);
            Goroutine g = rt.go(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            try {
                // Parked first: 20 ms is no promise that it has even started on a loaded machine
                // (seen: still RUNNABLE after the timed join, with CPU hogs beside it).
                Conditions.awaitTrue(() -> g.state() == Goroutine.State.WAITING);
                assertThat(g.join(Duration.ofMillis(20))).isFalse();
                assertThat(g.state()).isEqualTo(Goroutine.State.WAITING);
            } finally {
                // Even when an assertion fails: close() would wait for the goroutine for ever, and
                // the runtime left behind would keep every later deadlock test from firing.
                release.countDown();
            }
            assertThat(g.join(Duration.ofSeconds(30))).isTrue();
            assertThatThrownBy(() -> g.join(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void joinFromAGoroutineParksOnlyThatGoroutine() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                // On one P, the joined goroutine can only run if join parks the joiner, not the carrier.
                AtomicBoolean ran = new AtomicBoolean();
                Goroutine g = Go.go(() -> ran.set(true));
                g.join();
                assertThat(ran).isTrue();
            });
        }
    }

    @Test
    void currentIsNullOnPlatformThreadsAndTheGoroutineInside() {
        assertThat(Go.current()).isNull();
        try (Weft rt = Weft.builder().procs(1).build()) {
            AtomicReference<Goroutine> seen = new AtomicReference<>();
            AtomicReference<Thread> thread = new AtomicReference<>();
            Goroutine g = rt.go(() -> {
                seen.set(Go.current());
                thread.set(Thread.currentThread());
            });
            g.join();
            assertThat(seen.get()).isEqualTo(g);
            assertThat(thread.get()).isSameAs(g.thread());
            assertThat(g.thread().isVirtual()).isEqualTo(rt.model() != ThreadingModel.ONE_TO_ONE);
        }
    }

    @Test
    void threadLocalsBelongToTheGoroutine() {
        ThreadLocal<Long> local = new ThreadLocal<>();
        try (Weft rt = Weft.builder().procs(1).build()) {
            AtomicInteger ok = new AtomicInteger();
            Goroutine[] gs = new Goroutine[50];
            for (int i = 0; i < gs.length; i++) {
                gs[i] = rt.go(() -> {
                    long id = Go.current().id();
                    local.set(id);
                    Go.yield(); // other goroutines set theirs on the same carrier meanwhile
                    if (local.get() == id) {
                        ok.incrementAndGet();
                    }
                });
            }
            for (Goroutine g : gs) {
                g.join();
            }
            assertThat(ok.get()).isEqualTo(gs.length);
        }
    }

    @Test
    void anInterruptReachesAParkedGoroutine() throws Exception {
        try (Weft rt = Weft.builder().procs(1).build()) {
            CountDownLatch started = new CountDownLatch(1);
            AtomicBoolean interrupted = new AtomicBoolean();
            Goroutine g = rt.go(() -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.set(true);
                }
            });
            started.await();
            g.thread().interrupt();
            g.join();
            assertThat(interrupted).isTrue();
        }
    }

    @Test
    void aGoroutineBlockedOnAMonitorHeldByAnotherDoesNotBlockTheCarrier() {
        // One P: if blocking on the monitor pinned the carrier, the holder could never release it.
        try (Weft rt = Weft.builder().procs(1).build()) {
            Object lock = new Object();
            AtomicInteger counter = new AtomicInteger();
            rt.run(() -> {
                Goroutine waiter;
                synchronized (lock) {
                    waiter = Go.go(() -> {
                        synchronized (lock) {
                            counter.incrementAndGet();
                        }
                    });
                    while (waiter.thread().getState() != Thread.State.BLOCKED) {
                        Go.yield(); // lets the waiter run and block on the monitor
                    }
                    assertThat(counter.get()).isZero();
                }
                waiter.join();
            });
            assertThat(counter.get()).isEqualTo(1);
        }
    }

    @Test
    void badInputGetsClearExceptions() {
        assertThatThrownBy(() -> Weft.builder().procs(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("procs");
        assertThatThrownBy(() -> Weft.builder().model(ThreadingModel.M_N).procs(4).maxThreads(2).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxThreads");
        try (Weft rt = Weft.builder().model(ThreadingModel.M_N).procs(1).build()) {
            assertThatThrownBy(() -> rt.go(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("null body");
            assertThatThrownBy(() -> rt.setProcs(0)).isInstanceOf(IllegalArgumentException.class);
            assertThat(rt.procs()).isEqualTo(1);
        }
    }

    @Test
    void aClosedRuntimeRejectsNewGoroutinesAndCloseFromInsideIsRefused() {
        Weft rt = Weft.builder().procs(1).build();
        AtomicReference<Throwable> inside = new AtomicReference<>();
        rt.run(() -> {
            try {
                rt.close();
            } catch (IllegalStateException e) {
                inside.set(e);
            }
        });
        assertThat(inside.get()).hasMessageContaining("close() called from goroutine");
        rt.close();
        assertThatThrownBy(() -> rt.go(() -> {})).isInstanceOf(RejectedExecutionException.class)
                .hasMessageContaining("closed");
    }

    /**
     * DEAD is "its body has returned or thrown": a goroutine whose body threw read RUNNING (or
     * WAITING) while the runtime's handler reported the exception in its thread.
     */
    @Test
    void aGoroutineWhoseBodyThrewIsDeadWhileItsFailureIsReported() throws Exception {
        CountDownLatch reporting = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Weft rt = Weft.builder().uncaughtExceptionHandler((g, t) -> {
            reporting.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }).build()) {
            Goroutine g = rt.go(() -> {
                throw new IllegalStateException("boom");
            });
            try {
                assertThat(reporting.await(30, TimeUnit.SECONDS)).isTrue();
                assertThat(g.thread().isAlive()).as("its thread, reporting").isTrue();
                assertThat(g.state()).isEqualTo(Goroutine.State.DEAD);
                assertThat(g.failure()).hasMessage("boom");
            } finally {
                release.countDown();
            }
            g.join();
            assertThat(g.state()).isEqualTo(Goroutine.State.DEAD);
        }
    }

    @Test
    void aClosedRuntimeRefusesSetProcs() {
        Weft rt = Weft.builder().model(ThreadingModel.M_N).procs(2).name("closed-procs").build();
        rt.close();
        assertThatThrownBy(() -> rt.setProcs(3)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("runtime 'closed-procs' is closed");
        assertThatThrownBy(() -> rt.setProcs(2)).as("even to the same number").isInstanceOf(IllegalStateException.class);
        assertThat(rt.procs()).isEqualTo(2);
    }

    @Test
    void closeWaitsForRunningGoroutinesAndTheirChildren() {
        Weft rt = Weft.builder().procs(2).build();
        AtomicInteger finished = new AtomicInteger();
        CountDownLatch gate = new CountDownLatch(1);
        rt.go(() -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            for (int i = 0; i < 10; i++) {
                Go.go(finished::incrementAndGet); // children started while closing are allowed
            }
            finished.incrementAndGet();
        });
        Thread opener = Thread.ofPlatform().start(gate::countDown);
        rt.close();
        assertThat(finished.get()).isEqualTo(11);
        assertThat(rt.goroutineCount()).isZero();
        try {
            opener.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void goOutsideAnyRuntimeUsesTheDefaultRuntime() {
        AtomicReference<Goroutine> inner = new AtomicReference<>();
        Goroutine g = Go.go(() -> inner.set(Go.current()));
        g.join();
        assertThat(inner.get()).isEqualTo(g);
        // The default runtime is built from the builder's defaults, -Dweft.model included.
        Weft built = Weft.builder().build();
        try {
            assertThat(Weft.defaultRuntime().model()).isEqualTo(built.model());
            assertThat(Weft.defaultRuntime().procs()).isEqualTo(built.procs());
        } finally {
            built.close();
        }
    }

    @Test
    void theVersionComesFromTheBuild() {
        assertThat(Weft.version()).isNotBlank().doesNotContain("${").matches("\\d+\\.\\d+\\.\\d+.*");
    }
}
