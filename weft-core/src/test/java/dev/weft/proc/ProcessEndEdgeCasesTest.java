package dev.weft.proc;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.ThreadPriority;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.sync.WaitGroup;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Corners of a process's end found in review, each failing on the code before its fix: an exit
 * record whose failure is also what a handle's close threw; the run time and switches of a
 * thread's first slice (the one in which it joins its process); a thread that caught its exit
 * and waits again in a wait built on a JDK wait (waitFor, thread joins, Go.blocking), whose
 * interrupt is spent; a primary failure after another end; a WaitGroup.go refused by the thread
 * limit. Runs under each threading model (the waits are bounded: a failure is not a hang).
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
            Chan<Integer> release = Chan.make();
            WeftProcess q = WeftProcess.builder("outside-start").start(rt, release::recv);
            q.startThread(ThreadPriority.NORMAL, () -> { }).join();
            awaitTrue(() -> q.stats().switches().exits() >= 1);
            // The primary's park in its first slice is counted as well (once it has parked: a
            // send that came first would leave it nothing to wait for).
            awaitTrue(() -> q.primary().state() == Goroutine.State.WAITING);
            awaitTrue(() -> q.stats().switches().waits() >= 1);
            release.send(1);
            assertThat(q.waitFor()).isZero();
            awaitTrue(() -> q.stats().switches().exits() >= 2);
        }
    }

    @Test
    void aThreadThatCaughtItsExitUnwindsAgainInWaitForOrATimedJoinOfAnotherProcess() throws Exception {
        for (String wait : List.of("waitFor", "timed waitFor", "timed join")) {
            try (Weft rt = Weft.builder().build()) {
                Chan<Integer> releaseOther = Chan.make();
                WeftProcess other = WeftProcess.builder("other").start(rt, releaseOther::recv);
                AtomicReference<String> steps = new AtomicReference<>("");
                CountDownLatch parked = new CountDownLatch(1);
                AtomicBoolean terminated = new AtomicBoolean();
                WeftProcess stubborn = WeftProcess.builder("stubborn").start(rt, () -> {
                    catchExitAndSpendItsInterrupt(parked, steps, terminated);
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
                    awaitTrue(() -> stubborn.primary().state() == Goroutine.State.WAITING);
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
            Chan<Integer> releaseOther = Chan.make();
            AtomicReference<Goroutine> adopted = new AtomicReference<>();
            CountDownLatch adoptedRuns = new CountDownLatch(1);
            WeftProcess other = WeftProcess.builder("other").start(rt, () -> Thread.ofVirtual().start(() -> {
                adopted.set(Go.current());
                adoptedRuns.countDown();
                releaseOther.recv();
            }));
            AtomicReference<String> steps = new AtomicReference<>("");
            AtomicBoolean terminated = new AtomicBoolean();
            CountDownLatch parked = new CountDownLatch(1);
            try {
                adoptedRuns.await();
                WeftProcess stubborn = WeftProcess.builder("stubborn").start(rt, () -> {
                    catchExitAndSpendItsInterrupt(parked, steps, terminated);
                    try {
                        adopted.get().join();
                    } finally {
                        steps.set(steps.get() + ", unwound again");
                    }
                });
                parked.await();
                awaitTrue(() -> stubborn.primary().state() == Goroutine.State.WAITING);
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
            CountDownLatch inCall = new CountDownLatch(1);
            AtomicInteger retries = new AtomicInteger();
            AtomicBoolean unwound = new AtomicBoolean();
            WeftProcess p = WeftProcess.builder("retrier").start(rt, () -> {
                try {
                    for (;;) {
                        try {
                            // A JDK wait inside Go.blocking: the terminate interrupts it, and a
                            // caller that retries on InterruptedException calls Go.blocking
                            // again, which must unwind at once: no interrupt is coming any more.
                            Go.blocking(() -> {
                                inCall.countDown();
                                new CountDownLatch(1).await();
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
        Queue<Throwable> reported = new ConcurrentLinkedQueue<>();
        try (Weft rt = Weft.builder().uncaughtExceptionHandler((g, t) -> reported.add(t)).build()) {
            RuntimeException late = new IllegalStateException("thrown by the primary's cleanup after a terminate");
            CountDownLatch parked = new CountDownLatch(1);
            WeftProcess p = WeftProcess.builder("late-failure").start(rt, () -> {
                try {
                    parked.countDown();
                    Chan.<Integer>make().recv();
                } finally {
                    throw late; // replaces the ProcessExitException on the way out
                }
            });
            parked.await();
            awaitTrue(() -> p.primary().state() == Goroutine.State.WAITING);
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
            AtomicReference<String> outcome = new AtomicReference<>();
            WeftProcess p = WeftProcess.builder("limited").maxThreads(1).start(rt, () -> {
                WaitGroup wg = new WaitGroup();
                try {
                    wg.go(() -> { });
                    outcome.set("started beyond the limit");
                    return;
                } catch (RejectedExecutionException refused) {
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

    /**
     * A process thread that parks, catches its process's exit and spends the canceller's one
     * interrupt, as a clean-up step answering a JDK wait would: {@code steps} records the catch,
     * and the spin lasts until the test has seen terminate return (its interrupt is sent by then).
     */
    private static void catchExitAndSpendItsInterrupt(CountDownLatch parked, AtomicReference<String> steps,
            AtomicBoolean terminated) {
        try {
            parked.countDown();
            Chan.<Integer>make().recv();
        } catch (ProcessExitException first) {
            steps.set("caught " + first.code());
            while (!terminated.get()) {
                Thread.onSpinWait(); // until terminate has returned: its interrupt is sent
            }
            Thread.interrupted(); // a cleanup step that spent it (a JDK wait that answered it)
        }
    }
}
