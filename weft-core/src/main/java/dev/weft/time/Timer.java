package dev.weft.time;

import dev.weft.chan.Chan;
import dev.weft.internal.sched.Sched;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A single event in the future (Go's {@code time.Timer}): after its duration, the current time
 * is sent on {@link #c()}, or, for {@link #afterFunc}, a function starts in its own goroutine.
 *
 * <pre>{@code
 * Timer t = Timer.newTimer(Duration.ofMillis(50));
 * new Select().recv(results, r -> use(r)).recv(t.c(), now -> giveUp()).run();
 * t.stop();
 * }</pre>
 *
 * <p>After {@link #stop} or {@link #reset} returns, no value sent before the call can be received.
 * Once its time has come, the value is there for a receive or a select at once, whether or not
 * the runtime has run the timer yet (Go 1.23). Its channel presents as unbuffered, as Go 1.23's:
 * {@code len} and {@code cap} of it are 0, whether or not a value is waiting.
 *
 * <p><b>Collection.</b> As in Go 1.23, a timer that nobody references any more (neither the
 * {@code Timer} nor its channel; a goroutine waiting on the channel references it) is collected
 * and leaves the runtime's timer heap once a GC has noticed: there is no need to stop a timer
 * just to free it. An {@link #afterFunc} timer stays armed until it runs or is stopped.
 *
 * <p><b>Interrupts.</b> A receive from {@link #c()} is a channel wait: not interruptible, the
 * interrupt status kept.
 */
public final class Timer {
    private final TimerChannel tc;

    private Timer(TimerChannel tc) {
        this.tc = tc;
    }

    /** A timer that sends the time on {@link #c()} after {@code d} (at once if {@code d <= 0}). */
    public static Timer newTimer(Duration d) {
        Timer t = new Timer(new TimerChannel(Sched.forCaller(), null));
        t.tc.start(TimerChannel.nanos(d, "duration"), 0);
        return t;
    }

    /** A timer that starts {@code f} in a new goroutine after {@code d}; {@link #c()} stays empty. */
    public static Timer afterFunc(Duration d, Runnable f) {
        Objects.requireNonNull(f, "weft: afterFunc of a null function");
        Timer t = new Timer(new TimerChannel(Sched.forCaller(), f));
        t.tc.start(TimerChannel.nanos(d, "duration"), 0);
        return t;
    }

    /** The channel the time is sent on. */
    public Chan<Instant> c() {
        return tc.c;
    }

    /**
     * Prevents the timer from firing; returns true if it had not fired yet, or (as in Go 1.23)
     * if its value had not been received: a value sent but not received is drained, so that
     * {@code if (!t.stop()) t.c().recv();} is right under either reading. Does not wait for an
     * {@code afterFunc} function that has already started (then it returns false).
     */
    public boolean stop() {
        return tc.stop();
    }

    /**
     * Re-arms the timer to fire after {@code d}; returns what {@link #stop} would have (true if
     * it had not fired yet or its value had not been received, which is drained).
     */
    public boolean reset(Duration d) {
        return tc.reset(TimerChannel.nanos(d, "duration"), 0);
    }
}
