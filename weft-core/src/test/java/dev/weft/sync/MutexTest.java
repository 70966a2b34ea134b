package dev.weft.sync;

import static dev.weft.Conditions.awaitTrue;
import static dev.weft.sync.MutexInternals.invoke;
import static dev.weft.sync.MutexInternals.nwait;
import static dev.weft.sync.MutexInternals.sema;
import static dev.weft.sync.MutexInternals.setState;
import static dev.weft.sync.MutexInternals.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Conditions;
import dev.weft.Goroutine;
import dev.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MutexTest {

    @Test
    void unlockOfUnlockedMutexIsRejectedAndLeavesItUsable() {
        Mutex m = new Mutex();
        assertThatThrownBy(m::unlock).isInstanceOf(IllegalStateException.class).hasMessage("unlock of unlocked mutex");
        m.lock();
        m.unlock();
        assertThatThrownBy(m::unlock).hasMessage("unlock of unlocked mutex");
        assertThat(m.tryLock()).isTrue();
        m.unlock();
    }

    @Test
    void tryLockFailsWhileLocked() {
        Mutex m = new Mutex();
        assertThat(m.tryLock()).isTrue();
        assertThat(m.tryLock()).isFalse();
        m.unlock();
        m.lock();
        assertThat(m.tryLock()).isFalse();
        m.unlock();
    }

    @Test
    void waiterParksWithItsReasonAndAnyThreadMayUnlock() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            Mutex m = new Mutex();
            m.lock();
            AtomicBoolean got = new AtomicBoolean();
            Goroutine g = rt.go(() -> {
                m.lock();
                got.set(true);
            });
            awaitTrue(() -> g.status().equals("sync.Mutex.Lock"));
            assertThat(got).isFalse();
            m.unlock();
            g.join();
            assertThat(got).isTrue();
            m.unlock(); // unlocked by a thread other than the goroutine that locked it, as in Go
            assertThat(m.tryLock()).isTrue();
        }
    }

    /** A plain int counter stays exact under 10,000 goroutines plus platform threads. */
    @ParameterizedTest(name = "procs={0}")
    @ValueSource(ints = {1, 2})
    void protectsACounterUnderTenThousandGoroutines(int procs) throws Exception {
        int goroutines = dev.weft.Conditions.scaledForTheModel(10_000);
        int platforms = 4;
        int perGoroutine = 10;
        int perPlatform = 2_000;
        Mutex m = new Mutex();
        int[] counter = {0};
        try (Weft rt = Weft.builder().procs(procs).build()) {
            CountDownLatch done = new CountDownLatch(goroutines + platforms);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < platforms; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < perPlatform; i++) {
                        m.lock();
                        counter[0]++;
                        m.unlock();
                    }
                    done.countDown();
                }));
            }
            for (int g = 0; g < goroutines; g++) {
                rt.go(() -> {
                    for (int i = 0; i < perGoroutine; i++) {
                        m.lock();
                        int v = counter[0];
                        if (i % 3 == 0) {
                            Thread.yield(); // let others pile up behind the lock
                        }
                        counter[0] = v + 1;
                        m.unlock();
                    }
                    done.countDown();
                });
            }
            done.await();
            for (Thread t : threads) {
                t.join();
            }
        }
        m.lock();
        assertThat(counter[0]).isEqualTo(goroutines * perGoroutine + platforms * perPlatform);
        m.unlock();
    }

    /**
     * Both modes' transitions by the thousand: a mutex that turns starving at once (threshold 0),
     * locked by platform threads and goroutines that arrive, barge and pile up. Holders count
     * themselves in and out, so a second holder shows at once.
     */
    @ParameterizedTest(name = "procs={0}")
    @ValueSource(ints = {1, 2})
    void starvationAtOnceKeepsOneHolderAmongPlatformThreadsAndGoroutines(int procs) throws Exception {
        int platforms = 3;
        int goroutines = 6;
        int perThread = Conditions.scaledForTheModel(20_000);
        Mutex m = new Mutex(dev.weft.internal.sched.WaitReason.MUTEX_LOCK, 0);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger twoHolders = new AtomicInteger();
        int[] counter = {0};
        java.util.Queue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Runnable body = () -> {
            try {
                for (int i = 0; i < perThread; i++) {
                    m.lock();
                    if (inside.getAndIncrement() != 0) {
                        twoHolders.incrementAndGet();
                    }
                    counter[0]++;
                    if (i % 7 == 0) {
                        Thread.yield(); // hold it while others pile up
                    }
                    inside.decrementAndGet();
                    m.unlock();
                    if (i % 3 == 0) {
                        Thread.yield(); // and arrive again as a newcomer that barges
                    }
                }
            } catch (Throwable t) {
                failures.add(t);
            }
        };
        try (Weft rt = Weft.builder().procs(procs).build()) {
            List<Thread> threads = new ArrayList<>();
            List<Goroutine> gs = new ArrayList<>();
            for (int t = 0; t < platforms; t++) {
                threads.add(Thread.ofPlatform().start(body));
            }
            for (int g = 0; g < goroutines; g++) {
                gs.add(rt.go(body));
            }
            for (Thread t : threads) {
                assertThat(t.join(Duration.ofSeconds(60))).as("platform locker ended").isTrue();
            }
            for (Goroutine g : gs) {
                g.join();
            }
        }
        assertThat(failures).isEmpty();
        assertThat(twoHolders.get()).as("times two threads held the mutex at once").isZero();
        assertThat(counter[0]).isEqualTo((platforms + goroutines) * perThread);
        assertThat(m.tryLock()).as("free at the end, not left starving or locked").isTrue();
    }

    /**
     * An unlocker decides by the word its own unlock left. Played step by step, the unlocker's
     * stall played by calling its slow path late: U unlocks in normal mode with a waiter W queued
     * and stalls before its wake-up; a newcomer B locks; a starving woken waiter turns the mutex
     * starving and queues again; U resumes. U must stay out (B will hand off at its unlock): the
     * old loop re-read the word, saw STARVING and handed the mutex to W while B held it, the
     * "unlock of unlocked mutex" and "inconsistent mutex state" of a thread pool's stress test,
     * where a platform thread was preempted in that window.
     */
    @Test
    void anUnlockerThatStalledDoesNotHandOffAMutexThatTurnedStarvingMeanwhile() throws Throwable {
        Mutex m = new Mutex();
        m.lock(); // U holds it
        Thread w = Thread.ofPlatform().start(() -> {
            m.lock();
            m.unlock();
        });
        awaitTrue(() -> nwait(sema(m)) == 1); // W queued
        int locked = 1;
        int starving = 4;
        int now = state(m) - locked; // U's unlock...
        setState(m, now); // ...and its stall before unlockSlow
        assertThat(m.tryLock()).as("B, a newcomer, locks the free mutex").isTrue();
        setState(m, state(m) | starving); // W woken, found it locked, starving: queued again
        invoke(m, "unlockSlow", now); // U resumes

        assertThat(nwait(sema(m))).as("W still queued: no hand-off while B holds the mutex").isEqualTo(1);
        m.unlock(); // B's unlock hands the mutex to W
        assertThat(w.join(Duration.ofSeconds(10))).as("W got the mutex from B and ended").isTrue();
        assertThat(m.tryLock()).as("free, in normal mode, at the end").isTrue();
        m.unlock();
    }

    /**
     * Go's TestMutexFairness: a goroutine that re-locks in a loop cannot starve one that needs the
     * lock ten times (starvation mode hands the lock over after 1 ms of waiting).
     */
    @Tag("m-n-mechanics") // the hog has no safe point: needs a second processor
    @Test
    void starvationModeLetsAWaiterThrough() throws Exception {
        try (Weft rt = Weft.builder().procs(2).build()) {
            Mutex m = new Mutex();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger hogRounds = new AtomicInteger();
            Goroutine hog = rt.go(() -> {
                while (!stop.get()) {
                    m.lock();
                    long until = System.nanoTime() + 100_000;
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait(); // hold the lock while working
                    }
                    hogRounds.incrementAndGet();
                    m.unlock();
                }
            });
            // The light goroutine starts once the hog is at work: otherwise, on a loaded machine,
            // it can finish before the hog ever ran and the test shows nothing.
            Conditions.awaitTrue(() -> hogRounds.get() > 0);
            CountDownLatch tenTimes = new CountDownLatch(1);
            rt.go(() -> {
                for (int i = 0; i < 10; i++) {
                    m.lock();
                    m.unlock();
                }
                tenTimes.countDown();
            });
            boolean finished = tenTimes.await(20, TimeUnit.SECONDS);
            stop.set(true);
            hog.join();
            assertThat(finished).as("the light goroutine got the lock 10 times").isTrue();
            assertThat(hogRounds.get()).isPositive();
        }
    }
}
