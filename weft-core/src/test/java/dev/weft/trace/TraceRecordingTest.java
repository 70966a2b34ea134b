package dev.weft.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.ThreadingModel;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.internal.sched.SwitchReason;
import dev.weft.internal.sched.WaitReason;
import dev.weft.internal.trace.TraceEvent;
import dev.weft.internal.trace.TraceWriters;
import dev.weft.trace.CapturingTraceWriter.Event;
import dev.weft.trace.CapturingTraceWriter.Written;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recording side of execution traces (the JSON writer is tested in weft-trace): what a
 * program's run leaves in the buffers, under each threading model, and the recording's
 * lifecycle (one at a time, nothing recorded once stopped, bounded buffers that count what they
 * drop, a clear error without a writer).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TraceRecordingTest {
    private static final int ROUNDS = 200;

    /** A ping-pong over unbuffered channels, a Go.blocking call and a sleep, in a main goroutine. */
    private static long[] workload(Weft rt) {
        long[] ids = new long[2];
        rt.run(() -> {
            Chan<Integer> ping = Chan.make();
            Chan<Integer> pong = Chan.make();
            Goroutine echo = Go.go(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    pong.send(ping.recv() + 1);
                }
            });
            ids[0] = Go.current().id();
            ids[1] = echo.id();
            for (int i = 0; i < ROUNDS; i++) {
                ping.send(i);
                assertThat(pong.recv()).isEqualTo(i + 1);
            }
            Go.blocking(() -> { });
            Go.sleep(Duration.ofMillis(1));
            echo.join();
        });
        return ids;
    }

    @Test
    void aRunRecordsCreationsWaitsWakeUpsAndRuns(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("run.trace.json");
        long[] ids;
        ThreadingModel model;
        TraceRecording rec;
        try (Weft rt = Weft.builder().procs(2).name("traced").build()) {
            model = rt.model();
            rec = rt.startTrace(file);
            assertThat(rec.file()).isEqualTo(file);
            ids = workload(rt);
        } // close() returns once every carrier stopped: each goroutine's exit is recorded
        assertThat(rec.isStopped()).isFalse();
        assertThat(rec.stop()).isEqualTo(file);
        assertThat(rec.isStopped()).isTrue();
        assertThat(rec.droppedEvents()).isZero();
        assertThat(Files.readString(file)).startsWith("captured ");
        Written w = CapturingTraceWriter.WRITTEN.get(file);
        assertThat(w.dropped()).isZero();
        long main = ids[0];
        long echo = ids[1];

        // Creation, with the creator: the main goroutine came from this platform thread, echo from main.
        assertThat(w.of(TraceEvent.GO_CREATE)).anySatisfy(e -> {
            assertThat(e.a()).isEqualTo(echo);
            assertThat(e.b()).isEqualTo(main);
        });
        assertThat(w.of(TraceEvent.GO_CREATE)).anySatisfy(e -> {
            assertThat(e.a()).isEqualTo(main);
            assertThat(e.b()).isZero();
        });
        // Each side woke the other, and says who did. Every exchange parks one side (the one that
        // came first), except when the wake-up lands before the park (a permit, no wake-up to
        // record): most exchanges show one.
        List<Event> unblocks = w.of(TraceEvent.GO_UNBLOCK);
        long echoWoken = unblocks.stream().filter(e -> e.a() == echo && e.b() == main).count();
        long mainWoken = unblocks.stream().filter(e -> e.a() == main && e.b() == echo).count();
        if (model != ThreadingModel.ONE_TO_ONE) {
            assertThat(echoWoken).isPositive();
            assertThat(mainWoken).isPositive();
            assertThat(echoWoken + mainWoken).isGreaterThanOrEqualTo(ROUNDS);
        } else {
            // Two kernel threads on two cores: the kernel decides which side parks first, and a
            // wake-up that reaches a thread not yet parked leaves a permit, not an event (CI saw
            // echo never parked first in a whole run).
            assertThat(echoWoken + mainWoken).isPositive();
        }

        // Echo waited in a channel operation, on a channel (its identity hash is recorded).
        assertThat(w.of(TraceEvent.GO_STOP)).anySatisfy(e -> {
            assertThat(e.a()).isEqualTo(echo);
            assertThat(e.c()).isEqualTo(SwitchReason.WAIT);
            assertThat((int) (e.b() & 0xFFFF_FFFFL)).isIn(WaitReason.CHAN_RECEIVE.ordinal(),
                    WaitReason.CHAN_SEND.ordinal());
            assertThat(e.b() >>> 32).isNotZero();
        });
        if (model == ThreadingModel.ONE_TO_ONE) {
            // Goroutines are kernel threads: no M runs them, so there are no run slices to record.
            assertThat(w.of(TraceEvent.GO_START)).isEmpty();
            return;
        }
        // Runs: every start on a carrier is followed, on that carrier, by the stop of the same G.
        Set<String> tracks = w.events().stream().map(Event::track).collect(Collectors.toSet());
        for (String track : tracks) {
            long running = -1;
            for (Event e : w.events()) {
                if (!e.track().equals(track)) {
                    continue;
                }
                if (e.kind() == TraceEvent.GO_START) {
                    assertThat(running).as("a start on %s while g%d runs", track, running).isEqualTo(-1);
                    assertThat(e.p()).isGreaterThanOrEqualTo(0);
                    running = e.a();
                } else if (e.kind() == TraceEvent.GO_STOP) {
                    assertThat(e.a()).isEqualTo(running);
                    running = -1;
                }
            }
        }
        assertThat(w.of(TraceEvent.GO_STOP)).anySatisfy(e -> {
            assertThat(e.a()).isEqualTo(echo);
            assertThat(e.c()).isEqualTo(SwitchReason.EXIT);
        });
        // Timers fired for the sleep; carriers acquired Ps.
        assertThat(w.of(TraceEvent.TIMER_FIRE)).isNotEmpty();
        assertThat(w.of(TraceEvent.P_START)).isNotEmpty();
        if (model == ThreadingModel.M_N) {
            assertThat(w.of(TraceEvent.SYSCALL_ENTER)).anySatisfy(e -> assertThat(e.a()).isEqualTo(main));
            assertThat(w.of(TraceEvent.SYSCALL_EXIT)).anySatisfy(e -> assertThat(e.a()).isEqualTo(main));
        }
        // Times are nanoseconds from the start, in order on each carrier.
        for (String track : tracks) {
            List<Event> mine = w.events().stream().filter(e -> e.track().equals(track)).toList();
            for (int i = 1; i < mine.size(); i++) {
                assertThat(mine.get(i).time()).isGreaterThanOrEqualTo(mine.get(i - 1).time());
            }
        }
    }

    /**
     * A goroutine the carrier takes from its P's local queue right after a stop starts at that
     * stop's time, as one from runnext does: no clock read (TraceBuffer.start). Main creates a
     * and then b (b takes runnext, a goes to the queue) and waits; b runs, wakes main (runnext
     * again) and ends; main waits again, and a is found at once in the queue. (A slice that ended
     * meanwhile would reorder them: a slice of minutes keeps sysmon out.)
     */
    @Test
    @Tag("user-space-scheduler") // ONE_TO_ONE has no carriers, and so no run slices
    void aStartFromTheLocalQueueRightAfterAStopTakesItsTime(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("local.json");
        long[] ids = new long[3];
        TraceRecording rec;
        try (Weft rt = Weft.builder().procs(1).timeslice(Duration.ofMinutes(5)).build()) {
            rec = rt.startTrace(file);
            rt.run(() -> {
                Chan<Integer> done = Chan.make(2);
                ids[0] = Go.go(() -> done.send(1)).id();
                ids[1] = Go.go(() -> done.send(2)).id();
                ids[2] = Go.current().id();
                done.recv();
                done.recv();
            });
        }
        rec.stop();
        Written w = CapturingTraceWriter.WRITTEN.get(file);
        List<Event> events = w.events();
        Event startA = null;
        Event before = null;
        for (int i = 1; i < events.size(); i++) {
            Event e = events.get(i);
            if (e.kind() == TraceEvent.GO_START && e.a() == ids[0]) {
                startA = e;
                before = events.get(i - 1);
                break;
            }
        }
        assertThat(startA).as("a's start").isNotNull();
        assertThat(before.track()).isEqualTo(startA.track());
        assertThat(before.kind()).as("the event before a's start: %s", before).isEqualTo(TraceEvent.GO_STOP);
        assertThat(before.a()).as("main's wait came just before a's start: %s", events).isEqualTo(ids[2]);
        assertThat(startA.time()).isEqualTo(before.time());
    }

    @Test
    @Tag("user-space-scheduler") // ONE_TO_ONE leaves the JDK's virtual threads to the JDK
    void aVirtualThreadStartedWithTheJdksApisInAGoroutineIsCreatedLikeTheOthers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("adopted.json");
        long[] ids = new long[2];
        TraceRecording rec;
        try (Weft rt = Weft.builder().procs(2).build()) {
            rec = rt.startTrace(file);
            rt.run(() -> {
                ids[0] = Go.current().id();
                Thread t = Thread.ofVirtual().start(() -> ids[1] = Go.current().id());
                try {
                    t.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
        }
        rec.stop();
        Written w = CapturingTraceWriter.WRITTEN.get(file);
        assertThat(ids[1]).isPositive().isNotEqualTo(ids[0]);
        // Created by the goroutine that started it, before its first run.
        List<Event> creates = w.of(TraceEvent.GO_CREATE).stream().filter(e -> e.a() == ids[1]).toList();
        assertThat(creates).singleElement().satisfies(e -> assertThat(e.b()).isEqualTo(ids[0]));
        Event start = w.of(TraceEvent.GO_START).stream().filter(e -> e.a() == ids[1]).findFirst().orElseThrow();
        assertThat(creates.getFirst().time()).isLessThanOrEqualTo(start.time());
    }

    /**
     * Creations and wake-ups made on carriers read no clock; the times they are given keep the
     * orders the file and the page rely on, checked on a busy run over four Ps: a goroutine is
     * created before it first runs, and each such event lies between its track's timed neighbours.
     */
    @Test
    void untimedEventsGetTimesThatKeepTheOrder(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("busy.json");
        TraceRecording rec;
        ThreadingModel model;
        try (Weft rt = Weft.builder().procs(4).build()) {
            model = rt.model();
            rec = rt.startTrace(file);
            rt.run(() -> {
                Chan<Integer> in = Chan.make();
                Chan<Integer> out = Chan.make();
                for (int w = 0; w < 50; w++) {
                    Go.go(() -> {
                        for (Integer v : in) {
                            out.send(v * 2);
                        }
                    });
                }
                Go.go(() -> {
                    for (int i = 0; i < 2000; i++) {
                        in.send(i);
                    }
                    in.close();
                });
                long sum = 0;
                for (int i = 0; i < 2000; i++) {
                    sum += out.recv();
                }
                assertThat(sum).isEqualTo(1999L * 2000);
            });
        }
        rec.stop();
        Written w = CapturingTraceWriter.WRITTEN.get(file);
        assertThat(w.dropped()).isZero();
        assertThat(w.of(TraceEvent.GO_CREATE)).hasSizeGreaterThanOrEqualTo(52);
        if (model == ThreadingModel.ONE_TO_ONE) {
            // No carriers: every event is stamped in the shared buffer.
            assertThat(w.events()).allSatisfy(e -> assertThat(e.timed()).isTrue());
            return;
        }
        assertThat(w.of(TraceEvent.GO_UNBLOCK)).anySatisfy(e -> assertThat(e.timed()).isFalse());
        for (Event c : w.of(TraceEvent.GO_CREATE)) {
            w.of(TraceEvent.GO_START).stream().filter(e -> e.a() == c.a()).mapToLong(Event::time).min()
                    .ifPresent(firstRun -> assertThat(c.time()).as("creation of g%d", c.a()).isLessThanOrEqualTo(firstRun));
        }
        Set<String> tracks = w.events().stream().map(Event::track).collect(Collectors.toSet());
        for (String track : tracks) {
            List<Event> mine = w.events().stream().filter(e -> e.track().equals(track)).toList();
            long lo = 0;
            for (int i = 0; i < mine.size(); i++) {
                Event e = mine.get(i);
                if (e.timed()) {
                    lo = e.time();
                    continue;
                }
                assertThat(e.kind()).isIn(TraceEvent.GO_CREATE, TraceEvent.GO_UNBLOCK);
                assertThat(e.time()).as("%s on %s", e, track).isGreaterThanOrEqualTo(lo);
                for (int j = i + 1; j < mine.size(); j++) {
                    if (mine.get(j).timed()) {
                        assertThat(e.time()).as("%s on %s", e, track).isLessThanOrEqualTo(mine.get(j).time());
                        break;
                    }
                }
            }
        }
    }

    @Test
    void nothingIsRecordedOnceStoppedAndStoppingTwiceWritesOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("t.json");
        try (Weft rt = Weft.builder().procs(2).build()) {
            TraceRecording rec = rt.startTrace(file);
            workload(rt);
            rec.close();
            Written first = CapturingTraceWriter.WRITTEN.get(file);
            workload(rt);
            assertThat(rec.stop()).isEqualTo(file);
            assertThat(CapturingTraceWriter.WRITTEN.get(file)).isSameAs(first);
            // A new recording of the same runtime starts empty.
            Path second = dir.resolve("t2.json");
            try (TraceRecording again = rt.startTrace(second)) {
                rt.run(() -> { });
            }
            Written w2 = CapturingTraceWriter.WRITTEN.get(second);
            assertThat(w2.events().size()).isLessThan(first.events().size());
            assertThat(w2.of(TraceEvent.GO_CREATE)).hasSize(1);
        }
    }

    @Test
    void oneRecordingAtATimePerRuntime(@TempDir Path dir) {
        try (Weft rt = Weft.builder().procs(1).build();
             TraceRecording rec = rt.startTrace(dir.resolve("a.json"))) {
            assertThatThrownBy(() -> rt.startTrace(dir.resolve("b.json")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already being traced");
            assertThat(rec.isStopped()).isFalse();
        }
        assertThatThrownBy(() -> Weft.builder().procs(1).build().startTrace(null))
                .isInstanceOf(NullPointerException.class);
    }

    /**
     * Goroutine ids are per runtime: a goroutine of another runtime that starts or wakes one of
     * this runtime's is no goroutine here, so the trace records no creator or waker for it (as
     * for a platform thread) and the dump no "created by". Both named the other runtime's id,
     * which here is the id of an unrelated goroutine (or of the created one itself).
     */
    @Test
    void aGoroutineOfAnotherRuntimeIsNeitherCreatorNorWakerHere(@TempDir Path dir) {
        Path file = dir.resolve("cross.json");
        Chan<Integer> c = Chan.make();
        Goroutine[] receiver = new Goroutine[1];
        String[] dump = new String[1];
        long[] otherId = new long[1];
        try (Weft traced = Weft.builder().procs(1).name("traced").build();
             Weft other = Weft.builder().procs(1).name("other").build()) {
            TraceRecording rec = traced.startTrace(file);
            other.run(() -> {
                otherId[0] = Go.current().id();
                receiver[0] = traced.go(() -> assertThat(c.recv()).isEqualTo(1));
                while (receiver[0].state() != Goroutine.State.WAITING) {
                    Go.yield();
                }
                dump[0] = traced.dump();
                c.send(1);
            });
            receiver[0].join();
            rec.stop();
        }
        long id = receiver[0].id();
        assertThat(dump[0]).contains("goroutine " + id + " [chan receive")
                .doesNotContain("created by goroutine " + otherId[0]);
        Written w = CapturingTraceWriter.WRITTEN.get(file);
        assertThat(w.of(TraceEvent.GO_CREATE)).filteredOn(e -> e.a() == id).singleElement()
                .satisfies(e -> assertThat(e.b()).as("creator").isZero());
        assertThat(w.of(TraceEvent.GO_UNBLOCK)).filteredOn(e -> e.a() == id).singleElement()
                .satisfies(e -> assertThat(e.b()).as("waker").isZero());
    }

    /**
     * Buffers are bounded per runtime, but a runtime closed while a recording runs (every runtime
     * a program builds, under -Dweft.trace) kept its preallocated buffers, 2 MiB each, until the
     * file was written at exit: a program that built runtimes in a loop ran out of heap (100
     * runtimes of procs 2: 915 MiB). Once its carriers have stopped, its buffers keep only the
     * words written (the shared one a stage's room more, for late wake-ups from other threads),
     * and the events read back the same.
     */
    @Test
    void aClosedRuntimesBuffersKeepOnlyWhatWasWritten(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("closed-runtime.json");
        TraceRecording rec;
        long[] ids;
        try (Weft rt = Weft.builder().procs(2).build()) {
            rec = rt.startTrace(file);
            ids = workload(rt);
        }
        rec.stop();
        Written w = CapturingTraceWriter.WRITTEN.get(file);
        assertThat(w.dropped()).isZero();
        assertThat(w.of(TraceEvent.GO_CREATE)).anyMatch(e -> e.a() == ids[1] && e.b() == ids[0]);
        assertThat(w.of(TraceEvent.GO_UNBLOCK)).anyMatch(e -> e.a() == ids[1]); // the echo woke by ping (any model)
        long wholeBuffer = (long) dev.weft.internal.trace.TraceSession.configuredCapacity() * 4;
        assertThat(w.heldWords()).as("words held by every buffer of the closed runtime").isLessThan(wholeBuffer);
    }

    /**
     * A closed runtime has nothing left to record: starting a trace of it is refused with a clear
     * message, as starting a goroutine is, rather than writing an empty file at stop.
     */
    @Test
    void aClosedRuntimeRefusesToStartATrace(@TempDir Path dir) {
        Weft rt = Weft.builder().procs(1).name("done").build();
        rt.close();
        Path file = dir.resolve("closed.json");
        assertThatThrownBy(() -> rt.startTrace(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'done'").hasMessageContaining("closed");
        assertThat(CapturingTraceWriter.WRITTEN).doesNotContainKey(file);
    }

    @Test
    void aPathThatCannotBeWrittenFailsTheStartNamingIt(@TempDir Path dir) {
        // Found at the start, not after the whole recording at its stop.
        Path file = dir.resolve("no-such-directory").resolve("run.json");
        try (Weft rt = Weft.builder().procs(1).name("unwritable").build()) {
            assertThatThrownBy(() -> rt.startTrace(file))
                    .isInstanceOf(java.io.UncheckedIOException.class)
                    .hasMessageContaining(file.toAbsolutePath().toString());
            Path ok = dir.resolve("ok.json");
            rt.startTrace(ok).close(); // the runtime is not left half traced
            assertThat(CapturingTraceWriter.WRITTEN).containsKey(ok);
        }
    }

    @Test
    @Tag("user-space-scheduler") // ONE_TO_ONE records no run slices (ARCHITECTURE, trace limits)
    void eventTimesAreNanosecondsOfTheRecording(@TempDir Path dir) throws Exception {
        // Whatever clock stamped the events (TraceClock: the time-stamp counter or nanoTime), the
        // file's times are ns since the start: a 30 ms sleep shows as a 30 ms gap between the
        // sleeper's stop and its next start, inside the recording's length.
        Path file = dir.resolve("sleep.json");
        long[] sleeper = new long[1];
        long slept;
        long recorded;
        try (Weft rt = Weft.builder().procs(1).build()) {
            long began = System.nanoTime();
            TraceRecording rec = rt.startTrace(file);
            long[] measured = new long[1];
            rt.run(() -> {
                sleeper[0] = Go.current().id();
                long t0 = System.nanoTime();
                Go.sleep(Duration.ofMillis(30));
                measured[0] = System.nanoTime() - t0;
            });
            slept = measured[0];
            rec.stop();
            recorded = System.nanoTime() - began;
        }
        Written w = CapturingTraceWriter.WRITTEN.get(file);
        List<Event> mine = w.events().stream()
                .filter(e -> (e.kind() == TraceEvent.GO_STOP || e.kind() == TraceEvent.GO_START) && e.a() == sleeper[0])
                .filter(e -> !e.track().equals("other"))
                .toList();
        Event stop = mine.stream().filter(e -> e.kind() == TraceEvent.GO_STOP && e.c() == SwitchReason.WAIT)
                .findFirst().orElseThrow();
        Event next = mine.stream().filter(e -> e.kind() == TraceEvent.GO_START && e.time() > stop.time())
                .findFirst().orElseThrow();
        long gap = next.time() - stop.time();
        assertThat(gap).isBetween(Duration.ofMillis(29).toNanos(), slept);
        assertThat(next.time()).isLessThanOrEqualTo(recorded);
    }

    @Test
    void fullBuffersDropEventsAndCountThem(@TempDir Path dir) {
        Path file = dir.resolve("small.json");
        String old = System.getProperty("weft.trace.buffer");
        System.setProperty("weft.trace.buffer", "16");
        try (Weft rt = Weft.builder().procs(2).build()) {
            TraceRecording rec;
            try {
                rec = rt.startTrace(file);
            } finally {
                if (old == null) {
                    System.clearProperty("weft.trace.buffer");
                } else {
                    System.setProperty("weft.trace.buffer", old);
                }
            }
            workload(rt);
            rec.stop();
            Written w = CapturingTraceWriter.WRITTEN.get(file);
            // 2 x 200 wake-ups alone exceed 16 whole events per buffer (64 compact ones).
            assertThat(w.dropped()).isPositive();
            assertThat(rec.droppedEvents()).isEqualTo(w.dropped());
            Set<String> tracks = w.events().stream().map(Event::track).collect(Collectors.toSet());
            for (String t : tracks) {
                // Room for 16 whole events (4 words each); a compact one takes 1 to 3 words.
                assertThat(w.events().stream().filter(e -> e.track().equals(t)).count()).isLessThanOrEqualTo(64);
            }
        }
    }

    @Test
    void withoutAWriterTheErrorNamesTheArtifact() throws Exception {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            assertThatThrownBy(() -> TraceWriters.load(empty))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("dev.weft:weft-trace");
        }
    }
}
