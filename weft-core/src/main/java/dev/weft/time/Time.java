package dev.weft.time;

import dev.weft.chan.Chan;
import dev.weft.internal.sched.Bubble;
import java.time.Duration;
import java.time.Instant;

/** Go's {@code time.Now}, {@code time.After} and {@code time.Tick}. */
public final class Time {
    private Time() {}

    /**
     * The current time: inside a synctest bubble, the bubble's fake clock (which starts at
     * 2000-01-01T00:00:00Z and moves only when every goroutine of the bubble is durably
     * blocked); anywhere else, {@link Instant#now()}.
     */
    public static Instant now() {
        Bubble b = Bubble.current();
        return b == null ? Instant.now() : b.now();
    }

    /**
     * A channel that receives the time once, after {@code d}: {@code Timer.newTimer(d).c()}. The
     * timer belongs to the caller's runtime (the default runtime outside goroutines); once that
     * runtime is closed it never fires. The timer stays armed until it fires, whether or not
     * anyone still holds the channel (Go 1.23 collects an unreferenced one; weft does not): in a
     * loop that may end before {@code d}, use {@link dev.weft.chan.Select#after} (stopped when
     * its select is decided) or one {@link Timer} reset each round.
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
        java.util.Objects.requireNonNull(period, "period"); // as every other Duration weft takes
        if (period.isNegative() || period.isZero()) {
            return null;
        }
        return Ticker.newTicker(period).c();
    }
}
