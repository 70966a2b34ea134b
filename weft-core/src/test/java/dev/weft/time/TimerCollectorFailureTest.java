package dev.weft.time;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Conditions;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.internal.sched.Sched;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.lang.reflect.Constructor;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The weft-timer-collector thread is the only one that takes collected channel timers out of
 * their heaps, for the life of the process. A failure while it handles one timer (an
 * OutOfMemoryError in the queue's wait, which allocates, or any exception from the removal) must
 * not end it: collection would stop for good, silently, and every channel timer dropped after
 * that would stay queued (the reference queue holds what the GC put in it) as well as armed.
 *
 * <p>The failure is injected: a queued callback whose entry is missing makes the removal throw.
 * The collector must take it first, so the test waits until the queue has handed it out.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TimerCollectorFailureTest {

    @Test
    @SuppressWarnings("deprecation") // Reference.isEnqueued: still in the queue, or handed out
    void aRemovalThatThrowsDoesNotEndCollection() throws Exception {
        Class<?> weakFiring = Class.forName(TimerChannel.class.getName() + "$WeakFiring");
        Constructor<?> make = weakFiring.getDeclaredConstructor(TimerChannel.class);
        make.setAccessible(true);
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                Reference<?> broken;
                try {
                    broken = (Reference<?>) make.newInstance(new TimerChannel(Sched.forCaller(), null));
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
                assertThat(broken.enqueue()).isTrue();
                Conditions.awaitTrue(() -> !broken.isEnqueued()); // the collector has taken it

                WeakReference<Chan<Instant>> dropped = afterAndDrop(Duration.ofHours(1));
                TimerCollectionTest.gcUntil("a timer dropped after the failure collected",
                        () -> dropped.get() == null && rt.stats().timers() == 0);
            });
        }
    }

    /** Made in a frame of its own, so that no local of the test keeps the channel. */
    private static WeakReference<Chan<Instant>> afterAndDrop(Duration d) {
        return new WeakReference<>(Time.after(d));
    }
}
