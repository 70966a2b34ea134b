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
     * runtime is closed it never fires. As in Go 1.23, a timer whose channel nobody references
     * any more is collected: a GC notices, and its entry leaves the runtime's timer heap, so a
     * select loop may make a fresh {@code Time.after(d)} each round without piling up timers
     * until they are due ({@link dev.weft.chan.Select#after} stops its timer as soon as the
     * select is decided, without waiting for a GC). Once {@code d} has passed, the value is
     * there for any receive or select, whether or not the runtime has run the timer yet. The
     * channel presents as unbuffered, as Go 1.23's: its {@code len} and {@code cap} are 0.
     */
    public static Chan<Instant> after(Duration d) {
        return Timer.newTimer(d).c();
    }

    /**
     * A channel that receives the time every {@code period} (Go's {@code time.Tick}), for as long
     * as anyone references it: an unreferenced one is collected, as in Go 1.23; use
     * {@link Ticker} to be able to stop it. Null if the period is not positive, as in Go.
     */
    public static Chan<Instant> tick(Duration period) {
        java.util.Objects.requireNonNull(period, "period"); // as every other Duration weft takes
        if (period.isNegative() || period.isZero()) {
            return null;
        }
        return Ticker.newTicker(period).c();
    }
}
