package dev.weft.internal.sched;

import dev.weft.internal.util.Clock;
import java.util.function.BiConsumer;

/**
 * Everything a {@link Sched} is built with.
 *
 * @param procs                Ps (ignored under N_1, which has one; under ONE_TO_ONE one P only holds timers)
 * @param maxThreads           cap on carriers (Ms)
 * @param timesliceNanos       how long a G may hold its carrier before it is asked to yield
 * @param priorityPolicy       the PRIORITY policy's 32-level queues instead of Go's FIFO ones
 * @param starvationBoostNanos under PRIORITY, a G queued this long is boosted to level 15; 0: never
 */
public record SchedConfig(String name, int procs, int maxThreads, BiConsumer<G, Throwable> uncaughtHandler,
                          Clock clock, long timesliceNanos, boolean detectDeadlocks, boolean priorityPolicy,
                          Model model, long starvationBoostNanos) {
}
