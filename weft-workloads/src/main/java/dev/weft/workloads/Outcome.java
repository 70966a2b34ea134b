package dev.weft.workloads;

import java.util.function.Supplier;

/**
 * What one run of a workload measured, and the result it checked. The result is put in words
 * only when asked for: describing it can cost more than a check (sorting a sleeper's lateness
 * for its percentiles), and a JMH invocation, which times everything the workload does, should
 * not pay for a description nobody reads.
 */
public final class Outcome {
    private final long nanos;
    private final Supplier<String> describe;

    /**
     * @param nanos    the time the workload measured, from inside its main task (a runtime's
     *                 start and stop are not in it)
     * @param describe the checked result in words, for a reader
     */
    Outcome(long nanos, Supplier<String> describe) {
        this.nanos = nanos;
        this.describe = describe;
    }

    public long nanos() {
        return nanos;
    }

    /** The checked result in words: {@code "sum 499500"}, {@code "fib = 610"}; verified before the outcome was made. */
    public String result() {
        return describe.get();
    }

    @Override
    public String toString() {
        return nanos + " ns, " + result();
    }
}
