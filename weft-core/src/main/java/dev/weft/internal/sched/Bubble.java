package dev.weft.internal.sched;

import dev.weft.internal.util.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.random.RandomGenerator;

/**
 * A synctest bubble (Go 1.25's {@code testing/synctest}): a private runtime of one P and one
 * carrier, with a fake clock and a seeded schedule. {@code dev.weft.test.Synctest} is its face.
 *
 * <h2>Why one P and one carrier</h2>
 * The bubble is an N_1 engine whatever {@code -Dweft.model} says: with one carrier, at most one
 * goroutine of the bubble runs at a time, so "nothing runs" is a fact its carrier knows when its
 * {@code findRunnable} comes up empty ({@link #idle}), and every interleaving is a sequence of
 * choices made on that one thread, which a seeded random source can make reproducible.
 *
 * <h2>The fake clock</h2>
 * {@link #nanos} starts at {@link #START_NANOS} (2000-01-01T00:00:00Z, as Go's) and moves only in
 * {@link #idle}: when every goroutine of the bubble is durably blocked, it jumps to the earliest
 * timer, which the carrier then fires as any due timer. Running code never sees it move, so no
 * time slice could ever end: a bubble starts no sysmon, and the seed decides every switch.
 *
 * <h2>Durably blocked</h2>
 * A goroutine parked in a weft primitive (channel, select, sleep, timer, WaitGroup, Cond, join,
 * and Mutex, RWMutex, Semaphore and Once) whose runtime token is this bubble's scheduler: only a
 * goroutine of the bubble can end such a wait, because primitives made inside a bubble refuse
 * use from outside. Go counts a Mutex wait as never durable because it cannot tell where a mutex
 * was made; weft can, so a wait on a Mutex made inside the bubble is durable and one on a Mutex
 * made outside is not. Anything else (a JDK lock, I/O, {@code Thread.sleep}, a weft primitive
 * made outside the bubble) is not durable: the carrier then waits for real, and whoever ends the
 * wait readies the goroutine through the ordinary path, which wakes the carrier.
 *
 * <h2>The schedule</h2>
 * Every choice comes from {@link #random}, used only on the bubble's carrier thread (by the
 * carrier itself or the goroutine it runs): which runnable goroutine runs next
 * ({@link SeededQueues}), whether a goroutine switches at a safe point ({@link #switchAtSafePoint}),
 * select's case order. The policy is PCT-style (probabilistic concurrency testing): each
 * goroutine draws a random priority when first scheduled, the highest runnable one runs, and at
 * each safe point a change point may strike (at a rate drawn per schedule) and drop the running
 * goroutine below all others. Each choice is a step of {@link #trace}, so the same seed gives
 * the same list of steps.
 */
public final class Bubble {
    /** Go's synctest epoch: 2000-01-01T00:00:00Z. */
    public static final Instant EPOCH = Instant.parse("2000-01-01T00:00:00Z");
    /** The fake nanoTime at {@link #EPOCH} (positive, so that no deadline computation wraps). */
    static final long START_NANOS = 1_000_000_000L;
    /** Trace entries kept; later steps are only counted. */
    static final int MAX_TRACE = 100_000;

    private final long seed;
    private final SplittableRandom random;
    /** One switch at a safe point in this many, on average (drawn per schedule). */
    private final int changeRate;
    private volatile long nanos = START_NANOS;
    final Clock clock = () -> nanos;
    Sched sched;

    /** Priorities, drawn lazily on the carrier (see the class comment); carrier only. */
    private final Map<G, Integer> priority = new HashMap<>();
    /** Below every priority drawn so far: where a change point sends a goroutine. */
    private int lowest;
    /** A goroutine that yields at a safe point to a higher one keeps its priority. */
    private G keepPriority;

    private final List<String> trace = new ArrayList<>();
    private long steps;

    /** Set by the root goroutine itself as its body ends (before any other goroutine can look). */
    private volatile boolean rootEnded;
    private volatile G awaiter;
    private volatile boolean awaitReleased;
    private volatile boolean done;
    private volatile Thread runner;
    private Throwable failure;

    private Bubble(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        int[] rates = {2, 3, 5, 10, 30, 100};
        this.changeRate = rates[random.nextInt(rates.length)];
    }

    /** What one run of a bubble came to. */
    public record Outcome(long seed, long steps, List<String> trace, Throwable failure) {
        public boolean failed() {
            return failure != null;
        }
    }

    /**
     * Runs {@code body} as the root goroutine of a new bubble scheduled from {@code seed}, and
     * returns once every goroutine of the bubble has ended or the bubble deadlocked. Failures of
     * the body or any goroutine of the bubble are in the outcome, never thrown.
     */
    public static Outcome run(long seed, Runnable body) {
        if (body == null) {
            throw new NullPointerException("weft: synctest run of a null body");
        }
        Bubble b = new Bubble(seed);
        SchedConfig c = new SchedConfig("synctest-" + seed, 1, 1, b::goroutineFailed, b.clock,
                SchedConfig.DEFAULT_TIMESLICE_NANOS, false, false, Model.N_1, 0);
        Sched s = new Sched(c, b);
        b.runner = Thread.currentThread();
        // An interrupt pending from before is kept for the caller; only one during the run
        // abandons the bubble.
        boolean wasInterrupted = Thread.interrupted();
        boolean interrupted = false;
        try {
            s.go(() -> {
                try {
                    body.run();
                } finally {
                    b.rootEnded = true;
                }
            }, true);
            while (!b.done) {
                LockSupport.park(b);
                if (Thread.interrupted()) {
                    interrupted = true;
                    break; // a test timeout: give up on a bubble that waits for real
                }
            }
        } finally {
            if (b.done) {
                s.goroutines.giveUpClosing(); // deadlocked goroutines are left parked, unreachable
                s.close();
            } else {
                b.abandoned(s.dump());
                // Its carrier may be running a goroutine that never ends: do not wait for it.
                s.close(0);
            }
            if (interrupted || wasInterrupted) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (b) {
            return new Outcome(seed, b.steps, Collections.unmodifiableList(new ArrayList<>(b.trace)), b.failure);
        }
    }

    /** The bubble the caller runs in (a goroutine of it, or its carrier), or null. */
    public static Bubble current() {
        G g = Sched.currentG();
        if (g != null) {
            return g.sched.bubble;
        }
        return Thread.currentThread() instanceof M m ? m.sched.bubble : null;
    }

    public long seed() {
        return seed;
    }

    /** The bubble's clock, in the units of {@link System#nanoTime()}. */
    public long nanoTime() {
        return nanos;
    }

    /** The bubble's clock as an instant. */
    public Instant now() {
        return EPOCH.plusNanos(nanos - START_NANOS);
    }

    /** The seeded source, for choices made by goroutines of the bubble (select's order). */
    public RandomGenerator random() {
        return random;
    }

    /**
     * Go's synctest.Wait: returns once every other goroutine of the bubble is durably blocked.
     *
     * @throws IllegalStateException outside this bubble, or if another goroutine is waiting
     */
    public void await() {
        G g = Sched.currentG();
        if (g == null || g.sched.bubble != this) {
            throw new IllegalStateException("weft: Synctest.await called from outside the bubble");
        }
        if (awaiter != null) {
            throw new IllegalStateException("weft: Synctest.await called from goroutine " + g.id
                    + " while goroutine " + awaiter.id + " of the same bubble is already waiting");
        }
        awaitReleased = false;
        awaiter = g;
        try {
            while (!awaitReleased) {
                if (Parking.park(this, WaitReason.SYNCTEST_WAIT, sched)) {
                    // The caller's process is ending: its park returns at once from now on, so
                    // unwind rather than spin on the carrier.
                    throw ProcessSupport.cancellation();
                }
            }
        } finally {
            awaiter = null;
        }
    }

    /**
     * Refuses the use of a primitive of runtime {@code owner} (a bubble's scheduler) from outside
     * that bubble, as Go panics: {@code what} is e.g. "send on synctest channel".
     */
    public static void checkAccess(Object owner, String what) {
        G g = Sched.currentG();
        Sched caller = g != null ? g.sched : Thread.currentThread() instanceof M m ? m.sched : null;
        if (caller != owner) {
            throw new IllegalStateException("weft: " + what + " from outside bubble ("
                    + (caller != null && caller.bubble != null ? "a different bubble" : "not in a bubble") + ")");
        }
    }

    /** The bubble whose runtime token is {@code runtime}, or null (see {@link #isBubble}). */
    public static Bubble of(Object runtime) {
        return runtime instanceof Sched s ? s.bubble : null;
    }

    /** Whether {@code runtime} (a runtime token, see {@link Parking#callerRuntime}) is a bubble's. */
    public static boolean isBubble(Object runtime) {
        return runtime instanceof Sched s && s.bubble != null;
    }

    // ---------------------------------------------------------------------------------------
    // The carrier's side (called from findRunnable and the policy)

    /**
     * The carrier found nothing to run (it holds the P). Returns true if it made progress (woke
     * the awaiter or advanced the clock: look again), false to idle as any carrier does.
     */
    boolean idle() {
        if (done) {
            return false;
        }
        List<G> gs = sched.goroutines.all.snapshot();
        if (gs.isEmpty() && sched.goroutines.live() == 0) {
            finish(null);
            return false;
        }
        G waiting = awaiter;
        for (G g : gs) {
            if (g != waiting && g.status != GStatus.DEAD && !durablyBlocked(g)) {
                return false; // something outside the bubble may end that wait: wait for real
            }
        }
        if (waiting != null && waiting.status == GStatus.WAITING && !awaitReleased) {
            step("await returns in g" + waiting.id);
            awaitReleased = true;
            LockSupport.unpark(waiting.thread);
            return true;
        }
        if (waiting != null) {
            return false; // the awaiter is on its way (not parked yet)
        }
        if (rootEnded) {
            finish(new IllegalStateException("weft: deadlock: main bubble goroutine has exited but blocked"
                    + " goroutines remain\n\n" + sched.dump()));
            return false;
        }
        long next = sched.timers.earliest();
        if (next != Long.MAX_VALUE) {
            long now = nanos;
            if (next > now) {
                nanos = next;
                step("clock +" + (next - now) + "ns -> " + now());
            }
            return true;
        }
        finish(new IllegalStateException("weft: deadlock: all goroutines in bubble are blocked\n\n" + sched.dump()));
        return false;
    }

    private boolean durablyBlocked(G g) {
        if (g.status != GStatus.WAITING || g.waitRuntime != sched) {
            return false;
        }
        WaitReason r = g.waitReason();
        return r != WaitReason.NONE && r != WaitReason.JDK_PARK && r != WaitReason.RUN_MAIN
                && r != WaitReason.SYNCTEST_WAIT && r != WaitReason.JOIN_TIMED; // real time, not the bubble's clock
    }

    private void finish(Throwable deadlock) {
        synchronized (this) {
            if (deadlock != null) {
                step("deadlock");
                if (failure == null) {
                    failure = deadlock;
                } else {
                    failure.addSuppressed(deadlock);
                }
            }
        }
        done = true;
        LockSupport.unpark(runner);
    }

    /** The runner was interrupted before the bubble ended: the run fails with the dump. */
    private void abandoned(String dump) {
        synchronized (this) {
            IllegalStateException e = new IllegalStateException("weft: synctest run interrupted before every"
                    + " goroutine of the bubble ended (a test timeout?); the bubble is abandoned\n\n" + dump);
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
    }

    private void goroutineFailed(G g, Throwable t) {
        synchronized (this) {
            step("g" + g.id + " failed: " + t);
            if (failure == null) {
                failure = t;
            } else if (failure != t) {
                failure.addSuppressed(t);
            }
        }
    }

    /** Records one scheduling step. Carrier thread (or under this object's lock). */
    private void step(String what) {
        steps++;
        if (trace.size() < MAX_TRACE) {
            trace.add(steps + ": " + what);
        }
    }

    private int priorityOf(G g) {
        Integer p = priority.get(g);
        if (p == null) {
            p = 1 + random.nextInt(Integer.MAX_VALUE - 1);
            priority.put(g, p);
        }
        return p;
    }

    /** The order of a timer armed now among those due at the same instant. Carrier only. */
    long timerTiebreak() {
        return random.nextLong();
    }

    /** Picks and removes the runnable goroutine to run next: the highest priority. Carrier only. */
    G pick(List<G> runnable) {
        int best = -1;
        int bestPriority = Integer.MIN_VALUE;
        for (int i = 0; i < runnable.size(); i++) {
            int p = priorityOf(runnable.get(i));
            if (p > bestPriority) {
                bestPriority = p;
                best = i;
            }
        }
        G g = runnable.remove(best);
        step("run g" + g.id);
        return g;
    }

    /** {@code g} just left the carrier: trace why (it ended, blocked, or yielded). Carrier only. */
    void left(G g) {
        if (g.bodyDone) {
            step("g" + g.id + " ends");
        } else if (g.status == GStatus.RUNNABLE_MOUNTED) {
            step("g" + g.id + " yields");
        } else {
            WaitReason r = g.waitReason();
            step("g" + g.id + " blocks [" + (r == WaitReason.NONE ? WaitReason.JDK_PARK.text() : r.text()) + "]");
        }
    }

    /** A goroutine left its carrier still runnable; a plain yield drops its priority (PCT). */
    void requeued(G g, boolean yielded) {
        if (keepPriority == g) {
            keepPriority = null;
        } else if (yielded) {
            priority.put(g, --lowest);
        }
    }

    /**
     * At a safe point of {@code g} (its preempt flag is always set in a bubble): whether it
     * switches now. A change point drops it below every other goroutine; otherwise it switches
     * only if a runnable goroutine has a higher priority.
     */
    boolean switchAtSafePoint(G g, List<G> runnable) {
        if (random.nextInt(changeRate) == 0) {
            priority.put(g, --lowest);
            step("change point: g" + g.id + " drops to the lowest priority");
            return true;
        }
        int mine = priorityOf(g);
        for (int i = 0; i < runnable.size(); i++) {
            if (priorityOf(runnable.get(i)) > mine) {
                keepPriority = g;
                step("g" + g.id + " yields to a higher priority");
                return true;
            }
        }
        return false;
    }
}
