package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link LevelFloor}, which lets PRIORITY's ready skip the search for a lower running
 * goroutine: above every level before the first goroutine, it falls to each lower level a
 * goroutine is given (at its start, or by setPriority) before the goroutine holds it, and never
 * rises. The preemption it must not hide is checked end to end in
 * {@code dev.weft.PriorityLevelFloorTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LevelFloorTest {

    private static Sched prioritySched() {
        SchedConfig d = SchedConfig.defaults("floor", (g, t) -> t.printStackTrace());
        return new Sched(new SchedConfig(d.name(), 1, 8, d.uncaughtHandler(), d.clock(), d.timesliceNanos(), false,
                true, Model.M_N, 0));
    }

    @Test
    void theFloorFallsWithEachLowerLevelAGoroutineIsGivenAndNeverRises() throws Exception {
        Sched s = prioritySched();
        try {
            assertThat(s.levelFloor.get()).isEqualTo(Integer.MAX_VALUE);
            G a = s.go(() -> {}, true, 12);
            assertThat(s.levelFloor.get()).isEqualTo(12);
            G b = s.go(() -> {}, true, 20);
            assertThat(s.levelFloor.get()).isEqualTo(12);
            G c = s.go(() -> {}, true, 3);
            assertThat(s.levelFloor.get()).isEqualTo(3);
            for (G g : List.of(a, b, c)) {
                g.thread().join();
            }
            b.setPriority(1);
            assertThat(b.runLevel()).isEqualTo(1);
            assertThat(s.levelFloor.get()).isEqualTo(1);
            a.setPriority(30);
            b.boost(15); // a starvation boost raises a level, never the floor
            assertThat(s.levelFloor.get()).isEqualTo(1);
        } finally {
            s.close();
        }
    }

    @Test
    void concurrentNotesLeaveTheLowestLevel() throws Exception {
        Sched s = prioritySched();
        try {
            int threads = 4;
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> noters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int lowest = 4 + t; // the lowest of all is 4, noted by the first thread last
                noters.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    for (int round = 0; round < 1_000; round++) {
                        for (int level = 31; level >= lowest; level--) {
                            s.levelFloor.note(level);
                        }
                    }
                }));
            }
            start.countDown();
            for (Thread t : noters) {
                t.join();
            }
            assertThat(s.levelFloor.get()).isEqualTo(4);
        } finally {
            s.close();
        }
    }
}
