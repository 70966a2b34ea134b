package dev.weft.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A recording's lifecycle: its buffer size is checked when it is made, it writes the file once,
 * and every stop returns only once the file is written.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TraceSessionTest {
    /**
     * A buffer size whose words do not fit an array ({@code -Dweft.trace.buffer=600000000}) is
     * refused with the limit where the recording is made, where {@code -Dweft.trace} catches it
     * and runs without a trace; it failed later, with a NegativeArraySizeException out of the
     * first buffer's allocation: in the runtime's constructor for {@code -Dweft.trace}, so no
     * runtime could be built.
     */
    @Test
    void aBufferTooLargeForAnArrayIsRefusedWithTheLimit() {
        assertThatThrownBy(() -> new TraceSession(Path.of("unused.json"), (session, file) -> { }, 600_000_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most").hasMessageContaining("600000000");
        TraceSession largest = new TraceSession(Path.of("unused.json"), (session, file) -> { },
                TraceSession.MAX_CAPACITY);
        assertThat(largest.capacity()).isEqualTo(TraceSession.MAX_CAPACITY);
    }

    /**
     * Two threads stop one recording (a try-with-resources and a shutdown hook, say): the one that
     * does not write must not return before the file is written, nor report success for a write
     * that fails. The second stop returned at once, while the first was still writing.
     */
    @Test
    void aStopWhileAnotherWritesReturnsOnlyOnceTheFileIsWritten() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean written = new AtomicBoolean();
        TraceSession s = new TraceSession(Path.of("unused.json"), (session, file) -> {
            writing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            written.set(true);
            throw new IOException("disk full");
        }, 64);
        s.attach("rt", 1, r -> { }, r -> { });
        AtomicReference<Throwable> first = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                s.stop();
            } catch (Throwable t) {
                first.set(t);
            }
        });
        writing.await();
        AtomicBoolean writtenWhenSecondReturned = new AtomicBoolean();
        AtomicReference<Throwable> second = new AtomicReference<>();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                s.stop();
            } catch (Throwable t) {
                second.set(t);
            } finally {
                writtenWhenSecondReturned.set(written.get());
            }
        });
        // Release the writer once the second stop has either returned (the bug) or is waiting.
        while (other.getState() != Thread.State.TERMINATED && other.getState() != Thread.State.WAITING
                && other.getState() != Thread.State.BLOCKED) {
            Thread.onSpinWait();
        }
        release.countDown();
        writer.join();
        other.join();
        assertThat(first.get()).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThat(writtenWhenSecondReturned).as("the second stop returned before the file was written").isTrue();
        assertThat(second.get()).as("the second stop reports the write's failure").isSameAs(first.get());
    }

    /**
     * A writer that fails with an unchecked exception (a bug of its own, an UncheckedIOException):
     * the first stop threw it, and every later stop returned normally, as if the file were written.
     */
    @Test
    void aStopAfterAWriteThatThrewUncheckedRethrowsIt() {
        TraceSession s = new TraceSession(Path.of("unused.json"), (session, file) -> {
            throw new IllegalStateException("writer bug");
        }, 64);
        s.attach("rt", 1, r -> { }, r -> { });
        Throwable first = org.assertj.core.api.Assertions.catchThrowable(s::stop);
        assertThat(first).isInstanceOf(IllegalStateException.class).hasMessage("writer bug");
        assertThatThrownBy(s::stop).as("a later stop").isSameAs(first);
    }
}
