package dev.weft.internal.trace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * The trace buffer's staging under a reader (the trace writer reading while a carrier may still
 * write), checked by Lincheck (model checking and stress) against its own sequential behaviour:
 * whatever the interleaving with the carrier's events and the stage's flushes, a reader sees
 * exactly the events written before some moment, whole and in order. The carrier's operations
 * share a non-parallel group: a buffer has one writer. The stage is 5 words, so a few events
 * flush it, with one-, two- and four-word events ending it at different places.
 */
public class TraceBufferLincheckTest {
    private final TraceBuffer buf;

    public TraceBufferLincheckTest() {
        TraceSession s = new TraceSession(Path.of("unused.json"), (session, file) -> { }, 16);
        buf = new TraceBuffer(s.attach("lincheck", 1, r -> { }, r -> { }), "M1", 1, 16, 5);
    }

    /** A wake-up by the running goroutine (none): one word. */
    @Operation(nonParallelGroup = "carrier")
    public void wakeOne(int g) {
        buf.addUntimed(TraceEvent.GO_UNBLOCK, 0, 0, Math.abs(g), 0);
    }

    /** A wake-up by another waker: written whole, four words. */
    @Operation(nonParallelGroup = "carrier")
    public void wakeWhole(int g) {
        buf.addUntimed(TraceEvent.GO_UNBLOCK, 0, 0, Math.abs(g), 99);
    }

    /** The goroutine the last {@link #start} named (the carrier's own state: one writer). */
    private long started;

    /** A timed start: two words. */
    @Operation(nonParallelGroup = "carrier")
    public void start(int g) {
        started = Math.abs(g) + 1;
        buf.start(0, started, false);
    }

    /**
     * A stop of the goroutine last started: one word while it runs (the blocker is always the
     * last stop's, none), whose time the decoder takes from the timed event before it; three
     * once it has stopped already.
     */
    @Operation(nonParallelGroup = "carrier")
    public void stop() {
        buf.stop(0, 2, started, 0);
    }

    /** Everything a reader sees, as the event's a and b (a wake-up: the woken and the waker). */
    @Operation
    public List<String> read() {
        int n = buf.size();
        List<String> seen = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            seen.add(buf.a(i) + "/" + buf.b(i));
        }
        return seen;
    }

    @Operation
    public long dropped() {
        return buf.dropped();
    }

    @Test
    public void stress() {
        new StressOptions().iterations(8).invocationsPerIteration(300).threads(2).actorsPerThread(4)
                .check(getClass());
    }

    @Test
    public void modelChecking() {
        new ModelCheckingOptions().iterations(8).invocationsPerIteration(300).threads(2).actorsPerThread(4)
                .check(getClass());
    }
}
