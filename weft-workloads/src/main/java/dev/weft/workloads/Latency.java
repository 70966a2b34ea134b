package dev.weft.workloads;

import java.util.Arrays;
import java.util.Locale;

/**
 * A latency distribution summed up, in nanoseconds: median, 99th percentile and maximum, and
 * how long the whole series took. A percentile is the smallest recorded value at or below which
 * that share of the values lie (HdrHistogram's definition, without its bucketing).
 *
 * @param totalNanos how long the whole series took, first start to last end (for the sleepers,
 *                   the run; for the mixed workload, all its rounds)
 */
public record Latency(long p50, long p99, long max, long totalNanos) {

    /** The summary of {@code nanos} (at least one value); sorts the array. */
    static Latency of(long[] nanos, int count, long totalNanos) {
        if (count < 1) {
            throw new IllegalArgumentException("a latency summary needs at least one value");
        }
        Arrays.sort(nanos, 0, count);
        return new Latency(at(nanos, count, 50), at(nanos, count, 99), nanos[count - 1], totalNanos);
    }

    private static long at(long[] sorted, int count, int percent) {
        int rank = (int) Math.ceil(count * (percent / 100.0));
        return sorted[Math.max(0, rank - 1)];
    }

    /** {@code p50 120 µs, p99 3.4 ms, max 5.0 ms}. */
    @Override
    public String toString() {
        return "p50 " + human(p50) + ", p99 " + human(p99) + ", max " + human(max);
    }

    /** Nanoseconds in µs below a millisecond, else in ms with one decimal. */
    public static String human(long nanos) {
        return nanos >= 1_000_000 ? String.format(Locale.ROOT, "%.1f ms", nanos / 1e6)
                : String.format(Locale.ROOT, "%d µs", nanos / 1_000);
    }

    /**
     * Collects latencies from one thread. {@link #recordWithExpectedInterval} corrects for
     * coordinated omission as HdrHistogram does: a value that took k expected intervals also
     * records the k - 1 values that a schedule of that interval would have seen meanwhile, so a
     * series that stalls once cannot hide it behind its quick values.
     */
    static final class Recorder {
        private long[] values = new long[256];
        private int count;

        void record(long nanos) {
            if (count == values.length) {
                values = Arrays.copyOf(values, 2 * count);
            }
            values[count++] = nanos;
        }

        void recordWithExpectedInterval(long nanos, long interval) {
            record(nanos);
            for (long missed = nanos - interval; missed >= interval; missed -= interval) {
                record(missed);
            }
        }

        int count() {
            return count;
        }

        Latency summary(long totalNanos) {
            return Latency.of(values, count, totalNanos);
        }
    }
}
