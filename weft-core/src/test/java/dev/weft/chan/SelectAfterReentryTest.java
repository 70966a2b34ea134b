package dev.weft.chan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Select with an {@code after} case run again from one of its own actions (a handler that
 * re-runs the select, on the same thread: "one thread at a time" holds). The inner run re-armed
 * the after case over the outer run's timer, so the outer timer was never stopped (pending until
 * due: an hour here) and the outer run's clean-up threw a NullPointerException after its case had
 * fired. Each run now stops its timers once a case is chosen, before running the action.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SelectAfterReentryTest {

    @Test
    void anActionThatRunsItsOwnSelectAgainLeavesNoTimerAndThrowsNothing() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            List<Integer> got = new ArrayList<>();
            rt.run(() -> {
                Chan<Integer> c = Chan.make(2);
                c.send(1);
                c.send(2);
                Select sel = new Select();
                sel.recv(c, v -> {
                    got.add(v);
                    if (got.size() == 1) {
                        assertThat(sel.run()).isZero(); // the second value, received re-entrantly
                    }
                }).after(Duration.ofHours(1), () -> got.add(-1));
                assertThat(sel.run()).isZero();
                assertThat(rt.stats().timers()).as("timers left pending by the two runs").isZero();
            });
            assertThat(got).containsExactly(1, 2);
        }
    }

    @Test
    void anOrElseThatRunsItsOwnSelectAgainLeavesNoTimerAndThrowsNothing() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            List<Integer> got = new ArrayList<>();
            rt.run(() -> {
                Chan<Integer> c = Chan.make(1);
                Select sel = new Select();
                sel.recv(c, got::add).after(Duration.ofHours(1), () -> got.add(-1)).orElse(() -> {
                    if (got.isEmpty()) {
                        c.send(7);
                        assertThat(sel.run()).isZero();
                    }
                });
                assertThat(sel.run()).isEqualTo(-1);
                assertThat(rt.stats().timers()).as("timers left pending by the two runs").isZero();
            });
            assertThat(got).containsExactly(7);
        }
    }
}
