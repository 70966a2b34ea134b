package dev.weft.pool;

/**
 * A snapshot of a {@link ThreadPool}'s counters, taken under its lock, so the figures agree with
 * each other at one moment.
 *
 * @param workers the worker goroutines alive or being started (between min and max while the pool
 *     runs; the manager goroutine and onDone waiters are not workers)
 * @param active the workers running a task or callback now
 * @param queued the tasks and callbacks waiting for a worker (not the scheduled tasks whose time has
 *     not come)
 * @param completed the tasks and callbacks that ran to their end, normally or by throwing (as
 *     {@code ThreadPoolExecutor.getCompletedTaskCount}); each run of a periodic task counts
 * @param rejected the submissions refused with {@code RejectedExecutionException}: full queue or
 *     shut down
 * @param failed of {@code completed}, those that ended by throwing (into their Future, or to the
 *     pool's handler)
 */
public record PoolStats(int workers, int active, int queued, long completed, long rejected, long failed) {}
