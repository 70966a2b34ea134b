package dev.weft.internal.trace;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The time of every event of a runtime's recording, with the untimed ones
 * ({@link TraceBuffer#addUntimed}) given a time. Writers read times from here, never from
 * {@link TraceBuffer#time} directly.
 *
 * <p><b>Why some events are untimed.</b> A clock read ({@link TraceClock}) costs as much as
 * the rest of an event, and a goroutine switch is a few hundred ns: the recording reads the clock
 * once per switch (the stop; a start found at once in the P's runnext or local queue shares
 * it) and not at all for the creations and
 * wake-ups a running goroutine makes, which are as frequent as the switches themselves.
 *
 * <p><b>The rule.</b> An untimed event {@code e} of goroutine {@code x} (created or woken) in a
 * carrier's buffer truly happened at some T between the buffer's previous timed event (lo) and
 * its next one (hi), the buffer being in program order. It is given {@code min(hi, s)}, where s is
 * x's first run start at or after lo. Then, walking the buffer backwards, it takes the next
 * event's time if that is earlier, so every buffer stays in time order. With no timed event after
 * it, hi is the end of the recording.
 *
 * <p><b>What holds.</b> Run slices are exact (only creations and wake-ups are untimed). An
 * untimed event is never before lo and never after the start it leads to (that start is at or
 * after T, so at or after s), which the file's flow arrows and the page's runnable/blocked split
 * rely on. Usually it is late, by at most the rest of its maker's run up to the next timed event
 * (the next switch or call, normally within a scheduling slice) or until x started, whichever is first. It is
 * early only when x ran a whole slice inside that stretch (woken by someone else meanwhile, then
 * blocked again): it then lands on that slice's start, and the page counts x's wait before its
 * next run as blocked rather than runnable.
 */
public final class EventTimes {
    private EventTimes() {}

    /** Each buffer's event times (same order as {@code buffers}); {@code end}: the recording's length. */
    public static long[][] resolve(List<TraceBuffer> buffers, long end) {
        int[] sizes = new int[buffers.size()];
        for (int k = 0; k < sizes.length; k++) {
            sizes[k] = buffers.get(k).size(); // one snapshot: a carrier may still add events
        }
        Index starts = new Index();
        boolean untimed = false;
        for (int k = 0; k < sizes.length; k++) {
            TraceBuffer b = buffers.get(k);
            for (int i = 0; i < sizes[k]; i++) {
                int kind = TraceEvent.kind(b.header(i));
                long t = b.time(i);
                if (t == TraceBuffer.UNTIMED) {
                    untimed = true;
                } else if (kind == TraceEvent.GO_START) {
                    starts.add(b.a(i), t);
                }
            }
        }
        starts.sort();
        long[][] times = new long[sizes.length][];
        for (int k = 0; k < sizes.length; k++) {
            TraceBuffer b = buffers.get(k);
            int n = sizes[k];
            long[] out = new long[n];
            long hi = end;
            for (int i = n - 1; i >= 0; i--) { // each untimed event gets the next timed time
                long t = b.time(i);
                if (t != TraceBuffer.UNTIMED) {
                    hi = t;
                }
                out[i] = t == TraceBuffer.UNTIMED ? Math.max(hi, 0) : t;
            }
            if (untimed) {
                long lo = 0;
                for (int i = 0; i < n; i++) {
                    if (b.time(i) != TraceBuffer.UNTIMED) {
                        lo = out[i];
                        continue;
                    }
                    long s = starts.firstAtOrAfter(b.a(i), lo);
                    if (s >= 0 && s < out[i]) {
                        out[i] = s;
                    }
                }
                for (int i = n - 2; i >= 0; i--) { // keep the buffer in order: a later event's cap binds too
                    if (b.time(i) == TraceBuffer.UNTIMED && out[i + 1] < out[i]) {
                        out[i] = out[i + 1];
                    }
                }
            }
            times[k] = out;
        }
        return times;
    }

    /** Per goroutine, the sorted times of its run starts (slot 0 of each array: how many). */
    private static final class Index {
        private final Map<Long, long[]> times = new HashMap<>();

        void add(long g, long t) {
            long[] arr = times.get(g);
            if (arr == null) {
                arr = new long[4];
                times.put(g, arr);
            }
            int c = (int) arr[0];
            if (c + 1 == arr.length) {
                arr = Arrays.copyOf(arr, arr.length * 2);
                times.put(g, arr);
            }
            arr[c + 1] = t;
            arr[0] = c + 1;
        }

        void sort() {
            for (long[] arr : times.values()) {
                Arrays.sort(arr, 1, (int) arr[0] + 1);
            }
        }

        /** The first time of {@code g} at or after {@code t}, or -1. */
        long firstAtOrAfter(long g, long t) {
            long[] arr = times.get(g);
            if (arr == null) {
                return -1;
            }
            int n = (int) arr[0];
            int i = lowerBound(arr, n, t);
            return i <= n ? arr[i] : -1;
        }

        /** The first index (1 to n, n + 1: none) whose time is at or after {@code t}. */
        private static int lowerBound(long[] arr, int n, long t) {
            int lo = 1;
            int hi = n + 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (arr[mid] < t) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }
}
