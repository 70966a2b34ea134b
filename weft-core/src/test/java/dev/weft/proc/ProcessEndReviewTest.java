package dev.weft.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.ThreadPriority;
import dev.weft.Weft;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Corners of a process's end left open by the last review, each failing on the code before its
 * fix: an end thread that cannot start (the JVM out of native threads) used to leave
 * {@code waitFor} waiting for ever; a {@code terminate} landing between the last thread's end
 * and its decision used to take the exit record from the end that came first.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessEndReviewTest {

    /** A thread whose start fails as the JVM's does when it cannot create a native thread. */
    private static final ThreadFactory UNSTARTABLE = r -> new Thread(r) {
        @Override
        public void start() {
            throw new OutOfMemoryError("unable to create native thread: possibly out of memory"
                    + " or process/resource limits reached");
        }
    };

    @Test
    void anEndThreadThatCannotStartLeavesTheEndToWaitFor() throws Exception {
        ThreadFactory real = WeftProcess.endThreads;
        WeftProcess.endThreads = UNSTARTABLE;
        AtomicInteger closes = new AtomicInteger();
        try (Weft rt = Weft.builder().build()) {
            WeftProcess p = WeftProcess.builder("no-end-thread").start(rt,
                    () -> WeftProcess.current().handles().open(closes::incrementAndGet));
            // A safety net, far beyond the milliseconds the end takes: it used to wait for ever.
            OptionalInt code = p.waitFor(Duration.ofSeconds(20));
            assertThat(code).as("waitFor of a process whose end thread could not start").hasValue(0);
            assertThat(closes).as("handle closes").hasValue(1);
            assertThat(p.isAlive()).isFalse();
            assertThat(p.exitRecord().orElseThrow().reason()).isEqualTo(ExitRecord.Reason.LAST_THREAD_ENDED);
            assertThat(p.waitFor()).as("a second waitFor").isZero();
            assertThat(closes).as("handle closes after a second waitFor").hasValue(1);
        } finally {
            WeftProcess.endThreads = real;
        }
    }

    @Test
    void manyWaitersOfAnEndWithoutItsThreadCloseEachHandleOnce() throws Exception {
        ThreadFactory real = WeftProcess.endThreads;
        WeftProcess.endThreads = UNSTARTABLE;
        AtomicInteger closes = new AtomicInteger();
        try (Weft rt = Weft.builder().build()) {
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            WeftProcess p = WeftProcess.builder("no-end-thread-2").start(rt, () -> {
                WeftProcess.current().handles().open(closes::incrementAndGet);
                WeftProcess.current().handles().open(closes::incrementAndGet);
                try {
                    release.await(); // a JDK wait: the waiters below are all there before the end
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            Thread[] waiters = new Thread[8];
            int[] codes = new int[waiters.length];
            for (int i = 0; i < waiters.length; i++) {
                int k = i;
                waiters[i] = Thread.ofPlatform().start(() -> codes[k] = p.waitFor());
            }
            release.countDown();
            for (Thread w : waiters) {
                w.join(Duration.ofSeconds(20)); // a safety net
                assertThat(w.isAlive()).as("a waiter still waiting").isFalse();
            }
            assertThat(codes).containsOnly(0);
            assertThat(closes).as("handle closes").hasValue(2);
        } finally {
            WeftProcess.endThreads = real;
        }
    }

    /**
     * A startThread refused because the process has ended, then a terminate: the terminate must
     * be refused too, and the record say the last thread ended it. Before the fix, the last
     * thread's count reached zero (startThread refuses from then on) before it wrote its
     * decision, so a terminate in between was accepted and wrote TERMINATED over an end that
     * had come first. The window is a few instructions wide, and the terminate comes
     * microseconds after the refusal, so it is hit when the last thread is descheduled inside
     * it (a loaded machine): the test makes many ends and probes each one. It is a stress
     * test, not a proof; the fix closes the window by construction (see threadGone). With a
     * limit of one thread, the probe never starts one: while the primary lives it is refused
     * with RejectedExecutionException, and with IllegalStateException once the process has ended.
     */
    @Test
    void aTerminateAfterTheLastThreadHasEndedIsRefusedAndTheRecordKeepsTheEnd() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            int accepted = 0;
            for (int round = 0; round < 3_000; round++) {
                WeftProcess p = WeftProcess.builder("end-" + round).maxThreads(1).start(rt, () -> {});
                boolean refused = false;
                while (!refused) {
                    try {
                        p.startThread(ThreadPriority.NORMAL, () -> {});
                        throw new AssertionError("a second thread started beyond maxThreads(1)");
                    } catch (java.util.concurrent.RejectedExecutionException alive) {
                        // the primary still runs
                    } catch (IllegalStateException ended) {
                        refused = true;
                    }
                }
                try {
                    p.terminate(3);
                    accepted++;
                } catch (IllegalStateException expected) {
                    // the end came first
                }
                assertThat(p.waitFor()).as("exit code after %d accepted terminates", accepted).isZero();
                assertThat(p.exitRecord().orElseThrow().reason()).isEqualTo(ExitRecord.Reason.LAST_THREAD_ENDED);
            }
            assertThat(accepted).as("terminates accepted after startThread said the process had ended").isZero();
        }
    }

    @Test
    void aTerminateOfAnEndedProcessNamesTheFirstEnd() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            WeftProcess p = WeftProcess.builder("ended").start(rt, () -> {});
            assertThat(p.waitFor()).isZero();
            assertThatThrownBy(() -> p.terminate(3)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has exited with code 0 (LAST_THREAD_ENDED)");
        }
    }
}
