package dev.weft.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The buffer's encoding as a property: over random sequences of the writing calls (starts, stops,
 * untimed wake-ups and creations, whole events, compactions) with random goroutines, Ps, reasons
 * and blockers, in and past the compact forms' ranges, in buffers and stages of random sizes,
 * every event read back is the one written at its place, the events kept are a prefix of those
 * written and the rest are counted as dropped. The writer and the decoder each keep state (the
 * running goroutine, the last timed event's time, the last two blockers): a rule applied on one
 * side and not the other shows here as a wrong field. Seeded: a failure names its seed.
 */
class TraceBufferPropertyTest {
    private static final int MID = 5;

    /** One event as the readers see it; {@code time}: what the writer's call implies of it. */
    private record Expected(int kind, int p, int c, long a, long b, Time time) {}

    private enum Time { UNTIMED, READ, OF_THE_STOP_BEFORE }

    @Test
    void everyEventReadBackIsTheOneWrittenAtItsPlace() {
        for (long seed = 1; seed <= 2_000; seed++) {
            check(seed);
        }
    }

    private static void check(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int capacity = 16 + rnd.nextInt(rnd.nextBoolean() ? 40 : 400);
        int stageWords = 4 + rnd.nextInt(rnd.nextBoolean() ? 12 : 200);
        TraceSession session = new TraceSession(Path.of("unused.json"), (s, f) -> { }, capacity);
        TraceBuffer buf = new TraceBuffer(session.attach("prop", 2, r -> { }, r -> { }), "M" + MID, MID, capacity, stageWords);
        List<Expected> written = new ArrayList<>();
        long cur = 0;             // the running goroutine, as the writer's calls imply it
        boolean lastWasStop = false;
        long[] blockers = {0, randomHash(rnd), randomHash(rnd), randomHash(rnd), 0x7FFF_FFFFL << 32, 0xFFFF_FFFFL << 32};
        int ops = 20 + rnd.nextInt(600);
        for (int op = 0; op < ops; op++) {
            int p = pick(rnd, -1, 0, 1, 3, 0xFFFD, 0xFFFE, 0xFFFF, 70_000);
            long g = rnd.nextInt(4) == 0 ? cur : goroutine(rnd);
            int roll = rnd.nextInt(100);
            if (roll < 30) {
                boolean afterStop = rnd.nextBoolean();
                buf.start(p, g, afterStop);
                boolean compact = g >= 0 && g < (1L << 40) && p >= -1 && p < 0xFFFE;
                written.add(new Expected(TraceEvent.GO_START, p, MID, g, 0,
                        afterStop && lastWasStop && compact ? Time.OF_THE_STOP_BEFORE : Time.READ));
                cur = g;
                lastWasStop = false;
            } else if (roll < 60) {
                int reason = rnd.nextInt(4) == 0 ? pick(rnd, 8, 255, 256, -1, Integer.MAX_VALUE) : rnd.nextInt(8);
                long low = rnd.nextInt(4) == 0 ? pickLong(rnd, 32, 255, 256, 0xFFFF_FFFFL) : rnd.nextInt(32);
                long waitWord = blockers[rnd.nextInt(blockers.length)] | low;
                long stopped = rnd.nextInt(5) == 0 ? goroutine(rnd) : cur;
                buf.stop(p, reason, stopped, waitWord);
                written.add(new Expected(TraceEvent.GO_STOP, p, reason, stopped, waitWord, Time.READ));
                cur = 0;
                lastWasStop = true;
            } else if (roll < 85) {
                int kind = rnd.nextBoolean() ? TraceEvent.GO_UNBLOCK : TraceEvent.GO_CREATE;
                long by = rnd.nextInt(5) == 0 ? goroutine(rnd) : cur;
                int c = rnd.nextInt(10) == 0 ? 1 : 0;
                long a = goroutine(rnd);
                buf.addUntimed(kind, p, c, a, by);
                written.add(new Expected(kind, p, c, a, by, Time.UNTIMED));
                lastWasStop = false;
            } else if (roll < 97) {
                int kind = rnd.nextInt(TraceEvent.COUNT);
                int c = rnd.nextInt(3) == 0 ? rnd.nextInt() : rnd.nextInt(8);
                long a = rnd.nextInt(3) == 0 ? rnd.nextLong() : goroutine(rnd);
                long b = rnd.nextInt(3) == 0 ? rnd.nextLong() : blockers[rnd.nextInt(blockers.length)] | rnd.nextInt(40);
                if (rnd.nextBoolean()) {
                    buf.add(kind, p, c, a, b);
                } else {
                    buf.addShared(kind, p, c, a, b);
                }
                written.add(new Expected(kind, p, c, a, b, Time.READ));
                if (kind == TraceEvent.GO_START) {
                    cur = a;
                } else if (kind == TraceEvent.GO_STOP) {
                    cur = 0;
                }
                lastWasStop = kind == TraceEvent.GO_STOP;
            } else {
                buf.compact(rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(4 * capacity));
                lastWasStop = false;
            }
            if (rnd.nextInt(25) == 0) {
                assertReadBack(seed, buf, written); // a reader between events: decoded copies rebuilt
            }
        }
        assertReadBack(seed, buf, written);
    }

    private static void assertReadBack(long seed, TraceBuffer buf, List<Expected> written) {
        int n = buf.size();
        assertThat(n).as("seed %d: events kept", seed).isLessThanOrEqualTo(written.size());
        assertThat(buf.dropped()).as("seed %d: events dropped", seed).isEqualTo(written.size() - n);
        long lastTimed = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            Expected e = written.get(i);
            long h = buf.header(i);
            String at = "seed " + seed + ", event " + i + " (" + e + ")";
            assertThat(TraceEvent.kind(h)).as(at + ": kind").isEqualTo(e.kind());
            assertThat(TraceEvent.p(h)).as(at + ": p").isEqualTo(e.p());
            assertThat(TraceEvent.c(h)).as(at + ": c").isEqualTo(e.c());
            assertThat(buf.a(i)).as(at + ": a").isEqualTo(e.a());
            assertThat(buf.b(i)).as(at + ": b").isEqualTo(e.b());
            long t = buf.time(i);
            switch (e.time()) {
                case UNTIMED -> assertThat(t).as(at + ": time").isEqualTo(TraceBuffer.UNTIMED);
                case OF_THE_STOP_BEFORE -> assertThat(t).as(at + ": time").isEqualTo(buf.time(i - 1));
                case READ -> assertThat(t).as(at + ": time").isNotEqualTo(TraceBuffer.UNTIMED)
                        .isGreaterThanOrEqualTo(lastTimed);
            }
            if (t != TraceBuffer.UNTIMED) {
                lastTimed = t;
            }
        }
    }

    /** A goroutine id: mostly a few small ones (so stops find the running one), some past the compact forms. */
    private static long goroutine(SplittableRandom rnd) {
        return rnd.nextInt(6) != 0 ? rnd.nextInt(6)
                : pickLong(rnd, (1L << 40) - 1, 1L << 40, Long.MAX_VALUE, -1, Long.MIN_VALUE + 1, 1L << 62);
    }

    /** An identity hash in the high 32 bits, as {@code Tracing.waitWord} makes it (any 32 bits here). */
    private static long randomHash(SplittableRandom rnd) {
        return (rnd.nextLong() >>> 32) << 32;
    }

    private static int pick(SplittableRandom rnd, int... values) {
        return values[rnd.nextInt(values.length)];
    }

    private static long pickLong(SplittableRandom rnd, long... values) {
        return values[rnd.nextInt(values.length)];
    }
}
