package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Guards against: a {@code Go.go} that a StackOverflowError interrupts leaving the runtime
 * inconsistent (docs/notes/stack-end.md). A goroutine recurses until its stack ends and calls
 * {@code Go.go} at every depth, so that near the bottom the overflow strikes at every call
 * inside the spawn; each {@code Go.go} must either return a handle whose goroutine runs and ends,
 * or throw having started nothing. Before the fix, the joins never all returned under N_1 (a G
 * displaced from runnext lost), and {@code close()} waited forever under M_N and ONE_TO_ONE (a
 * live count raised and never lowered); under the PRIORITY policy the sweep hung. Runs under the
 * three threading models (the surefire executions), with both policies, and with the JDK's own
 * API for starting a virtual thread (adoption).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StackEndSpawnTest {

    /** Every body that ran; compared with the handles Go.go returned. */
    private static final AtomicLong RAN = new AtomicLong();
    private static final Runnable BODY = RAN::incrementAndGet;

    // The sweeping goroutine's bookkeeping: an array store and plain counters, no call between
    // Go.go's return and the store, so the test's own bookkeeping cannot be what overflows.
    private static Goroutine[] handles;
    private static int returned;
    private static long threw;

    /**
     * No time slice ends during a sweep. A preempted goroutine yields, its frames go to the heap
     * and come back a few at a time, so the carrier's stack holds only the newest ones: a sweep
     * preempted every 10 ms never reached the stack's end and filled the handle array instead (a
     * full suite under N_1 with PRIORITY, over 1,048,576 spawns in one round).
     */
    private static final Duration NO_SLICE_END = Duration.ofMinutes(10);

    private static void descend() {
        try {
            handles[returned] = Go.go(BODY);
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
    void goAtEveryDepthToTheStackEndStartsEveryReturnedGoroutineAndNothingElse() throws Exception {
        goAtEveryDepth(Weft.builder().procs(2).timeslice(NO_SLICE_END).build());
    }

    /** The same under the PRIORITY policy, whose queues are other classes (readied Gs go to a P's prq). */
    @Test
    void goAtEveryDepthToTheStackEndUnderThePriorityPolicy() throws Exception {
        goAtEveryDepth(Weft.builder().procs(2).policy(SchedulingPolicy.PRIORITY).timeslice(NO_SLICE_END).build());
    }

    private static void goAtEveryDepth(Weft rt) throws Exception {
        RAN.set(0);
        handles = new Goroutine[1 << 20];
        returned = 0;
        threw = 0;
        int rounds = 6; // the first rounds run interpreted, later ones compiled: other frame sizes
        Throwable failure = null;
        try {
            rt.run(() -> {
                for (int r = 0; r < rounds; r++) {
                    int before = returned;
                    long threwBefore = threw;
                    descend();
                    assertThat(returned).as("round %d spawned", r).isGreaterThan(before);
                    assertThat(threw).as("round %d reached the stack's end inside Go.go", r).isGreaterThan(threwBefore);
                    for (int i = before; i < returned; i++) {
                        Goroutine h = handles[i];
                        awaitEnd(rt, "goroutine " + h + " (handle " + i + " of " + returned + ")", h::join);
                    }
                }
            });
        } catch (Throwable t) {
            failure = t;
        }
        closeAfterSweep(rt, failure);
        assertThat(RAN.get()).as("bodies run = handles returned: a Go.go that threw started nothing")
                .isEqualTo(returned);
        assertThat(rt.goroutineCount()).as("live goroutines after close").isZero();
        SchedulerStats s = rt.stats();
        assertThat(s.live()).isZero();
        assertThat(s.created()).as("created = the main goroutine + the handles returned").isEqualTo(returned + 1L);
        assertThat(rt.dump()).as("the registry holds no goroutine").doesNotContain("goroutine ");
        handles = null;
    }

    // The adoption variant's bookkeeping, as above.
    private static Thread[] threads;
    private static int startedThreads;
    private static long startThrew;

    private static void descendStartingThreads() {
        try {
            threads[startedThreads] = Thread.ofVirtual().start(BODY);
            startedThreads++;
        } catch (StackOverflowError expected) {
            startThrew++;
        }
        try {
            descendStartingThreads();
        } catch (StackOverflowError bottom) {
            // the stack ends here
        }
    }

    /**
     * The same with the JDK's own API: a virtual thread started inside a goroutine is adopted
     * (its start calls into the runtime, {@code Goroutines.readyForeign}), so a start that threw
     * must have counted nothing and one that returned must run. Under ONE_TO_ONE the threads are
     * the JDK's, not adopted, and only the runtime's own count is checked.
     */
    @Test
    void jdkVirtualThreadsStartedAtEveryDepthToTheStackEndAreAdoptedAtomically() throws Exception {
        RAN.set(0);
        threads = new Thread[1 << 20];
        startedThreads = 0;
        startThrew = 0;
        int rounds = 4;
        Weft rt = Weft.builder().procs(2).timeslice(NO_SLICE_END).build();
        if (rt.model() == ThreadingModel.N_1) {
            // An overflow can still strike inside the JDK's pinned submit (VirtualThread.start
            // pins the continuation), in the JDK's own finally that unpins it: the starting
            // goroutine then stays pinned for good, and its join blocks the carrier. weft
            // cannot reach that finally (docs/notes/stack-end.md, "Not covered"); under N_1 the
            // carrier is the only one and nothing else runs (seen once in a full suite under
            // load). M_N keeps a second carrier; weft's own part is checked there.
            rt.close();
            Assumptions.abort("N_1: the JDK's pin at the end of a stack can hold the only carrier");
        }
        Throwable failure = null;
        try {
            rt.run(() -> {
                for (int r = 0; r < rounds; r++) {
                    int before = startedThreads;
                    long threwBefore = startThrew;
                    descendStartingThreads();
                    assertThat(startedThreads).as("round %d started threads", r).isGreaterThan(before);
                    assertThat(startThrew).as("round %d reached the stack's end inside start", r)
                            .isGreaterThan(threwBefore);
                    for (int i = before; i < startedThreads; i++) {
                        Thread t = threads[i];
                        awaitEnd(rt, "thread " + t + " (" + i + " of " + startedThreads + ")", t::join);
                    }
                }
            });
        } catch (Throwable t) {
            failure = t;
        }
        closeAfterSweep(rt, failure);
        if (rt.model() != ThreadingModel.ONE_TO_ONE) {
            assertThat(RAN.get()).as("bodies run = threads whose start returned").isEqualTo(startedThreads);
        } else {
            // The threads are the JDK's own (its default scheduler; a kernel-thread goroutine's
            // children are not adopted), and the JDK's start is not failure-atomic at the end of
            // a stack: one that threw after submitting the thread was seen to run its body (one
            // in 24,438, in CI). Every start that returned must have run.
            assertThat(RAN.get()).as("bodies run >= threads whose start returned").isGreaterThanOrEqualTo(startedThreads);
        }
        assertThat(rt.goroutineCount()).as("live goroutines after close").isZero();
        SchedulerStats s = rt.stats();
        assertThat(s.live()).isZero();
        if (rt.model() != ThreadingModel.ONE_TO_ONE) {
            assertThat(s.adopted()).as("adopted = threads whose start returned").isEqualTo(startedThreads);
        }
        assertThat(rt.dump()).as("the registry holds no goroutine").doesNotContain("goroutine ");
        threads = null;
    }

    /** A join with a timeout: a goroutine's handle or a thread. */
    private interface TimedJoin {
        boolean join(Duration timeout) throws InterruptedException;
    }

    /** Waits (30 s at most, a safety net) for one started goroutine to end, or fails with a dump. */
    private static void awaitEnd(Weft rt, String what, TimedJoin join) {
        boolean ended;
        try {
            ended = join.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        if (!ended) {
            throw new AssertionError(what + " did not end; live " + rt.goroutineCount() + "; dump:\n" + rt.dump());
        }
    }

    /** Closes the runtime after a sweep; the sweep's failure, or a close that timed out, fails the test. */
    private static void closeAfterSweep(Weft rt, Throwable failure) {
        boolean closed = rt.close(Duration.ofSeconds(30));
        if (failure != null) {
            throw new AssertionError("the sweep failed (close " + (closed ? "returned" : "timed out") + ")", failure);
        }
        assertThat(closed).as("close() returned: every goroutine counted ended; live %d; dump:%n%s",
                rt.goroutineCount(), rt.dump()).isTrue();
    }
}
