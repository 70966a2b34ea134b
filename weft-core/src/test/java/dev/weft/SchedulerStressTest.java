package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Many goroutines hammering the scheduler, with invariants checked at the end. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SchedulerStressTest {

    @ParameterizedTest(name = "procs {0}")
    @ValueSource(ints = {1, 2})
    void aMillionGoroutinesStartedAndJoined(int procs) {
        int n = Conditions.scaledForTheModel(1_000_000);
        try (Weft rt = Weft.builder().procs(procs).build()) {
            AtomicLong sum = new AtomicLong();
            rt.run(() -> {
                Goroutine[] gs = new Goroutine[n];
                for (int i = 0; i < n; i++) {
                    int k = i;
                    gs[i] = Go.go(() -> sum.addAndGet(k));
                }
                for (Goroutine g : gs) {
                    g.join();
                }
            });
            assertThat(sum.get()).isEqualTo((long) n * (n - 1) / 2);
            assertThat(rt.goroutineCount()).isZero();
            SchedulerStats s = rt.stats();
            assertThat(s.created()).isEqualTo(n + 1);
            assertThat(s.globalRunq()).isZero();
            // Carriers are reused, not made per goroutine: their number does not grow with n.
            // It is not a fixed function of procs, though: an M is made whenever a P needs one
            // and none is idle, and on a loaded machine sysmon retakes the P of a carrier that
            // the kernel has not run for a while (blockedRetakes) or whose goroutine held on past
            // its slice (hogRetakes) and hands it to another M, a new one while the old carrier
            // is still stuck (11 carriers at procs 2 were seen so, against 10 here before). So
            // the bound is the one a quiet machine keeps (4 * procs + 2, with room for Ms caught
            // between giving up a P and parking idle) plus one per hand-off sysmon made: a
            // hand-off starts at most one M (Idle.handoffp, startm). A carrier leak (one per
            // goroutine, or per park) would still exceed it by orders of magnitude.
            long handOffs = s.hogRetakes() + s.blockedRetakes() + s.syscallHandoffs();
            assertThat((long) s.threads()).as(s::toString).isLessThanOrEqualTo(4L * procs + 2 + handOffs);
        }
    }

    /**
     * 10,000 goroutines in a ring, each with one token: every round each takes a token, passes
     * one to its successor and unparks it. A lost wake-up hangs the ring; a double run shows as
     * two carriers inside one goroutine's step or a token count that goes negative.
     */
    @ParameterizedTest(name = "procs {0}")
    @ValueSource(ints = {1, 2})
    void tenThousandGoroutinesUnparkingEachOtherInRounds(int procs) {
        int n = Conditions.scaledForTheModel(10_000);
        int rounds = 20;
        try (Weft rt = Weft.builder().procs(procs).build()) {
            AtomicIntegerArray tokens = new AtomicIntegerArray(n);
            AtomicIntegerArray inside = new AtomicIntegerArray(n);
            AtomicIntegerArray steps = new AtomicIntegerArray(n);
            AtomicInteger violations = new AtomicInteger();
            Thread[] threads = new Thread[n];
            Goroutine[] gs = new Goroutine[n];
            rt.run(() -> {
                java.util.concurrent.CountDownLatch allStarted = new java.util.concurrent.CountDownLatch(n);
                for (int i = 0; i < n; i++) {
                    int me = i;
                    tokens.set(me, 1);
                    gs[i] = Go.go(() -> {
                        allStarted.countDown();
                        try {
                            allStarted.await();
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                        int next = (me + 1) % n;
                        for (int r = 0; r < rounds; r++) {
                            while (tokens.get(me) == 0) {
                                LockSupport.park();
                            }
                            if (inside.incrementAndGet(me) != 1) {
                                violations.incrementAndGet();
                            }
                            if (tokens.decrementAndGet(me) < 0) {
                                violations.incrementAndGet();
                            }
                            steps.incrementAndGet(me);
                            inside.decrementAndGet(me);
                            tokens.incrementAndGet(next);
                            LockSupport.unpark(threads[next]);
                        }
                    });
                    threads[i] = gs[i].thread();
                }
                for (Goroutine g : gs) {
                    g.join();
                }
            });
            assertThat(violations.get()).isZero();
            for (int i = 0; i < n; i++) {
                assertThat(steps.get(i)).isEqualTo(rounds);
                assertThat(tokens.get(i)).isEqualTo(1); // every token came back round
            }
            assertThat(rt.goroutineCount()).isZero();
            assertThat(rt.stats().globalRunq()).isZero();
        }
    }

    /** setProcs up and down while goroutines yield and spawn: nothing is lost. */
    @Tag("m-n-mechanics") // setProcs exists under M_N only
    @ParameterizedTest(name = "starting at procs {0}")
    @ValueSource(ints = {1, 2})
    void setProcsWhileGoroutinesRun(int procs) throws Exception {
        try (Weft rt = Weft.builder().procs(procs).build()) {
            int workers = 200;
            int iterations = 200;
            AtomicLong work = new AtomicLong();
            Goroutine[] gs = new Goroutine[workers];
            for (int i = 0; i < workers; i++) {
                gs[i] = rt.go(() -> {
                    for (int k = 0; k < iterations; k++) {
                        work.incrementAndGet();
                        if ((k & 7) == 0) {
                            Go.go(work::incrementAndGet).join();
                        } else {
                            Go.yield();
                        }
                    }
                });
            }
            int[] sizes = {3, 1, 4, 2, 1, 3, 2};
            int changes = 0;
            while (!allDone(gs)) {
                rt.setProcs(sizes[changes++ % sizes.length]);
                Thread.yield();
            }
            for (Goroutine g : gs) {
                g.join();
            }
            rt.setProcs(2);
            assertThat(rt.procs()).isEqualTo(2);
            assertThat(work.get()).isEqualTo((long) workers * (iterations + iterations / 8));
            // The runtime still works at the new size.
            AtomicInteger after = new AtomicInteger();
            for (int i = 0; i < 100; i++) {
                rt.go(after::incrementAndGet).join();
            }
            assertThat(after.get()).isEqualTo(100);
            assertThat(rt.stats().procs()).isEqualTo(2);
        }
    }

    private static boolean allDone(Goroutine[] gs) {
        for (Goroutine g : gs) {
            if (g.state() != Goroutine.State.DEAD) {
                return false;
            }
        }
        return true;
    }
}
