package dev.weft.sync;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Goroutine;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SemaphoreTest {

    @Test
    void misuseIsRejected() {
        assertThatThrownBy(() -> new Semaphore(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative size");
        Semaphore s = new Semaphore(3);
        assertThatThrownBy(() -> s.acquire(4)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size is 3");
        assertThatThrownBy(() -> s.tryAcquire(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.release(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("released more than held");
        assertThat(s.tryAcquire(3)).isTrue();
        assertThat(s.tryAcquire(1)).isFalse();
        s.release(2);
        assertThat(s.tryAcquire(2)).isTrue();
        s.release(3);
        assertThat(s.size()).isEqualTo(3);
    }

    /** FIFO: a big request queued first is served before smaller ones that would already fit. */
    @Test
    void bigWaiterIsNotStarvedBySmallOnes() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            Semaphore s = new Semaphore(10);
            s.acquire(5);
            List<String> order = new ArrayList<>();
            Mutex om = new Mutex();
            Goroutine big = rt.go(() -> {
                s.acquire(10);
                om.lock();
                order.add("big");
                om.unlock();
                s.release(10);
            });
            awaitTrue(() -> big.status().equals("semacquire"));
            assertThat(s.tryAcquire(1)).as("5 units are free but a waiter is ahead").isFalse();
            Goroutine small = rt.go(() -> {
                s.acquire(1);
                om.lock();
                order.add("small");
                om.unlock();
                s.release(1);
            });
            awaitTrue(() -> small.status().equals("semacquire"));
            s.release(5);
            big.join();
            small.join();
            assertThat(order).containsExactly("big", "small");
            assertThat(s.tryAcquire(10)).isTrue();
        }
    }

    @ParameterizedTest(name = "procs={0}")
    @ValueSource(ints = {1, 2})
    void neverGrantsMoreThanItsSize(int procs) throws Exception {
        Semaphore s = new Semaphore(4);
        AtomicLong inUse = new AtomicLong();
        AtomicBoolean exceeded = new AtomicBoolean();
        int workers = 40;
        // Under ONE_TO_ONE every round is kernel wake-ups: 12 s of the class's 30 on a loaded
        // 2-core machine at full size (a flake sweep with two busy threads beside it).
        int rounds = Math.max(30, dev.weft.Conditions.scaledForTheModel(300));
        try (Weft rt = Weft.builder().procs(procs).build()) {
            CountDownLatch done = new CountDownLatch(workers);
            for (int w = 0; w < workers; w++) {
                Runnable r = () -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int i = 0; i < rounds; i++) {
                        long n = 1 + rnd.nextInt(4);
                        s.acquire(n);
                        if (inUse.addAndGet(n) > 4) {
                            exceeded.set(true);
                        }
                        Thread.yield();
                        inUse.addAndGet(-n);
                        s.release(n);
                    }
                    done.countDown();
                };
                if (w % 10 == 0) {
                    Thread.ofPlatform().start(r);
                } else {
                    rt.go(r);
                }
            }
            done.await();
        }
        assertThat(exceeded).isFalse();
        assertThat(s.tryAcquire(4)).isTrue();
    }
}
