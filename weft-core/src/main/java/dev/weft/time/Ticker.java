package dev.weft.time;

import dev.weft.chan.Chan;
import dev.weft.internal.sched.Sched;
import java.time.Duration;
import java.time.Instant;

/**
 * Sends the time on {@link #c()} every period (Go's {@code time.Ticker}). The channel holds one
 * tick; a receiver that falls behind misses ticks instead of piling them up, and the schedule
 * does not drift: tick k is due at start + k × period. A ticker nobody references any more
 * (neither the {@code Ticker} nor its channel) is collected, as in Go 1.23, so it need not be
 * stopped to be freed.
 */
public final class Ticker {
    private final TimerChannel tc;
    private long period;

    private Ticker(TimerChannel tc, long period) {
        this.tc = tc;
        this.period = period;
    }

    /**
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    public static Ticker newTicker(Duration period) {
        long p = positive(period);
        Ticker t = new Ticker(new TimerChannel(Sched.forCaller(), null), p);
        t.tc.start(p, p);
        return t;
    }

    private static long positive(Duration period) {
        long p = TimerChannel.nanos(period, "period");
        if (p <= 0) {
            throw new IllegalArgumentException("weft: non-positive interval for Ticker: " + period);
        }
        return p;
    }

    public Chan<Instant> c() {
        return tc.c;
    }

    /** Stops the ticks; the channel is not closed (as in Go). */
    public void stop() {
        tc.stop();
    }

    /** Stops the ticker and restarts it with a new period. */
    public synchronized void reset(Duration period) {
        long p = positive(period);
        this.period = p;
        tc.reset(p, p);
    }

    /** The current period. */
    public synchronized Duration period() {
        return Duration.ofNanos(period);
    }
}
