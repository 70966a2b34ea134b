package dev.weft.sync;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.Weft;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A goroutine parked on a goroutine-made mutex before any platform thread locked it, then a
 * platform thread that takes the mutex without that goroutine being woken: it barges in between
 * the holder's unlock and the wake-up the unlock would have sent (which the unlock then skips,
 * the mutex being locked again). The parked goroutine now waits for a platform thread, and is
 * not deadlocked. Its wait's runtime token was read at its park, before the platform thread's
 * flag was set, and the detector used to count it: "all goroutines are asleep" while the platform
 * holder was about to unlock.
 *
 * <p>The barge is a race, so each round makes it likely (the platform thread spins on
 * {@code tryLock} while main unlocks) and checks it after the fact: the platform thread holds the
 * mutex while the word still counts a waiter not woken, and then keeps it until main and the
 * parked goroutine show in the dump and sysmon has had time to look twice. Rounds where the
 * wake-up went out first are cheap and simply repeated.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlatformBargerDeadlockTest {

    @Test
    void aGoroutineParkedBeforeAPlatformThreadBargedInIsNotDeadlocked() throws Exception {
        int barges = 0;
        try (Weft rt = Weft.builder().procs(1).build()) {
            for (int round = 0; round < 2_000 && barges < 3; round++) {
                boolean[] barged = new boolean[1];
                Throwable[] holderFailure = new Throwable[1];
                rt.run(() -> {
                    Mutex m = new Mutex(); // made by a goroutine: its waits are this runtime's
                    m.lock();
                    Goroutine parked = Go.go(() -> {
                        m.lock();
                        m.unlock();
                    });
                    awaitTrue(() -> parked.state() == Goroutine.State.WAITING); // parked, no platform locker yet
                    CountDownLatch spinning = new CountDownLatch(1);
                    Thread holder = Thread.ofPlatform().start(() -> {
                        try {
                            spinning.countDown();
                            while (!m.tryLock()) {
                                Thread.onSpinWait();
                            }
                            if (m.toString().equals("Mutex[locked, waiters=1]")) {
                                barged[0] = true; // likely before the wake-up (or the woken waiter queued again)
                                while (!rt.dump().contains("[goroutine join")) {
                                    Thread.onSpinWait(); // until main waits for the parked goroutine
                                }
                                waitMoreThanTheConfirmation();
                            }
                            m.unlock();
                        } catch (Throwable e) {
                            holderFailure[0] = e;
                        }
                    });
                    try {
                        spinning.await(); // a JDK wait: never counted by deadlock detection
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    m.unlock();
                    parked.join();
                    try {
                        holder.join();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
                assertThat(holderFailure[0]).isNull();
                if (barged[0]) {
                    barges++;
                }
            }
        }
        System.out.println("PlatformBargerDeadlockTest: platform barges held " + barges);
    }

    /** Lets sysmon look twice (20 ms apart) at the parked runtime, with room for a loaded machine. */
    private static void waitMoreThanTheConfirmation() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        assertThat(never.await(200, TimeUnit.MILLISECONDS)).isFalse();
    }
}
