package dev.weft.trace.chrome;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.weft.internal.sched.SwitchReason;
import dev.weft.internal.sched.WaitReason;
import dev.weft.internal.trace.EventTimes;
import dev.weft.internal.trace.RuntimeTrace;
import dev.weft.internal.trace.TraceBuffer;
import dev.weft.internal.trace.TraceClock;
import dev.weft.internal.trace.TraceEvent;
import dev.weft.internal.trace.TraceSession;
import dev.weft.internal.trace.TraceWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes a weft recording as Chrome trace-event JSON (the "JSON Object Format" that Perfetto and
 * {@code chrome://tracing} open, and {@code weft trace} turns into a page), streaming with
 * jackson-core.
 *
 * <p><b>Layout.</b> One process per runtime ({@code pid} = its index + 1). In it, a track per P
 * ({@code tid} = the P's id) holding the goroutine run slices ({@code ph: X}, category
 * {@value #CAT_RUN}, named {@code g<id>}, with the reason the goroutine left and, for a wait, the
 * wait reason and the identity hash of the object waited on) and the instants that happened
 * there (steals, preemption requests, hand-offs, timers); a track per carrier ({@code tid} =
 * {@value #M_TID} + its id) with the same slices (category {@value #CAT_M_RUN}), its idle periods
 * and its {@code Go.blocking} calls; and one track for the runtime's other threads (sysmon,
 * platform threads). A flow arrow ({@code ph: s/f}, binding to the enclosing slices) goes from each
 * wake-up to the woken goroutine's next run (flow ids are unique in the file: viewers bind a
 * flow's ends by id, not by process). The events a carrier recorded are in program order, so its
 * slices pair a start with the next stop. A goroutine whose P was handed to another carrier while
 * it sat in {@code Go.blocking} leaves the P's track where the call began (end {@value #LOST_P}:
 * that carrier's runs on the P follow), and is back on a P's track once its carrier takes one; a
 * goroutine whose P sysmon retook leaves the P's track at the retake (end {@value #RETAKEN}: a
 * fresh P of that id, the same track, went to another carrier). A run under way when the
 * recording began (a carrier's first start or stop is a stop) or still under way when it stopped
 * (a start with no stop after it) is a slice clipped to the recording (to the last event kept,
 * end {@value #DROPPED}, if its buffer dropped events: its stop may be among them). Carriers past the cap on carrier buffers write the
 * shared one, interleaved: their runs pair by goroutine (it runs on one carrier at a time), their
 * idle periods by carrier, and they get a track each all the same ({@code GO_START} names its
 * carrier). Times come from {@link EventTimes}, which gives the untimed creations and wake-ups
 * theirs.
 *
 * <p>{@code otherData} holds the recording's metadata, {@code droppedEvents} among it; every
 * event's time is in µs with ns precision, from the recording's start.
 */
public final class ChromeTraceWriter implements TraceWriter {
    /** Category of the run slices on the P tracks: one per time a goroutine held a P. */
    public static final String CAT_RUN = "goroutine";
    /** Category of the same slices on the M tracks. */
    public static final String CAT_M_RUN = "carrier";
    /** tid of carrier {@code m}'s track: this plus its id. */
    public static final int M_TID = 10_000;
    /** tid of the track of the runtime's other threads. */
    public static final int OTHER_TID = 99_999;

    private static final WaitReason[] WAIT_REASONS = WaitReason.values();
    /** The end of a P-track slice cut where a blocking call that lost the P began. */
    static final String LOST_P = "P handed off";
    /** The end of a P-track slice cut where sysmon retook the P from its stuck carrier. */
    static final String RETAKEN = "P retaken";
    /** The end of a run still under way when the recording stopped (its slice ends there). */
    static final String RUNNING = "running at the end";
    /** The end of a run whose stop may be among the events its full buffer dropped (ends at the last kept). */
    static final String DROPPED = "events dropped";

    @Override
    public void write(TraceSession session, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file);
             JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("displayTimeUnit", "ns");
            g.writeObjectFieldStart("otherData");
            g.writeStringField("generator", "weft");
            g.writeNumberField("droppedEvents", session.dropped());
            g.writeNumberField("startEpochMillis", session.startEpochMillis());
            g.writeNumberField("durationNs", session.durationNanos());
            g.writeNumberField("bufferEvents", session.capacity());
            g.writeStringField("clock", TraceClock.source()); // what stamped the events: tsc, kvm-clock or nanotime
            g.writeEndObject();
            g.writeArrayFieldStart("traceEvents");
            long flowIds = 0; // one sequence for the file: viewers bind a flow's ends by id, whatever the pid
            for (RuntimeTrace rt : session.runtimes()) {
                RuntimeWriter w = new RuntimeWriter(g, rt, flowIds);
                w.write();
                flowIds = w.flowIds;
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** One runtime's events. */
    private static final class RuntimeWriter {
        private final JsonGenerator g;
        private final RuntimeTrace rt;
        private final int pid;
        private final List<TraceBuffer> buffers;
        /** Every event's time, untimed ones resolved ({@link EventTimes}); their lengths are the event counts. */
        private final long[][] times;
        /** Each goroutine's run starts: {time, P} pairs, sorted, for the flow arrows. */
        private final Map<Long, long[]> starts = new HashMap<>();
        private final Map<Long, Integer> startCounts = new HashMap<>();
        /** Each goroutine's P retakes: {time, P} pairs (sysmon's, in the shared buffer). */
        private final Map<Long, List<long[]>> retakes = new HashMap<>();
        private final TreeSet<Integer> ps = new TreeSet<>();
        /** The last flow id used in the file, this runtime's included. */
        private long flowIds;

        RuntimeWriter(JsonGenerator g, RuntimeTrace rt, long flowIds) {
            this.g = g;
            this.flowIds = flowIds;
            this.rt = rt;
            this.pid = rt.index() + 1;
            this.buffers = rt.buffers();
            this.times = EventTimes.resolve(buffers, rt.session().durationNanos());
        }

        void write() throws IOException {
            for (int p = 0; p < rt.procs(); p++) {
                ps.add(p);
            }
            indexStarts();
            long dropped = 0;
            for (TraceBuffer b : buffers) {
                dropped += b.dropped();
            }
            metadata("process_name", -1, "weft runtime '" + rt.name() + "'");
            g.writeStartObject();
            g.writeStringField("ph", "M");
            g.writeStringField("name", "weft_runtime");
            g.writeNumberField("pid", pid);
            g.writeObjectFieldStart("args");
            g.writeStringField("name", rt.name());
            g.writeNumberField("procs", rt.procs());
            g.writeNumberField("droppedEvents", dropped);
            g.writeEndObject();
            g.writeEndObject();
            for (int p : ps) {
                metadata("thread_name", p, "P" + p);
                sortIndex(p, p);
            }
            for (int k = 0; k < buffers.size(); k++) {
                TraceBuffer b = buffers.get(k);
                int tid = b.mid() < 0 ? OTHER_TID : M_TID + b.mid();
                metadata("thread_name", tid, b.mid() < 0 ? "sysmon and other threads" : b.track());
                sortIndex(tid, tid);
                events(b, times[k], tid);
            }
        }

        /** First pass: every run start (for the flows' ends) and every P seen. */
        private void indexStarts() {
            for (int k = 0; k < buffers.size(); k++) {
                TraceBuffer b = buffers.get(k);
                for (int i = 0, n = times[k].length; i < n; i++) {
                    long h = b.header(i);
                    int p = TraceEvent.p(h);
                    if (p >= 0) {
                        ps.add(p);
                    }
                    if (TraceEvent.kind(h) == TraceEvent.RETAKE && b.b(i) != 0) {
                        retakes.computeIfAbsent(b.b(i), key -> new ArrayList<>()).add(new long[] {times[k][i], b.a(i)});
                    }
                    if (TraceEvent.kind(h) == TraceEvent.GO_START) {
                        long id = b.a(i);
                        long[] arr = starts.computeIfAbsent(id, key -> new long[8]);
                        int c = startCounts.getOrDefault(id, 0);
                        if (2 * c + 2 > arr.length) {
                            arr = Arrays.copyOf(arr, arr.length * 2);
                            starts.put(id, arr);
                        }
                        arr[2 * c] = times[k][i];
                        arr[2 * c + 1] = p;
                        startCounts.put(id, c + 1);
                    }
                }
            }
            for (Map.Entry<Long, long[]> e : starts.entrySet()) {
                int c = startCounts.get(e.getKey());
                long[] arr = e.getValue();
                // Sort the pairs by time.
                long[][] pairs = new long[c][];
                for (int i = 0; i < c; i++) {
                    pairs[i] = new long[] {arr[2 * i], arr[2 * i + 1]};
                }
                Arrays.sort(pairs, (x, y) -> Long.compare(x[0], y[0]));
                for (int i = 0; i < c; i++) {
                    arr[2 * i] = pairs[i][0];
                    arr[2 * i + 1] = pairs[i][1];
                }
            }
        }

        /** The first run start of goroutine {@code id} at or after {@code t}: {time, P}, or null. */
        private long[] nextStart(long id, long t) {
            long[] arr = starts.get(id);
            if (arr == null) {
                return null;
            }
            int lo = 0;
            int hi = startCounts.get(id);
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (arr[2 * mid] < t) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo < startCounts.get(id) ? new long[] {arr[2 * lo], arr[2 * lo + 1]} : null;
        }

        private void events(TraceBuffer b, long[] times, int mTid) throws IOException {
            boolean carrier = b.mid() >= 0;
            // The shared buffer interleaves threads, among them carriers past the cap on carrier
            // buffers: their runs pair by goroutine (one runs on one carrier at a time), their
            // idle periods by carrier, and each goes to the track of the carrier its start names.
            Map<Long, long[]> sharedRuns = new HashMap<>(); // goroutine -> {start, P, carrier}
            Map<Long, Long> sharedCalls = new HashMap<>(); // goroutine -> Go.blocking since
            Map<Long, Long> sharedIdle = new HashMap<>(); // carrier -> idle since
            TreeSet<Integer> sharedCarriers = new TreeSet<>();
            long runG = -1;
            long runStart = 0;
            int runP = -1; // the P the running goroutine holds (-1: none, e.g. lost in a blocking call)
            long pStart = 0; // since when it holds runP
            boolean runSeen = false; // a start or stop seen: a stop before any was of a run under way at the start
            long idleSince = -1;
            long callSince = -1;
            long callG = 0;
            for (int i = 0, n = times.length; i < n; i++) {
                long t = times[i];
                long h = b.header(i);
                int kind = TraceEvent.kind(h);
                int p = TraceEvent.p(h);
                int c = TraceEvent.c(h);
                long a = b.a(i);
                long bb = b.b(i);
                int here = p >= 0 ? p : mTid; // instants go to the P's track when there is one
                switch (kind) {
                    case TraceEvent.GO_START -> {
                        if (carrier) {
                            runG = a;
                            runStart = t;
                            runP = p;
                            pStart = t;
                            runSeen = true;
                        } else {
                            sharedRuns.put(a, new long[] {t, p, c});
                            sharedCarriers.add(c);
                        }
                    }
                    case TraceEvent.GO_STOP -> {
                        if (carrier) {
                            if (runG == a) {
                                if (p < 0 && runP >= 0 && callSince >= 0 && callG == a) {
                                    // Parked inside a Go.blocking call whose P was handed off
                                    // meanwhile (its carrier stopped it with no P): as at an exit
                                    // that lost the P, it left the P's track where the call began.
                                    slice(runP, CAT_RUN, "g" + a, pStart, callSince, a, LOST_P, null, 0);
                                    runP = -1;
                                }
                                run(runP, pStart, mTid, a, runStart, t, c, bb);
                            } else if (!runSeen) { // running when the recording began: from its start
                                // On the P's track from when it took that P, if it took one since
                                // (its call lost the one it had): other carriers ran there before.
                                run(p, pStart, mTid, a, 0, t, c, bb);
                            }
                            runSeen = true;
                            runG = -1;
                            // A Go.blocking call whose goroutine left the carrier meanwhile spans
                            // other runs: no slice for it (slices on a track must nest).
                            callSince = -1;
                        } else {
                            long[] run = sharedRuns.remove(a);
                            Long since = sharedCalls.remove(a);
                            if (run != null) {
                                if (p < 0 && run[1] >= 0 && since != null) { // parked in a call that lost its P: as above
                                    slice((int) run[1], CAT_RUN, "g" + a, run[0], since, a, LOST_P, null, 0);
                                    run[1] = -1;
                                }
                                run((int) run[1], run[0], M_TID + (int) run[2], a, run[0], t, c, bb);
                            }
                        }
                    }
                    case TraceEvent.GO_UNBLOCK -> {
                        instant(here, "unblock g" + a, "wake", t, "g", a, "by", bb);
                        long[] next = nextStart(a, t);
                        if (next != null && next[1] >= 0) {
                            long id = ++flowIds;
                            flow("s", here, t, id);
                            flow("f", (int) next[1], next[0], id);
                        }
                    }
                    case TraceEvent.GO_CREATE -> instant(here, "create g" + a, "create", t, "g", a, "parent", bb);
                    case TraceEvent.PREEMPT -> instant(bb >= 0 ? (int) bb : here, "preempt g" + a, "preempt", t,
                            "g", a, "reason", SwitchReason.name(c));
                    case TraceEvent.STEAL -> instant(here, "steal from P" + a, "steal", t, "victim", a, "count", bb);
                    case TraceEvent.SYSCALL_ENTER -> {
                        if (carrier) {
                            callSince = t;
                            callG = a;
                        } else {
                            sharedCalls.put(a, t);
                        }
                    }
                    case TraceEvent.SYSCALL_EXIT -> {
                        // c = 1: the P was handed to another carrier during the call, whose runs
                        // on it then began; the goroutine's slice on the P's track ends where the
                        // call began (when in it the P went is not recorded), its carrier's goes on.
                        if (carrier) {
                            if (callSince >= 0 && callG == a) {
                                complete(mTid, "Go.blocking g" + a, "syscall", callSince, t, "lostP", c);
                                if (c == 1 && runG == a && runP >= 0) {
                                    slice(runP, CAT_RUN, "g" + a, pStart, callSince, a, LOST_P, null, 0);
                                    runP = -1;
                                }
                            }
                            callSince = -1;
                        } else {
                            Long since = sharedCalls.remove(a);
                            long[] run = sharedRuns.get(a);
                            if (since != null && run != null) {
                                complete(M_TID + (int) run[2], "Go.blocking g" + a, "syscall", since, t, "lostP", c);
                                if (c == 1 && run[1] >= 0) {
                                    slice((int) run[1], CAT_RUN, "g" + a, run[0], since, a, LOST_P, null, 0);
                                    run[1] = -1; // the P it may take next is not named here: no slice
                                }
                            }
                        }
                    }
                    case TraceEvent.P_HANDOFF -> instant((int) a, "handoff P" + a, "handoff", t, "p", a, null, 0);
                    case TraceEvent.P_START -> {
                        instant(mTid, "acquire P" + a, "p", t, "p", a, null, 0);
                        // Back from a call that lost its P, with another: the run goes on there
                        // (before the carrier's first start or stop too: a run under way when
                        // the recording began).
                        if (carrier && (runG >= 0 ? runP < 0 : !runSeen)) {
                            runP = (int) a;
                            pStart = t;
                        }
                    }
                    case TraceEvent.P_STOP -> instant(mTid, "release P" + a, "p", t, "p", a, null, 0);
                    case TraceEvent.M_START -> instant(mTid, "M" + a + " start", "m", t, "m", a, null, 0);
                    case TraceEvent.M_PARK -> {
                        if (carrier) {
                            idleSince = t;
                        } else {
                            sharedIdle.put(a, t);
                            sharedCarriers.add((int) a);
                        }
                    }
                    case TraceEvent.M_UNPARK -> {
                        if (carrier) {
                            if (idleSince >= 0) {
                                complete(mTid, "idle", "idle", idleSince, t, "p", bb);
                            }
                            idleSince = -1;
                        } else {
                            Long since = sharedIdle.remove(a);
                            if (since != null) {
                                complete(M_TID + (int) a, "idle", "idle", since, t, "p", bb);
                            }
                        }
                    }
                    case TraceEvent.TIMER_FIRE -> instant(here, "timers fired", "timer", t, "count", a, null, 0);
                    case TraceEvent.BOOST -> instant(here, "starvation boost", "boost", t, "count", a, "level", bb);
                    case TraceEvent.DEADLOCK -> instant(here, "deadlock", "deadlock", t, "goroutines", a, null, 0);
                    case TraceEvent.RETAKE -> instant((int) a, "retake P" + a, "retake", t, "p", a, "g", bb);
                    case TraceEvent.PROCS_CHANGE -> instant(here, "procs " + a + " -> " + bb, "procs", t, "from", a,
                            "to", bb);
                    default -> instant(here, TraceEvent.name(kind), "other", t, "a", a, "b", bb);
                }
            }
            if (carrier && runG >= 0) { // still running when the recording stopped: to its end
                // Unless the buffer filled up: its stop may be among the events dropped, and the
                // run lasted at least to the last one kept (later ones were dropped, all of them).
                boolean dropped = b.dropped() > 0;
                long end = Math.max(runStart, dropped ? times[times.length - 1] : rt.session().durationNanos());
                slices(runP, pStart, mTid, runG, runStart, end, dropped ? DROPPED : RUNNING, null, 0);
            }
            for (int m : sharedCarriers) { // carriers without a buffer of their own: their track
                metadata("thread_name", M_TID + m, "M" + m);
                sortIndex(M_TID + m, M_TID + m);
            }
        }

        /**
         * A run slice on P {@code p}'s track from {@code pFrom} (if it held one) and on the
         * carrier's from {@code from}.
         */
        private void run(int p, long pFrom, int mTid, long goid, long from, long to, int reason, long waitWord)
                throws IOException {
            String wait = null;
            long blockedOn = 0;
            if (reason == SwitchReason.WAIT) {
                int w = (int) (waitWord & 0xFFFF_FFFFL);
                wait = w > 0 && w < WAIT_REASONS.length ? WAIT_REASONS[w].text() : "park";
                blockedOn = waitWord >>> 32;
            }
            slices(p, pFrom, mTid, goid, from, to, SwitchReason.name(reason), wait, blockedOn);
        }

        /** {@link #run}'s slices, ending for {@code end}; the P's is cut at a retake. */
        private void slices(int p, long pFrom, int mTid, long goid, long from, long to, String end, String wait,
                            long blockedOn) throws IOException {
            if (p >= 0) {
                long retaken = retakenAt(goid, p, pFrom, to);
                if (retaken >= 0) {
                    slice(p, CAT_RUN, "g" + goid, pFrom, retaken, goid, RETAKEN, null, 0);
                } else {
                    slice(p, CAT_RUN, "g" + goid, pFrom, to, goid, end, wait, blockedOn);
                }
            }
            slice(mTid, CAT_M_RUN, "g" + goid, from, to, goid, end, wait, blockedOn);
        }

        /**
         * When sysmon retook P {@code p} from goroutine {@code goid} within its run from
         * {@code from} to {@code to}, or -1: a fresh P of the same id (the same track) went to
         * another carrier then, so the run's slice on the track ends there.
         */
        private long retakenAt(long goid, int p, long from, long to) {
            List<long[]> rs = retakes.get(goid);
            if (rs != null) {
                for (long[] r : rs) {
                    if (r[1] == p && r[0] >= from && r[0] <= to) {
                        return r[0];
                    }
                }
            }
            return -1;
        }

        private static double us(long ns) {
            return ns / 1000.0;
        }

        /** Opens a complete ("X") event from {@code from} to {@code to}, up to its open args object. */
        private void beginComplete(int tid, String cat, String name, long from, long to) throws IOException {
            g.writeStartObject();
            g.writeStringField("ph", "X");
            g.writeStringField("cat", cat);
            g.writeStringField("name", name);
            g.writeNumberField("pid", pid);
            g.writeNumberField("tid", tid);
            g.writeNumberField("ts", us(from));
            g.writeNumberField("dur", us(to - from));
            g.writeObjectFieldStart("args");
        }

        private void slice(int tid, String cat, String name, long from, long to, long goid, String end, String wait,
                           long blockedOn) throws IOException {
            beginComplete(tid, cat, name, from, to);
            g.writeNumberField("g", goid);
            g.writeStringField("end", end);
            if (wait != null) {
                g.writeStringField("wait", wait);
                if (blockedOn != 0) {
                    g.writeStringField("blockedOn", "0x" + Long.toHexString(blockedOn));
                }
            }
            g.writeEndObject();
            g.writeEndObject();
        }

        private void complete(int tid, String name, String cat, long from, long to, String key, long value)
                throws IOException {
            beginComplete(tid, cat, name, from, to);
            g.writeNumberField(key, value);
            g.writeEndObject();
            g.writeEndObject();
        }

        private void instant(int tid, String name, String cat, long t, String k1, long v1, String k2, Object v2)
                throws IOException {
            g.writeStartObject();
            g.writeStringField("ph", "i");
            g.writeStringField("s", "t");
            g.writeStringField("cat", cat);
            g.writeStringField("name", name);
            g.writeNumberField("pid", pid);
            g.writeNumberField("tid", tid);
            g.writeNumberField("ts", us(t));
            g.writeObjectFieldStart("args");
            g.writeNumberField(k1, v1);
            if (k2 != null) {
                if (v2 instanceof Number num) {
                    g.writeNumberField(k2, num.longValue());
                } else {
                    g.writeStringField(k2, String.valueOf(v2));
                }
            }
            g.writeEndObject();
            g.writeEndObject();
        }

        private void flow(String ph, int tid, long t, long id) throws IOException {
            g.writeStartObject();
            g.writeStringField("ph", ph);
            g.writeStringField("cat", "wake");
            g.writeStringField("name", "wake-up");
            g.writeNumberField("pid", pid);
            g.writeNumberField("tid", tid);
            g.writeNumberField("ts", us(t));
            g.writeNumberField("id", id);
            if (ph.equals("f")) {
                g.writeStringField("bp", "e");
            }
            g.writeEndObject();
        }

        private void metadata(String name, int tid, String value) throws IOException {
            g.writeStartObject();
            g.writeStringField("ph", "M");
            g.writeStringField("name", name);
            g.writeNumberField("pid", pid);
            if (tid >= 0) {
                g.writeNumberField("tid", tid);
            }
            g.writeObjectFieldStart("args");
            g.writeStringField("name", value);
            g.writeEndObject();
            g.writeEndObject();
        }

        private void sortIndex(int tid, int index) throws IOException {
            g.writeStartObject();
            g.writeStringField("ph", "M");
            g.writeStringField("name", "thread_sort_index");
            g.writeNumberField("pid", pid);
            g.writeNumberField("tid", tid);
            g.writeObjectFieldStart("args");
            g.writeNumberField("sort_index", index);
            g.writeEndObject();
            g.writeEndObject();
        }
    }
}
