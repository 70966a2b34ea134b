package dev.weft.sync;

import dev.weft.internal.util.StackHeadroom;
import dev.weft.internal.sched.Bubble;
import dev.weft.internal.sched.G;
import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.ProcessSupport;
import dev.weft.internal.sched.Sched;
import dev.weft.internal.sched.WaitReason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A mutual-exclusion lock that parks goroutines, never their carriers: Go's {@code sync.Mutex}.
 * Not reentrant and not owned: any thread may unlock it, as in Go.
 *
 * <h2>State word</h2>
 * {@link #state} packs {@code LOCKED} (bit 0), {@code WOKEN} (bit 1: a waiter has been woken and
 * is competing, so unlock need not wake another), {@code STARVING} (bit 2) and the number of
 * waiters (bits 3 and up). Every change is a CAS or atomic add; the waiters sleep on a
 * {@link Sema}.
 *
 * <h2>Two modes</h2>
 * Normal mode: a woken waiter competes with arriving lockers, which usually win (they are already
 * running), giving throughput; a waiter that loses queues again at the front. A waiter that has
 * waited over 1 ms switches the mutex to starvation mode: unlock hands the lock directly to the
 * first waiter ({@link Sema#release} with hand-off) and newcomers queue at the tail without trying,
 * bounding latency. The mode ends when the owning waiter waited under 1 ms or is the last one.
 *
 * <h2>Cancelled waiters</h2>
 * A waiter whose process ends unwinds at once and leaves a ghost in the semaphore's queue
 * ({@link Sema#acquireOrLeaveGhost}), keeping its place and its count in the waiter field. The
 * first unlock whose wake-up reaches the ghost plays the ghost's part in its own thread
 * ({@link #playGhosts}), the part the word shows the ghost was given (not the mode of that
 * unlock's own release: a stalled release may take another's unit): a normal-mode wake-up
 * makes it a woken waiter that does not lock ({@link #ghostWokenPassesOn}: WOKEN is passed on
 * to the next waiter if the mutex is free and someone waits, else cleared), a starvation-mode
 * hand-off makes it the owner, which unlocks at once ({@link #ghostTakesAndLeaves}, then the
 * unlock goes on). So every transition of the word is one a real waiter could make, and
 * Go's invariants hold as they are: the waiter field counts registered waiters not yet woken,
 * ghosts included; WOKEN stands for exactly one wake-up in flight or one woken waiter competing;
 * and no unit stays in the semaphore without a waiter to take it.
 *
 * <p>Why not unlink the node instead. The waiter field and the semaphore are updated apart: an
 * unlock takes a count out and sets WOKEN, then releases. A waiter that unlinks itself in
 * between cannot tell whether that count was its own. If it takes a count out too, the field is
 * one short; if it does not, its own stays; and when the release then finds the queue empty, its
 * unit stays in the semaphore with WOKEN set and nobody woken, the next waiter to register takes
 * the unit as a "woken" waiter while its own count stays in the field (one too high, so later
 * unlocks issue spurious wake-ups), and a hand-off that finds nobody leaves STARVING set on an
 * unlocked mutex, where {@link #tryLock} fails until some lock call takes the stray unit.
 *
 * <p>Termination. The unlocker's work for ghosts is a loop, not a wait: each turn consumes one
 * ghost (its node leaves the queue with the unit, under the semaphore's lock, exactly once), the
 * ghosts are finitely many, and a turn ends the loop unless its release reached another ghost.
 * No thread ever waits for a ghost, and a ghost never waits: a departing waiter leaves at once.
 * A ghost's count leaves the field when a wake-up reaches it, that is, when an unlock would have
 * woken it; until then {@link #toString} counts it.
 *
 * <p>Go also spins briefly before sleeping on a multicore machine; weft does not, because a
 * parked goroutine costs a continuation switch, not an OS context switch, and spinning would hold
 * the carrier from other goroutines.
 *
 * <p><b>Interrupts.</b> {@code lock} is not interruptible (see the package documentation); the
 * interrupt status is set again when it returns.
 */
public final class Mutex implements Locker {
    /** The runtime whose goroutine made this (for deadlock detection); null if a platform thread did. */
    private final Object weftRuntime = Parking.callerRuntime();
    /** Made in a synctest bubble: waits on it are durable there, so outsiders may not touch it. */
    private final boolean bubbled = Bubble.isBubble(weftRuntime);
    /**
     * Set, for good, once a platform thread has locked this goroutine-made mutex: the holder may
     * then be a thread that deadlock detection cannot see, so waits here no longer count as
     * waits on a primitive of {@link #weftRuntime} ({@link #waitRuntime}); they used to, and
     * goroutines waiting for a platform holder that was about to unlock were reported
     * deadlocked. Written before the locking CAS, so a waiter that saw the lock taken sees it.
     * A waiter parked before keeps the token it read; {@link Sema#platformLocked}, set with this,
     * is what deadlock detection asks about it.
     */
    private boolean platformLocked;

    private static final int LOCKED = 1;
    private static final int WOKEN = 2;
    private static final int STARVING = 4;
    private static final int WAITER_SHIFT = 3;
    private static final int WAITER = 1 << WAITER_SHIFT;
    private static final long STARVATION_THRESHOLD_NANOS = 1_000_000L;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Mutex.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** See "State word"; CAS or getAndAdd only. */
    private volatile int state;
    private final Sema sema = new Sema();
    private final WaitReason reason;
    /** How long a waiter waits before it turns the mutex to starvation mode. */
    private final long starvationThresholdNanos;

    public Mutex() {
        this(WaitReason.MUTEX_LOCK);
    }

    /** A mutex whose waiters show {@code reason} (e.g. {@link Once}'s). */
    Mutex(WaitReason reason) {
        this(reason, STARVATION_THRESHOLD_NANOS);
    }

    /**
     * A mutex that turns to starvation mode after {@code starvationThresholdNanos} of waiting:
     * tests use 0, so that every woken waiter is starving and the two modes' transitions, rare at
     * 1 ms, come by the thousand.
     */
    Mutex(WaitReason reason, long starvationThresholdNanos) {
        this.reason = reason;
        this.starvationThresholdNanos = starvationThresholdNanos;
    }

    /** Locks, parking until the mutex is free. */
    @Override
    public void lock() {
        // The safe point first: once the CAS has taken the mutex, no call may follow that could
        // throw (a StackOverflowError) and leave the caller holding a lock it was told it lacks.
        G g = Sched.currentG();
        Parking.checkpoint(g);
        if (g == null) {
            notePlatformLocker();
        }
        if (STATE.compareAndSet(this, 0, LOCKED)) {
            return;
        }
        lockSlow();
    }

    /** A platform thread is about to lock (or, for an RWMutex's w, the RWMutex): see {@link #platformLocked}. */
    void notePlatformLocker() {
        if (weftRuntime != null && !bubbled && !platformLocked) {
            sema.platformLocked = true; // for the waiters parked before, whose token stays
            platformLocked = true;
        }
    }

    /** The runtime token a wait here records: none once a platform thread has locked it. */
    private Object waitRuntime() {
        return platformLocked ? null : weftRuntime;
    }

    /** Locks if the mutex is free and not reserved for a starving waiter; never waits. */
    public boolean tryLock() {
        if (weftRuntime != null && Sched.currentG() == null) {
            notePlatformLocker();
        }
        int old = state;
        return (old & (LOCKED | STARVING)) == 0 && STATE.compareAndSet(this, old, old | LOCKED);
    }

    /**
     * The clock starvation is measured on: a bubble's fake one for a mutex made in a bubble,
     * where real time would make the mode switch, and so the schedule, differ between replays.
     */
    private long nanoTime() {
        return bubbled ? Bubble.of(weftRuntime).nanoTime() : System.nanoTime();
    }

    private void lockSlow() {
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "lock of synctest mutex");
        }
        // The slow path's updates have calls between them, down to the semaphore's own probe.
        StackHeadroom.ensure(Sema.CALLER_HEADROOM_FRAMES);
        long waitStart = 0;
        boolean starving = false;
        boolean awoke = false;
        int old = state;
        for (;;) {
            int next = old;
            if ((old & STARVING) == 0) {
                next |= LOCKED; // in starvation mode the lock belongs to the queue, not to us
            }
            if ((old & (LOCKED | STARVING)) != 0) {
                next += WAITER;
            }
            if (starving && (old & LOCKED) != 0) {
                next |= STARVING;
            }
            if (awoke) {
                if ((next & WOKEN) == 0) {
                    throw new IllegalStateException("weft: inconsistent mutex state " + next);
                }
                next &= ~WOKEN; // we are the woken waiter; clear the flag whatever happens
            }
            if (!STATE.compareAndSet(this, old, next)) {
                old = state;
                continue;
            }
            if ((old & (LOCKED | STARVING)) == 0) {
                return; // locked by the CAS
            }
            boolean queueFront = waitStart != 0;
            if (waitStart == 0) {
                waitStart = nanoTime();
            }
            if (!sema.acquireOrLeaveGhost(this, waitRuntime(), reason, queueFront)) {
                throw ProcessSupport.cancellation(); // our ghost keeps our count: see "Cancelled waiters"
            }
            starving = starving || nanoTime() - waitStart > starvationThresholdNanos;
            old = state;
            if ((old & STARVING) != 0) {
                // Handed off: the mutex is ours, though the state does not say LOCKED yet.
                checkHandedOff(old);
                int delta = LOCKED - WAITER;
                if (!starving || (old >>> WAITER_SHIFT) == 1) {
                    delta -= STARVING;
                }
                STATE.getAndAdd(this, delta);
                return;
            }
            awoke = true;
        }
    }

    /** Whether the word holds more than a plain lock (waiters, a woken or starving mark): RWMutex's probe depth. */
    boolean hasWaiters() {
        return state != LOCKED;
    }

    /**
     * Unlocks; any thread may unlock, as in Go.
     *
     * @throws IllegalStateException if the mutex is not locked
     */
    @Override
    public void unlock() {
        if (STATE.compareAndSet(this, LOCKED, 0)) {
            return;
        }
        // Waiters: the update below is followed by calls that wake one, and a stack overflow
        // between the two would lose the wake-up; let it strike before (StackHeadroom), the
        // semaphore's own probe included.
        StackHeadroom.ensure(Sema.CALLER_HEADROOM_FRAMES);
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "unlock of synctest mutex");
        }
        int old;
        do {
            old = state;
            if ((old & LOCKED) == 0) {
                throw new IllegalStateException("unlock of unlocked mutex");
            }
        } while (!STATE.compareAndSet(this, old, old - LOCKED));
        unlockSlow(old - LOCKED);
    }

    /**
     * Wakes a waiter for the unlock that left the word {@code now}. A wake-up that reaches a
     * ghost (see "Cancelled waiters") comes back here: this thread plays the ghost's part
     * ({@link #playGhosts}) and loops, one ghost per turn.
     *
     * <p>Which mode's rule applies is decided by the word this thread's own unlock left, or a
     * ghost's unlock played here, never by a word read later. Once the mutex is free, a newcomer
     * may lock it and a woken waiter may then turn it starving; an unlocker that lost its
     * wake-up CAS to those and read STARVING would hand the mutex to the first waiter while the
     * newcomer holds it. In normal mode a STARVING read again means the holder hands off, so this
     * thread stays out, as Go's unlockSlow does.
     */
    private void unlockSlow(int now) {
        int old = now;
        for (;;) {
            boolean reachedGhost;
            if ((old & STARVING) != 0) {
                reachedGhost = sema.release(true);
            } else {
                for (;;) {
                    // Nobody to wake, or someone already woken/locked it, or it turned starving (the
                    // holder will hand off): nothing to do.
                    if ((old >>> WAITER_SHIFT) == 0 || (old & (LOCKED | WOKEN | STARVING)) != 0) {
                        return;
                    }
                    if (STATE.compareAndSet(this, old, (old - WAITER) | WOKEN)) {
                        break;
                    }
                    old = state;
                }
                reachedGhost = sema.release(false);
            }
            if (!reachedGhost) {
                return; // a real waiter was woken or handed the mutex, or its unit waits for it
            }
            old = playGhosts();
            if (old == NOTHING_MORE) {
                return;
            }
        }
    }

    /** What {@link #playGhosts} returns when no unlock is left to go on with (LOCKED: never such a word). */
    private static final int NOTHING_MORE = -1;

    /**
     * A release took a unit for a ghost: plays the ghost's part, and that of any ghost the
     * wake-ups it passes on reach. The part is read from the word, not from the release's own
     * mode: the semaphore's units are fungible, and a release that stalled after its
     * {@code count++} may have lost its own unit to a barging waiter and then taken a later
     * release's, of the other mode, for the ghost ({@code MutexGhostAttributionTest}). The word
     * tells which: at most one unit is ever available, and its mode's flag is held by whoever
     * takes it, here the ghost. STARVING set: a hand-off, the ghost owns the mutex and leaves as
     * an owner that unlocks at once; returns the word its unlock left, for {@link #unlockSlow} to
     * go on from. Otherwise a normal wake-up: WOKEN is the ghost's, and it leaves as a woken
     * waiter that does not lock ({@link #ghostWokenPassesOn}).
     */
    private int playGhosts() {
        for (;;) {
            if ((state & STARVING) != 0) {
                return ghostTakesAndLeaves();
            }
            if (!ghostWokenPassesOn() || !sema.release(false)) {
                return NOTHING_MORE;
            }
        }
    }

    /**
     * A hand-off reached a ghost: the mutex is its own now (nobody else can lock while STARVING
     * is set), so it leaves as a handed-off waiter that unlocks at once: its count goes, and
     * starvation mode ends if it was the last waiter, as for a real one. Returns the word after,
     * unlocked.
     */
    private int ghostTakesAndLeaves() {
        for (;;) {
            int old = state;
            checkHandedOff(old);
            int next = old - WAITER;
            if ((old >>> WAITER_SHIFT) == 1) {
                next &= ~STARVING;
            }
            if (STATE.compareAndSet(this, old, next)) {
                return next;
            }
        }
    }

    /**
     * Go's check on a hand-off: the word of a mutex handed to a waiter is unlocked, with no
     * wake-up in flight and that waiter still counted. A word otherwise means two holders or a
     * lost count; failing here is better than going on with it.
     */
    private static void checkHandedOff(int word) {
        if ((word & (LOCKED | WOKEN)) != 0 || (word >>> WAITER_SHIFT) == 0) {
            throw new IllegalStateException("weft: inconsistent mutex state " + word);
        }
    }

    /**
     * A normal-mode wake-up reached a ghost: its count was taken out with WOKEN set, and the
     * woken waiter it stood for will never run, so this thread leaves in its place. A woken
     * waiter that does not lock clears WOKEN and lets unlock's rule decide again: if the mutex is
     * unlocked and someone still waits, the wake-up passes on (WOKEN kept, one more count out:
     * returns true, and the caller releases once more, which may reach the next ghost: one ghost
     * per turn); otherwise WOKEN is cleared (false) and whoever holds or will be handed the mutex
     * wakes the next waiter at its unlock.
     */
    private boolean ghostWokenPassesOn() {
        for (;;) {
            int old = state;
            if ((old & WOKEN) == 0) {
                throw new IllegalStateException("weft: inconsistent mutex state " + old);
            }
            if ((old >>> WAITER_SHIFT) != 0 && (old & (LOCKED | STARVING)) == 0) {
                if (STATE.compareAndSet(this, old, old - WAITER)) {
                    return true;
                }
            } else if (STATE.compareAndSet(this, old, old & ~WOKEN)) {
                return false;
            }
        }
    }

    @Override
    public String toString() {
        int s = state;
        return "Mutex[" + ((s & LOCKED) != 0 ? "locked" : "unlocked") + ((s & STARVING) != 0 ? ", starving" : "")
                + ", waiters=" + (s >>> WAITER_SHIFT) + "]";
    }

}
