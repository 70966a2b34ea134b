package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.chan.Chan;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PRIORITY's preemption on ready skips its search for a lower running goroutine when the readied
 * one is at the runtime's level floor, the lowest level any goroutine was given. A goroutine that
 * lowers its own priority while it runs must lower the floor first: else a goroutine at its old
 * level, the old floor, would be readied beside it without preempting it. One processor and
 * carrier, a one-minute slice and no starvation boost, so only that preemption can let the
 * readied goroutine run (without it the test times out).
 */
@Tag("user-space-scheduler")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PriorityLevelFloorTest {

    @Test
    void aGoroutineThatLowersItsOwnPriorityIsPreemptedByOneAtItsOldLevel() throws Exception {
        try (Weft rt = Weft.builder().model(ThreadingModel.N_1).policy(SchedulingPolicy.PRIORITY)
                .timeslice(Duration.ofMinutes(1)).starvationBoost(false).build()) {
            Chan<Integer> wake = Chan.make();
            AtomicBoolean highRan = new AtomicBoolean();
            // Both start at 8: the floor is 8 until the hog lowers itself.
            Goroutine waiter = rt.go(8, () -> {
                wake.recv();
                highRan.set(true);
            });
            Conditions.awaitTrue(() -> waiter.state() == Goroutine.State.WAITING);
            CountDownLatch lowered = new CountDownLatch(1);
            Goroutine hog = rt.go(8, () -> {
                Go.current().setPriority(2);
                lowered.countDown();
                while (!highRan.get()) {
                    Go.checkpoint();
                }
            });
            lowered.await();
            wake.send(1); // readies the waiter, at the old floor, from outside the runtime
            waiter.join();
            hog.join();
            SchedulerStats s = rt.stats();
            assertThat(s.priorityPreemptRequests()).isGreaterThanOrEqualTo(1);
            assertThat(s.switchesByReason().preemptions()).isGreaterThanOrEqualTo(1);
        }
    }
}
