package dev.weft;

import dev.weft.internal.sched.G;
import dev.weft.internal.sched.Sched;

/**
 * Go's statements and runtime calls for the running goroutine: {@code go}, {@code Gosched},
 * the current goroutine.
 */
public final class Go {
    private Go() {}

    /**
     * Starts a goroutine on the caller's runtime, or on {@link Weft#defaultRuntime()} when the
     * caller is not a goroutine.
     */
    public static Goroutine go(Runnable body) {
        G current = Sched.currentG();
        Sched sched = current != null ? current.sched() : Weft.defaultRuntime().sched;
        return new Goroutine(sched.go(body, true));
    }

    /**
     * Gosched: the calling goroutine goes to the tail of the global run queue and others run
     * first. On a platform thread this is {@link Thread#yield()}.
     */
    public static void yield() {
        Thread.yield();
    }

    /** The running goroutine, or null when the caller is not a goroutine. */
    public static Goroutine current() {
        G g = Sched.currentG();
        return g == null ? null : new Goroutine(g);
    }
}
