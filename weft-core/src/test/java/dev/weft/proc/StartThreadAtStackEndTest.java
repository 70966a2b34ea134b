package dev.weft.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Goroutine;
import dev.weft.ThreadPriority;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Guards against: {@code WeftProcess.startThread} leaking a slot of the process's thread count
 * when a StackOverflowError strikes inside it (docs/notes/stack-end.md). An outsider recurses
 * until its stack ends and starts a thread of the process at every depth; each start either
 * returns a running thread or throws having counted nothing. A leaked slot keeps the process's
 * count above zero after its last thread ends, so the process never ends.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StartThreadAtStackEndTest {

    private static final AtomicLong RAN = new AtomicLong();
    private static final Runnable BODY = RAN::incrementAndGet;

    // The sweep's bookkeeping: an array store and plain counters, no call between startThread's
    // return and the store, so the test's own bookkeeping cannot be what overflows.
    private static WeftProcess process;
    private static Goroutine[] handles;
    private static int returned;
    private static long threw;

    private static void descend() {
        try {
            handles[returned] = process.startThread(ThreadPriority.NORMAL, BODY);
            returned++;
        } catch (StackOverflowError expected) {
            threw++;
        }
        try {
            descend();
        } catch (StackOverflowError bottom) {
            // the stack ends here
        }
    }

    @Test
    void startThreadAtEveryDepthToTheStackEndLeaksNoSlotOfTheProcess() throws Exception {
        RAN.set(0);
        handles = new Goroutine[1 << 20];
        returned = 0;
        threw = 0;
        try (Weft rt = Weft.builder().procs(2).build()) {
            Chan<Integer> end = Chan.make(1);
            process = WeftProcess.builder("swept").start(rt, () -> end.recv());
            Goroutine outsider = rt.go(() -> {
                for (int r = 0; r < 4; r++) { // interpreted, then compiled: other frame sizes
                    int before = returned;
                    long threwBefore = threw;
                    descend();
                    assertThat(returned).as("round %d started threads", r).isGreaterThan(before);
                    assertThat(threw).as("round %d reached the stack's end inside startThread", r)
                            .isGreaterThan(threwBefore);
                }
            });
            outsider.join();
            for (int i = 0; i < returned; i++) {
                handles[i].join();
            }
            assertThat(RAN.get()).as("bodies run = threads whose start returned").isEqualTo(returned);
            end.send(0); // the primary ends: the process ends with its last thread
            OptionalInt code = process.waitFor(Duration.ofSeconds(30));
            assertThat(code).as("the process ended: no slot of its thread count leaked; threads %s",
                    process.threads()).isPresent();
        } finally {
            handles = null;
            process = null;
        }
    }
}
