package dev.weft;

import dev.weft.internal.sched.G;
import dev.weft.internal.sched.ProcessSupport;
import dev.weft.internal.sched.Sched;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Go's statements and runtime calls for the running goroutine: {@code go}, {@code Gosched},
 * the current goroutine, cooperative preemption and blocking calls.
 */
public final class Go {
    private Go() {}

    /**
     * Starts a goroutine on the caller's runtime, or on {@link Weft#defaultRuntime()} when the
     * caller is not a goroutine.
     *
     * <p>The call is a safe point once the goroutine has started: if the caller's process has
     * ended ({@code dev.weft.proc}), it throws that process's {@code ProcessExitException} with
     * the new goroutine already running. Any other exception means nothing was started.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the runtime refuses the
     *     goroutine (closed, or the caller's process at its thread limit)
     */
    public static Goroutine go(Runnable body) {
        Goroutine g = new Goroutine(Sched.forCaller().go(body, true));
        try {
            Sched.checkpoint();
        } catch (StackOverflowError e) {
            // The goroutine has started: its handle must reach the caller (a Go.go that throws
            // a StackOverflowError started nothing). The yield waits for the next safe point.
        }
        return g;
    }

    /**
     * {@link #go(Runnable)} at {@code priority}, 0 (lowest) to 31 (highest); see
     * {@link Weft#go(int, Runnable)}. Under the PRIORITY policy a goroutine started above the
     * priority of the lowest goroutine running takes that goroutine's processor at once, if no
     * processor is idle: with one processor, that is the caller's; with more, the lowest
     * running goroutine yields, which may be another than the caller.
     *
     * @throws IllegalArgumentException if {@code priority} is outside 0..31
     */
    public static Goroutine go(int priority, Runnable body) {
        Goroutine g = new Goroutine(Sched.forCaller().go(body, true, Goroutine.checkPriority(priority)));
        try {
            Sched.checkpoint();
        } catch (StackOverflowError e) {
            // The goroutine has started: its handle must reach the caller (a Go.go that throws
            // started nothing). The yield waits for the next safe point.
        }
        return g;
    }

    /**
     * Pauses the calling goroutine for at least {@code d} (Go's {@code time.Sleep}): it parks on a
     * timer of its processor and its carrier runs other goroutines meanwhile. Zero or negative
     * returns at once. An interrupt does not end the sleep; the interrupt status is kept. On a
     * platform thread it parks the thread.
     */
    public static void sleep(Duration d) {
        Objects.requireNonNull(d, "weft: sleep of a null duration");
        Sched.sleep(d.isNegative() ? 0 : saturatedNanos(d));
    }

    static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * A safe point: if the scheduler has asked the calling goroutine to give up its carrier
     * (its time slice ran out, or a higher-priority goroutine waits), it yields here. Call it in
     * long loops that never block; weft's own blocking calls and {@link #go} already are safe
     * points. A goroutine that ignores the request for another slice loses its processor to
     * another carrier. Free when there is no request; a no-op outside goroutines.
     */
    public static void checkpoint() {
        Sched.checkpoint();
    }

    /**
     * Runs {@code call}, which may block the carrier thread (file I/O, a native call, a JNI
     * library), so that the scheduler can hand this goroutine's processor to another carrier if
     * it lasts (Go's entersyscall/exitsyscall). A call that returns quickly costs no thread
     * switch. Calls that park a virtual thread (sockets, locks, {@code Thread.sleep}) do not need
     * this; on a platform thread it just runs {@code call}.
     *
     * @return what {@code call} returns
     * @throws Exception what {@code call} throws
     */
    public static <T> T blocking(Callable<T> call) throws Exception {
        Objects.requireNonNull(call, "weft: blocking of a null call");
        // On entry too: the interrupt that ends a blocked call is sent once, so a caller that
        // retried after it (catching InterruptedException) would block for good in the call.
        ProcessSupport.checkCancelled();
        T result = Sched.blocking(call);
        ProcessSupport.checkCancelled(); // a process that ended during the call unwinds on its return
        return result;
    }

    /** {@link #blocking(Callable)} for a call without a result or checked exceptions. */
    public static void blocking(Runnable call) {
        Objects.requireNonNull(call, "weft: blocking of a null call");
        ProcessSupport.checkCancelled(); // as above
        try {
            Sched.blocking(() -> {
                call.run();
                return null;
            });
            ProcessSupport.checkCancelled(); // as above
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("unreachable: a Runnable threw a checked exception", e);
        }
    }

    /**
     * Gosched: the calling goroutine goes behind the goroutines that are ready and others run
     * first. Under {@link SchedulingPolicy#FIFO} it goes to the tail of its processor's run queue
     * when goroutines wait there, else of the global one (as Go's); with nothing ready anywhere it
     * runs on after the scheduler's round (timers, the global queue's turn). Under
     * {@link SchedulingPolicy#PRIORITY} to the tail of its priority level, so only
     * goroutines of its level or above run first (with a higher one ready it would not be running).
     * On a platform thread this is {@link Thread#yield()}.
     */
    public static void yield() {
        Thread.yield();
        ProcessSupport.checkCancelled(); // a safe point: an ended process's thread unwinds here
    }

    /** The running goroutine, or null when the caller is not a goroutine. */
    public static Goroutine current() {
        G g = Sched.currentG();
        return g == null ? null : new Goroutine(g);
    }
}
