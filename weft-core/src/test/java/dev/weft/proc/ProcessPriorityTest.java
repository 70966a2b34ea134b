package dev.weft.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.PriorityClass;
import dev.weft.SchedulingPolicy;
import dev.weft.ThreadingModel;
import dev.weft.Weft;
import dev.weft.sync.WaitGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A process's priority class sets its threads' levels, so under the PRIORITY policy a HIGH
 * process's runnable threads run ahead of a NORMAL one's. On one processor and one carrier (N_1)
 * with no starvation boost the order is deterministic; no assertion depends on timing.
 */
@Tag("user-space-scheduler")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessPriorityTest {

    @Test
    void aHighProcessesThreadsRunAheadOfANormalOnes() {
        List<String> order = new CopyOnWriteArrayList<>();
        try (Weft rt = Weft.builder().model(ThreadingModel.N_1).policy(SchedulingPolicy.PRIORITY)
                .starvationBoost(false).timeslice(Duration.ofMinutes(1)).build()) {
            rt.run(() -> {
                Go.current().setPriority(31); // the starter runs until it waits
                WaitGroup wg = new WaitGroup();
                wg.add(2);
                // The NORMAL process first: arrival order alone would run it first.
                WeftProcess normal = start(rt, "normal", PriorityClass.NORMAL, order, wg);
                WeftProcess high = start(rt, "high", PriorityClass.HIGH, order, wg);
                wg.await();
                assertThat(normal.waitFor()).isZero();
                assertThat(high.waitFor()).isZero();
            });
        }
        // Every step of HIGH's threads, yields included, before any of NORMAL's.
        assertThat(order).hasSize(2 * (1 + 4) * 3);
        assertThat(order.subList(0, 15)).allMatch(s -> s.startsWith("high"));
        assertThat(order.subList(15, 30)).allMatch(s -> s.startsWith("normal"));
    }

    private static WeftProcess start(Weft rt, String name, PriorityClass cls, List<String> order, WaitGroup wg) {
        return WeftProcess.builder(name).priorityClass(cls).start(rt, () -> {
            Runnable steps = () -> {
                for (int i = 0; i < 3; i++) {
                    order.add(name + "-" + Go.current().id() + "-" + i);
                    Go.yield(); // goes behind its own level only
                }
            };
            WaitGroup mine = new WaitGroup();
            for (int t = 0; t < 4; t++) {
                mine.add(1);
                Go.go(() -> {
                    steps.run();
                    mine.done();
                });
            }
            steps.run();
            mine.await();
            wg.done();
        });
    }
}
