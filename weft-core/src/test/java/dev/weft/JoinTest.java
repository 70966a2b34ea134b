package dev.weft;

import static dev.weft.Conditions.awaitTrue;
import static dev.weft.Conditions.scaledForTheModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.chan.Chan;
import dev.weft.proc.ProcessExitException;
import dev.weft.proc.WeftProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Goroutine.join()}: weft's own join wait (internal {@code Joins}) under every model. A join returns only
 * once the goroutine has ended, whoever joins and however many; an interrupt does not end it; the
 * joiner's process ending does, with its exit exception; and joins racing the goroutine's end
 * lose no wake-up.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JoinTest {

    @Test
    void aJoinWaitsForTheEndAndThenSeesTheGoroutineDead() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            Chan<Integer> release = Chan.make();
            AtomicBoolean bodyEnded = new AtomicBoolean();
            Goroutine target = rt.go(() -> {
                release.recv();
                bodyEnded.set(true);
            });
            AtomicReference<Goroutine.State> seenAfterJoin = new AtomicReference<>();
            AtomicBoolean endSeen = new AtomicBoolean();
            Goroutine joiner = rt.go(() -> {
                target.join();
                endSeen.set(bodyEnded.get());
                seenAfterJoin.set(target.state());
            });
            awaitTrue(() -> joiner.state() == Goroutine.State.WAITING);
            assertThat(rt.dump()).contains("goroutine " + joiner.id() + " [goroutine join");
            assertThat(seenAfterJoin.get()).as("the join has not returned while the goroutine waits").isNull();
            release.send(1);
            joiner.join();
            assertThat(endSeen).as("the body's last write is visible after the join").isTrue();
            assertThat(seenAfterJoin.get()).isEqualTo(Goroutine.State.DEAD);
            assertThat(target.thread().isAlive()).isFalse();
        }
    }

    @Test
    void manyJoinersOfOneGoroutineFromGoroutinesAndPlatformThreadsAllReturn() throws Exception {
        int goroutineJoiners = scaledForTheModel(500) + 2;
        int platformJoiners = 4;
        try (Weft rt = Weft.builder().build()) {
            Chan<Integer> release = Chan.make();
            Goroutine target = rt.go(() -> {
                release.recv();
            });
            AtomicInteger returned = new AtomicInteger();
            List<Goroutine> joiners = new ArrayList<>();
            for (int i = 0; i < goroutineJoiners; i++) {
                joiners.add(rt.go(() -> {
                    target.join();
                    returned.incrementAndGet();
                }));
            }
            List<Thread> platform = new ArrayList<>();
            for (int i = 0; i < platformJoiners; i++) {
                platform.add(Thread.ofPlatform().start(() -> {
                    target.join();
                    returned.incrementAndGet();
                }));
            }
            awaitTrue(() -> joiners.stream().allMatch(g -> g.state() == Goroutine.State.WAITING)
                    && platform.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
            assertThat(returned).hasValue(0);
            release.send(1);
            for (Goroutine g : joiners) {
                g.join();
            }
            for (Thread t : platform) {
                t.join();
            }
            assertThat(returned).hasValue(goroutineJoiners + platformJoiners);
            assertThat(rt.goroutineCount()).isZero();
        }
    }

    /**
     * Joins racing the end: each parent forks a child that ends at once (or after a yield) and
     * joins it, from goroutines on every P and from platform threads, so that pushes meet the
     * child's M taking the joiners at every point of the protocol.
     */
    @RepeatedTest(3)
    void joinsRacingTheEndLoseNoWakeUp() throws Exception {
        int parents = scaledForTheModel(20_000);
        try (Weft rt = Weft.builder().procs(Math.max(2, Runtime.getRuntime().availableProcessors())).build()) {
            AtomicLong sum = new AtomicLong();
            AtomicInteger joined = new AtomicInteger();
            Goroutine root = rt.go(() -> {
                Goroutine[] ps = new Goroutine[parents];
                for (int i = 0; i < parents; i++) {
                    int n = i;
                    ps[i] = Go.go(() -> {
                        Goroutine child = Go.go(() -> {
                            if (n % 3 == 0) {
                                Go.yield();
                            }
                            sum.addAndGet(n);
                        });
                        if (n % 2 == 0) {
                            Go.yield(); // half join before the child runs, half around its end
                        }
                        child.join();
                        assertThat(child.thread().isAlive()).isFalse();
                        joined.incrementAndGet();
                    });
                }
                for (Goroutine p : ps) {
                    p.join();
                }
            });
            // Platform threads join goroutines that run on a carrier at that moment: the race
            // between a push and the M taking the joiners is real here, not interleaved on one P.
            List<Thread> outsiders = new ArrayList<>();
            AtomicInteger outsiderJoins = new AtomicInteger();
            for (int k = 0; k < 3; k++) {
                outsiders.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < scaledForTheModel(20_000); i++) {
                        Goroutine g = rt.go(() -> { });
                        g.join();
                        if (!g.thread().isAlive()) {
                            outsiderJoins.incrementAndGet();
                        }
                    }
                }));
            }
            root.join();
            for (Thread t : outsiders) {
                t.join();
            }
            assertThat(outsiderJoins).as("every join returned after the end").hasValue(3 * scaledForTheModel(20_000));
            assertThat(joined).hasValue(parents);
            assertThat(sum.get()).isEqualTo((long) parents * (parents - 1) / 2);
            assertThat(rt.goroutineCount()).isZero();
        }
    }

    @Test
    void anInterruptDoesNotEndAJoinAndIsKeptForTheJoiner() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            Chan<Integer> release = Chan.make();
            Goroutine target = rt.go(() -> {
                release.recv();
            });
            AtomicBoolean interruptedAfter = new AtomicBoolean();
            AtomicBoolean targetDeadAfter = new AtomicBoolean();
            Goroutine joiner = rt.go(() -> {
                target.join();
                targetDeadAfter.set(!target.thread().isAlive());
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            });
            awaitTrue(() -> joiner.state() == Goroutine.State.WAITING);
            joiner.thread().interrupt();
            // The target cannot end before the release below, so the joiner cannot either.
            assertThat(joiner.join(Duration.ofMillis(20))).isFalse();
            awaitTrue(() -> joiner.state() == Goroutine.State.WAITING);
            release.send(1);
            joiner.join();
            assertThat(targetDeadAfter).isTrue();
            assertThat(interruptedAfter).as("the interrupt status is kept").isTrue();
        }
    }

    @Test
    void aJoinerWhoseProcessEndsUnwindsWithTheExitAndTheGoroutineStillEndsNormally() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            Chan<Integer> release = Chan.make();
            Goroutine outsider = rt.go(() -> {
                release.recv();
            });
            AtomicReference<Throwable> joinEnded = new AtomicReference<>();
            AtomicBoolean joinReturned = new AtomicBoolean();
            WeftProcess p = WeftProcess.builder("joiner").start(rt, () -> {
                try {
                    outsider.join();
                    joinReturned.set(true);
                } catch (Throwable t) {
                    joinEnded.set(t);
                    throw t;
                }
            });
            awaitTrue(() -> !p.threads().isEmpty() && p.threads().get(0).state() == Goroutine.State.WAITING);
            p.terminate(3);
            assertThat(p.waitFor()).isEqualTo(3);
            assertThat(joinReturned).isFalse();
            assertThat(joinEnded.get()).isInstanceOf(ProcessExitException.class);
            assertThat(outsider.thread().isAlive()).as("the joined goroutine is not touched").isTrue();
            // Its end still wakes a later joiner, beside the departed one's leftover node.
            Goroutine later = rt.go(outsider::join);
            awaitTrue(() -> later.state() == Goroutine.State.WAITING);
            release.send(1);
            later.join();
            outsider.join();
            assertThat(outsider.state()).isEqualTo(Goroutine.State.DEAD);
        }
    }

    @Test
    void aGoroutineThatJoinsItselfIsReportedAsADeadlock() {
        assertThatThrownBy(() -> {
            try (Weft rt = Weft.builder().build()) {
                rt.run(() -> {
                    AtomicReference<Goroutine> self = new AtomicReference<>();
                    Chan<Integer> ready = Chan.make(1);
                    Goroutine g = Go.go(() -> {
                        ready.recv();
                        self.get().join();
                    });
                    self.set(g);
                    ready.send(1);
                    g.join();
                });
            }
        }).isInstanceOf(DeadlockException.class).hasMessageContaining("goroutine join");
    }

    @Test
    void aParentJoiningAChildThatWaitsForeverIsReportedAsADeadlock() {
        assertThatThrownBy(() -> {
            try (Weft rt = Weft.builder().build()) {
                rt.run(() -> Go.go(() -> Chan.make().recv()).join());
            }
        }).isInstanceOf(DeadlockException.class).hasMessageContaining("goroutine join")
                .hasMessageContaining("chan receive");
    }

    /**
     * A timed join waits on the JDK's clock, which deadlock detection cannot see: it must not
     * count as a wait only a goroutine can end (before, the run failed with the deadlock dump
     * while the join's timeout was pending, under M:N and N:1).
     */
    @Test
    void aTimedJoinOfAGoroutineThatWaitsIsNotADeadlock() {
        try (Weft rt = Weft.builder().build()) {
            AtomicBoolean timedOut = new AtomicBoolean();
            rt.run(() -> {
                Chan<Integer> release = Chan.make();
                Goroutine child = Go.go(release::recv);
                try {
                    timedOut.set(!child.join(Duration.ofMillis(500)));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                release.send(1);
                child.join();
            });
            assertThat(timedOut).as("the timed join returned at its timeout, and no deadlock was reported").isTrue();
        }
    }
}
