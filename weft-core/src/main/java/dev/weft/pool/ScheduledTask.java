package dev.weft.pool;

import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A task of a {@link ThreadPool}'s delay queue. {@code time} is written under the pool's lock (a
 * periodic task's next time, before it is queued again) and read by {@link #getDelay} without it.
 */
final class ScheduledTask<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
    private final ThreadPool pool;
    volatile long time;
    /** Zero: one-shot; positive: fixed rate; negative: fixed delay of {@code -period}. */
    final long period;
    /** Submission order, for ties of time; set under the lock. */
    long seq;

    ScheduledTask(ThreadPool pool, Runnable command, long time, long period) {
        super(command, null);
        this.pool = pool;
        this.time = time;
        this.period = period;
    }

    ScheduledTask(ThreadPool pool, Callable<V> callable, long time) {
        super(callable);
        this.pool = pool;
        this.time = time;
        this.period = 0;
    }

    @Override
    public long getDelay(TimeUnit unit) {
        return unit.convert(time - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
        if (other == this) {
            return 0;
        }
        if (other instanceof ScheduledTask<?> x) {
            long diff = time - x.time;
            return diff < 0 ? -1 : diff > 0 ? 1 : Long.compare(seq, x.seq);
        }
        return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean isPeriodic() {
        return period != 0;
    }

    @Override
    public void run() {
        if (!isPeriodic()) {
            super.run();
        } else if (super.runAndReset()) {
            pool.delayed.reschedule(this);
        }
    }

    /** Cancels and takes the task out of the delay queue, so a shut-down pool need not wait for it. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        if (cancelled) {
            pool.delayed.remove(this);
        }
        return cancelled;
    }

    /** Under the pool's lock: cancel without taking it again; false if it was done already. */
    boolean cancelQuietly() {
        return super.cancel(false);
    }
}
