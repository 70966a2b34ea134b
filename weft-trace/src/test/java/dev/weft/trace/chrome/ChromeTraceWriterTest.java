package dev.weft.trace.chrome;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.ThreadingModel;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.internal.sched.SwitchReason;
import dev.weft.internal.sched.WaitReason;
import dev.weft.internal.trace.RuntimeTrace;
import dev.weft.internal.trace.TraceBuffer;
import dev.weft.internal.trace.TraceEvent;
import dev.weft.internal.trace.TraceSession;
import dev.weft.sync.WaitGroup;
import dev.weft.trace.TraceRecording;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The file a recording becomes: Chrome trace-event JSON with the layout ChromeTraceWriter documents. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChromeTraceWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Fan-out of 64 workers, each exchanging over channels with a collector, then a wait. */
    static void workload(Weft rt) {
        rt.run(() -> {
            Chan<Long> results = Chan.make(4);
            WaitGroup wg = new WaitGroup();
            AtomicLong sum = new AtomicLong();
            for (int i = 0; i < 64; i++) {
                long n = i;
                wg.add(1);
                Go.go(() -> {
                    long acc = 0;
                    for (int k = 0; k < 2000; k++) {
                        acc += k * n;
                    }
                    results.send(acc);
                    wg.done();
                });
            }
            Go.go(() -> {
                wg.await();
                results.close();
            });
            for (long r : results) {
                sum.addAndGet(r);
            }
            assertThat(sum.get()).isEqualTo(1999L * 2000 / 2 * (63 * 64 / 2));
        });
    }

    @Test
    void theFileHasTracksSlicesFlowsAndMetadata(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.trace.json");
        TraceRecording rec;
        try (Weft rt = Weft.builder().procs(2).name("chrome").build()) {
            rec = rt.startTrace(file);
            workload(rt);
        } // close() returns once every carrier stopped: each goroutine's last stop is recorded
        rec.stop();
        JsonNode root = JSON.readTree(file.toFile());
        assertThat(root.path("otherData").path("droppedEvents").asLong(-1)).isZero();
        assertThat(root.path("otherData").path("generator").asText()).isEqualTo("weft");
        assertThat(root.path("otherData").path("clock").asText()).isIn("tsc", "kvm-clock", "nanotime");
        JsonNode events = root.path("traceEvents");
        assertThat(events.isArray()).isTrue();

        Map<Integer, String> threadNames = new HashMap<>();
        List<JsonNode> slices = new ArrayList<>();
        Set<Long> goroutinesRun = new HashSet<>();
        Map<Long, Integer> flowStarts = new HashMap<>();
        Map<Long, Integer> flowEnds = new HashMap<>();
        for (JsonNode e : events) {
            String ph = e.path("ph").asText();
            assertThat(e.path("pid").asInt()).isEqualTo(1);
            switch (ph) {
                case "M" -> {
                    if (e.path("name").asText().equals("thread_name")) {
                        threadNames.put(e.path("tid").asInt(), e.path("args").path("name").asText());
                    }
                    if (e.path("name").asText().equals("process_name")) {
                        assertThat(e.path("args").path("name").asText()).contains("'chrome'");
                    }
                }
                case "X" -> {
                    if (e.path("cat").asText().equals(ChromeTraceWriter.CAT_RUN)) {
                        slices.add(e);
                        long g = e.path("args").path("g").asLong();
                        goroutinesRun.add(g);
                        assertThat(e.path("name").asText()).isEqualTo("g" + g);
                        assertThat(e.path("dur").asDouble()).isGreaterThanOrEqualTo(0);
                        assertThat(e.path("args").path("end").asText()).isNotEmpty();
                    }
                }
                case "s" -> flowStarts.merge(e.path("id").asLong(), 1, Integer::sum);
                case "f" -> {
                    flowEnds.merge(e.path("id").asLong(), 1, Integer::sum);
                    assertThat(e.path("bp").asText()).isEqualTo("e");
                }
                default -> { }
            }
        }
        assertThat(threadNames).containsEntry(0, "P0").containsEntry(1, "P1");
        assertThat(threadNames.values()).anyMatch(n -> n.startsWith("M"));
        // 64 workers, the closer and main all ran.
        assertThat(goroutinesRun).hasSizeGreaterThanOrEqualTo(66);
        // Every slice is on a P track, and a P runs one goroutine at a time.
        Map<Integer, List<double[]>> perP = new HashMap<>();
        for (JsonNode s : slices) {
            int tid = s.path("tid").asInt();
            assertThat(threadNames.get(tid)).startsWith("P");
            perP.computeIfAbsent(tid, k -> new ArrayList<>())
                    .add(new double[] {s.path("ts").asDouble(), s.path("ts").asDouble() + s.path("dur").asDouble()});
        }
        for (List<double[]> runs : perP.values()) {
            runs.sort((a, b) -> Double.compare(a[0], b[0]));
            for (int i = 1; i < runs.size(); i++) {
                assertThat(runs.get(i)[0]).isGreaterThanOrEqualTo(runs.get(i - 1)[1] - 0.0015);
            }
        }
        // Wake-ups: each flow has one start and one end.
        assertThat(flowStarts).isNotEmpty();
        assertThat(flowEnds).isEqualTo(flowStarts);
        assertThat(flowStarts.values()).containsOnly(1);
    }

    /**
     * Carriers past {@link RuntimeTrace#MAX_CARRIER_BUFFERS} record into the shared buffer, where
     * their events interleave with each other's: their runs, idle periods and calls still become
     * slices, on their P's track and on a track of their own. Built by hand, as a real run would
     * need hundreds of carriers blocked at once.
     */
    @Test
    void carriersPastTheBufferCapKeepTheirRunsAndIdlePeriods(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("capped.json");
        TraceSession session = new TraceSession(file, new ChromeTraceWriter(), 64);
        RuntimeTrace rt = session.attach("capped", 2, r -> { }, r -> { });
        for (int m = 0; m < RuntimeTrace.MAX_CARRIER_BUFFERS; m++) {
            assertThat(rt.newCarrierBuffer(m).mid()).isEqualTo(m);
        }
        TraceBuffer shared = rt.newCarrierBuffer(300);
        assertThat(shared).isSameAs(rt.shared());
        assertThat(rt.newCarrierBuffer(301)).isSameAs(shared);
        // M300 runs g7 on P0 while M301 runs g8 on P1, then M300 idles.
        shared.addShared(TraceEvent.GO_START, 0, 300, 7, 0);
        shared.addShared(TraceEvent.GO_START, 1, 301, 8, 0);
        shared.addShared(TraceEvent.SYSCALL_ENTER, 1, 0, 8, 0);
        shared.addShared(TraceEvent.GO_STOP, 0, SwitchReason.WAIT, 7, WaitReason.CHAN_RECEIVE.ordinal());
        shared.addShared(TraceEvent.M_PARK, -1, 0, 300, 0);
        shared.addShared(TraceEvent.SYSCALL_EXIT, 1, 0, 8, 0);
        shared.addShared(TraceEvent.GO_STOP, 1, SwitchReason.EXIT, 8, 0);
        shared.addShared(TraceEvent.M_UNPARK, -1, 0, 300, 0);
        session.stop();

        JsonNode root = JSON.readTree(file.toFile());
        assertThat(root.path("otherData").path("droppedEvents").asLong(-1)).isZero();
        Map<Integer, String> threadNames = new HashMap<>();
        Map<Integer, List<String>> slicesByTrack = new HashMap<>();
        for (JsonNode e : root.path("traceEvents")) {
            if (e.path("ph").asText().equals("M") && e.path("name").asText().equals("thread_name")) {
                threadNames.put(e.path("tid").asInt(), e.path("args").path("name").asText());
            } else if (e.path("ph").asText().equals("X")) {
                slicesByTrack.computeIfAbsent(e.path("tid").asInt(), k -> new ArrayList<>())
                        .add(e.path("cat").asText() + ":" + e.path("name").asText());
            }
        }
        assertThat(slicesByTrack.get(0)).containsExactly(ChromeTraceWriter.CAT_RUN + ":g7");
        assertThat(slicesByTrack.get(1)).containsExactly(ChromeTraceWriter.CAT_RUN + ":g8");
        int m300 = ChromeTraceWriter.M_TID + 300;
        int m301 = ChromeTraceWriter.M_TID + 301;
        assertThat(slicesByTrack.get(m300)).containsExactlyInAnyOrder(ChromeTraceWriter.CAT_M_RUN + ":g7", "idle:idle");
        assertThat(slicesByTrack.get(m301))
                .containsExactlyInAnyOrder(ChromeTraceWriter.CAT_M_RUN + ":g8", "syscall:Go.blocking g8");
        assertThat(threadNames).containsEntry(m300, "M300").containsEntry(m301, "M301");
    }

    /**
     * A file of several runtimes (-Dweft.trace): Perfetto and chrome://tracing bind a flow's ends
     * by its id alone, not by process, so two runtimes' wake-ups must never share an id, or an
     * arrow joins one runtime's waker to the other's goroutine. Built by hand: each runtime's
     * carrier runs g1, which wakes g2 and blocks; g2 then runs.
     */
    @Test
    void flowIdsAreUniqueAcrossTheRuntimesOfOneFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("two.json");
        TraceSession session = new TraceSession(file, new ChromeTraceWriter(), 64);
        for (String name : List.of("first", "second")) {
            TraceBuffer b = session.attach(name, 1, r -> { }, r -> { }).newCarrierBuffer(0);
            b.start(0, 1, false);
            b.addUntimed(TraceEvent.GO_UNBLOCK, 0, 0, 2, 1);
            b.stop(0, SwitchReason.WAIT, 1, WaitReason.CHAN_RECEIVE.ordinal());
            b.start(0, 2, true);
            b.stop(0, SwitchReason.EXIT, 2, 0);
        }
        session.stop();

        Map<Long, Set<Integer>> startPids = new HashMap<>();
        Map<Long, Set<Integer>> endPids = new HashMap<>();
        for (JsonNode e : JSON.readTree(file.toFile()).path("traceEvents")) {
            String ph = e.path("ph").asText();
            if (ph.equals("s")) {
                startPids.computeIfAbsent(e.path("id").asLong(), k -> new HashSet<>()).add(e.path("pid").asInt());
            } else if (ph.equals("f")) {
                endPids.computeIfAbsent(e.path("id").asLong(), k -> new HashSet<>()).add(e.path("pid").asInt());
            }
        }
        assertThat(startPids).as("one wake-up per runtime").hasSize(2);
        assertThat(startPids.values()).as("each flow id in one runtime").allMatch(pids -> pids.size() == 1);
        assertThat(endPids).isEqualTo(startPids);
    }

    /**
     * A goroutine whose P was handed to another carrier while it sat in {@code Go.blocking} no
     * longer holds that P: its slice on the P's track ends where the call began, and the other
     * carrier's runs on that P do not fall inside it. (Its carrier's track keeps the whole run.)
     * The slice ran on to the goroutine's stop, over the runs the P's new carrier made meanwhile.
     */
    @Test
    void aRunThatLostItsPInABlockingCallLeavesThePsTrackWhenTheCallBegan(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("handoff.json");
        long[] ids = new long[2];
        TraceRecording rec;
        try (Weft rt = Weft.builder().model(ThreadingModel.M_N).procs(1).name("handoff").build()) {
            rec = rt.startTrace(file);
            AtomicBoolean ranMeanwhile = new AtomicBoolean();
            CountDownLatch inCall = new CountDownLatch(1);
            Goroutine blocker = rt.go(() -> Go.blocking(() -> {
                inCall.countDown();
                // Holds its carrier (a spin does not unmount) until the other goroutine ran,
                // which needs the P handed to another carrier.
                while (!ranMeanwhile.get()) {
                    Thread.onSpinWait();
                }
            }));
            inCall.await();
            Goroutine other = rt.go(() -> ranMeanwhile.set(true));
            ids[0] = blocker.id();
            ids[1] = other.id();
            blocker.join();
            other.join();
            assertThat(rt.stats().syscallHandoffs()).isPositive();
        } // closed: every run's stop is recorded
        rec.stop();
        Map<Integer, List<double[]>> perP = new HashMap<>();
        Map<Long, Integer> carrierSlices = new HashMap<>();
        for (JsonNode e : JSON.readTree(file.toFile()).path("traceEvents")) {
            if (!e.path("ph").asText().equals("X")) {
                continue;
            }
            long g = e.path("args").path("g").asLong();
            if (e.path("cat").asText().equals(ChromeTraceWriter.CAT_RUN)) {
                perP.computeIfAbsent(e.path("tid").asInt(), k -> new ArrayList<>()).add(new double[] {
                        e.path("ts").asDouble(), e.path("ts").asDouble() + e.path("dur").asDouble(), g});
            } else if (e.path("cat").asText().equals(ChromeTraceWriter.CAT_M_RUN)) {
                carrierSlices.merge(g, 1, Integer::sum);
            }
        }
        assertThat(carrierSlices).containsKeys(ids[0], ids[1]);
        List<double[]> p0 = perP.get(0);
        assertThat(p0).as("runs on P0").anyMatch(r -> r[2] == ids[1]);
        p0.sort((a, b) -> Double.compare(a[0], b[0]));
        for (int i = 1; i < p0.size(); i++) {
            assertThat(p0.get(i)[0]).as("g%d's run on P0 starts inside g%d's", (long) p0.get(i)[2], (long) p0.get(i - 1)[2])
                    .isGreaterThanOrEqualTo(p0.get(i - 1)[1] - 0.0015);
        }
    }

    /**
     * A goroutine that never reaches a safe point has its P retaken: a fresh P of the same id goes
     * to another carrier, whose runs share the track. The stuck goroutine's slice on that track
     * ends at the retake; it ran on to the goroutine's stop, over the other carrier's runs.
     */
    @Test
    void aRunWhosePWasRetakenLeavesThePsTrackAtTheRetake(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("retake.json");
        long[] ids = new long[2];
        TraceRecording rec;
        try (Weft rt = Weft.builder().model(ThreadingModel.M_N).procs(1).timeslice(Duration.ofMillis(2))
                .name("retake").build()) {
            rec = rt.startTrace(file);
            AtomicBoolean ranMeanwhile = new AtomicBoolean();
            CountDownLatch hogging = new CountDownLatch(1);
            Goroutine hog = rt.go(() -> {
                hogging.countDown();
                while (!ranMeanwhile.get()) {
                    Thread.onSpinWait(); // no safe point: only a retake lets the other run
                }
            });
            hogging.await();
            Goroutine other = rt.go(() -> ranMeanwhile.set(true));
            ids[0] = hog.id();
            ids[1] = other.id();
            hog.join();
            other.join();
            assertThat(rt.stats().hogRetakes()).isPositive();
        }
        rec.stop();
        List<double[]> p0 = new ArrayList<>();
        for (JsonNode e : JSON.readTree(file.toFile()).path("traceEvents")) {
            if (e.path("ph").asText().equals("X") && e.path("cat").asText().equals(ChromeTraceWriter.CAT_RUN)
                    && e.path("tid").asInt() == 0) {
                p0.add(new double[] {e.path("ts").asDouble(), e.path("ts").asDouble() + e.path("dur").asDouble(),
                        e.path("args").path("g").asLong()});
            }
        }
        assertThat(p0).as("runs on P0").anyMatch(r -> r[2] == ids[0]).anyMatch(r -> r[2] == ids[1]);
        p0.sort((a, b) -> Double.compare(a[0], b[0]));
        for (int i = 1; i < p0.size(); i++) {
            assertThat(p0.get(i)[0]).as("g%d's run on P0 starts inside g%d's", (long) p0.get(i)[2], (long) p0.get(i - 1)[2])
                    .isGreaterThanOrEqualTo(p0.get(i - 1)[1] - 0.0015);
        }
    }

    /**
     * A recording started and stopped inside a goroutine (the usual try-with-resources in a main
     * goroutine): that goroutine was running when it began and still runs when it stops. Its runs
     * at both edges are slices clipped to the recording; they were missing (a stop without a start,
     * a start without a stop), and with them the goroutine's first and last stretch of work.
     */
    @Test
    void runsUnderWayWhenTheRecordingStartsOrStopsAreClippedToIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("edges.json");
        long[] main = new long[1];
        try (Weft rt = Weft.builder().procs(1).name("edges").build()) {
            rt.run(() -> {
                main[0] = Go.current().id();
                try (TraceRecording rec = rt.startTrace(file)) {
                    Chan<Integer> c = Chan.make();
                    Go.go(() -> c.send(1));
                    assertThat(c.recv()).isEqualTo(1); // main blocks once, between the two edges
                }
            });
        }
        JsonNode root = JSON.readTree(file.toFile());
        double end = root.path("otherData").path("durationNs").asLong() / 1000.0;
        List<double[]> mainRuns = new ArrayList<>();
        for (JsonNode e : root.path("traceEvents")) {
            if (e.path("ph").asText().equals("X") && e.path("cat").asText().equals(ChromeTraceWriter.CAT_RUN)
                    && e.path("args").path("g").asLong() == main[0]) {
                mainRuns.add(new double[] {e.path("ts").asDouble(), e.path("ts").asDouble() + e.path("dur").asDouble()});
            }
        }
        mainRuns.sort((a, b) -> Double.compare(a[0], b[0]));
        assertThat(mainRuns).as("main's runs: up to its receive, and from its wake-up to the stop")
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(mainRuns.get(0)[0]).as("the first from the recording's start").isZero();
        assertThat(mainRuns.get(mainRuns.size() - 1)[1]).as("the last to its end").isCloseTo(end, org.assertj.core.data.Offset.offset(0.0015));
    }

    /** The same for carriers past the cap on carrier buffers, whose events the shared buffer holds. */
    @Test
    void aCappedCarriersRunThatLostItsPLeavesThePsTrackWhenTheCallBegan(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("capped-handoff.json");
        TraceSession session = new TraceSession(file, new ChromeTraceWriter(), 64);
        RuntimeTrace rt = session.attach("capped", 1, r -> { }, r -> { });
        for (int m = 0; m < RuntimeTrace.MAX_CARRIER_BUFFERS; m++) {
            rt.newCarrierBuffer(m);
        }
        TraceBuffer shared = rt.shared();
        // M300 runs g7 on P0 and blocks in a call; P0 goes to M301, which runs g8; g7's call ends
        // without a P, and g7 leaves its carrier.
        shared.addShared(TraceEvent.GO_START, 0, 300, 7, 0);
        shared.addShared(TraceEvent.SYSCALL_ENTER, 0, 0, 7, 0);
        shared.addShared(TraceEvent.GO_START, 0, 301, 8, 0);
        shared.addShared(TraceEvent.GO_STOP, 0, SwitchReason.EXIT, 8, 0);
        shared.addShared(TraceEvent.SYSCALL_EXIT, -1, 1, 7, 0);
        shared.addShared(TraceEvent.GO_STOP, -1, SwitchReason.YIELD, 7, 0);
        session.stop();
        List<double[]> p0 = new ArrayList<>();
        for (JsonNode e : JSON.readTree(file.toFile()).path("traceEvents")) {
            if (e.path("ph").asText().equals("X") && e.path("cat").asText().equals(ChromeTraceWriter.CAT_RUN)) {
                assertThat(e.path("tid").asInt()).isZero();
                p0.add(new double[] {e.path("ts").asDouble(), e.path("ts").asDouble() + e.path("dur").asDouble(),
                        e.path("args").path("g").asLong()});
            }
        }
        p0.sort((a, b) -> Double.compare(a[0], b[0]));
        assertThat(p0).extracting(r -> (long) r[2]).containsExactly(7L, 8L);
        assertThat(p0.get(1)[0]).as("g8's run on P0 starts after g7 left it").isGreaterThanOrEqualTo(p0.get(0)[1]);
    }

    /** P {@code tid}'s run slices in {@code file}: {ts, end, g} each, by time, and their end reasons. */
    private static List<double[]> pTrackRuns(Path file, int tid, Map<Long, String> ends) throws Exception {
        List<double[]> runs = new ArrayList<>();
        for (JsonNode e : JSON.readTree(file.toFile()).path("traceEvents")) {
            if (e.path("ph").asText().equals("X") && e.path("cat").asText().equals(ChromeTraceWriter.CAT_RUN)
                    && e.path("tid").asInt() == tid) {
                long g = e.path("args").path("g").asLong();
                runs.add(new double[] {e.path("ts").asDouble(), e.path("ts").asDouble() + e.path("dur").asDouble(), g});
                ends.put(g, e.path("args").path("end").asText());
            }
        }
        runs.sort((x, y) -> Double.compare(x[0], y[0]));
        return runs;
    }

    /**
     * A goroutine that parks inside {@code Go.blocking} (a JDK park in the call) after its P was
     * handed off writes no call exit: its carrier, finding the P gone, stops it with no P. Its
     * slice on the P's track ran on to that stop, over the runs the P's new carrier made
     * meanwhile (the overlap the exit's cut prevents); it ends where the call began, as there.
     * Built by hand: M0 runs g7 on P0, which enters a call; P0 goes to M1, which runs g8; g7 parks.
     */
    @Test
    void aRunThatParkedInABlockingCallThatLostItsPLeavesThePsTrackWhenTheCallBegan(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("parked-in-call.json");
        TraceSession session = new TraceSession(file, new ChromeTraceWriter(), 64);
        RuntimeTrace rt = session.attach("parked", 1, r -> { }, r -> { });
        TraceBuffer m0 = rt.newCarrierBuffer(0);
        TraceBuffer m1 = rt.newCarrierBuffer(1);
        m0.start(0, 7, false);
        m0.add(TraceEvent.SYSCALL_ENTER, 0, 0, 7, 0);
        rt.shared().addShared(TraceEvent.P_HANDOFF, 0, 0, 0, 0);
        m1.add(TraceEvent.P_START, 0, 0, 0, 0);
        m1.start(0, 8, false);
        m1.stop(0, SwitchReason.EXIT, 8, 0);
        m0.stop(-1, SwitchReason.WAIT, 7, WaitReason.JDK_PARK.ordinal());
        session.stop();

        Map<Long, String> ends = new HashMap<>();
        List<double[]> p0 = pTrackRuns(file, 0, ends);
        assertThat(p0).extracting(r -> (long) r[2]).containsExactly(7L, 8L);
        assertThat(ends).containsEntry(7L, ChromeTraceWriter.LOST_P);
        assertThat(p0.get(1)[0]).as("g8's run on P0 starts after g7 left it").isGreaterThanOrEqualTo(p0.get(0)[1]);
    }

    /** The same for carriers past the cap on carrier buffers, whose events the shared buffer holds. */
    @Test
    void aCappedCarriersRunThatParkedInABlockingCallThatLostItsPLeavesThePsTrackWhenTheCallBegan(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("capped-parked-in-call.json");
        TraceSession session = new TraceSession(file, new ChromeTraceWriter(), 64);
        RuntimeTrace rt = session.attach("capped-parked", 1, r -> { }, r -> { });
        for (int m = 0; m < RuntimeTrace.MAX_CARRIER_BUFFERS; m++) {
            rt.newCarrierBuffer(m);
        }
        TraceBuffer shared = rt.shared();
        shared.addShared(TraceEvent.GO_START, 0, 300, 7, 0);
        shared.addShared(TraceEvent.SYSCALL_ENTER, 0, 0, 7, 0);
        shared.addShared(TraceEvent.P_HANDOFF, 0, 0, 0, 0);
        shared.addShared(TraceEvent.GO_START, 0, 301, 8, 0);
        shared.addShared(TraceEvent.GO_STOP, 0, SwitchReason.EXIT, 8, 0);
        shared.addShared(TraceEvent.GO_STOP, -1, SwitchReason.WAIT, 7, WaitReason.JDK_PARK.ordinal());
        session.stop();

        Map<Long, String> ends = new HashMap<>();
        List<double[]> p0 = pTrackRuns(file, 0, ends);
        assertThat(p0).extracting(r -> (long) r[2]).containsExactly(7L, 8L);
        assertThat(ends).containsEntry(7L, ChromeTraceWriter.LOST_P);
        assertThat(p0.get(1)[0]).as("g8's run on P0 starts after g7 left it").isGreaterThanOrEqualTo(p0.get(0)[1]);
    }

    /**
     * A recording begun while a goroutine sat in {@code Go.blocking} (a server's accept, say): the
     * call lost its P, and on its way out the goroutine took another, P1, on which other carriers
     * had run meanwhile. Its run is clipped to the recording's start on its carrier's track, but
     * on P1's track it starts when it took P1; it started at the recording's start there too,
     * over the runs made on P1 before. Built by hand: M0's first event is the call's exit without
     * its P; M1 runs g8 on P1 and leaves it; M0 takes P1 and g7 ends.
     */
    @Test
    void aRunUnderWayAtTheStartThatTookAnotherPIsOnThatPsTrackFromWhenItTookIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("edge-new-p.json");
        TraceSession session = new TraceSession(file, new ChromeTraceWriter(), 64);
        RuntimeTrace rt = session.attach("edge-new-p", 2, r -> { }, r -> { });
        TraceBuffer m0 = rt.newCarrierBuffer(0);
        TraceBuffer m1 = rt.newCarrierBuffer(1);
        m0.add(TraceEvent.SYSCALL_EXIT, -1, 1, 7, 0);
        m1.start(1, 8, false);
        m1.stop(1, SwitchReason.WAIT, 8, WaitReason.CHAN_RECEIVE.ordinal());
        m1.add(TraceEvent.P_STOP, 1, 0, 1, 0);
        m0.add(TraceEvent.P_START, 1, 0, 1, 0);
        m0.stop(1, SwitchReason.EXIT, 7, 0);
        session.stop();

        Map<Long, String> ends = new HashMap<>();
        List<double[]> p1 = pTrackRuns(file, 1, ends);
        assertThat(p1).extracting(r -> (long) r[2]).containsExactly(8L, 7L);
        assertThat(p1.get(1)[0]).as("g7's run on P1 starts after g8's").isGreaterThanOrEqualTo(p1.get(0)[1]);
        List<double[]> m0Runs = new ArrayList<>();
        for (JsonNode e : JSON.readTree(file.toFile()).path("traceEvents")) {
            if (e.path("ph").asText().equals("X") && e.path("cat").asText().equals(ChromeTraceWriter.CAT_M_RUN)
                    && e.path("tid").asInt() == ChromeTraceWriter.M_TID) {
                m0Runs.add(new double[] {e.path("ts").asDouble(), e.path("args").path("g").asLong()});
            }
        }
        assertThat(m0Runs).as("g7's run on its carrier, from the recording's start")
                .singleElement().satisfies(r -> assertThat(r).containsExactly(0, 7));
    }

    /**
     * A carrier's buffer that filled up dropped its last run's stop: the run is not "running at
     * the end" of the recording. Its slice ran to the end, over the runs other carriers recorded
     * on its P later; it ends at the last event the buffer kept now (the run lasted at least that
     * long: every later event was dropped). Built by hand: M0's buffer (room for 16 events) holds
     * g7's start and fifteen timer events and drops g7's stop; M1 then runs g8 on P0.
     */
    @Test
    void aRunWhoseStopItsFullBufferDroppedEndsAtTheLastEventKept(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("full.json");
        TraceSession session = new TraceSession(file, new ChromeTraceWriter(), 16);
        RuntimeTrace rt = session.attach("full", 1, r -> { }, r -> { });
        TraceBuffer m0 = rt.newCarrierBuffer(0);
        TraceBuffer m1 = rt.newCarrierBuffer(1);
        m0.start(0, 7, false);
        for (int i = 0; m0.dropped() == 0; i++) {
            assertThat(i).as("timer events before the buffer is full").isLessThan(64);
            m0.add(TraceEvent.TIMER_FIRE, 0, 0, 1, 0);
        }
        m0.stop(0, SwitchReason.WAIT, 7, WaitReason.CHAN_RECEIVE.ordinal()); // dropped too
        m1.start(0, 8, false);
        m1.stop(0, SwitchReason.EXIT, 8, 0);
        session.stop();

        Map<Long, String> ends = new HashMap<>();
        List<double[]> p0 = pTrackRuns(file, 0, ends);
        assertThat(p0).extracting(r -> (long) r[2]).containsExactly(7L, 8L);
        assertThat(ends).containsEntry(7L, ChromeTraceWriter.DROPPED);
        assertThat(p0.get(1)[0]).as("g8's run on P0 starts after the last event M0 kept").isGreaterThanOrEqualTo(p0.get(0)[1]);
    }

    @Test
    void droppedEventsAreInTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("small.json");
        System.setProperty("weft.trace.buffer", "32");
        TraceRecording rec;
        try (Weft rt = Weft.builder().procs(2).build()) {
            try {
                rec = rt.startTrace(file);
            } finally {
                System.clearProperty("weft.trace.buffer");
            }
            workload(rt);
            rec.stop();
        }
        JsonNode root = JSON.readTree(file.toFile());
        long dropped = root.path("otherData").path("droppedEvents").asLong();
        assertThat(dropped).isPositive().isEqualTo(rec.droppedEvents());
        assertThat(root.path("otherData").path("bufferEvents").asInt()).isEqualTo(32);
    }
}
