package dev.weft.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Goroutine;
import dev.weft.ThreadingModel;
import dev.weft.Weft;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Absurd arguments: a clear exception naming the problem, or a saturated value, never a crash. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {

    /** Guards against: durations beyond ~292 years throwing a bare ArithmeticException (defect 11). */
    @Test
    void durationsBeyondTheNanosecondRangeSaturate() throws Exception {
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        try (Weft rt = Weft.builder().procs(1).timeslice(forever).build()) {
            Goroutine g = rt.go(() -> {});
            assertThat(g.join(forever)).isTrue();
            Goroutine quick = rt.go(() -> {});
            quick.join();
            assertThat(quick.join(forever)).isTrue();
        }
        try (Weft rt = Weft.builder().procs(1).starvationBound(forever).build()) {
            assertThat(rt.close(forever)).isTrue();
        }
    }

    /** Guards against: absurd procs exhausting the heap instead of a clear refusal (defect 12). */
    @Test
    void absurdProcessorCountsAreRefusedWithTheBound() {
        assertThatThrownBy(() -> Weft.builder().procs(Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 4096");
        try (Weft rt = Weft.builder().procs(1).build()) {
            if (rt.model() == ThreadingModel.M_N) {
                assertThatThrownBy(() -> rt.setProcs(5_000_000))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 4096");
                rt.setProcs(2); // and the runtime goes on
                assertThat(rt.procs()).isEqualTo(2);
            }
        }
    }

    /** Guards against: stats printing an array's identity instead of its contents (defect 13). */
    @Test
    void statsPrintTheirQueueLengths() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            String s = rt.stats().toString();
            assertThat(s).doesNotContain("[I@").contains("localRunq=[");
            assertThat(rt.stats()).isEqualTo(rt.stats());
        }
    }

    @Test
    void badPropertiesAndTimeoutsAreNamed() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            assertThatThrownBy(() -> rt.close(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("negative close timeout");
            assertThatThrownBy(() -> rt.close(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("timeout");
        }
        String old = System.getProperty("weft.procs");
        System.setProperty("weft.procs", "lots");
        try {
            assertThatThrownBy(Weft::builder).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("-Dweft.procs=lots");
        } finally {
            if (old == null) {
                System.clearProperty("weft.procs");
            } else {
                System.setProperty("weft.procs", old);
            }
        }
    }
}
