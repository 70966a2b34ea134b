package dev.weft.sync;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Goroutine;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RWMutexTest {

    @Test
    void misuseIsRejected() {
        RWMutex rw = new RWMutex();
        assertThatThrownBy(rw::rUnlock).isInstanceOf(IllegalStateException.class).hasMessage("rUnlock of unlocked RWMutex");
        assertThatThrownBy(rw::unlock).isInstanceOf(IllegalStateException.class).hasMessage("unlock of unlocked RWMutex");
        rw.lock();
        assertThatThrownBy(rw::rUnlock).hasMessage("rUnlock of unlocked RWMutex");
        rw.unlock();
        // Still usable after the rejected calls.
        assertThat(rw.tryRLock()).isTrue();
        rw.rUnlock();
        assertThat(rw.tryLock()).isTrue();
        rw.unlock();
    }

    @Test
    void readersShareAndWritersExclude() {
        RWMutex rw = new RWMutex();
        rw.rLock();
        assertThat(rw.tryRLock()).isTrue();
        assertThat(rw.tryLock()).isFalse();
        rw.rUnlock();
        rw.rUnlock();
        rw.lock();
        assertThat(rw.tryRLock()).isFalse();
        assertThat(rw.tryLock()).isFalse();
        rw.unlock();
        assertThat(rw.tryLock()).isTrue();
        rw.unlock();
    }

    /** A waiting writer blocks new readers; it gets the lock when the old readers leave. */
    @Test
    void writerPreferring() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            RWMutex rw = new RWMutex();
            List<String> events = new ArrayList<>();
            Mutex ev = new Mutex();
            rw.rLock();
            Goroutine writer = rt.go(() -> {
                rw.lock();
                ev.lock();
                events.add("writer");
                ev.unlock();
                rw.unlock();
            });
            awaitTrue(() -> writer.status().equals("sync.RWMutex.Lock"));
            assertThat(rw.tryRLock()).isFalse();
            Goroutine reader = rt.go(() -> {
                rw.rLock();
                ev.lock();
                events.add("reader");
                ev.unlock();
                rw.rUnlock();
            });
            awaitTrue(() -> reader.status().equals("sync.RWMutex.RLock"));
            rw.rUnlock();
            writer.join();
            reader.join();
            assertThat(events).containsExactly("writer", "reader");
        }
    }

    /** Writers update two fields together; readers must never see them differ. */
    @ParameterizedTest(name = "procs={0}")
    @ValueSource(ints = {1, 2})
    void readersNeverSeeAHalfWrite(int procs) throws Exception {
        RWMutex rw = new RWMutex();
        long[] pair = {0, 0};
        AtomicBoolean torn = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        int writers = 4;
        int readers = 8;
        int iters = 2_000;
        try (Weft rt = Weft.builder().procs(procs).build()) {
            CountDownLatch done = new CountDownLatch(writers + readers + 1);
            for (int w = 0; w < writers; w++) {
                rt.go(() -> {
                    for (int i = 0; i < iters; i++) {
                        rw.lock();
                        pair[0]++;
                        Thread.yield();
                        pair[1]++;
                        rw.unlock();
                    }
                    done.countDown();
                });
            }
            Runnable reader = () -> {
                for (int i = 0; i < iters; i++) {
                    rw.rLock();
                    if (pair[0] != pair[1]) {
                        torn.set(true);
                    }
                    reads.incrementAndGet();
                    rw.rUnlock();
                }
                done.countDown();
            };
            for (int r = 0; r < readers; r++) {
                rt.go(reader);
            }
            Thread.ofPlatform().start(reader);
            done.await();
        }
        assertThat(torn).isFalse();
        assertThat(pair[0]).isEqualTo((long) writers * iters).isEqualTo(pair[1]);
        assertThat(reads.get()).isEqualTo((readers + 1) * iters);
    }
}
