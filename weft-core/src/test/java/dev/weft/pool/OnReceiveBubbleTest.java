package dev.weft.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.internal.sched.Bubble;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A synctest bubble's channel may be used only inside its bubble, and no pool runs there: the
 * manager's Select would throw on it and the manager die, shutting the whole pool down. So
 * onReceive refuses it at once and the pool goes on. Before the fix onReceive accepted it, and
 * the pool was shut down by its dying manager.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OnReceiveBubbleTest {

    @Test
    void onReceiveRefusesABubblesChannelAndThePoolGoesOn() throws Exception {
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (Weft rt = Weft.builder().procs(2).name("bubble-chan").build()) {
            ThreadPool pool = ThreadPool.builder("outside").minWorkers(1).maxWorkers(2)
                    .uncaughtExceptionHandler((t, e) -> failures.add(e)).build(rt);
            AtomicReference<Chan<Integer>> bubbled = new AtomicReference<>();
            assertThat(Bubble.run(1, () -> bubbled.set(Chan.make())).failed()).isFalse();

            assertThatThrownBy(() -> pool.onReceive(bubbled.get(), v -> { }))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("synctest")
                    .hasMessageContaining("bubble");

            // The manager still serves registrations and the pool still runs work.
            Chan<Integer> plain = Chan.make(1);
            CountDownLatch received = new CountDownLatch(1);
            WaitRegistration r = pool.onReceive(plain, v -> received.countDown());
            plain.send(7);
            assertThat(received.await(30, TimeUnit.SECONDS)).as("a later onReceive is served").isTrue();
            assertThat(r.isActive()).isTrue();
            CountDownLatch ran = new CountDownLatch(1);
            pool.execute(ran::countDown);
            assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(pool.isShutdown()).as("the pool was not shut down").isFalse();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(failures).as("nothing reached the handler").isEmpty();
        }
    }
}
