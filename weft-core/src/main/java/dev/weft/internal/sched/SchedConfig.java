package dev.weft.internal.sched;

import dev.weft.internal.util.Clock;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * Everything a {@link Sched} is built with, and (in {@link #defaults}) the one place the defaults
 * are written: {@code Weft.builder()} starts from them, and so does the default runtime.
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

    /** Default cap on carrier threads (Go's default SetMaxThreads is 10,000 too). */
    public static final int DEFAULT_MAX_THREADS = 10_000;
    /** Default time slice: 10 ms, as Go's forcePreemptNS. */
    public static final long DEFAULT_TIMESLICE_NANOS = 10_000_000L;
    /** Default starvation bound under PRIORITY: 1 s. */
    public static final long DEFAULT_STARVATION_NANOS = 1_000_000_000L;

    /**
     * The defaults: procs from {@code -Dweft.procs} (else the available processors), the model
     * from {@code -Dweft.model} (else M_N), FIFO, 10 ms slices, 10,000 carriers at most,
     * deadlock detection on.
     *
     * @throws IllegalArgumentException if a property names no valid value
     */
    public static SchedConfig defaults(String name, BiConsumer<G, Throwable> uncaughtHandler) {
        return new SchedConfig(name, defaultProcs(), DEFAULT_MAX_THREADS, uncaughtHandler, Clock.SYSTEM,
                DEFAULT_TIMESLICE_NANOS, true, false, defaultModel(), DEFAULT_STARVATION_NANOS);
    }

    /** The model {@code -Dweft.model} names, or M_N. */
    public static Model defaultModel() {
        String named = System.getProperty("weft.model");
        if (named == null || named.isBlank()) {
            return Model.M_N;
        }
        try {
            return Model.valueOf(named.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("weft: unknown threading model '" + named
                    + "' in -Dweft.model; expected one of " + Arrays.toString(Model.values()));
        }
    }

    /** The procs {@code -Dweft.procs} gives, or the available processors (at most {@link ProcResize#MAX_PROCS}). */
    public static int defaultProcs() {
        String given = System.getProperty("weft.procs");
        if (given == null || given.isBlank()) {
            // At most MAX_PROCS: a machine with more would fail every runtime built with the defaults.
            return Math.min(Runtime.getRuntime().availableProcessors(), ProcResize.MAX_PROCS);
        }
        try {
            int n = Integer.parseInt(given.trim());
            ProcResize.checkProcs(n, DEFAULT_MAX_THREADS);
            return n;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("weft: -Dweft.procs=" + given + " is not a valid number of processors ("
                    + "1 to " + ProcResize.MAX_PROCS + ")", e);
        }
    }
}
