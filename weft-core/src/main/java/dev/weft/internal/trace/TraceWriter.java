package dev.weft.internal.trace;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a stopped recording to a file. weft-core has no runtime dependencies, so the writer
 * lives in the artifact {@code dev.weft:weft-trace} (Chrome trace-event JSON, with Jackson), and
 * weft-core finds it with {@link java.util.ServiceLoader} ({@link TraceWriters}).
 */
public interface TraceWriter {
    /** Writes every runtime's events of {@code session} (stopped) to {@code file}. */
    void write(TraceSession session, Path file) throws IOException;
}
