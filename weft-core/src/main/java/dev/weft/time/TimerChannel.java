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
 *
 * <p>Two locks, because a firing runs on a carrier in the scheduler loop: the firing takes only
 * this object's monitor (seq check and send), which its holders never keep across anything that
 * could unmount them; arming and stopping also take {@link #armLock} and do the heap operations
 * under it, outside the monitor. A goroutine that unmounts waiting for a heap lock therefore
 * never holds up a carrier that is running timers.
 */
final class TimerChannel {
    final Chan<Instant> c = Chan.make(1);
    private final Sched sched;
    private final TimerEntry entry;
    /** Runs instead of the send (AfterFunc); null for channel timers. */
    private final Runnable func;
    /** Serialises start/stop/reset (they add and remove the entry); never taken by a firing. */
    private final Object armLock = new Object();

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

    void start(long delayNanos, long periodNanos) {
        synchronized (armLock) {
            synchronized (this) {
                entry.bumpSeq();
            }
            sched.addTimer(entry, deadline(delayNanos), periodNanos);
        }
    }

    /** Returns whether the timer was pending (it had not fired, or a tick was still due). */
    boolean stop() {
        synchronized (armLock) {
            return stopLocked();
        }
    }

    private boolean stopLocked() {
        synchronized (this) {
            entry.bumpSeq(); // a firing already out of the heap now drops its value
            c.tryRecv();
        }
        return TimerHeap.remove(entry);
    }

    boolean reset(long delayNanos, long periodNanos) {
        synchronized (armLock) {
            boolean pending = stopLocked();
            sched.addTimer(entry, deadline(delayNanos), periodNanos);
            return pending;
        }
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
