package dev.weft.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A misused RWMutex (an rUnlock with no read lock held) is refused without disturbing a writer
 * that uses it correctly at the same time. The refusal used to decrement the reader count, see
 * the misuse and add it back: a writer announcing itself in between counted a reader that was
 * not there and waited for it for ever.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RWMutexMisuseTest {

    @Test
    void anRUnlockOfAnUnlockedRWMutexNeverStrandsAConcurrentWriter() throws Exception {
        RWMutex rw = new RWMutex();
        int rounds = 200_000;
        AtomicLong writes = new AtomicLong();
        AtomicLong refusals = new AtomicLong();
        AtomicLong wrongAnswers = new AtomicLong();
        Thread writer = Thread.ofPlatform().daemon().start(() -> {
            for (int i = 0; i < rounds; i++) {
                rw.lock();
                writes.incrementAndGet();
                rw.unlock();
            }
        });
        Thread misuser = Thread.ofPlatform().daemon().start(() -> {
            while (writer.isAlive()) {
                try {
                    rw.rUnlock(); // never read-locked: always a misuse, whether the writer holds it or not
                    wrongAnswers.incrementAndGet();
                } catch (IllegalStateException expected) {
                    refusals.incrementAndGet();
                }
            }
        });
        writer.join(Duration.ofSeconds(40)); // a safety net: a stranded writer waits for ever
        boolean stranded = writer.isAlive();
        misuser.join(Duration.ofSeconds(10));
        assertThat(stranded).as("writer stranded after " + writes.get() + " of " + rounds + " write locks, "
                + refusals.get() + " misuses refused").isFalse();
        assertThat(writes).hasValue(rounds);
        assertThat(refusals.get()).as("misuses refused").isPositive();
        assertThat(wrongAnswers).as("misuses accepted").hasValue(0);
        assertThat(rw.tryLock()).isTrue();
        rw.unlock();
        assertThat(rw.tryRLock()).isTrue();
        rw.rUnlock();
    }

    @Test
    void misusesAreRefusedWithTheStateUnchanged() {
        RWMutex rw = new RWMutex();
        assertThatThrownBy(rw::rUnlock).isInstanceOf(IllegalStateException.class)
                .hasMessage("rUnlock of unlocked RWMutex");
        assertThatThrownBy(rw::unlock).isInstanceOf(IllegalStateException.class)
                .hasMessage("unlock of unlocked RWMutex");
        rw.rLock();
        assertThatThrownBy(rw::unlock).isInstanceOf(IllegalStateException.class)
                .hasMessage("unlock of unlocked RWMutex");
        rw.rUnlock();
        rw.lock();
        assertThatThrownBy(rw::rUnlock).isInstanceOf(IllegalStateException.class)
                .hasMessage("rUnlock of unlocked RWMutex");
        rw.unlock();
        assertThat(rw.tryLock()).isTrue();
        rw.unlock();
        assertThat(rw.tryRLock()).isTrue();
        rw.rUnlock();
    }
}
