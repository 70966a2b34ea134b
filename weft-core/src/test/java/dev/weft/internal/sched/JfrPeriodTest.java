package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@code -Dweft.jfr.period}, the period of {@code dev.weft.SchedulerStats}: a value that is not a
 * positive number of milliseconds gets the default, one second, with a warning.
 */
class JfrPeriodTest {
    @Test
    void aPeriodIsReadInMilliseconds() {
        assertThat(Jfr.statsPeriod("250")).isEqualTo(250_000_000L);
        assertThat(Jfr.statsPeriod(null)).isEqualTo(1_000_000_000L);
        assertThat(Jfr.statsPeriod("soon")).isEqualTo(1_000_000_000L);
        assertThat(Jfr.statsPeriod("0")).isEqualTo(1_000_000_000L);
    }

    /**
     * One too large for its nanoseconds to fit a long wrapped to a negative period, and sysmon
     * committed an event on every wake-up instead of once a period.
     */
    @Test
    void aPeriodTooLargeForNanosecondsGetsTheDefault() {
        assertThat(Jfr.statsPeriod(String.valueOf(Long.MAX_VALUE))).isEqualTo(1_000_000_000L);
        assertThat(Jfr.statsPeriod(String.valueOf(Long.MAX_VALUE / 1_000_000 + 1))).isEqualTo(1_000_000_000L);
    }
}
