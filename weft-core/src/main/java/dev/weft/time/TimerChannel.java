package dev.weft.time;

import dev.weft.chan.Chan;
import dev.weft.internal.sched.Sched;
import dev.weft.internal.timer.TimerEntry;
import dev.weft.internal.timer.TimerHeap;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The machinery shared by {@link Timer} and {@link Ticker}: a channel of capacity 1, a reusable
 * timer entry whose firing does a non-blocking send of the current time (a slow receiver misses
 * ticks rather than blocking the scheduler), and Go 1.23's guarantee that once {@link #stop}
 * or {@link #reset} returns, no value from before it can be received: both drain the buffer and
 * bump the entry's sequence number, and a firing armed under an older number is dropped.
 */
final class TimerChannel {
    final Chan<Instant> c = Chan.make(1);
    private final Sched sched;
    private final TimerEntry entry;
    /** Runs instead of the send (AfterFunc); null for channel timers. */
    private final Runnable func;

    TimerChannel(Sched sched, Runnable func) {
        this.sched = sched;
        this.func = func;
        this.entry = new TimerEntry(this::fire);
    }

    private void fire(TimerEntry e, long seq, long now) {
        if (func != null) {
            sched.go(func, true);
            return;
        }
        synchronized (this) {
            if (seq != e.seq()) {
                return; // stopped or reset after this firing was taken from the heap
            }
            c.trySend(Instant.now());
        }
    }

    synchronized void start(long delayNanos, long periodNanos) {
        entry.bumpSeq();
        sched.addTimer(entry, deadline(delayNanos), periodNanos);
    }

    /** Returns whether the timer was pending (it had not fired, or a tick was still due). */
    synchronized boolean stop() {
        entry.bumpSeq();
        boolean pending = TimerHeap.remove(entry);
        c.tryRecv();
        return pending;
    }

    synchronized boolean reset(long delayNanos, long periodNanos) {
        boolean pending = stop();
        sched.addTimer(entry, deadline(delayNanos), periodNanos);
        return pending;
    }

    private long deadline(long delayNanos) {
        long now = sched.nanoTime();
        long d = Math.max(0, delayNanos);
        return now + d < now ? Long.MAX_VALUE : now + d;
    }

    static long nanos(Duration d, String what) {
        Objects.requireNonNull(d, what);
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
