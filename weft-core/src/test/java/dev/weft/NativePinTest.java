package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A goroutine that parks while a native frame is on its stack (inside an FFM upcall from
 * {@code qsort}) cannot unmount: it blocks its carrier, and with it its P, until it is woken.
 * Until sysmon can hand that P to another carrier, the other Ps keep the runtime going (they steal
 * the blocked P's queue), and nothing is lost once the pinned goroutine wakes.
 */
// A pinned carrier handed off: M_N only.
@Tag("m-n-mechanics")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NativePinTest {
    // Static (the native comparator's upcall reaches them), so each run of the test makes its
    // own: a second run in the same JVM would otherwise find them spent and never pin.
    static volatile CountDownLatch pinned;
    static volatile CountDownLatch release;
    static volatile AtomicInteger comparisons;

    /** qsort's comparator: the first call waits (parks) with qsort's native frame below it. */
    static int compare(MemorySegment a, MemorySegment b) {
        CountDownLatch pinned = NativePinTest.pinned;
        CountDownLatch release = NativePinTest.release;
        if (comparisons.getAndIncrement() == 0) {
            pinned.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        return Integer.compare(a.get(ValueLayout.JAVA_INT, 0), b.get(ValueLayout.JAVA_INT, 0));
    }

    @Test
    void aGoroutinePinnedByANativeFrameBlocksOnlyItsCarrierAndLosesNothing() throws Throwable {
        comparisons = new AtomicInteger();
        CountDownLatch pinned = NativePinTest.pinned = new CountDownLatch(1);
        CountDownLatch release = NativePinTest.release = new CountDownLatch(1);
        try (Weft rt = Weft.builder().procs(2).build(); Arena arena = Arena.ofShared()) {
            MemorySegment upcall = NativeSort.comparator(NativePinTest.class, "compare", arena);
            int[] values = {5, 3, 9, 1, 7};
            MemorySegment array = arena.allocateFrom(ValueLayout.JAVA_INT, values);
            Goroutine sorter = rt.go(() -> {
                try {
                    NativeSort.sort(array, values.length, upcall);
                } catch (Throwable t) {
                    throw new AssertionError(t);
                }
            });
            pinned.await();
            // The sorter is parked on its carrier (still "running" for weft, since it never unmounted).
            assertThat(sorter.state()).isEqualTo(Goroutine.State.RUNNING);
            AtomicInteger others = new AtomicInteger();
            Goroutine[] gs = new Goroutine[200];
            for (int i = 0; i < gs.length; i++) {
                gs[i] = rt.go(() -> {
                    Go.yield();
                    others.incrementAndGet();
                });
            }
            for (Goroutine g : gs) {
                g.join();
            }
            assertThat(others.get()).isEqualTo(gs.length);
            release.countDown();
            sorter.join();
            assertThat(sorter.failure()).isNull();
            assertThat(array.toArray(ValueLayout.JAVA_INT)).containsExactly(1, 3, 5, 7, 9);
            assertThat(rt.goroutineCount()).isZero();
        }
    }
}
