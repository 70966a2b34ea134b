package dev.weft.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.workloads.Engine;
import dev.weft.workloads.Workloads;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jmh.annotations.Param;

/**
 * Every peer a benchmark names in its {@code peer} parameter is an engine that runs the
 * catalogue (a misspelt peer would otherwise only fail inside a JMH fork, minutes into a run).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EnginesTest {
    private static final List<Class<?>> BENCHMARKS = List.of(ChanBench.class, ChanBench2.class, SchedBench.class,
            SchedBench2.class, SleepBench.class, HandoffBench.class);

    static Stream<String> peersTheBenchmarksName() {
        return BENCHMARKS.stream()
                .flatMap(c -> Arrays.stream(c.getFields()).filter(f -> f.getName().equals("peer")))
                .flatMap(f -> Arrays.stream(f.getAnnotation(Param.class).value()))
                .distinct();
    }

    @ParameterizedTest
    @MethodSource("peersTheBenchmarksName")
    void everyPeerNamedInABenchmarkRunsTheCatalogue(String peer) {
        try (Engine e = Engines.of(peer, 1)) {
            assertThat(Workloads.spawn(e, 100).result()).isEqualTo("sum 4950");
            assertThat(Workloads.spawnFromPlatformThread(e, 100).result()).isEqualTo("sum 4950");
            assertThat(Workloads.parkPingPong(e, 100).result()).isEqualTo("100 round trips");
        }
    }

    @Test
    void theBenchmarksNameTheFloorAndTheHandOffPeers() {
        assertThat(peersTheBenchmarksName()).contains("weft", "weft-n1", "vthread", "platform", "floor");
    }

    @Test
    void anUnknownPeerIsRefusedByName() {
        assertThatThrownBy(() -> Engines.of("java", 1)).hasMessageContaining("unknown peer 'java'");
    }
}
