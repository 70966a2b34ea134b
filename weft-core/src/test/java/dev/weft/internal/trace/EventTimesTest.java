package dev.weft.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The times {@link EventTimes} gives untimed events: the next timed event of their buffer,
 * capped by the target goroutine's next start, with every buffer left in time order. The test thread writes two carrier buffers in turn, so each timed
 * event's clock is read after every event written before it.
 */
class EventTimesTest {
    private static final int P0 = 0;
    private static final int P1 = 1;

    private RuntimeTrace rt;
    private TraceBuffer a;
    private TraceBuffer b;

    @BeforeEach
    void buffers() {
        TraceSession s = new TraceSession(Path.of("unused.json"), (session, file) -> { }, 64);
        rt = s.attach("times", 2, r -> { }, r -> { });
        a = rt.newCarrierBuffer(0);
        b = rt.newCarrierBuffer(1);
    }

    private long[][] resolve(long end) {
        List<TraceBuffer> all = rt.buffers(); // a, b, shared
        assertThat(all.get(0)).isSameAs(a);
        assertThat(all.get(1)).isSameAs(b);
        return EventTimes.resolve(all, end);
    }

    @Test
    void aWakeUpTakesTheTimeOfTheWakersNextTimedEvent() {
        a.add(TraceEvent.GO_START, P0, 0, 1, 0);
        a.addUntimed(TraceEvent.GO_UNBLOCK, P0, 0, 2, 1);
        a.add(TraceEvent.GO_STOP, P0, 0, 1, 0);
        assertThat(a.time(1)).isEqualTo(TraceBuffer.UNTIMED);
        long[] t = resolve(Long.MAX_VALUE)[0];
        assertThat(t[1]).isEqualTo(a.time(2)).isGreaterThanOrEqualTo(a.time(0));
    }

    @Test
    void aWakeUpIsNeverAfterTheWokenGoroutinesStart() {
        a.add(TraceEvent.GO_START, P0, 0, 1, 0);
        a.addUntimed(TraceEvent.GO_UNBLOCK, P0, 0, 2, 1);
        b.add(TraceEvent.GO_START, P1, 1, 2, 0); // g2 runs on the other carrier at once
        a.add(TraceEvent.GO_STOP, P0, 0, 1, 0);
        long[] t = resolve(Long.MAX_VALUE)[0];
        assertThat(t[1]).isEqualTo(b.time(0)).isLessThanOrEqualTo(a.time(2));
    }

    @Test
    void aWakeUpComesBeforeTheRunItLedToEvenWhenThatRunEndedFirst() {
        a.add(TraceEvent.GO_START, P0, 0, 1, 0);
        a.addUntimed(TraceEvent.GO_UNBLOCK, P0, 0, 2, 1);
        b.add(TraceEvent.GO_START, P1, 1, 2, 0); // g2 runs, and stops, while the waker still runs
        b.add(TraceEvent.GO_STOP, P1, 0, 2, 0);
        a.add(TraceEvent.GO_STOP, P0, 0, 1, 0);
        long[] t = resolve(Long.MAX_VALUE)[0];
        assertThat(t[1]).isEqualTo(b.time(0)).isLessThan(b.time(1));
    }

    @Test
    void withNoTimedEventAfterItAnUntimedEventTakesTheEndOfTheRecording() {
        a.add(TraceEvent.GO_START, P0, 0, 1, 0);
        a.addUntimed(TraceEvent.GO_CREATE, P0, 0, 3, 1);
        long end = a.time(0) + 1_000_000;
        assertThat(resolve(end)[0][1]).isEqualTo(end);
    }

    @Test
    void eachBufferStaysInTimeOrder() {
        a.add(TraceEvent.GO_START, P0, 0, 1, 0);
        a.addUntimed(TraceEvent.GO_CREATE, P0, 0, 2, 1); // never starts: would take the stop's time
        a.addUntimed(TraceEvent.GO_CREATE, P0, 0, 3, 1); // starts on the other carrier first
        b.add(TraceEvent.GO_START, P1, 1, 3, 0);
        a.add(TraceEvent.GO_STOP, P0, 0, 1, 0);
        long[] t = resolve(Long.MAX_VALUE)[0];
        assertThat(t[2]).isEqualTo(b.time(0));
        assertThat(t[1]).isEqualTo(t[2]);
        for (int i = 1; i < t.length; i++) {
            assertThat(t[i]).isGreaterThanOrEqualTo(t[i - 1]);
        }
    }

    @Test
    void timedEventsKeepTheirTimes() {
        a.add(TraceEvent.GO_START, P0, 0, 1, 0);
        a.add(TraceEvent.GO_UNBLOCK, P0, 0, 2, 1);
        a.add(TraceEvent.GO_STOP, P0, 0, 1, 0);
        long[] t = resolve(Long.MAX_VALUE)[0];
        for (int i = 0; i < 3; i++) {
            assertThat(t[i]).isEqualTo(a.time(i));
        }
    }
}
