package dev.weft.trace;

import dev.weft.internal.trace.EventTimes;
import dev.weft.internal.trace.RuntimeTrace;
import dev.weft.internal.trace.TraceBuffer;
import dev.weft.internal.trace.TraceEvent;
import dev.weft.internal.trace.TraceSession;
import dev.weft.internal.trace.TraceWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * weft-core's tests cannot see weft-trace (it depends on weft-core), so they record through this
 * writer: it keeps each stopped session's events by file, and writes a one-line file so that the
 * test can tell the file was written.
 */
public final class CapturingTraceWriter implements TraceWriter {
    /** One event as recorded; {@code time} as {@link EventTimes} resolves it, {@code timed} whether the clock was read. */
    public record Event(String runtime, String track, long time, boolean timed, int kind, int p, int c, long a, long b) {
        @Override
        public String toString() {
            return TraceEvent.name(kind) + "(p=" + p + ", c=" + c + ", a=" + a + ", b=" + b + ")@" + track;
        }
    }

    /**
     * A written session: its events in buffer order, its dropped count, and the words its buffers
     * held when it was written ({@code TraceBuffer.heldWords}).
     */
    public record Written(List<Event> events, long dropped, long heldWords) {
        public List<Event> of(int kind) {
            return events.stream().filter(e -> e.kind() == kind).toList();
        }
    }

    static final Map<Path, Written> WRITTEN = new ConcurrentHashMap<>();

    @Override
    public void write(TraceSession session, Path file) throws IOException {
        List<Event> events = new ArrayList<>();
        long held = 0;
        for (RuntimeTrace rt : session.runtimes()) {
            List<TraceBuffer> buffers = rt.buffers();
            for (TraceBuffer b : buffers) {
                held += b.heldWords();
            }
            long[][] times = EventTimes.resolve(buffers, session.durationNanos());
            for (int k = 0; k < buffers.size(); k++) {
                TraceBuffer b = buffers.get(k);
                for (int i = 0, n = times[k].length; i < n; i++) {
                    long h = b.header(i);
                    events.add(new Event(rt.name(), b.track(), times[k][i], b.time(i) != TraceBuffer.UNTIMED,
                            TraceEvent.kind(h), TraceEvent.p(h), TraceEvent.c(h), b.a(i), b.b(i)));
                }
            }
        }
        WRITTEN.put(file, new Written(List.copyOf(events), session.dropped(), held));
        Files.writeString(file, "captured " + events.size() + " events\n");
    }
}
