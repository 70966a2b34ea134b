package dev.weft.sync;

import dev.weft.internal.util.StackHeadroom;
import dev.weft.internal.sched.Bubble;
import dev.weft.internal.sched.G;
import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.ProcessSupport;
import dev.weft.internal.sched.Sched;
import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.internal.sched.WaitReason;
import dev.weft.internal.access.WaitGroups;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Waits for a collection of tasks to finish: Go's {@code sync.WaitGroup}. {@link #add} counts
 * tasks in, {@link #done} counts them out, {@link #await} parks until the counter is zero.
 *
 * <h2>State word</h2>
 * {@link #state} holds the counter in its high 32 bits and the number of waiters in its low 32, so
 * "counter reached zero" and "who waits" are read in one atomic step. A waiter registers with a
 * CAS that fails if the counter changed; the {@code add} that brings the counter to zero with
 * waiters registered resets the whole word to 0 and releases {@link #sema} once per waiter. Each
 * waiter checks on wake that the word is still 0: anything else means the group was reused
 * before every waiter had returned, which Go reports as misuse.
 *
 * <p><b>Interrupts.</b> {@code await} is not interruptible (see the package documentation); the
 * interrupt status is set again when it returns.
 */
public final class WaitGroup {
    /** The runtime whose goroutine made this (for deadlock detection); null if a platform thread did. */
    private final Object weftRuntime = Parking.callerRuntime();
    /** Made in a synctest bubble: waits on it are durable there, so outsiders may not touch it. */
    private final boolean bubbled = Bubble.isBubble(weftRuntime);

    private final AtomicLong state = new AtomicLong();
    private final Sema sema = new Sema();

    static {
        WaitGroups.install(new WaitGroups.Access() {
            @Override
            public Object newWait() {
                return new Sema.Abandonable();
            }

            @Override
            public boolean await(Object group, Object wait) {
                return ((WaitGroup) group).await((Sema.Abandonable) wait);
            }

            @Override
            public void abandon(Object group, Object wait) {
                ((WaitGroup) group).sema.abandon((Sema.Abandonable) wait);
            }
        });
    }

    /**
     * Adds {@code delta} (possibly negative) to the counter; at zero, every waiter is released.
     *
     * @throws IllegalStateException if the counter would go negative or past
     *     {@code Integer.MAX_VALUE} (the counter is left as it was), or on an {@code add} that
     *     races with {@link #await} on a zero counter
     */
    public void add(int delta) {
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "add to synctest WaitGroup");
        }
        // The misuse check comes before the change, on the value the CAS changes. Go adds first
        // and dies on a negative counter; an add undone after the check showed the negative
        // counter to every other thread meanwhile: a legitimate add or done met it and was
        // rejected too, and an await took the counter for non-zero, registered, and slept for
        // good once the counter was back at zero (WaitGroupTest).
        long s;
        for (;;) {
            long old = state.get();
            long counter = (old >> 32) + delta;
            if (counter < 0) {
                throw new IllegalStateException("negative WaitGroup counter");
            }
            if (counter > Integer.MAX_VALUE) {
                throw new IllegalStateException("WaitGroup counter overflow");
            }
            if (counter == 0 && (int) old != 0) {
                // Calls follow the update when it brings the counter to zero with waiters (their
                // release): a stack overflow must come before it, or they would never be
                // released (StackHeadroom); only then is the probe worth its cost.
                StackHeadroom.ensure(Sema.CALLER_HEADROOM_FRAMES); // down to Sema's own probe
            }
            s = old + ((long) delta << 32);
            if (state.compareAndSet(old, s)) {
                break;
            }
        }
        int v = (int) (s >> 32);
        int waiters = (int) s;
        if (waiters != 0 && delta > 0 && v == delta) {
            throw new IllegalStateException("WaitGroup misuse: add called concurrently with await");
        }
        if (v > 0 || waiters == 0) {
            return;
        }
        // Counter is 0 with waiters: nobody may change the word now but us.
        if (state.get() != s) {
            throw new IllegalStateException("WaitGroup misuse: add called concurrently with await");
        }
        state.set(0);
        for (int i = 0; i < waiters; i++) {
            sema.release(false);
        }
    }

    /** Counts one task out: {@code add(-1)}. */
    public void done() {
        add(-1);
    }

    /** Parks until the counter is zero. */
    public void await() {
        for (;;) {
            long s = state.get();
            if ((int) (s >> 32) == 0) {
                return;
            }
            if (bubbled) {
                Bubble.checkAccess(weftRuntime, "wait on synctest WaitGroup");
            }
            if (state.compareAndSet(s, s + 1)) {
                if (!sema.acquire(this, weftRuntime, WaitReason.WAITGROUP_WAIT, false, true)) {
                    leaveWaiters(); // the caller's process ended: see there
                }
                if (state.get() != 0) {
                    throw new IllegalStateException("WaitGroup is reused before previous await has returned");
                }
                return;
            }
        }
    }

    /**
     * A waiter whose process ended has left the semaphore's queue: it takes its count out of the
     * word and throws the exit exception, unless the counter has reached zero meanwhile. Then
     * the adder has reset the word and releases one unit per waiter it counted, this one's
     * included, so this waiter takes its unit (it is coming), lets the wait complete and unwinds
     * at its next safe point; a unit left in the semaphore would wake a later wait early.
     */
    private void leaveWaiters() {
        if (leftWaiters()) {
            throw ProcessSupport.cancellation();
        }
    }

    /**
     * {@link #leaveWaiters}'s step: true if this waiter's count is out of the word, false if the
     * counter reached zero first and the unit released for it has been taken (the wait completed).
     */
    private boolean leftWaiters() {
        for (;;) {
            long s = state.get();
            if ((int) (s >> 32) == 0 || (int) s == 0) {
                sema.acquire(this, weftRuntime, WaitReason.WAITGROUP_WAIT, false); // not cancellable
                return false;
            }
            if (state.compareAndSet(s, s - 1)) {
                return true;
            }
        }
    }

    /**
     * {@link #await()} that another thread may end ({@link WaitGroups}: a thread pool's onDone
     * waiter, whose registration is cancelled). Returns true once the counter is zero, false if
     * {@code wait} was abandoned first: the waiter has then left as one whose process ended
     * does ({@link #leaveWaiters}), except that it returns instead of throwing.
     */
    private boolean await(Sema.Abandonable wait) {
        for (;;) {
            long s = state.get();
            if ((int) (s >> 32) == 0) {
                return true;
            }
            if (bubbled) {
                Bubble.checkAccess(weftRuntime, "wait on synctest WaitGroup");
            }
            if (state.compareAndSet(s, s + 1)) {
                if (!sema.acquireAbandonable(this, weftRuntime, WaitReason.WAITGROUP_WAIT, wait)
                        && leftWaiters()) {
                    if (wait.abandoned) { // written under the semaphore's lock, seen by its acquire
                        return false;
                    }
                    throw ProcessSupport.cancellation();
                }
                if (state.get() != 0) {
                    throw new IllegalStateException("WaitGroup is reused before previous await has returned");
                }
                return true;
            }
        }
    }

    /**
     * Go 1.25's {@code wg.Go(f)}: {@code add(1)}, then a goroutine that runs {@code task} and calls {@link #done()}.
     *
     * @throws java.util.concurrent.RejectedExecutionException if the goroutine is refused (a
     *     closed runtime, a process's thread limit); the count is then taken back
     */
    public Goroutine go(Runnable task) {
        Objects.requireNonNull(task, "task");
        add(1);
        G g;
        try {
            // Not Go.go, whose safe point after the start may throw (the caller's process has
            // ended) with the task started: only a start that threw started nothing.
            g = Sched.forCaller().go(() -> {
                try {
                    task.run();
                } finally {
                    done();
                }
            }, true);
        } catch (RuntimeException | Error e) {
            done(); // refused (a process's thread limit, a closed runtime): await must not wait for it
            throw e;
        }
        try {
            Go.checkpoint(); // Go.go's safe point
        } catch (StackOverflowError started) {
            // As in Go.go: the task has started, so its handle must reach the caller.
        }
        return (Goroutine) ProcessSupport.goroutineOf(g);
    }

}
