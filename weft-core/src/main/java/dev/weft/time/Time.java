package dev.weft.time;

import dev.weft.chan.Chan;
import java.time.Duration;
import java.time.Instant;

/** Go's {@code time.After} and {@code time.Tick}. */
public final class Time {
    private Time() {}

    /**
     * A channel that receives the time once, after {@code d}: {@code Timer.newTimer(d).c()}. The
     * timer belongs to the caller's runtime (the default runtime outside goroutines); once that
     * runtime is closed it never fires.
     */
    public static Chan<Instant> after(Duration d) {
        return Timer.newTimer(d).c();
    }

    /**
     * A channel that receives the time every {@code period}, for the life of the program (Go's
     * {@code time.Tick}); use {@link Ticker} to be able to stop it. Null if the period is not
     * positive, as in Go.
     */
    public static Chan<Instant> tick(Duration period) {
        if (period == null || period.isNegative() || period.isZero()) {
            return null;
        }
        return Ticker.newTicker(period).c();
    }
}
