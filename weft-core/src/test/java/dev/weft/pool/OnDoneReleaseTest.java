package dev.weft.pool;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Conditions;
import dev.weft.Weft;
import dev.weft.sync.WaitGroup;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An onDone registration that ends before its group reaches zero (cancelled, or ended by the
 * pool's shutdown) releases its waiter goroutine at once: the runtime's close waits for every
 * goroutine, so a waiter left parked on a group that never reaches zero would hold it open for
 * ever. Before the fix the waiter stayed in {@code WaitGroup.await} and {@code close} gave up.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OnDoneReleaseTest {

    @Test
    void aCancelledOnDoneDoesNotHoldTheRuntimeOpen() throws Exception {
        assertReleased(WaitRegistration::cancel, pool -> pool.shutdown());
    }

    @Test
    void shutdownReleasesTheWaiterOfAnActiveOnDone() throws Exception {
        assertReleased(r -> { }, ThreadPool::shutdown);
    }

    @Test
    void shutdownNowReleasesTheWaiterOfAnActiveOnDone() throws Exception {
        assertReleased(r -> { }, ThreadPool::shutdownNow);
    }

    /**
     * Cancels racing the groups' end, with a plain waiter on each group beside the registration's
     * goroutine: a cancel that wins ends the registration and its callback never runs; one that
     * loses finds the callback queued, and it runs once. Either way the plain waiter returns (an
     * abandoned wait that took or left a unit wrongly would strand it, or wake it with the
     * group's "reused" misuse error), and no goroutine is left behind for the runtime's close.
     */
    @Test
    void cancelsRacingTheGroupsEndLoseNothingAndLeaveNoWaiter() throws Exception {
        int n = Conditions.scaledForTheModel(300);
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        Weft rt = Weft.builder().name("on-done-race").procs(4).build();
        try {
            ThreadPool pool = ThreadPool.builder("racing").minWorkers(2).maxWorkers(4)
                    .uncaughtExceptionHandler((t, e) -> failures.add(e)).build(rt);
            AtomicInteger[] calls = new AtomicInteger[n];
            boolean[] cancelled = new boolean[n];
            WaitGroup plainWaiters = new WaitGroup();
            for (int i = 0; i < n; i++) {
                WaitGroup wg = new WaitGroup();
                wg.add(1);
                AtomicInteger c = new AtomicInteger();
                calls[i] = c;
                WaitRegistration r = pool.onDone(wg, c::incrementAndGet);
                plainWaiters.go(() -> {
                    try {
                        wg.await();
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                });
                rt.go(wg::done);
                cancelled[i] = r.cancel();
            }
            plainWaiters.await();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).as("terminated: " + pool).isTrue();
            for (int i = 0; i < n; i++) {
                assertThat(calls[i].get()).as("registration %d, cancel returned %s", i, cancelled[i])
                        .isEqualTo(cancelled[i] ? 0 : 1);
            }
            assertThat(failures).isEmpty();
            assertThat(rt.close(Duration.ofSeconds(30))).as("no goroutine is left\n" + rt.dump()).isTrue();
        } finally {
            rt.close();
        }
    }

    private static void assertReleased(Consumer<WaitRegistration> end, Consumer<ThreadPool> stop) throws Exception {
        WaitGroup never = new WaitGroup();
        never.add(1); // never done while the runtime lives
        AtomicBoolean ran = new AtomicBoolean();
        Weft rt = Weft.builder().name("on-done-release").procs(2).build();
        try {
            ThreadPool pool = ThreadPool.builder("waits").minWorkers(1).maxWorkers(2).build(rt);
            WaitRegistration r = pool.onDone(never, () -> ran.set(true));
            // Its waiter goroutine is parked in the group's await.
            awaitTrue(() -> rt.dump().contains("sync.WaitGroup.Wait"));
            end.accept(r);
            stop.accept(pool);
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).as("terminated: " + pool).isTrue();
            assertThat(r.isActive()).isFalse();
            assertThat(rt.close(Duration.ofSeconds(30)))
                    .as("the runtime closes: no goroutine is left waiting for the group\n" + rt.dump()).isTrue();
        } finally {
            never.done(); // lets a waiter left behind end, so a failed run closes the runtime
            rt.close();
        }
        assertThat(ran).as("an ended registration never runs its callback").isFalse();
    }
}
