package dev.weft.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.DeadlockException;
import dev.weft.Go;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Waits whose waker is a goroutine of another weft runtime. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrossRuntimeTest {

    /** A channel made by a goroutine of {@code rt}, so that it belongs to rt. */
    private static Chan<Integer> madeIn(Weft rt) {
        AtomicReference<Chan<Integer>> made = new AtomicReference<>();
        rt.go(() -> made.set(Chan.make())).join();
        return made.get();
    }

    /**
     * Guards against: a false DeadlockException when the waker is a goroutine of another runtime
     * (issue 12, defect 6): the main waits on a channel of its own runtime, which a goroutine of a
     * second runtime sends on after a sleep and a wait of its own.
     */
    @Test
    void aWaiterWokenByAnotherRuntimesGoroutineIsNotADeadlock() throws Exception {
        try (Weft a = Weft.builder().procs(1).name("a").build();
             Weft b = Weft.builder().procs(1).name("b").build()) {
            AtomicReference<Chan<Integer>> shared = new AtomicReference<>();
            CountDownLatch made = new CountDownLatch(1);
            Chan<Integer> bLocal = madeIn(b);
            b.go(() -> {
                try {
                    made.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                Go.sleep(Duration.ofMillis(150)); // longer than the deadlock confirmation
                bLocal.recv();                     // and asleep on b's own channel meanwhile...
                shared.get().send(42);
            });
            b.go(() -> {
                Go.sleep(Duration.ofMillis(300));
                bLocal.send(1);                    // ...until b's other goroutine wakes it
            });
            AtomicReference<Integer> got = new AtomicReference<>();
            a.run(() -> {
                Chan<Integer> c = Chan.make();
                shared.set(c);
                made.countDown();
                got.set(c.recv());
            });
            assertThat(got.get()).isEqualTo(42);
        }
    }

    /** ...while a runtime whose goroutines wait on each other alone is still found deadlocked. */
    @Test
    void aDeadlockIsStillFoundWhileAnotherRuntimeSleepsOnItsOwnChannels() {
        try (Weft a = Weft.builder().procs(1).name("a2").build();
             Weft b = Weft.builder().procs(1).name("b2").build()) {
            Chan<Integer> bLocal = madeIn(b);
            b.go(bLocal::recv); // asleep for good in b (a's main ends by deadlock; b's close then gives up)
            assertThatThrownBy(() -> a.run(() -> Chan.<Integer>make().recv())).isInstanceOf(DeadlockException.class);
            b.go(() -> bLocal.send(1)); // let b end cleanly
        }
    }
}
