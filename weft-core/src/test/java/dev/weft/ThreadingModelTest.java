package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import dev.weft.sync.Mutex;
import dev.weft.sync.WaitGroup;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One program under each threading model (the model named explicitly here; the rest of the suite
 * also runs under each through {@code -Dweft.model}), and what distinguishes the models.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreadingModelTest {

    @ParameterizedTest
    @EnumSource(ThreadingModel.class)
    void theSameProgramRunsUnderEveryModel(ThreadingModel model) {
        try (Weft rt = Weft.builder().model(model).procs(2).build()) {
            assertThat(rt.model()).isEqualTo(model);
            int[] result = new int[3];
            rt.run(() -> {
                Chan<Integer> ping = Chan.make();
                Chan<Integer> pong = Chan.make();
                Go.go(() -> {
                    for (int i = 0; i < 1000; i++) {
                        pong.send(ping.recv() + 1);
                    }
                });
                int sum = 0;
                for (int i = 0; i < 1000; i++) {
                    ping.send(i);
                    sum += pong.recv();
                }
                result[0] = sum;

                Mutex mu = new Mutex();
                int[] counter = {0};
                WaitGroup wg = new WaitGroup();
                for (int g = 0; g < 10; g++) {
                    wg.go(() -> {
                        for (int i = 0; i < 100; i++) {
                            mu.lock();
                            counter[0]++;
                            mu.unlock();
                        }
                    });
                }
                wg.await();
                result[1] = counter[0];

                Chan<Integer> never = Chan.make();
                result[2] = new Select().recv(never, v -> {}).after(Duration.ofMillis(5), () -> {}).run();
            });
            assertThat(result[0]).isEqualTo(1000 * 1001 / 2);
            assertThat(result[1]).isEqualTo(1000);
            assertThat(result[2]).as("the timeout case of the select").isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadingModel.class)
    void deadlocksAreDetectedUnderEveryModel(ThreadingModel model) {
        try (Weft rt = Weft.builder().model(model).build()) {
            // Made inside: weft trusts only waits on its own goroutines' objects (see DeadlockTest).
            assertThatThrownBy(() -> rt.run(() -> Chan.<Integer>make().recv())).isInstanceOf(DeadlockException.class)
                    .hasMessageContaining("all goroutines are asleep");
        }
    }

    @Test
    void oneToOneRunsEachGoroutineOnAPlatformThreadOfItsOwn() {
        try (Weft rt = Weft.builder().model(ThreadingModel.ONE_TO_ONE).build()) {
            Set<Thread> threads = ConcurrentHashMap.newKeySet();
            AtomicBoolean anyVirtual = new AtomicBoolean();
            AtomicInteger maxPriority = new AtomicInteger();
            rt.run(() -> {
                WaitGroup wg = new WaitGroup();
                for (int i = 0; i < 20; i++) {
                    wg.go(() -> {
                        threads.add(Thread.currentThread());
                        anyVirtual.compareAndSet(false, Thread.currentThread().isVirtual());
                    });
                }
                wg.add(1);
                Go.go(31, () -> {
                    maxPriority.set(Thread.currentThread().getPriority());
                    assertThat(Go.current().priority()).isEqualTo(31);
                    wg.done();
                });
                wg.await();
            });
            assertThat(threads).hasSize(20);
            assertThat(anyVirtual.get()).isFalse();
            assertThat(maxPriority.get()).isEqualTo(Thread.MAX_PRIORITY);
            if (System.getProperty("os.name", "").toLowerCase().contains("linux")) {
                // HotSpot on Linux ignores thread priorities unless root with ThreadPriorityPolicy=1.
                assertThat(rt.prioritiesHonoured()).isFalse();
            }
        }
    }

    @Test
    void underN1ABlockingCallStopsEveryGoroutine() throws Exception {
        try (Weft rt = Weft.builder().model(ThreadingModel.N_1).build()) {
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean blockerReturned = new AtomicBoolean();
            AtomicBoolean otherSawBlockerReturned = new AtomicBoolean();
            CountDownLatch inCall = new CountDownLatch(1);
            CountDownLatch otherRan = new CountDownLatch(1);
            Goroutine blocker = rt.go(() -> Go.blocking(() -> {
                inCall.countDown();
                holdTheCarrierUntil(release);
                blockerReturned.set(true);
            }));
            inCall.await();
            Goroutine other = rt.go(() -> {
                otherSawBlockerReturned.set(blockerReturned.get());
                otherRan.countDown();
            });
            // The other goroutine cannot run while the only carrier is blocked; the wait below is
            // only a window in which a wrong model would let it run.
            assertThat(otherRan.await(100, TimeUnit.MILLISECONDS)).isFalse();
            release.countDown();
            blocker.join();
            other.join();
            assertThat(otherSawBlockerReturned.get()).isTrue();
            assertThat(rt.stats().threads()).isEqualTo(1);
            assertThat(rt.procs()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ThreadingModel.class, names = {"M_N", "ONE_TO_ONE"})
    void underTheOtherModelsABlockingCallStopsOnlyItsGoroutine(ThreadingModel model) {
        try (Weft rt = Weft.builder().model(model).procs(1).build()) {
            CountDownLatch releasedByAnother = new CountDownLatch(1);
            Goroutine blocker = rt.go(() -> Go.blocking(() -> holdTheCarrierUntil(releasedByAnother)));
            rt.go(releasedByAnother::countDown).join();
            blocker.join();
            assertThat(blocker.state()).isEqualTo(Goroutine.State.DEAD);
        }
    }

    @Test
    void setProcsNeedsTheMnModel() {
        for (ThreadingModel model : new ThreadingModel[] {ThreadingModel.N_1, ThreadingModel.ONE_TO_ONE}) {
            try (Weft rt = Weft.builder().model(model).build()) {
                assertThatThrownBy(() -> rt.setProcs(2)).isInstanceOf(UnsupportedOperationException.class)
                        .hasMessageContaining("needs the M_N model").hasMessageContaining(model.name());
            }
        }
    }

    @Test
    void anUnknownModelInTheSystemPropertyIsNamedInTheError() {
        String before = System.getProperty("weft.model");
        System.setProperty("weft.model", "M_TO_N");
        try {
            assertThatThrownBy(() -> Weft.builder().build()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown threading model 'M_TO_N'").hasMessageContaining("ONE_TO_ONE");
        } finally {
            if (before == null) {
                System.clearProperty("weft.model");
            } else {
                System.setProperty("weft.model", before);
            }
        }
    }

    /**
     * A call that keeps its carrier thread, as a blocking system call does (a JDK latch would
     * park the virtual thread and free the carrier instead).
     */
    private static void holdTheCarrierUntil(CountDownLatch latch) {
        while (latch.getCount() > 0) {
            Thread.onSpinWait();
        }
    }
}
