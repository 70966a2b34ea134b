package dev.weft.chan;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A goroutine that {@code Weft.close} gave up on (asleep for good on a channel it made, which only
 * a platform thread holds besides) stayed queued on that channel: a platform thread's later send
 * handed its value to a goroutine that never runs again (its carriers have stopped), and the send
 * reported it delivered. The value must not be lost: either the send finds no receiver, or the
 * receiver runs and gets it (under ONE_TO_ONE a goroutine is a thread of its own, which a send
 * still wakes).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbandonedWaiterTest {

    /** How long a receiver handed a value may take to show it: a safety net, never waited out when all is well. */
    private static final long SAFETY_NET_SECONDS = 10;

    @Test
    void aSendAfterTheCloseGaveUpOnAReceiverDoesNotHandItTheValue() throws Exception {
        AtomicReference<Chan<String>> made = new AtomicReference<>();
        AtomicReference<String> got = new AtomicReference<>();
        CountDownLatch received = new CountDownLatch(1);
        Weft rt = Weft.builder().procs(1).build();
        rt.go(() -> {
            Chan<String> c = Chan.make(); // the goroutine's own: only goroutines are thought to signal it
            made.set(c);
            got.set(c.recv());
            received.countDown();
        });
        awaitTrue(() -> made.get() != null && made.get().recvWaiters() == 1);
        assertThat(rt.close(java.time.Duration.ofSeconds(30))).as("the close gives up on the receiver").isFalse();
        Chan<String> c = made.get();

        boolean sent = c.trySend("lost?");

        assertNotLost(sent, received, got, "lost?");
    }

    @Test
    void aSendAfterTheCloseGaveUpOnASelectDoesNotHandItTheValue() throws Exception {
        AtomicReference<Chan<String>> made = new AtomicReference<>();
        AtomicReference<String> got = new AtomicReference<>();
        CountDownLatch received = new CountDownLatch(1);
        Weft rt = Weft.builder().procs(1).build();
        rt.go(() -> {
            Chan<String> c = Chan.make();
            Chan<String> other = Chan.make();
            made.set(c);
            new Select().recv(c, got::set).recv(other, got::set).run();
            received.countDown();
        });
        awaitTrue(() -> made.get() != null && made.get().recvWaiters() == 1);
        assertThat(rt.close(java.time.Duration.ofSeconds(30))).as("the close gives up on the select").isFalse();
        Chan<String> c = made.get();

        boolean sent = c.trySend("lost?");

        assertNotLost(sent, received, got, "lost?");
    }

    @Test
    void aReceiveAfterTheCloseGaveUpOnASenderDoesNotTakeAValueWhoseSenderNeverGoesOn() throws Exception {
        AtomicReference<Chan<String>> made = new AtomicReference<>();
        CountDownLatch sent = new CountDownLatch(1);
        Weft rt = Weft.builder().procs(1).build();
        rt.go(() -> {
            Chan<String> c = Chan.make();
            made.set(c);
            c.send("from a goroutine given up on");
            sent.countDown();
        });
        awaitTrue(() -> made.get() != null && made.get().sendWaiters() == 1);
        assertThat(rt.close(java.time.Duration.ofSeconds(30))).as("the close gives up on the sender").isFalse();

        String taken = made.get().tryRecv();

        if (taken != null) {
            assertThat(sent.await(SAFETY_NET_SECONDS, TimeUnit.SECONDS))
                    .as("a sender whose value was taken goes on (its send returns)").isTrue();
        }
    }

    /**
     * A close that only timed out gave up on nothing: the runtime runs on, closing, and a later
     * send still reaches its receiver, which then ends and lets the next close finish.
     */
    @Test
    void aSendAfterACloseThatTimedOutStillReachesTheReceiver() throws Exception {
        AtomicReference<Chan<String>> made = new AtomicReference<>();
        AtomicReference<String> got = new AtomicReference<>();
        CountDownLatch received = new CountDownLatch(1);
        Weft rt = Weft.builder().procs(1).detectDeadlocks(false).build(); // the close can only time out
        rt.go(() -> {
            Chan<String> c = Chan.make();
            made.set(c);
            got.set(c.recv());
            received.countDown();
        });
        awaitTrue(() -> made.get() != null && made.get().recvWaiters() == 1);
        assertThat(rt.close(java.time.Duration.ofMillis(1))).as("timed out").isFalse();

        made.get().send("still there");

        assertThat(received.await(SAFETY_NET_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(got.get()).isEqualTo("still there");
        assertThat(rt.close(java.time.Duration.ofSeconds(30))).as("every goroutine ended").isTrue();
    }

    /** A value the send reports delivered reached a receiver that ran (under ONE_TO_ONE it does). */
    private static void assertNotLost(boolean sent, CountDownLatch received, AtomicReference<String> got, String value)
            throws InterruptedException {
        if (sent) {
            assertThat(received.await(SAFETY_NET_SECONDS, TimeUnit.SECONDS))
                    .as("a value the send reported delivered was received by a goroutine that ran").isTrue();
            assertThat(got.get()).isEqualTo(value);
        }
    }
}
