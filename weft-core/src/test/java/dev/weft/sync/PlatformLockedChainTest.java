package dev.weft.sync;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.chan.Chan;
import dev.weft.Goroutine;
import dev.weft.Weft;
import dev.weft.proc.WeftProcess;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An RWMutex read-locked by a platform thread: a writer that waits for it holds the inner
 * {@code w} mutex, so writers queued behind it on {@code w} wait, through it, for the platform
 * reader too. If that writer is a ghost (its process ended while it waited), no goroutine of the
 * runtime is left waiting with the RWMutex's own (uncounted) wait, and the queued writer's wait
 * on {@code w} must not count for deadlock detection either: it used to, and the runtime was
 * reported deadlocked while the platform reader was about to leave.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlatformLockedChainTest {

    @Test
    void aWriterQueuedBehindAGhostWriterThatWaitsForAPlatformReaderIsNotDeadlocked() throws Exception {
        try (Weft rt = Weft.builder().procs(1).build()) {
            Throwable[] readerFailure = new Throwable[1];
            boolean[] got = new boolean[1];
            rt.run(() -> {
                RWMutex rw = new RWMutex(); // made by a goroutine: its waits are this runtime's
                CountDownLatch readLocked = new CountDownLatch(1);
                CountDownLatch ghostLeft = new CountDownLatch(1);
                Thread reader = Thread.ofPlatform().start(() -> {
                    try {
                        rw.rLock();
                        readLocked.countDown();
                        ghostLeft.await();
                        while (!rt.dump().contains("[sync.RWMutex.Lock")) {
                            Thread.onSpinWait(); // until main is parked behind the ghost
                        }
                        waitMoreThanTheConfirmation();
                        rw.rUnlock(); // the last reader: unlocks for the ghost, main gets in
                    } catch (Throwable e) {
                        readerFailure[0] = e;
                        readLocked.countDown();
                    }
                });
                try {
                    readLocked.await(); // JDK waits: never counted by deadlock detection
                    WeftProcess p = WeftProcess.builder("writer").start(rt, () -> {
                        rw.lock(); // waits for the platform reader, holding w
                        rw.unlock();
                    });
                    Goroutine writer = p.primary();
                    awaitTrue(() -> writer.state() == Goroutine.State.WAITING);
                    p.terminate(1); // the writer unwinds and leaves a ghost that holds w
                    assertThat(p.waitFor()).isEqualTo(1);
                    ghostLeft.countDown();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                rw.lock(); // behind the ghost, on w
                got[0] = true;
                rw.unlock();
                try {
                    reader.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(readerFailure[0]).isNull();
            assertThat(got[0]).isTrue();
        }
    }

    /**
     * A goroutine of another runtime waits for a mutex a platform thread holds, and main waits
     * for that goroutine (on a channel of main's runtime). The other runtime is not asleep: its
     * goroutine's wait does not count for deadlock detection there, and must not count from main's
     * runtime either. It did: a runtime asleep was one whose goroutines were all in weft waits,
     * whoever could end them, and main's runtime was reported deadlocked while the platform holder
     * was about to unlock.
     */
    @Test
    void aGoroutineOfAnotherRuntimeWaitingForAPlatformHolderIsNotAsleep() throws Exception {
        try (Weft rt = Weft.builder().procs(1).build(); Weft other = Weft.builder().procs(1).build()) {
            Throwable[] holderFailure = new Throwable[1];
            int[] got = new int[1];
            rt.run(() -> {
                Chan<Integer> done = Chan.make(); // main's runtime's
                java.util.concurrent.atomic.AtomicReference<Mutex> made = new java.util.concurrent.atomic.AtomicReference<>();
                CountDownLatch madeLatch = new CountDownLatch(1);
                CountDownLatch taken = new CountDownLatch(1);
                other.go(() -> {
                    Mutex m = new Mutex(); // made by a goroutine of the other runtime
                    made.set(m);
                    madeLatch.countDown();
                    try {
                        taken.await(); // a JDK wait
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    m.lock(); // waits for the platform holder
                    m.unlock();
                    done.send(1);
                });
                Thread holder = Thread.ofPlatform().start(() -> {
                    try {
                        madeLatch.await();
                        Mutex m = made.get();
                        m.lock();
                        taken.countDown();
                        while (!other.dump().contains("[sync.Mutex.Lock") || !rt.dump().contains("[chan receive")) {
                            Thread.onSpinWait(); // until both goroutines are parked
                        }
                        waitMoreThanTheConfirmation();
                        m.unlock();
                    } catch (Throwable e) {
                        holderFailure[0] = e;
                        taken.countDown();
                    }
                });
                got[0] = done.recv();
                try {
                    holder.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(holderFailure[0]).isNull();
            assertThat(got[0]).isEqualTo(1);
        }
    }

    /** Lets sysmon look twice (20 ms apart) at the parked runtime, with room for a loaded machine. */
    private static void waitMoreThanTheConfirmation() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        assertThat(never.await(200, TimeUnit.MILLISECONDS)).isFalse();
    }
}
