package dev.weft.internal.sched;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The scheduler's face for processes ({@code dev.weft.proc}): reading and setting a goroutine's
 * {@link ProcessLink}, cancelling a member, holding cancellation off, and the goroutines of the
 * root process. Static, as {@link Parking} is.
 *
 * <p><b>Cancellation.</b> {@link #cancel} sets {@link G#cancelled}, then wakes the thread twice
 * over: an unpark for a weft wait and an interrupt for a JDK one. weft's waits are not
 * interruptible (as Go's), so nothing else notices; each wait loop checks the flag after every
 * return from {@link Parking#park} and withdraws its waiter under the primitive's lock, or, when
 * a waker completed the wait first, lets it complete: the exception then comes at the next safe
 * point ({@link Sched#checkpoint}, {@code Go.go}, {@code Go.yield}, {@code Go.blocking}'s return).
 * Once set the flag stays set: a thread that catches the exception and waits again gets it again.
 */
public final class ProcessSupport {
    private ProcessSupport() {}

    /** Makes {@code dev.weft.Goroutine} handles; registered by that class (it owns the constructor). */
    private static volatile Function<G, Object> goroutineFactory;

    /** Called once by {@code dev.weft.Goroutine}'s initialiser. */
    public static void registerGoroutineFactory(Function<G, Object> factory) {
        goroutineFactory = factory;
    }

    /** The public handle of {@code g} (a {@code dev.weft.Goroutine}). */
    public static Object goroutineOf(G g) {
        Function<G, Object> f = goroutineFactory;
        if (f == null) {
            try {
                Class.forName("dev.weft.Goroutine", true, G.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("weft: dev.weft.Goroutine is missing", e);
            }
            f = goroutineFactory;
        }
        return f.apply(g);
    }

    /** The calling goroutine, or null on a thread that is not one. */
    public static G current() {
        return Sched.currentG();
    }

    /** The process of {@code g}; null for the root process. */
    public static ProcessLink processOf(G g) {
        return g.process;
    }

    /**
     * Makes the calling goroutine a member of {@code link}, whose slot its creator reserved: how
     * a process's primary thread, started through the public {@code Weft.go}, joins it before its
     * body runs. Its children inherit the link from then on.
     */
    public static void joinCurrent(ProcessLink link) {
        G g = Sched.currentG();
        if (g == null || g.process != null) {
            throw new IllegalStateException("weft: only a new goroutine outside any process can join one");
        }
        g.process = link;
        // Its carrier read no process when it mounted it: it accounts this slice from here.
        if (dev.weft.internal.vm.VirtualThreads.currentCarrierThread() instanceof M m && m.curg == g) {
            m.joinedAt = System.nanoTime();
            m.joined = g;
        }
        link.joined(g);
    }

    /**
     * Runs {@code create} with the calling goroutine outside its process for the call, so that a
     * goroutine it starts does not inherit the process: how a thread of one process starts
     * another process's primary thread. Only the caller reads or writes its own link here.
     */
    public static <T> T outsideProcess(java.util.function.Supplier<T> create) {
        G g = Sched.currentG();
        ProcessLink own = g == null ? null : g.process;
        if (own == null) {
            return create.get();
        }
        g.process = null;
        try {
            return create.get();
        } finally {
            g.process = own;
        }
    }

    /** Cancels {@code g}: see the class comment. Any thread; idempotent. */
    public static void cancel(G g) {
        g.cancelled = true;
        Thread t = g.thread;
        if (t == Thread.currentThread()) {
            return; // an exit from this thread: it unwinds by itself, and its finally blocks uninterrupted
        }
        Parking.wake(t); // a weft wait returns from its park and sees the flag
        t.interrupt(); // a JDK wait (a latch, Thread.sleep, a socket) ends with InterruptedException
    }

    /** Whether {@code g} (null: not a goroutine) has a cancellation pending and not held off. */
    static boolean pending(G g) {
        return g != null && g.cancelled && g.cancelMask == 0;
    }

    /**
     * Throws the calling goroutine's pending cancellation, if any: a safe point. The interrupt its
     * canceller sent is cleared: the exception is its answer, and {@code finally} blocks on the
     * way out should not find their JDK waits interrupted by it.
     */
    public static void checkCancelled() {
        G g = Sched.currentG();
        if (pending(g)) {
            Thread.interrupted();
            throw g.process.cancellation();
        }
    }

    /**
     * The calling goroutine's cancellation exception, for a wait that has just withdrawn; the
     * interrupt its canceller sent is cleared, since the exception is its answer.
     */
    public static RuntimeException cancellation() {
        G g = Sched.currentG();
        Thread.interrupted();
        return g.process.cancellation();
    }

    /**
     * Holds cancellation off for the calling goroutine until {@link #unmask}: for steps that
     * must complete even in a cancelled thread (a {@code Cond} relocking its mutex). Nests.
     */
    public static void mask() {
        G g = Sched.currentG();
        if (g != null) {
            g.cancelMask++;
        }
    }

    /** Ends one {@link #mask}. */
    public static void unmask() {
        G g = Sched.currentG();
        if (g != null) {
            g.cancelMask--;
        }
    }

    /** The live goroutines of every runtime that belong to no process: the root process's threads. */
    public static List<G> rootMembers() {
        List<G> out = new ArrayList<>();
        for (Sched s : Sched.liveRuntimes()) {
            for (G g : s.goroutines.all.snapshot()) {
                if (g.process == null) {
                    out.add(g);
                }
            }
        }
        return out;
    }
}
