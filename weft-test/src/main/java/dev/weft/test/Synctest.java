package dev.weft.test;

import dev.weft.internal.sched.Bubble;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Deterministic tests of concurrent weft code: Go 1.25's {@code testing/synctest}, plus
 * replayable schedules.
 *
 * <p>{@link #run(Runnable)} runs its body as the root goroutine of a new <em>bubble</em>: a
 * private runtime with one processor, one carrier and a fake clock that starts at
 * 2000-01-01T00:00:00Z ({@code dev.weft.time.Time.now()} reads it inside). The clock moves only
 * when every goroutine of the bubble is durably blocked (in weft channels, select, sleep, timers,
 * WaitGroup, Cond, or a Mutex made in the bubble): it then jumps to the next timer, so a test of
 * a ten-second timeout takes microseconds and never flakes. If every goroutine is durably
 * blocked and no timer is pending, the run fails with a deadlock report naming each goroutine
 * and its wait. Goroutines started inside (with {@code Go.go}, the JDK's thread APIs, a pool)
 * belong to the bubble; channels and timers made inside may not be used from outside.
 *
 * <p>Every scheduling choice inside a bubble (which goroutine runs next, whether one switches at
 * a safe point, select's case order, the order of wake-ups) is drawn from a seed:
 * {@link #run(long, Runnable)} with the same seed replays the same schedule step for step.
 * Interleavings change only at safe points: weft's own calls (channel and sync operations,
 * {@code Go.go}, {@code Go.yield}, {@code Go.checkpoint}); code between two of them runs as one
 * step.
 *
 * <pre>{@code
 * Synctest.run(() -> {
 *     Chan<String> reply = Chan.make(1);
 *     Go.go(() -> { Go.sleep(Duration.ofSeconds(10)); reply.send("late"); });
 *     int fired = new Select().recv(reply, r -> {}).after(Duration.ofSeconds(5), () -> {}).run();
 *     assertEquals(1, fired);                                          // the timeout won
 *     assertEquals(Instant.parse("2000-01-01T00:00:05Z"), Time.now()); // in no real time
 *     Synctest.await();                                                // the sender sleeps
 *     assertEquals("late", reply.recv());                              // until 00:00:10
 * });
 * }</pre>
 *
 * <p>The bubble ends when its last goroutine does; once the root has returned, time no longer
 * moves, so goroutines still blocked then fail the run (Go's "main bubble goroutine has exited
 * but blocked goroutines remain").
 */
public final class Synctest {
    private Synctest() {}

    /**
     * Runs {@code body} as the root goroutine of a new bubble under a fresh random seed and
     * returns when every goroutine of the bubble has ended. A failure of the body or of any
     * goroutine of the bubble, or a deadlock, is rethrown here, with the seed that replays it
     * attached as a suppressed exception.
     */
    public static void run(Runnable body) {
        run(ThreadLocalRandom.current().nextLong(), body);
    }

    /** {@link #run(Runnable)} with every scheduling choice drawn from {@code seed}. */
    public static void run(long seed, Runnable body) {
        Schedule s = attempt(seed, body);
        if (s.failed()) {
            Throwable t = s.failure();
            t.addSuppressed(new ScheduleInfo("weft: bubble schedule seed=" + s.seed() + " (" + s.steps()
                    + " steps); replay it with Synctest.run(" + s.seed() + "L, body)"));
            throw Synctest.<RuntimeException>sneaky(t);
        }
    }

    /**
     * Inside a bubble: returns once every other goroutine of the bubble is durably blocked
     * (Go's {@code synctest.Wait}). The clock does not move meanwhile.
     *
     * @throws IllegalStateException outside a bubble, or if another goroutine of the bubble is
     *     already waiting
     */
    public static void await() {
        Bubble b = Bubble.current();
        if (b == null) {
            throw new IllegalStateException("weft: Synctest.await called from outside any bubble");
        }
        b.await();
    }

    /** Runs {@code body} in a bubble under {@code seed} and returns the schedule; never throws for the body. */
    public static Schedule attempt(long seed, Runnable body) {
        Bubble.Outcome o = Bubble.run(seed, body);
        return new Schedule(o.seed(), o.steps(), o.trace(), o.failure());
    }

    /**
     * Runs {@code body} under the seeds {@code first}, {@code first + 1}, ... ({@code count} of
     * them, wrapping past {@code Long.MAX_VALUE}) and returns the first schedule that failed, if any.
     */
    public static Optional<Schedule> search(long first, int count, Runnable body) {
        if (count < 1) {
            throw new IllegalArgumentException("weft: search needs at least one schedule, got " + count);
        }
        for (int i = 0; i < count; i++) { // counted, not compared: first + count may overflow
            Schedule s = attempt(first + i, body);
            if (s.failed()) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The seed of a failed bubble run, attached to its failure. */
    static final class ScheduleInfo extends RuntimeException {
        ScheduleInfo(String message) {
            super(message, null, false, false);
        }
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
