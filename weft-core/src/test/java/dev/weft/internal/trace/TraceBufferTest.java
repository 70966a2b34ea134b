package dev.weft.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The buffer's encoding: what a carrier writes in compact forms reads back as the whole events it
 * stands for (the running goroutine as waker, a runnext start at its stop's time, the carrier's
 * id), fields that do not fit fall back to whole events, and a full buffer keeps a prefix.
 */
class TraceBufferTest {
    private static final int MID = 7;
    private TraceBuffer buf;

    @BeforeEach
    void buffer() {
        buf = buffer(64);
    }

    private static TraceBuffer buffer(int capacity) {
        TraceSession s = new TraceSession(Path.of("unused.json"), (session, file) -> { }, capacity);
        return s.attach("enc", 2, r -> { }, r -> { }).newCarrierBuffer(MID);
    }

    private void assertEvent(int i, int kind, int p, int c, long a, long b) {
        long h = buf.header(i);
        assertThat(TraceEvent.kind(h)).as("kind of %d", i).isEqualTo(kind);
        assertThat(TraceEvent.p(h)).as("p of %d", i).isEqualTo(p);
        assertThat(TraceEvent.c(h)).as("c of %d", i).isEqualTo(c);
        assertThat(buf.a(i)).as("a of %d", i).isEqualTo(a);
        assertThat(buf.b(i)).as("b of %d", i).isEqualTo(b);
    }

    @Test
    void aPingPongSwitchReadsBackWhole() {
        long waitWord = 0x1234_5678L << 32 | 5;
        buf.start(1, 10, false);                               // g10 runs (from the queue: timed)
        buf.addUntimed(TraceEvent.GO_UNBLOCK, 1, 0, 11, 10);   // g10 wakes g11
        buf.stop(1, 2, 10, waitWord);                          // g10 waits
        buf.start(1, 11, true);                                // g11 runs next, at the stop's time
        buf.addUntimed(TraceEvent.GO_CREATE, 1, 0, 12, 11);    // g11 creates g12
        assertThat(buf.size()).isEqualTo(5);
        assertEvent(0, TraceEvent.GO_START, 1, MID, 10, 0);
        assertEvent(1, TraceEvent.GO_UNBLOCK, 1, 0, 11, 10);
        assertEvent(2, TraceEvent.GO_STOP, 1, 2, 10, waitWord);
        assertEvent(3, TraceEvent.GO_START, 1, MID, 11, 0);
        assertEvent(4, TraceEvent.GO_CREATE, 1, 0, 12, 11);
        assertThat(buf.time(1)).isEqualTo(TraceBuffer.UNTIMED);
        assertThat(buf.time(4)).isEqualTo(TraceBuffer.UNTIMED);
        assertThat(buf.time(2)).isGreaterThanOrEqualTo(buf.time(0));
        assertThat(buf.time(3)).isEqualTo(buf.time(2));
    }

    @Test
    void aStopOfTheRunningGoroutineOnTheLastStopsBlockerReadsBackWhole() {
        long chan = 0x1234_5678L << 32;
        buf.start(1, 10, false);
        buf.stop(1, 2, 10, chan | 5);        // a new blocker: the three-word form
        buf.start(1, 11, true);
        buf.stop(1, 2, 11, chan | 6);        // the same blocker: one word
        buf.start(1, 10, true);
        buf.stop(1, 4, 10, 0);               // another blocker (none): three words again
        buf.start(1, 12, false);
        buf.stop(1, 4, 12, 0);               // one word, with the time read and its delta kept
        buf.start(1, 13, false);
        buf.stop(1, 2, 99, 0);               // not the running goroutine: three words
        assertThat(buf.size()).isEqualTo(10);
        assertEvent(1, TraceEvent.GO_STOP, 1, 2, 10, chan | 5);
        assertEvent(3, TraceEvent.GO_STOP, 1, 2, 11, chan | 6);
        assertEvent(5, TraceEvent.GO_STOP, 1, 4, 10, 0);
        assertEvent(7, TraceEvent.GO_STOP, 1, 4, 12, 0);
        assertEvent(9, TraceEvent.GO_STOP, 1, 2, 99, 0);
        for (int i = 1; i < 10; i++) {
            assertThat(buf.time(i)).as("time of %d", i).isGreaterThanOrEqualTo(buf.time(i - 1));
        }
        assertThat(buf.time(4)).isEqualTo(buf.time(3));
        assertThat(buf.time(8)).isGreaterThanOrEqualTo(buf.time(7));
    }

    @Test
    void aPingPongOnTwoChannelsTakesOneWordAStopAndReadsBackWhole() {
        buf = buffer(16); // 64 words: 19 rounds fit only if all but the first two stops take one
        long[] chans = {0x1111_1111L << 32, 0x2222_2222L << 32};
        buf.start(0, 10, false);                                     // 2 words
        for (int i = 0; i < 19; i++) {
            long me = 10 + i % 2, other = 11 - i % 2;
            buf.addUntimed(TraceEvent.GO_UNBLOCK, 0, 0, other, me);  // 1 word
            buf.stop(0, 2, me, chans[i % 2] | 5);                    // 3 words twice, then 1
            buf.start(0, other, true);                               // 1 word
        }
        assertThat(buf.dropped()).isZero();
        assertThat(buf.size()).isEqualTo(1 + 19 * 3);
        for (int i = 0; i < 19; i++) {
            assertEvent(1 + 3 * i + 1, TraceEvent.GO_STOP, 0, 2, 10 + i % 2, chans[i % 2] | 5);
            assertEvent(1 + 3 * i + 2, TraceEvent.GO_START, 0, MID, 11 - i % 2, 0);
        }
    }

    @Test
    void theLastTwoBlockersAreRememberedInTheOrderTheDecoderRebuilds() {
        long a = 0xAAAAL << 32, b = 0xBBBBL << 32, c = 0xCCCCL << 32;
        long[] blockers = {a, b, a, a, b, c, a, c, b, c, c, 0, b};
        buf.start(0, 1, false);
        for (int i = 0; i < blockers.length; i++) {
            buf.stop(0, 2, 1 + i, blockers[i] | 3);
            buf.start(0, 2 + i, true);
        }
        for (int i = 0; i < blockers.length; i++) {
            assertEvent(1 + 2 * i, TraceEvent.GO_STOP, 0, 2, 1 + i, blockers[i] | 3);
        }
    }

    @Test
    void aWakeUpByAnotherThanTheRunningGoroutineIsWrittenWhole() {
        buf.start(0, 10, false);
        buf.addUntimed(TraceEvent.GO_UNBLOCK, 0, 0, 11, 99);   // not g10: must keep 99
        buf.stop(0, 2, 10, 0);
        buf.addUntimed(TraceEvent.GO_UNBLOCK, 0, 0, 12, 0);    // the M's own loop: none running
        assertEvent(1, TraceEvent.GO_UNBLOCK, 0, 0, 11, 99);
        assertEvent(3, TraceEvent.GO_UNBLOCK, 0, 0, 12, 0);
    }

    @Test
    void aStartAfterAStopTakesItsTimeOnlyIfTheStopIsTheLastEvent() {
        buf.start(0, 10, false);
        buf.stop(0, 2, 10, 0);
        buf.addUntimed(TraceEvent.GO_UNBLOCK, 0, 0, 11, 0);    // between the stop and the start
        buf.start(0, 11, true);                                // so it reads the clock
        assertEvent(3, TraceEvent.GO_START, 0, MID, 11, 0);
        assertThat(buf.time(3)).isNotEqualTo(TraceBuffer.UNTIMED).isGreaterThanOrEqualTo(buf.time(1));
    }

    @Test
    void fieldsPastTheCompactFormsAreKeptWhole() {
        long big = 1L << 41;
        buf.start(70_000, big, false);                          // P and goroutine id too large
        buf.addUntimed(TraceEvent.GO_UNBLOCK, 0, 0, big + 1, big);
        buf.stop(0, 300, big, 1L << 40 | 300);                  // reason and wait reason too large
        buf.start(-1, 5, true);                                 // no P
        assertEvent(0, TraceEvent.GO_START, 70_000, MID, big, 0);
        assertEvent(1, TraceEvent.GO_UNBLOCK, 0, 0, big + 1, big);
        assertEvent(2, TraceEvent.GO_STOP, 0, 300, big, 1L << 40 | 300);
        assertEvent(3, TraceEvent.GO_START, -1, MID, 5, 0);
        assertThat(buf.time(3)).isEqualTo(buf.time(2));
    }

    @Test
    void aFullBufferKeepsAPrefixAndCountsTheRest() {
        buf = buffer(16); // 64 words
        for (int i = 0; i < 100; i++) {
            buf.start(0, 1000 + i, i > 0);
            buf.stop(0, 2, 1000 + i, 0);
        }
        int n = buf.size();
        assertThat(n).isBetween(16, 64);
        assertThat(buf.dropped()).isEqualTo(200 - n);
        for (int i = 0; i < n; i++) { // every event kept is the one written at its place
            assertEvent(i, i % 2 == 0 ? TraceEvent.GO_START : TraceEvent.GO_STOP, 0, i % 2 == 0 ? MID : 2, 1000 + i / 2, 0);
        }
        buf.addUntimed(TraceEvent.GO_UNBLOCK, 0, 0, 1, 0); // one word would fit: still dropped
        assertThat(buf.size()).isEqualTo(n);
        assertThat(buf.dropped()).isEqualTo(201 - n);
    }

    @Test
    void theSharedBufferTakesWholeEventsFromAnyThread() throws Exception {
        TraceSession s = new TraceSession(Path.of("unused.json"), (session, file) -> { }, 64);
        TraceBuffer shared = s.attach("enc", 2, r -> { }, r -> { }).shared();
        Thread t = Thread.ofPlatform().start(() -> shared.addShared(TraceEvent.STEAL, 1, 0, 0, 3));
        shared.addShared(TraceEvent.TIMER_FIRE, 0, 0, 2, 0);
        t.join();
        assertThat(shared.size()).isEqualTo(2);
        assertThat(shared.mid()).isEqualTo(-1);
    }

    /** A ping-pong switch's five events for goroutines {@code g} and {@code g + 1}: the compact forms. */
    private static void pingPong(TraceBuffer b, long g) {
        b.addUntimed(TraceEvent.GO_UNBLOCK, 0, 0, g + 1, g);
        b.stop(0, 2, g, 0);
        b.start(0, g + 1, true);
    }

    @Test
    void eventsReadBackTheSameAcrossManyFlushesOfTheStage() {
        buf = buffer(10_000); // 40,000 words: the stage is flushed about 10 times
        buf.start(0, 1, false);
        int switches = 7_000; // 21,002 words (each stop in the one-word form)
        for (int i = 1; i <= switches; i++) {
            pingPong(buf, i);
        }
        assertThat(buf.dropped()).isZero();
        assertThat(buf.size()).isEqualTo(1 + 3 * switches);
        for (int i = 1; i <= switches; i++) {
            int e = 1 + 3 * (i - 1);
            assertEvent(e, TraceEvent.GO_UNBLOCK, 0, 0, i + 1, i);
            assertEvent(e + 1, TraceEvent.GO_STOP, 0, 2, i, 0);
            assertEvent(e + 2, TraceEvent.GO_START, 0, MID, i + 1, 0);
            assertThat(buf.time(e + 2)).as("start %d at its stop's time", i).isEqualTo(buf.time(e + 1));
        }
    }

    @Test
    void aStartRightAfterAStopThatEndedTheStageStillTakesItsTime() {
        TraceSession session = new TraceSession(Path.of("unused.json"), (ss, file) -> { }, 64);
        buf = new TraceBuffer(session.attach("enc", 2, r -> { }, r -> { }), "M" + MID, MID, 64, 5);
        buf.start(0, 1, false);       // 2 words
        buf.stop(0, 2, 1, 7L << 32);  // a new blocker: 3 words, the stage (5) is full, its last event this stop
        buf.start(0, 2, true);  // flushes the stage first, then chains across it
        assertThat(buf.size()).isEqualTo(3);
        assertEvent(2, TraceEvent.GO_START, 0, MID, 2, 0);
        assertThat(buf.time(2)).isEqualTo(buf.time(1));
    }

    @Test
    void aStaleStopBeforeAFlushNeverLendsItsTimeToALaterStart() {
        buf = buffer(4096);
        buf.start(0, 1, false);
        buf.stop(0, 2, 1, 7L << 32); // a new blocker, 3 words: ends at word 5
        // One-word events past the stage's end: after the flush, positions restart at 0 and
        // reach 5 again, exactly where the start below comes: only a stop just written may
        // chain it.
        for (int i = 0; i < TraceBuffer.STAGE_WORDS; i++) { // the last five land at 0..4 after the flush
            buf.addUntimed(TraceEvent.GO_UNBLOCK, 0, 0, 2, 0);
        }
        int before = buf.size();
        buf.start(0, 3, true);
        assertThat(buf.size()).isEqualTo(before + 1);
        assertThat(buf.time(before)).isNotEqualTo(buf.time(1)).isGreaterThanOrEqualTo(buf.time(1));
    }

    @Test
    void aReaderWhileTheCarrierWritesSeesAGrowingPrefixOfWholeEvents() throws Exception {
        TraceBuffer b = buffer(200_000);
        int switches = 60_000;
        Thread writer = Thread.ofPlatform().start(() -> {
            b.start(0, 1, false);
            for (int i = 1; i <= switches; i++) {
                pingPong(b, i);
            }
        });
        int last = 0;
        int reads = 0;
        do {
            int n = b.size();
            assertThat(n).isGreaterThanOrEqualTo(last);
            for (int e = Math.max(1, n - 30); e < n; e++) { // the newest events: those a flush moves
                int i = (e - 1) / 3 + 1;
                long h = b.header(e);
                switch ((e - 1) % 3) {
                    case 0 -> assertThat(TraceEvent.kind(h)).isEqualTo(TraceEvent.GO_UNBLOCK);
                    case 1 -> assertThat(TraceEvent.kind(h)).isEqualTo(TraceEvent.GO_STOP);
                    default -> assertThat(TraceEvent.kind(h)).isEqualTo(TraceEvent.GO_START);
                }
                assertThat(b.a(e)).as("event %d of %d", e, n).isEqualTo((e - 1) % 3 == 1 ? i : i + 1);
            }
            last = n;
            reads++;
        } while (writer.isAlive() || last < 1 + 3 * switches);
        writer.join();
        assertThat(b.size()).isEqualTo(1 + 3 * switches);
        assertThat(b.dropped()).isZero();
        assertThat(reads).isPositive();
    }
}
