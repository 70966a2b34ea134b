package dev.weft.chan;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Goroutine;
import dev.weft.Weft;
import java.lang.ref.WeakReference;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A goroutine reuses one waiter for its plain channel waits. A receive that waited got its value
 * through that waiter, which kept it: the goroutine held on to the last value it had waited for
 * until its next channel wait, however long it did other things meanwhile (Go's sudog lets go of
 * it: send clears sg.elem).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReceivedValueRetentionTest {

    @Test
    void aGoroutineDoesNotKeepTheLastValueItWaitedFor() throws Exception {
        try (Weft rt = Weft.builder().procs(2).build()) {
            Chan<Object> c = Chan.make();
            CountDownLatch received = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Goroutine g = rt.go(() -> {
                Object v = c.recv(); // parks: the value arrives through the goroutine's waiter
                assertThat(v).isNotNull();
                v = null;
                received.countDown();
                awaitUninterruptibly(release); // not a channel wait: the waiter stays as it was
            });
            try {
                awaitTrue(() -> c.recvWaiters() == 1);
                Object value = new byte[1 << 20];
                WeakReference<Object> ref = new WeakReference<>(value);
                c.send(value);
                value = null;
                received.await();
                for (int i = 0; i < 100 && !ref.refersTo(null); i++) {
                    System.gc(); // a bound on the retries, not a wait for time
                }
                assertThat(ref.refersTo(null)).as("the value, dropped by its receiver, is garbage").isTrue();
            } finally {
                release.countDown();
            }
            g.join();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        for (;;) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // keep waiting: the test's release ends it
            }
        }
    }
}
