package dev.weft.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness's schedule, with fake peers that record when they run and what sizes they get. */
class HarnessTest {
    private static final Sizes SIZES = WorkloadsTest.TINY;
    private static final Sizes OS_SIZES = new Sizes(10, 10, 10, 10, 10, 12, 10, 10, 5);

    /** A peer that returns the number of its run (1, 2, ...) instead of measuring anything. */
    private record Fake(String id, boolean osThreads, boolean onlyRing, List<String> log, List<Sizes> seen)
            implements Peer {
        @Override
        public String label() {
            return id;
        }

        @Override
        public boolean applies(Workload w) {
            return !onlyRing || w == Workload.RING;
        }

        @Override
        public double measure(Workload w, Sizes s) {
            log.add(w.id + ":" + id);
            seen.add(s);
            return log.stream().filter(e -> e.endsWith(":" + id)).count();
        }
    }

    @Test
    void everyRoundRunsEveryApplicablePeerOnceInARotatingReversingOrderAndDropsTheWarmUps() {
        List<String> log = new ArrayList<>();
        List<Sizes> seenByA = new ArrayList<>();
        List<Sizes> seenByOs = new ArrayList<>();
        Fake a = new Fake("a", false, false, log, seenByA);
        Fake b = new Fake("b", false, false, log, new ArrayList<>());
        Fake os = new Fake("os", true, true, log, seenByOs);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        List<Report.Samples> out = new Harness(List.of(Workload.SPAWN, Workload.RING), List.of(a, b, os), SIZES,
                OS_SIZES, 1, 2, new PrintStream(progress, true)).run();

        assertThat(log).containsExactly(
                "spawn:a", "spawn:b", "spawn:b", "spawn:a", "spawn:a", "spawn:b",
                "ring:a", "ring:b", "ring:os", "ring:b", "ring:a", "ring:os", "ring:os", "ring:a", "ring:b");
        assertThat(out).extracting(s -> s.workload().id + ":" + s.peer().id())
                .containsExactly("spawn:a", "spawn:b", "ring:a", "ring:b", "ring:os");
        // Run 1 of each was the warm-up: its value is dropped.
        assertThat(out.get(0).values()).containsExactly(2.0, 3.0);
        assertThat(out.get(4).values()).containsExactly(2.0, 3.0);
        assertThat(seenByA).containsOnly(SIZES);
        assertThat(seenByOs).containsOnly(OS_SIZES);
        assertThat(out.get(4).size()).isEqualTo(Workload.RING.size(OS_SIZES));
        assertThat(progress.toString()).contains("[2/2 ring] os", "warm-up 1/1", "iteration 2/2");
    }
}
