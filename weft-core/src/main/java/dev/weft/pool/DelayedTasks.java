package dev.weft.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ThreadPool}'s delay queue: the tasks of {@code schedule}, {@code scheduleAtFixedRate}
 * and {@code scheduleWithFixedDelay} that are not due yet, in a heap by trigger time, then
 * submission order. No timer thread: the pool's {@link Manager} waits for the head's time in its
 * Select ({@code after}), moves due tasks to the work queue ({@link #pollDueLocked}) and ends
 * only once this queue is empty.
 *
 * <p>Invariants, all under the pool's lock (the methods named {@code ...Locked} are called with
 * it held; the others take it):
 * <ul>
 *   <li>A task is in the heap at most once, and leaves it one way: moved to the work queue when
 *       due, taken out by its own {@code cancel}, cancelled at {@code shutdown} if periodic,
 *       drained by {@code shutdownNow}, or abandoned when nobody can time it any more.
 *   <li>Trigger times and periods are capped at {@code Long.MAX_VALUE >> 1} nanoseconds from now,
 *       so times compare by subtraction without overflow and a far-off task never sorts as
 *       earlier than a due one.
 *   <li>Whoever makes a task the new head kicks the manager after unlocking: the manager's timer
 *       is for the old head's time. Removing a task kicks it only in a shut-down pool, where the
 *       manager may be waiting for nothing but that task.
 *   <li>A periodic task goes back into the heap only at the end of its own run, and only while
 *       the pool runs and the task is not cancelled.
 * </ul>
 */
final class DelayedTasks {
    private final ThreadPool pool;
    private final PriorityQueue<ScheduledTask<?>> heap = new PriorityQueue<>();
    /** Submission order, for ties of time. */
    private long sequence;

    DelayedTasks(ThreadPool pool) {
        this.pool = pool;
    }

    /** Delays are capped at about 146 years, so trigger times compare by subtraction without overflow. */
    static long triggerTime(long delay, TimeUnit unit) {
        long d = Math.min(Math.max(0, unit.toNanos(delay)), Long.MAX_VALUE >> 1);
        return System.nanoTime() + d;
    }

    /**
     * A period capped as delays are: a task put back at "now + Long.MAX_VALUE" would compare as
     * earlier than the tasks already due, take the head of the delay queue and hold them there.
     */
    static long periodNanos(long period, TimeUnit unit) {
        return Math.min(unit.toNanos(period), Long.MAX_VALUE >> 1);
    }

    /** Accepts {@code task} (or rejects it, as execute does, if the pool is shut down) and queues it. */
    <V> ScheduledTask<V> schedule(ScheduledTask<V> task) {
        boolean first;
        pool.lockUncancellable();
        try {
            pool.checkAcceptingLocked();
            task.seq = sequence++;
            heap.add(task);
            first = heap.peek() == task;
        } finally {
            pool.lock.unlock();
        }
        if (first) {
            pool.kick(); // the manager's timer is for a later time
        }
        return task;
    }

    /** A periodic task that ran normally: back into the delay queue, unless cancelled or shut down. */
    void reschedule(ScheduledTask<?> task) {
        boolean first = false;
        pool.lockUncancellable();
        try {
            if (pool.runState == ThreadPool.RUNNING && !task.isCancelled()) {
                task.time = task.period > 0 ? task.time + task.period : System.nanoTime() - task.period;
                heap.add(task);
                first = heap.peek() == task;
            } else {
                task.cancelQuietly();
            }
        } finally {
            pool.lock.unlock();
        }
        if (first) {
            pool.kick();
        }
    }

    /** A cancelled task: out of the delay queue, so that a shut-down pool need not wait for it. */
    void remove(ScheduledTask<?> task) {
        boolean removed;
        pool.lockUncancellable();
        try {
            removed = heap.remove(task);
        } finally {
            pool.lock.unlock();
        }
        if (removed && pool.isShutdown()) {
            pool.kick(); // the manager may have been waiting only for this one
        }
    }

    /** Queues {@code task} as it is (its {@code seq} already set), for tests that stage a race. */
    void addLocked(ScheduledTask<?> task) {
        heap.add(task);
    }

    /** The head, taken out, if it is due at {@code now}; else null. */
    ScheduledTask<?> pollDueLocked(long now) {
        ScheduledTask<?> head = heap.peek();
        return head != null && head.time - now <= 0 ? heap.poll() : null;
    }

    /** Nanoseconds from {@code now} until the head is due (0 if it is), or -1 if the queue is empty. */
    long nanosToNextLocked(long now) {
        ScheduledTask<?> head = heap.peek();
        return head == null ? -1 : Math.max(0, head.time - now);
    }

    boolean isEmptyLocked() {
        return heap.isEmpty();
    }

    /** At shutdown: periodic tasks are cancelled and leave; one-shot tasks stay and still run. */
    void cancelPeriodicLocked() {
        heap.removeIf(ThreadPool::cancelIfPeriodic);
    }

    /** Takes every task out, in trigger-time order. */
    List<ScheduledTask<?>> drainLocked() {
        List<ScheduledTask<?>> all = new ArrayList<>(heap);
        all.sort(null);
        heap.clear();
        return all;
    }
}
