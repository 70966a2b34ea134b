package dev.weft.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.workloads.Peer;
import dev.weft.workloads.Sizes;
import dev.weft.workloads.Workload;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The harness's schedule, with fake peers that record when they run and what sizes they get. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HarnessTest {
    private static final Sizes SIZES = Sizes.QUICK.toBuilder().spawn(200).build();
    private static final Sizes OS_SIZES = SIZES.toBuilder().spawn(10).hops(10).build();
    private static final Duration NO_LIMIT = Duration.ofMinutes(1);

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
            log.add(w.id() + ":" + id);
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
                OS_SIZES, 1, 2, NO_LIMIT, new PrintStream(progress, true)).run();

        assertThat(log).containsExactly(
                "spawn:a", "spawn:b", "spawn:b", "spawn:a", "spawn:a", "spawn:b",
                "ring:a", "ring:b", "ring:os", "ring:b", "ring:a", "ring:os", "ring:os", "ring:a", "ring:b");
        assertThat(out).extracting(s -> s.workload().id() + ":" + s.peer().id())
                .containsExactly("spawn:a", "spawn:b", "ring:a", "ring:b", "ring:os");
        // Run 1 of each was the warm-up: its value is dropped.
        assertThat(out.get(0).values()).containsExactly(2.0, 3.0);
        assertThat(out.get(4).values()).containsExactly(2.0, 3.0);
        assertThat(seenByA).containsOnly(SIZES);
        assertThat(seenByOs).containsOnly(OS_SIZES);
        assertThat(out.get(4).size()).isEqualTo(Workload.RING.size(OS_SIZES));
        assertThat(progress.toString()).contains("[2/2 ring] os", "warm-up 1/1", "iteration 2/2");
    }

    /** A peer that runs every workload with {@code measure} and records nothing. */
    private static Peer peer(String label, ToDoubleFunction<Workload> measure) {
        return new Peer() {
            @Override
            public String id() {
                return label;
            }

            @Override
            public String label() {
                return label;
            }

            @Override
            public boolean applies(Workload w) {
                return true;
            }

            @Override
            public boolean osThreads() {
                return false;
            }

            @Override
            public double measure(Workload w, Sizes s) {
                return measure.applyAsDouble(w);
            }
        };
    }

    private static Harness oneRunOf(Workload w, Peer p, Duration limit) {
        return new Harness(List.of(w), List.of(p), SIZES, OS_SIZES, 0, 1, limit,
                new PrintStream(new ByteArrayOutputStream(), true));
    }

    @Test
    void aRunPastTheLimitStopsTheBenchNamingThePeerAndTheWorkload() {
        CountDownLatch never = new CountDownLatch(1);
        Peer stuck = peer("a stuck peer", w -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 1;
        });
        try {
            assertThatThrownBy(oneRunOf(Workload.EXCHANGER, stuck, Duration.ofMillis(200))::run)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("a stuck peer on exchanger-ping-pong ran past the limit of 0.2 s per run (--run-timeout); "
                            + "its threads are left behind and the bench stops");
        } finally {
            never.countDown();
        }
    }

    @Test
    void aFailingRunStopsTheBenchWithItsCause() {
        Peer failing = peer("a failing peer", w -> {
            throw new ArithmeticException("wrong sum");
        });
        assertThatThrownBy(oneRunOf(Workload.SPAWN, failing, NO_LIMIT)::run)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("a failing peer on spawn: wrong sum")
                .hasCauseInstanceOf(ArithmeticException.class);
    }

    @Test
    void aRunWithinTheLimitReturnsItsValue() {
        List<Report.Samples> out = oneRunOf(Workload.RING, peer("quick", w -> 42.0), Duration.ofSeconds(30)).run();
        assertThat(out.getFirst().values()).containsExactly(42.0);
    }
}
