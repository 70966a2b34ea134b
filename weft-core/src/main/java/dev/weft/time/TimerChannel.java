package dev.weft.time;

import dev.weft.chan.Chan;
import dev.weft.internal.sched.Bubble;
import dev.weft.internal.sched.Sched;
import dev.weft.internal.access.TimerChannels;
import dev.weft.internal.timer.TimerEntry;
import dev.weft.internal.timer.TimerHeap;
import java.lang.invoke.MethodHandles;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The machinery shared by {@link Timer} and {@link Ticker}: a channel of capacity 1, a reusable
 * timer entry whose firing does a non-blocking send of the current time (a slow receiver misses
 * ticks rather than blocking the scheduler), and Go 1.23's guarantee that once {@link #stop}
 * or {@link #reset} returns, no value from before it can be received: both drain the buffer and
 * bump the entry's sequence number, and a firing armed under an older number is dropped.
 *
 * <p>A firing runs on a carrier in the scheduler loop, which must never wait for a goroutine:
 * it only tries {@link #fireLock} (held by stop/reset for a seq bump and a drain) and, if that is
 * taken, hands the delivery to a new goroutine. Arming and stopping serialise on
 * {@link #armLock}, which a firing never takes. A channel timer armed already expired (a
 * non-positive delay) is delivered by the arming call itself, not by a heap (see {@link #arm}).
 *
 * <h2>Due values are there at once (Go 1.23)</h2>
 * The channel calls {@link #runIfDue} before every receive and select: a timer
 * whose time has come but that no heap has run yet is taken out of its heap
 * ({@link TimerHeap#takeIfDue}, which decides against a heap's run under the heap's lock, so the
 * firing goes to exactly one of them) and delivered by the receiver, who, not being a carrier,
 * may wait for {@link #fireLock}. A firing a heap took out but has not delivered yet (the
 * carrier between the heap's lock and ours) is delivered by the receiver too, under both locks:
 * {@link #unsent} says it is still owed, and {@link #deliver} sends a one-shot value only once.
 *
 * <h2>Unreferenced timers are collected (Go 1.23)</h2>
 * A channel timer nobody can receive from any more must not stay armed until it is due: a select
 * loop doing {@code Time.after(1 hour)} each round would keep an entry, a channel and its value
 * per round for an hour. The references are arranged so that the heap does not keep the timer
 * alive: the user holds the {@link Timer} (or {@link Ticker}), which holds this, or only the
 * channel, which holds this as its {@link TimerChannels.Timer} hook; this holds the entry; the
 * entry's callback reaches this only through a {@link WeakFiring}. Once neither the timer nor
 * the channel is reachable (a goroutine blocked on the channel holds it), the GC clears that
 * reference and queues it, and the {@link Collector} thread takes the entry out of its heap
 * ({@link TimerHeap#remove}: safe from any thread and against a move between heaps, the same
 * call stop makes), so the runtime's pending count drops; a firing that runs first finds the
 * weak reference cleared and does nothing.
 *
 * <p>Rejected: Go's own design, a channel timer in a heap only while a goroutine is blocked on its
 * channel, which needs block and unblock hooks in the channel's and select's wait paths and a
 * timer state kept apart from the heap; the weak reference needs no hook beyond
 * {@link #runIfDue} and leaves arming and stopping as they were. Nor a {@link java.lang.ref.Cleaner}:
 * its registration (a phantom reference on a shared list, unlinked again when cleaned) about
 * doubled the time of a {@code newTimer} + {@code stop} (docs/notes/issue-timers-go123.md); the weak reference is the callback object the entry needed
 * anyway, and one whose timer is stopped or fired is never queued. The cost: removal only after
 * a GC has noticed, and one daemon thread while a runtime is live.
 *
 * <p>Not collected: an AfterFunc (its function must run whoever holds the Timer, as in Go), and
 * a timer of a synctest bubble, whose schedule must replay from its seed: a GC that removed a
 * timer in one run and not in another would change when the fake clock moves.
 *
 * <p>The channel is the timer's alone to send on: user code gets it receive-only in effect (a
 * send or close throws), through the access {@code Chan} gives this package
 * ({@link TimerChannels}).
 */
final class TimerChannel implements TimerChannels.Timer {
    static {
        try {
            MethodHandles.lookup().ensureInitialized(Chan.class); // it installs TimerChannels' access
        } catch (IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final TimerChannels.Access CHANNELS = TimerChannels.access();

    /** Capacity 1; receive-only for everyone but {@link #deliver} (see {@link TimerChannels}). */
    @SuppressWarnings("unchecked")
    final Chan<Instant> c = (Chan<Instant>) CHANNELS.make(this);
    private final Sched sched;
    private final TimerEntry entry;
    /** Runs instead of the send (AfterFunc); null for channel timers. */
    private final Runnable func;
    /** Serialises start/stop/reset (they add and remove the entry); never taken by a firing. */
    private final Object armLock = new Object();
    /** Orders a firing's seq check and send against stop/reset's seq bump and drain. */
    private final ReentrantLock fireLock = new ReentrantLock();
    /**
     * A channel timer armed and its value not yet sent (guarded by fireLock): stop and reset
     * report such a timer as stopped even once the heap has handed its firing out, since their
     * seq bump drops that firing (Go 1.23's isSending). Always false for an AfterFunc.
     * {@link #runIfDue} reads it unlocked as a hint and decides under the locks. Not volatile: a
     * volatile write on every arming, stop and delivery showed in a {@code newTimer} + {@code stop}
     * loop (docs/notes/issue-timers-go123.md).
     */
    private boolean unsent;
    /** The current arming's period (0: one-shot); written under armLock before the entry is armed. */
    private long period;

    TimerChannel(Sched sched, Runnable func) {
        this.sched = sched;
        this.func = func;
        if (func == null && sched.bubble() == null) {
            WeakFiring f = new WeakFiring(this);
            this.entry = new TimerEntry(f);
            f.entry = entry;
        } else {
            this.entry = new TimerEntry(this::fire);
        }
    }

    /**
     * A channel timer's callback, which reaches the timer only weakly (class comment). The entry
     * holds it, so it is enqueued for {@link Collector} only if the timer is collected while its
     * entry is still in some heap: a stopped or fired timer goes away with its entry, at no cost.
     */
    private static final class WeakFiring extends WeakReference<TimerChannel> implements TimerEntry.Callback {
        /**
         * Set once, right after the entry is made and before it is first armed; the collector
         * reads it only after a GC has queued this, a safepoint after the write.
         */
        TimerEntry entry;

        WeakFiring(TimerChannel tc) {
            super(tc, Collector.QUEUE);
            Collector.ensureRunning();
        }

        @Override
        public void fire(TimerEntry e, long seq, long now) {
            TimerChannel tc = get();
            if (tc != null) {
                tc.fire(e, seq, now);
            } // else collected: nobody can receive the value
        }
    }

    /**
     * Takes the entries of collected channel timers out of their heaps: one daemon thread per
     * copy of weft, that waits on the queue the GC fills ({@link TimerHeap#remove} is safe from
     * any thread). Started by a channel timer made outside a bubble while none runs, it ends once
     * it has waited {@link #IDLE_MILLIS} for nothing with no runtime of this copy left: the
     * collected timers' entries are then in heaps nothing runs, and a thread running weft's code
     * would keep its class loader, with every class and static it holds, for the life of the
     * process (a copy in a loader of its own, closed: TwoCopiesOfWeftTest, TimerCollectorLifeTest).
     */
    private static final class Collector {
        static final ReferenceQueue<TimerChannel> QUEUE = new ReferenceQueue<>();
        /** How long an idle collector waits before it looks whether any runtime is left. */
        private static final long IDLE_MILLIS = 1_000;
        /** Whether a collector thread runs (or is starting); cleared by the thread as it ends. */
        private static final AtomicBoolean RUNNING = new AtomicBoolean();

        /**
         * Called for each channel timer made outside a bubble (one volatile read when a collector
         * runs). A thread that cannot be started (out of threads or memory) leaves the timer
         * working, only uncollected; the next timer tries again.
         */
        static void ensureRunning() {
            if (!RUNNING.get() && RUNNING.compareAndSet(false, true)) {
                try {
                    Thread.ofPlatform().daemon().name("weft-timer-collector")
                            .inheritInheritableThreadLocals(false) // it may outlive its starter: keep nothing of it
                            .start(Collector::drain);
                } catch (Throwable notStarted) {
                    RUNNING.set(false);
                }
            }
        }

        private static void drain() {
            for (;;) {
                try {
                    Reference<? extends TimerChannel> r = QUEUE.remove(IDLE_MILLIS);
                    if (r != null) {
                        TimerHeap.remove(((WeakFiring) r).entry);
                    } else if (!Sched.anyLive()) {
                        RUNNING.set(false);
                        // A timer made since that look saw RUNNING and started no thread: its
                        // runtime is live, so this one goes on, unless such a timer started one.
                        if (!Sched.anyLive() || !RUNNING.compareAndSet(false, true)) {
                            return;
                        }
                    }
                } catch (InterruptedException e) {
                    // nobody interrupts it on purpose: go on collecting
                } catch (Throwable failure) {
                    // A removal that fails, or the wait itself (it allocates: out of memory), must
                    // not end the only thread that collects: every timer dropped afterwards would
                    // stay armed, and queued for good (the queue holds what the GC put in it).
                    report(failure);
                }
            }
        }

        /** As the thread's end would report it, but the thread goes on. */
        private static void report(Throwable failure) {
            try {
                Thread self = Thread.currentThread();
                self.getUncaughtExceptionHandler().uncaughtException(self, failure);
            } catch (Throwable again) {
                // out of memory again, or a handler that throws: collection goes on regardless
            }
        }
    }

    private void fire(TimerEntry e, long seq, long now) {
        if (func != null) {
            startGoroutine(func);
            return;
        }
        // A carrier in its scheduler loop must never wait for a goroutine (it may be what that
        // goroutine needs to run): deliver here only if nobody is stopping or resetting the
        // timer right now, else let a goroutine of its own wait for them.
        if (fireLock.tryLock()) {
            try {
                deliver(e, seq);
            } finally {
                fireLock.unlock();
            }
        } else {
            startGoroutine(() -> {
                fireLock.lock();
                try {
                    deliver(e, seq);
                } finally {
                    fireLock.unlock();
                }
            });
        }
    }

    /**
     * Fired on a carrier or sysmon, which may start goroutines while the runtime closes; a start
     * refused because the runtime stopped meanwhile drops the timer, as Go drops them at exit.
     */
    private void startGoroutine(Runnable body) {
        try {
            sched.go(body, true);
        } catch (RejectedExecutionException closing) {
            // nobody is left to receive it
        }
    }

    /**
     * Under fireLock: send the time unless the timer was stopped or reset since it was armed, or
     * (one-shot) its value was sent already: a receiver may have delivered a firing that a heap
     * had taken out ({@link #runIfDue}).
     */
    private void deliver(TimerEntry e, long seq) {
        if (seq == e.seq() && (unsent || period > 0)) {
            Bubble b = sched.bubble();
            CHANNELS.offer(c, b == null ? Instant.now() : b.now());
            unsent = false;
        }
    }

    void start(long delayNanos, long periodNanos) {
        if (sched.bubble() != null) {
            Bubble.checkAccess(sched, "start of synctest timer");
        }
        synchronized (armLock) {
            invalidateFirings(false, true);
            arm(delayNanos, periodNanos);
        }
    }

    /**
     * Under armLock, the entry out of every heap and its firings invalidated: arms it, or, for a
     * channel timer already expired ({@code delayNanos <= 0}), sends its value now. Go 1.23 runs
     * an expired timer's channel when it is received from, selected on or stopped, so its value
     * is there at once: a select with a ready case or a default must see it, not lose to them
     * until a heap's next run. An AfterFunc still starts its function from the heap.
     */
    private void arm(long delayNanos, long periodNanos) {
        period = periodNanos;
        if (delayNanos <= 0 && periodNanos == 0 && func == null) {
            fireLock.lock(); // not a carrier: stop and reset wait for it as well
            try {
                deliver(entry, entry.seq());
            } finally {
                fireLock.unlock();
            }
        } else {
            sched.addTimer(entry, deadline(delayNanos), periodNanos);
        }
    }

    /**
     * The channel's hook before a receive or select (class comment, "Due values are
     * there at once"). No lock while nothing is due: a pending entry not due yet costs a clock
     * read, a fired or stopped one two field reads.
     */
    @Override
    public void runIfDue() {
        if (func != null) {
            return; // an AfterFunc sends nothing on its channel
        }
        Bubble bubble = sched.bubble();
        if (bubble != null && Bubble.current() != bubble) {
            // From outside its bubble: a receive or select refuses itself (Chan, Select; recv
            // asks here before its check); the bubble's timer is not run from here (its
            // schedule replays from the seed).
            return;
        }
        if (entry.isPending()) {
            long now = sched.nanoTime();
            if (entry.when() > now || sched.isTerminated()) {
                return; // not due, or the runtime is gone: its timers never fire
            }
            long seq = TimerHeap.takeIfDue(entry, now);
            if (seq >= 0) {
                fireLock.lock(); // not a carrier: may wait for a stop or reset
                try {
                    deliver(entry, seq);
                } finally {
                    fireLock.unlock();
                }
                return;
            }
            // a heap's run took it first: delivered below if it is still owed
        }
        if (unsent && !sched.isTerminated()) {
            deliverTakenFiring();
        }
    }

    /**
     * A one-shot value owed while the entry is out of every heap: under armLock (no arming half
     * done: {@link #unsent} is set before the entry is armed), that is a firing some heap took
     * out and has not delivered yet. Sent now, with the seq it carries; its own delivery then
     * finds nothing owed.
     */
    private void deliverTakenFiring() {
        synchronized (armLock) {
            fireLock.lock();
            try {
                if (unsent && !entry.isPending()) {
                    deliver(entry, entry.seq());
                }
            } finally {
                fireLock.unlock();
            }
        }
    }

    /**
     * Returns whether the program could not have received the timer's value yet (Go 1.23): it
     * was pending, its firing was under way (dropped now), or its value sat unreceived in the
     * channel (drained now). Reporting only "pending" made Go's pre-1.23 idiom
     * {@code if !t.Stop() { <-t.C }} wait for ever for the value this call drained.
     */
    boolean stop() {
        if (sched.bubble() != null) {
            Bubble.checkAccess(sched, "stop of synctest timer");
        }
        synchronized (armLock) {
            // Out of the heap first, then the new sequence number: a firing the heap hands out
            // after the bump would carry the new number and get through (issue 12, defect 4).
            boolean pending = TimerHeap.remove(entry);
            boolean unreceived = invalidateFirings(true, false);
            Reference.reachabilityFence(this); // not collected (and removed) before the answer
            return pending || unreceived;
        }
    }

    boolean reset(long delayNanos, long periodNanos) {
        if (sched.bubble() != null) {
            Bubble.checkAccess(sched, "reset of synctest timer");
        }
        synchronized (armLock) {
            boolean pending = TimerHeap.remove(entry); // before the bump, as in stop
            boolean unreceived = invalidateFirings(true, true); // reported as stop does
            arm(delayNanos, periodNanos);
            Reference.reachabilityFence(this);
            return pending || unreceived;
        }
    }

    /**
     * With the entry out of every heap: a firing already taken out now drops its value, and one
     * delivered before is drained. Returns whether either happened to a value of the previous
     * arming (nobody could have received it); {@code rearm}: the entry is about to be armed again.
     */
    private boolean invalidateFirings(boolean drain, boolean rearm) {
        fireLock.lock();
        try {
            entry.bumpSeq();
            boolean dropped = unsent;
            unsent = rearm && func == null;
            return (drain && CHANNELS.drain(c) != null) || dropped;
        } finally {
            fireLock.unlock();
        }
    }

    private long deadline(long delayNanos) {
        long now = sched.nanoTime();
        long d = Math.max(0, delayNanos);
        return now + d < now ? Long.MAX_VALUE : now + d;
    }

    static long nanos(Duration d, String what) {
        Objects.requireNonNull(d, what);
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
