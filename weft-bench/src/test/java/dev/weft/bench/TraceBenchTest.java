package dev.weft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TraceBench's lifecycle outside JMH, so that a broken setup fails here and not minutes into a run. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TraceBenchTest {
    @ParameterizedTest
    @ValueSource(strings = {"off", "on"})
    void anIterationRecordsOrNotAndTheWorkloadsCheckTheirResults(String trace) throws Exception {
        // What the benchmark's fork sets (-Dweft.trace.buffer), at this test's size.
        System.setProperty("weft.trace.buffer", "1000000");
        TraceBench b = new TraceBench();
        b.trace = trace;
        b.procs = 1;
        b.setUp();
        try {
            b.startRecording();
            assertThat(b.pingPong().result()).isEqualTo(TraceBench.ROUNDS + " round trips");
            assertThat(b.skynet().result()).startsWith("sum ");
            b.stopRecording(); // throws if the recording dropped events
        } finally {
            b.tearDown();
            System.clearProperty("weft.trace.buffer");
        }
    }
}
