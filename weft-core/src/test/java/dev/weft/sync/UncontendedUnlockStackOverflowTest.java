package dev.weft.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An uncontended {@code RWMutex.unlock} (no reader queued, nobody on {@code w}) at every depth
 * near the stack's end. It takes only the default probe (the deep one is for the contended
 * paths): what follows its update, {@code letReadersIn(0)} and {@code w}'s fast unlock, must fit
 * in it, or an overflow after the update leaves the count restored and {@code w} locked for good
 * (every later {@code lock} then waits for ever). Judged at the top after each call: either the
 * update was not made (still write-locked, {@code w} locked) or both were undone.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UncontendedUnlockStackOverflowTest {

    private static final int MAX_READERS = 1 << 30;

    private static int bottom;
    private static boolean overflowed;

    /**
     * Calls {@code op} at level {@code target} ({@code Integer.MAX_VALUE}: none, only measures
     * {@link #bottom}); false if the stack ended first. One method for both, so that the levels
     * measured are the levels swept.
     */
    private static boolean at(int level, int target, Runnable op) {
        if (level > bottom) {
            bottom = level;
        }
        if (level == target) {
            try {
                op.run();
            } catch (StackOverflowError e) {
                overflowed = true;
            }
            return true;
        }
        try {
            return at(level + 1, target, op);
        } catch (StackOverflowError e) {
            return false;
        }
    }

    /** Returns how many half-done unlocks (count restored, w still locked) the sweep found. */
    static int sweep() throws Exception {
        int[] halfDone = new int[1];
        int[] overflows = new int[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                bottom = 0;
                at(0, Integer.MAX_VALUE, () -> {});
                RWMutex rw = new RWMutex();
                for (int d = Math.max(0, bottom - 200); d <= bottom + 5; d++) {
                    rw.lock();
                    overflowed = false;
                    at(0, d, rw::unlock);
                    if (overflowed) {
                        overflows[0]++;
                    }
                    int c = readerCount(rw);
                    int w = MutexInternals.state(inner(rw));
                    if (c < 0) {
                        assertThat(w).as("write-locked, so w is locked").isEqualTo(1);
                        rw.unlock(); // not made at depth: made here
                    } else if (w != 0) {
                        halfDone[0]++; // the update made, w left locked: nothing unlocks it
                        return;
                    }
                    assertThat(rw.tryLock()).as("free after the unlock at depth " + d).isTrue();
                    rw.unlock();
                }
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "deep", 256 * 1024);
        t.start();
        t.join();
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
        System.out.println("UncontendedUnlockStackOverflowTest: overflows=" + overflows[0] + " halfDone=" + halfDone[0]);
        assertThat(overflows[0]).as("the sweep reached the stack's end").isPositive();
        return halfDone[0];
    }

    @Test
    void anUncontendedUnlockAtEveryDepthIsMadeWholeOrNotAtAll() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(sweep()).as("unlocks that restored the count and left w locked").isZero();
        }
    }

    /** The same in a JVM that only interprets (frame sizes independent of the JIT). */
    @Test
    void theSameInAnInterpretingJvm() throws Exception {
        String out = dev.weft.ChildJvm.run(100, java.util.List.of("-Xint"), Interpreted.class.getName()).output();
        assertThat(out).as(out).contains("OK").doesNotContain("FAILED");
    }

    static final class Interpreted {
        public static void main(String[] args) throws Exception {
            int half = 0;
            for (int i = 0; i < 5; i++) {
                half += sweep();
            }
            System.out.println(half == 0 ? "OK" : "FAILED: half-done unlocks " + half);
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
    }

    private static int readerCount(RWMutex rw) throws ReflectiveOperationException {
        return ((AtomicInteger) field("readerCount").get(rw)).get();
    }

    private static Mutex inner(RWMutex rw) throws ReflectiveOperationException {
        return (Mutex) field("w").get(rw);
    }

    private static Field field(String name) throws NoSuchFieldException {
        Field f = RWMutex.class.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
