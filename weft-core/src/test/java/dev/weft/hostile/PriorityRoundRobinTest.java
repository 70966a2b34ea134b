package dev.weft.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.SchedulingPolicy;
import dev.weft.ThreadingModel;
import dev.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Guards against: round robin among equal priorities starving under PRIORITY (issue 12, defect
 * 14). Hogs of one level started one after another from a platform thread: the first runs, the
 * others wait in the global queue. At a slice end the preempted hog went to its own P's queue
 * while its equals waited in the global queue, looked at only every 61st slice, so one hog could
 * run alone for 30 slices. The rule is round robin among every ready thread of a level, wherever
 * it is queued: each hog must get slices.
 */
@Tag("user-space-scheduler")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PriorityRoundRobinTest {

    @Test
    void equalHogsAllGetSlicesOnOneCarrier() throws Exception {
        for (int trial = 0; trial < Soak.iterations(6); trial++) {
            hogsAllRun(Weft.builder().model(ThreadingModel.N_1), 3);
        }
    }

    @Test
    void equalHogsAllGetSlicesOnTwoProcessors() throws Exception {
        for (int trial = 0; trial < Soak.iterations(4); trial++) {
            hogsAllRun(Weft.builder().model(ThreadingModel.M_N).procs(2), 5);
        }
    }

    private static void hogsAllRun(Weft.Builder b, int hogs) throws Exception {
        try (Weft rt = b.policy(SchedulingPolicy.PRIORITY).timeslice(Duration.ofMillis(5)).build()) {
            AtomicLongArray ran = new AtomicLongArray(hogs);
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch firstRunning = new CountDownLatch(1);
            List<Goroutine> gs = new ArrayList<>();
            for (int i = 0; i < hogs; i++) {
                int me = i;
                gs.add(rt.go(8, () -> {
                    firstRunning.countDown();
                    while (!stop.get()) {
                        ran.incrementAndGet(me);
                        Go.checkpoint();
                    }
                }));
                if (i == 0) {
                    firstRunning.await(); // the others arrive while the first one runs
                }
            }
            // Round robin: within ten slices per hog, every hog has run. Before the fix one hog
            // could keep the processor for 61 slices (until the global queue's fairness tick).
            long slicesWanted = 10L * hogs;
            dev.weft.Conditions.awaitTrue(() -> rt.stats().switchesByReason().sliceEnds() >= slicesWanted);
            boolean allRan = allPositive(ran);
            stop.set(true);
            for (Goroutine g : gs) {
                g.join();
            }
            assertThat(allRan).as("every hog ran within %d slice ends: %s", slicesWanted, ran).isTrue();
        }
    }

    private static boolean allPositive(AtomicLongArray a) {
        for (int i = 0; i < a.length(); i++) {
            if (a.get(i) == 0) {
                return false;
            }
        }
        return true;
    }
}
