package dev.weft.trace;

import dev.weft.internal.trace.Recordings;
import dev.weft.internal.trace.TraceSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * An execution trace being recorded ({@code Weft.startTrace}): what the scheduler did, event by
 * event, with nanosecond timestamps. {@link #stop} or {@link #close} ends it and writes the file,
 * Chrome trace-event JSON that Perfetto ({@code ui.perfetto.dev}), {@code chrome://tracing} and
 * {@code weft trace FILE} open. Stopping twice writes once.
 *
 * <p>Recording costs no lock and no allocation per event: each carrier writes into a buffer of
 * its own, of fixed size ({@code -Dweft.trace.buffer}, events per carrier, default 65,536). When
 * a buffer fills, further events of that carrier are dropped and counted ({@link #droppedEvents},
 * also in the file).
 */
public final class TraceRecording implements AutoCloseable {
    static {
        Recordings.install(TraceRecording::new);
    }

    private final TraceSession session;

    private TraceRecording(TraceSession session) {
        this.session = session;
    }

    /** The file the trace is (or will be) written to. */
    public Path file() {
        return session.file();
    }

    /** Whether the recording has stopped. */
    public boolean isStopped() {
        return session.isStopped();
    }

    /** Events lost so far because a carrier's buffer was full. */
    public long droppedEvents() {
        return session.dropped();
    }

    /**
     * Stops recording and writes the file; returns its path. Later calls only return the path
     * (a call while another thread writes the file returns once it is written).
     *
     * @throws UncheckedIOException if the file cannot be written
     */
    public Path stop() {
        try {
            session.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("weft: could not write the trace to " + session.file(), e);
        }
        return session.file();
    }

    /** {@link #stop}. */
    @Override
    public void close() {
        stop();
    }
}
