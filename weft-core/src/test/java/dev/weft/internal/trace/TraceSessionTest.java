package dev.weft.internal.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The recording's stop: it writes the file once, and every stop returns only once it is written. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TraceSessionTest {
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
}
