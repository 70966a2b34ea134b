package dev.weft.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A lock made by a goroutine and held by a platform thread: the goroutines waiting for it are
 * not deadlocked, since the platform thread, which deadlock detection cannot see, may still
 * release it. The detector used to count such waits as waits on its own runtime's primitive and
 * report "all goroutines are asleep" while the holder was about to unlock.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlatformHolderDeadlockTest {

    /**
     * Main makes the lock and a platform thread that takes it ({@code take}), waits until it has,
     * then waits for the lock ({@code waitFor}); the holder keeps it until main shows the wait
     * in the dump and sysmon has had time to look twice, then releases it ({@code release}).
     */
    private static <L> void aGoroutineWaitsForAPlatformHolder(java.util.function.Supplier<L> make, Consumer<L> take,
            Consumer<L> release, Consumer<L> waitFor, String waitInDump) throws Exception {
        try (Weft rt = Weft.builder().procs(1).build()) {
            Throwable[] holderFailure = new Throwable[1];
            boolean[] got = new boolean[1];
            rt.run(() -> {
                L lock = make.get(); // made by a goroutine: its waits are this runtime's
                CountDownLatch taken = new CountDownLatch(1);
                Thread holder = Thread.ofPlatform().start(() -> {
                    try {
                        take.accept(lock);
                        taken.countDown();
                        while (!rt.dump().contains(waitInDump)) {
                            Thread.onSpinWait(); // until main is parked on the lock
                        }
                        waitMoreThanTheConfirmation();
                        release.accept(lock);
                    } catch (Throwable e) {
                        holderFailure[0] = e;
                        taken.countDown();
                    }
                });
                try {
                    taken.await(); // a JDK wait: never counted by deadlock detection
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                waitFor.accept(lock);
                got[0] = true;
                try {
                    holder.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(holderFailure[0]).isNull();
            assertThat(got[0]).isTrue();
        }
    }

    /** Lets sysmon look twice (20 ms apart) at the parked runtime, with room for a loaded machine. */
    private static void waitMoreThanTheConfirmation() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        assertThat(never.await(200, TimeUnit.MILLISECONDS)).isFalse();
    }

    @Test
    void aGoroutineWaitingForAMutexAPlatformThreadHoldsIsNotDeadlocked() throws Exception {
        aGoroutineWaitsForAPlatformHolder(Mutex::new, Mutex::lock, Mutex::unlock, m -> {
            m.lock();
            m.unlock();
        }, "[sync.Mutex.Lock");
    }

    @Test
    void aGoroutineWaitingToReadBehindAPlatformWriterIsNotDeadlocked() throws Exception {
        aGoroutineWaitsForAPlatformHolder(RWMutex::new, RWMutex::lock, RWMutex::unlock, rw -> {
            rw.rLock();
            rw.rUnlock();
        }, "[sync.RWMutex.RLock");
    }

    @Test
    void aGoroutineWaitingToWriteBehindAPlatformReaderIsNotDeadlocked() throws Exception {
        aGoroutineWaitsForAPlatformHolder(RWMutex::new, RWMutex::rLock, RWMutex::rUnlock, rw -> {
            rw.lock();
            rw.unlock();
        }, "[sync.RWMutex.Lock");
    }

    @Test
    void goroutinesWaitingForAMutexAGoroutineHoldsForeverAreStillADeadlock() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> rt.run(() -> {
                Mutex m = new Mutex();
                m.lock();
                m.lock(); // not reentrant: waits for itself
            })).isInstanceOf(dev.weft.DeadlockException.class)
                    .hasMessageStartingWith("all goroutines are asleep - deadlock!");
        }
    }
}
