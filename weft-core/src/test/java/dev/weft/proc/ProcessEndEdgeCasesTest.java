package dev.weft.proc;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Corners of a process's end and accounting found in review: an exit record whose failure is
 * also what a handle's close threw, and the run time and switches of a thread's first slice
 * (the one in which it joins its process). Runs under each threading model.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ProcessEndEdgeCasesTest {

    @Test
    void aFailureThatIsAlsoAHandlesCloseFailureStillEndsTheProcess() throws Exception {
        // One instance escaping the primary and thrown by a close: a shared sentinel (a context's
        // err(), thrown as documented) or a resource that rethrows what failed it. The end used
        // to add it to itself as suppressed, which Throwable refuses, and waitFor never returned.
        RuntimeException boom = new IllegalStateException("boom");
        try (Weft rt = Weft.builder().build()) {
            WeftProcess p = WeftProcess.builder("self-suppressed").start(rt, () -> {
                WeftProcess.current().handles().open(() -> {
                    throw boom;
                });
                throw boom;
            });
            OptionalInt code = p.waitFor(Duration.ofSeconds(10)); // a safety net: the end takes milliseconds
            assertThat(code).as("waitFor of a process whose failure is also a close failure").hasValue(1);
            ExitRecord r = p.exitRecord().orElseThrow();
            assertThat(r.reason()).isEqualTo(ExitRecord.Reason.PRIMARY_FAILED);
            assertThat(r.failure()).isSameAs(boom);
            assertThat(r.closeFailures()).containsExactly(boom);
            assertThat(p.failure()).containsSame(boom);
        }
    }

    @Test
    void aThreadsFirstSliceCountsTowardsItsProcess() throws Exception {
        Assumptions.assumeFalse("ONE_TO_ONE".equals(System.getProperty("weft.model")),
                "under ONE_TO_ONE the kernel switches threads and no switch is counted");
        try (Weft rt = Weft.builder().build()) {
            // A primary that never waits runs in one slice, the one in which it joins the
            // process: its run time and its exit switch are all the process has to show. They
            // used to be dropped, since the carrier looked for the process when it mounted the
            // thread, before the thread had joined it.
            long[] sink = new long[1];
            WeftProcess p = WeftProcess.builder("one-slice").start(rt, () -> {
                long x = 0;
                for (int i = 0; i < 10_000; i++) {
                    x += Long.numberOfTrailingZeros(i * 31L + x);
                }
                sink[0] = x;
            });
            assertThat(p.waitFor()).isZero();
            // The carrier counts the exit after the thread's body has left the process, so it may
            // land just after waitFor returns.
            awaitTrue(() -> p.stats().switches().exits() >= 1);
            ProcessStats s = p.stats();
            assertThat(s.switches().exits()).isEqualTo(1);
            assertThat(s.runTime()).isPositive();

            // The same for a thread started from outside the process (startThread), which joins
            // in its first slice too.
            dev.weft.chan.Chan<Integer> release = dev.weft.chan.Chan.make();
            WeftProcess q = WeftProcess.builder("outside-start").start(rt, release::recv);
            q.startThread(dev.weft.ThreadPriority.NORMAL, () -> { }).join();
            awaitTrue(() -> q.stats().switches().exits() >= 1);
            release.send(1);
            assertThat(q.waitFor()).isZero();
            awaitTrue(() -> q.stats().switches().exits() >= 2);
            // The primary's wait in its first slice is counted as well.
            assertThat(q.stats().switches().waits()).isPositive();
        }
    }

    @Test
    void aThreadThatCaughtItsExitUnwindsAgainInWaitForOrATimedJoinOfAnotherProcess() throws Exception {
        for (String wait : List.of("waitFor", "timed waitFor", "timed join")) {
            try (Weft rt = Weft.builder().build()) {
                dev.weft.chan.Chan<Integer> releaseOther = dev.weft.chan.Chan.make();
                WeftProcess other = WeftProcess.builder("other").start(rt, releaseOther::recv);
                java.util.concurrent.atomic.AtomicReference<String> steps = new java.util.concurrent.atomic.AtomicReference<>("");
                java.util.concurrent.CountDownLatch parked = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.atomic.AtomicBoolean terminated = new java.util.concurrent.atomic.AtomicBoolean();
                WeftProcess stubborn = WeftProcess.builder("stubborn").start(rt, () -> {
                    try {
                        parked.countDown();
                        dev.weft.chan.Chan.<Integer>make().recv();
                    } catch (ProcessExitException first) {
                        steps.set("caught " + first.code());
                        while (!terminated.get()) {
                            Thread.onSpinWait(); // until terminate has returned: its interrupt is sent
                        }
                        Thread.interrupted(); // a cleanup step that spent it (a JDK wait that answered it)
                    }
                    try {
                        // Its exit's interrupt is spent: waitFor must see the pending exit itself,
                        // as every weft wait does, and not wait for the other process.
                        switch (wait) {
                            case "waitFor" -> other.waitFor();
                            case "timed waitFor" -> other.waitFor(Duration.ofHours(1));
                            default -> {
                                try {
                                    other.primary().join(Duration.ofHours(1)); // a thread join
                                } catch (InterruptedException e) {
                                    throw new AssertionError("interrupted, not unwound", e);
                                }
                            }
                        }
                    } finally {
                        steps.set(steps.get() + ", unwound again");
                    }
                });
                try {
                    parked.await();
                    awaitTrue(() -> stubborn.primary().state() == dev.weft.Goroutine.State.WAITING);
                    stubborn.terminate(9);
                    terminated.set(true);
                    assertThat(stubborn.waitFor(Duration.ofSeconds(10))).as(wait).hasValue(9);
                    assertThat(steps.get()).isEqualTo("caught 9, unwound again");
                    assertThat(other.isAlive()).isTrue();
                } finally {
                    releaseOther.send(1);
                }
                assertThat(other.waitFor()).isZero();
            }
        }
    }

    @Test
    void aThreadThatCaughtItsExitUnwindsAgainInAJoinOfAnAdoptedThread() throws Exception {
        Assumptions.assumeFalse("ONE_TO_ONE".equals(System.getProperty("weft.model")),
                "under ONE_TO_ONE a JDK virtual thread is not a goroutine");
        try (Weft rt = Weft.builder().build()) {
            // A goroutine adopted from the JDK's API (joined with Thread.join, not weft's joins),
            // in another process, so that the terminate below does not end it.
            dev.weft.chan.Chan<Integer> releaseOther = dev.weft.chan.Chan.make();
            java.util.concurrent.atomic.AtomicReference<dev.weft.Goroutine> adopted = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.CountDownLatch adoptedRuns = new java.util.concurrent.CountDownLatch(1);
            WeftProcess other = WeftProcess.builder("other").start(rt, () -> Thread.ofVirtual().start(() -> {
                adopted.set(dev.weft.Go.current());
                adoptedRuns.countDown();
                releaseOther.recv();
            }));
            java.util.concurrent.atomic.AtomicReference<String> steps = new java.util.concurrent.atomic.AtomicReference<>("");
            java.util.concurrent.atomic.AtomicBoolean terminated = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.CountDownLatch parked = new java.util.concurrent.CountDownLatch(1);
            try {
                adoptedRuns.await();
                WeftProcess stubborn = WeftProcess.builder("stubborn").start(rt, () -> {
                    try {
                        parked.countDown();
                        dev.weft.chan.Chan.<Integer>make().recv();
                    } catch (ProcessExitException first) {
                        steps.set("caught " + first.code());
                        while (!terminated.get()) {
                            Thread.onSpinWait(); // until terminate has returned: its interrupt is sent
                        }
                        Thread.interrupted(); // a cleanup step that spent it (a JDK wait that answered it)
                    }
                    try {
                        adopted.get().join();
                    } finally {
                        steps.set(steps.get() + ", unwound again");
                    }
                });
                parked.await();
                awaitTrue(() -> stubborn.primary().state() == dev.weft.Goroutine.State.WAITING);
                stubborn.terminate(9);
                terminated.set(true);
                assertThat(stubborn.waitFor(Duration.ofSeconds(10))).hasValue(9);
                assertThat(steps.get()).isEqualTo("caught 9, unwound again");
            } finally {
                releaseOther.send(1);
            }
            assertThat(other.waitFor()).isZero();
        }
    }

    @Test
    void aThreadThatRetriesGoBlockingAfterItsInterruptUnwinds() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            java.util.concurrent.CountDownLatch inCall = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicInteger retries = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean unwound = new java.util.concurrent.atomic.AtomicBoolean();
            WeftProcess p = WeftProcess.builder("retrier").start(rt, () -> {
                try {
                    for (;;) {
                        try {
                            // A JDK wait inside Go.blocking: the terminate interrupts it, and a
                            // caller that retries on InterruptedException calls Go.blocking
                            // again, which must unwind at once: no interrupt is coming any more.
                            dev.weft.Go.blocking(() -> {
                                inCall.countDown();
                                new java.util.concurrent.CountDownLatch(1).await();
                                return null;
                            });
                        } catch (RuntimeException e) {
                            throw e; // the process's exit among them
                        } catch (InterruptedException retry) {
                            retries.incrementAndGet();
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }
                } finally {
                    unwound.set(true);
                }
            });
            inCall.await();
            p.terminate(4);
            assertThat(p.waitFor(Duration.ofSeconds(10))).as("the retrying thread ended").hasValue(4);
            assertThat(unwound).isTrue();
            assertThat(retries.get()).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void aPrimaryFailureAfterTheProcessEndedIsReportedNotDropped() throws Exception {
        java.util.Queue<Throwable> reported = new java.util.concurrent.ConcurrentLinkedQueue<>();
        try (Weft rt = Weft.builder().uncaughtExceptionHandler((g, t) -> reported.add(t)).build()) {
            RuntimeException late = new IllegalStateException("thrown by the primary's cleanup after a terminate");
            java.util.concurrent.CountDownLatch parked = new java.util.concurrent.CountDownLatch(1);
            WeftProcess p = WeftProcess.builder("late-failure").start(rt, () -> {
                try {
                    parked.countDown();
                    dev.weft.chan.Chan.<Integer>make().recv();
                } finally {
                    throw late; // replaces the ProcessExitException on the way out
                }
            });
            parked.await();
            awaitTrue(() -> p.primary().state() == dev.weft.Goroutine.State.WAITING);
            p.terminate(3);
            assertThat(p.waitFor()).isEqualTo(3); // the first decision stands
            assertThat(p.failure()).isEmpty();
            // Not the process's failure, so the runtime's handler gets it, as it gets a failure
            // of any other thread of the process; it used to vanish.
            p.primary().join();
            awaitTrue(() -> !reported.isEmpty());
            assertThat(reported).containsExactly(late);
        }
    }

    @Test
    void aWaitGroupGoRefusedByTheThreadLimitLeavesNothingCounted() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            java.util.concurrent.atomic.AtomicReference<String> outcome = new java.util.concurrent.atomic.AtomicReference<>();
            WeftProcess p = WeftProcess.builder("limited").maxThreads(1).start(rt, () -> {
                dev.weft.sync.WaitGroup wg = new dev.weft.sync.WaitGroup();
                try {
                    wg.go(() -> { });
                    outcome.set("started beyond the limit");
                    return;
                } catch (java.util.concurrent.RejectedExecutionException refused) {
                    // nothing started: nothing may stay counted, or await would wait for good
                }
                try {
                    wg.done();
                    outcome.set("the refused task stayed counted");
                } catch (IllegalStateException negative) {
                    outcome.set("nothing counted");
                }
            });
            assertThat(p.waitFor()).isZero();
            assertThat(outcome.get()).isEqualTo("nothing counted");
        }
    }
}
