package dev.weft.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.weft.Go;
import dev.weft.time.Time;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** The @WeftTest extension: fake time, the seeds it runs, and its failure report. */
@Timeout(120)
class WeftTestExtensionTest {

    /** Run through the launcher only (a nested class: surefire and discovery of this file skip it). */
    static class Subjects {
        static final List<Long> SEEDS_RUN = new ArrayList<>();

        @WeftTest(schedules = 20)
        void racy() {
            int[] counter = {0};
            Go.go(() -> {
                int v = counter[0];
                Go.checkpoint();
                counter[0] = v + 1;
            });
            int v = counter[0];
            Go.checkpoint();
            counter[0] = v + 1;
            Go.sleep(Duration.ofSeconds(1)); // let the other end
            if (counter[0] != 2) {
                throw new AssertionError("lost update: " + counter[0]);
            }
        }

        @WeftTest(schedules = 7)
        void counted() {
            SEEDS_RUN.add(dev.weft.internal.sched.Bubble.current().seed());
        }
    }

    private static Throwable runAndGetFailure(String method) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(Subjects.class, method)).build();
        List<Throwable> failures = new ArrayList<>();
        List<String> passed = new ArrayList<>();
        LauncherFactory.create().execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest()) {
                    result.getThrowable().ifPresentOrElse(failures::add, () -> passed.add(id.getDisplayName()));
                }
            }
        });
        assertThat(failures.size() + passed.size()).as("one test ran").isEqualTo(1);
        return failures.isEmpty() ? null : failures.get(0);
    }

    @Test
    void failureReportsSeedStepsCommandAndTrace() {
        Throwable t = runAndGetFailure("racy");
        assertThat(t).isInstanceOf(AssertionError.class);
        String m = t.getMessage();
        assertThat(m).containsPattern("failed under schedule seed=\\d+ \\(schedule \\d+ of 20, \\d+ steps\\)")
                .contains("rerun exactly this schedule:")
                .containsPattern("-Dtest='dev\\.weft\\.test\\.WeftTestExtensionTest\\$Subjects#racy' -Dweft\\.test\\.seed=\\d+")
                .contains("failure: java.lang.AssertionError: lost update: 1")
                .contains("event trace").contains("run g1");
        assertThat(t.getCause()).hasMessage("lost update: 1");

        // The printed seed replays the same failure.
        long seed = Long.parseLong(m.replaceAll("(?s).*seed=(\\d+) .*", "$1"));
        String old = System.getProperty("weft.test.seed");
        System.setProperty("weft.test.seed", Long.toString(seed));
        try {
            Throwable again = runAndGetFailure("racy");
            assertThat(again).isNotNull();
            assertThat(again.getMessage()).contains("seed=" + seed + " (schedule 1 of 1,")
                    .contains("failure: java.lang.AssertionError: lost update: 1");
            // The same steps: the trace part of both reports is identical.
            assertThat(again.getMessage().substring(again.getMessage().indexOf("event trace")))
                    .isEqualTo(m.substring(m.indexOf("event trace")));
        } finally {
            restore("weft.test.seed", old);
        }
    }

    @Test
    void runsTheFixedSeedListOrTheRequestedNumber() {
        Subjects.SEEDS_RUN.clear();
        assertThat(runAndGetFailure("counted")).isNull();
        assertThat(Subjects.SEEDS_RUN).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);

        String old = System.getProperty("weft.test.schedules");
        System.setProperty("weft.test.schedules", "12");
        try {
            Subjects.SEEDS_RUN.clear();
            assertThat(runAndGetFailure("counted")).isNull();
            assertThat(Subjects.SEEDS_RUN).hasSize(12).endsWith(12L);
        } finally {
            restore("weft.test.schedules", old);
        }
    }

    @Test
    void badPropertiesAreNamed() {
        String old = System.getProperty("weft.test.schedules");
        System.setProperty("weft.test.schedules", "many");
        try {
            assertThat(runAndGetFailure("counted")).hasMessageContaining("-Dweft.test.schedules=many is not a number");
        } finally {
            restore("weft.test.schedules", old);
        }
    }

    // A @WeftTest body is the root goroutine of a bubble: fake time applies.
    @WeftTest(schedules = 5)
    void weftTestRunsInABubble() {
        Instant start = Time.now();
        assertThat(start).isEqualTo(Instant.parse("2000-01-01T00:00:00Z"));
        Go.sleep(Duration.ofDays(1));
        assertThat(Time.now()).isEqualTo(start.plus(Duration.ofDays(1)));
    }

    private static void restore(String key, String old) {
        if (old == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, old);
        }
    }
}
