package dev.weft.sync;

import dev.weft.internal.util.StackHeadroom;
import dev.weft.internal.sched.Bubble;
import dev.weft.internal.sched.G;
import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.ProcessSupport;
import dev.weft.internal.sched.Sched;
import dev.weft.internal.sched.WaitReason;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A reader/writer lock that parks goroutines: Go's {@code sync.RWMutex}. Any number of readers
 * or one writer. Writer-preferring: once a writer calls {@link #lock()}, new readers wait until it
 * has locked and unlocked, so a stream of readers cannot starve writers (and a reader that
 * re-enters {@link #rLock()} while a writer waits deadlocks, as in Go).
 *
 * <h2>Protocol</h2>
 * {@link #readerCount} counts readers holding or wanting the lock; a writer announces itself by
 * subtracting {@link #MAX_READERS}, making it negative, so a new reader sees the writer with its
 * own atomic increment and sleeps on {@link #readerSem}. The writer then waits for the readers
 * that were already inside: it adds their number to {@link #readerWait}, and each of them, seeing
 * the negative count at rUnlock, decrements readerWait; the one that reaches zero wakes the
 * writer on {@link #writerSem}. Writers exclude each other with the {@link Mutex} {@link #w}.
 * On unlock the writer adds MAX_READERS back and releases every reader that queued meanwhile.
 *
 * <h2>Cancelled waiters</h2>
 * A thread whose process ends while it waits here unwinds at once, in each of the three waits:
 * <ul>
 * <li>On {@link #w} (a writer behind another writer): the {@link Mutex}'s own departure; nothing
 *     of this lock has been touched yet.
 * <li>On {@link #readerSem} (a reader behind a writer): its increment of readerCount cannot be
 *     undone. Decrementing it is right while the writer it waited for is still there, but by the
 *     time the reader acts that writer may have unlocked (counting this reader among the readers
 *     it let in) and a later writer may have made the count negative again, counting it among
 *     the readers to wait for; the decrement cannot tell the two apart, and in the second case
 *     readerWait would have to go down too. So the reader leaves a ghost in readerSem's queue
 *     ({@link Sema#acquireOrLeaveGhost}). The writer's unlock counted the ghost in its {@code r}
 *     like any reader that queued, and the release that reaches it takes the unit for it and
 *     reports it; the unlocker then releases the read lock for the ghost: a plain decrement, since
 *     the unlocker still holds {@link #w} and has added MAX_READERS back, so no writer is pending
 *     and the count stays at or above zero (the ghost's own increment is in it).
 * <li>On {@link #writerSem} (a writer waiting for the readers inside): it holds {@link #w} and
 *     has made readerCount negative, and readers that leave meanwhile are still decrementing
 *     readerWait. Restoring the count at once would race with a reader that has decremented
 *     readerCount but not yet readerWait: that reader's late decrement would either drive
 *     readerWait below zero, so that the next writer would stop waiting one reader too early, or
 *     release writerSem for nobody, a stale unit that would let the next writer in among readers.
 *     So the writer too leaves a ghost, and the last reader out, whose release reaches it and
 *     takes its unit, unlocks for it ({@link #letReadersIn}): the count is restored, readers
 *     queued meanwhile are let in and {@link #w} is unlocked. The ghost writer acts as a writer
 *     with an empty critical section: new readers wait for the readers inside to leave, as they
 *     would have for the writer, and no longer.
 * </ul>
 * Why nothing is lost. Every increment that made readerCount negative belongs to the writer
 * pending then, whose unlock (its own or its ghost's) counts it in {@code r}: so readerSem
 * receives exactly one unit per reader that had to sleep, and each such reader, or its ghost,
 * takes exactly one, which keeps Go's accounting (a reader that barges the unit of one that has
 * not queued yet simply takes its turn). So every ghost reader is reached, as a real reader would
 * be woken: units keep coming while anyone, ghost or not, is still owed one. A ghost writer is
 * reached by the release of the last reader it waited for, as the writer would have been woken
 * by it; so no wake-up is lost to a departure, and the ghost's own releases (readers let in,
 * {@link #w} unlocked) happen where the writer's unlock would have. readerCount and readerWait are changed only as Go
 * changes them, a ghost reader's release coming from the thread that granted it. writerSem
 * receives a unit only when readerWait reaches zero, once per pending writer, and that writer
 * or its ghost takes it (a ghost writer still holds {@link #w}, so no other writer can be there
 * to take it): no unit is ever stale. A release reaches a ghost only through a queue it is in,
 * under that queue's lock, so each ghost is served once; releasing a ghost's read lock or
 * unlocking for a ghost writer never waits, so a releaser's extra work is bounded by the
 * ghosts it meets.
 */
public final class RWMutex implements Locker {
    /** The runtime whose goroutine made this (for deadlock detection); null if a platform thread did. */
    private final Object weftRuntime = Parking.callerRuntime();
    /** Made in a synctest bubble: waits on it are durable there, so outsiders may not touch it. */
    private final boolean bubbled = Bubble.isBubble(weftRuntime);
    /**
     * Set, for good, once a platform thread has locked this goroutine-made mutex for reading or
     * writing: as {@link Mutex}'s, waits here then no longer count for deadlock detection;
     * nor do waits on {@link #w}, whose flag is set with this one.
     */
    private boolean platformLocked;

    private static final int MAX_READERS = 1 << 30;
    /**
     * The headroom a writer's unlock takes before its update (and rUnlock, which may unlock for
     * a ghost writer): after the update come the readers' releases, down to Sema's probe, and
     * {@link #w}'s unlock, whose slow path (a writer waiting on {@code w}) takes its own caller
     * headroom two frames deeper; an overflow there left the readers let in and {@code w} locked
     * for good (WakingStackOverflowTest). Sema's caller headroom, and one plain probe more for
     * the frames between.
     */
    private static final int UNLOCK_HEADROOM_FRAMES = Sema.CALLER_HEADROOM_FRAMES + 8;

    private final Mutex w = new Mutex(WaitReason.RWMUTEX_LOCK);
    private final Sema writerSem = new Sema();
    private final Sema readerSem = new Sema();
    /** Readers in or waiting, minus MAX_READERS while a writer is pending or holds the lock. */
    private final AtomicInteger readerCount = new AtomicInteger();
    /** Readers the pending writer still waits for. */
    private final AtomicInteger readerWait = new AtomicInteger();

    /** Locks for reading, parking while a writer holds or waits for the lock. */
    public void rLock() {
        // A safe point, as Mutex.lock is: a loop of uncontended read locks must still see its
        // process end. First, so that nothing can throw once the count holds our increment.
        G g = Sched.currentG();
        Parking.checkpoint(g);
        if (g == null) {
            notePlatformLocker();
        }
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "read lock of synctest RWMutex");
        }
        if (readerCount.get() < 0) {
            // A writer is there: the wait's calls follow our increment, which cannot be undone,
            // so an overflow must strike before it (a racy prediction, as rUnlock's).
            StackHeadroom.ensure(Sema.CALLER_HEADROOM_FRAMES);
        }
        if (readerCount.incrementAndGet() < 0
                && !readerSem.acquireOrLeaveGhost(this, waitRuntime(), WaitReason.RWMUTEX_RLOCK, false)) {
            throw ProcessSupport.cancellation(); // our ghost keeps our place: see "Cancelled waiters"
        }
    }

    /** A platform thread is about to lock: see {@link #platformLocked}. */
    private void notePlatformLocker() {
        if (weftRuntime != null && !bubbled && !platformLocked) {
            // w's too: a writer queued on w waits for w's holder, which may be a writer (a ghost
            // one, whose process has ended) waiting for this thread's read lock.
            w.notePlatformLocker();
            readerSem.platformLocked = true; // for the waiters parked before, whose token stays
            writerSem.platformLocked = true;
            platformLocked = true;
        }
    }

    /** The runtime token a wait here records: none once a platform thread has locked it. */
    private Object waitRuntime() {
        return platformLocked ? null : weftRuntime;
    }

    /** Locks for reading if no writer holds or waits for the lock; never waits. */
    public boolean tryRLock() {
        if (weftRuntime != null && Sched.currentG() == null) {
            notePlatformLocker();
        }
        for (;;) {
            int c = readerCount.get();
            if (c < 0) {
                return false;
            }
            if (readerCount.compareAndSet(c, c + 1)) {
                return true;
            }
        }
    }

    /**
     * Undoes one {@link #rLock()}.
     *
     * @throws IllegalStateException if the mutex is not read-locked
     */
    public void rUnlock() {
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "read unlock of synctest RWMutex");
        }
        if (readerCount.get() < 0) {
            // A writer waits: calls follow the update, down to Sema's own probe and, for a ghost
            // writer, w's unlock (racy prediction).
            StackHeadroom.ensure(UNLOCK_HEADROOM_FRAMES);
        }
        // (A ghost writer's unlock below is the chain of unlock's, one frame deeper.)
        // The misuse check comes before the change, on the value the CAS changes: Go decrements
        // first and dies on a misuse, and a decrement undone after the check let a writer
        // announcing itself in between count a reader that was not there, and wait for it.
        int r;
        for (;;) {
            int c = readerCount.get();
            if (c == 0 || c == -MAX_READERS) {
                throw new IllegalStateException("rUnlock of unlocked RWMutex");
            }
            if (readerCount.compareAndSet(c, c - 1)) {
                r = c - 1;
                break;
            }
        }
        if (r < 0) {
            if (readerWait.decrementAndGet() == 0 && writerSem.release(false)) {
                // The last reader the writer waited for, and the writer is a ghost: it holds the
                // lock now, and this thread unlocks it in its place (see "Cancelled waiters").
                letReadersIn(readerCount.addAndGet(MAX_READERS));
            }
        }
    }

    /** Locks for writing, parking until every reader and writer is out. */
    @Override
    public void lock() {
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "lock of synctest RWMutex");
        }
        if (weftRuntime != null && Sched.currentG() == null) {
            notePlatformLocker();
        }
        StackHeadroom.ensure(Sema.CALLER_HEADROOM_FRAMES); // updates with calls between, down to Sema's probe
        w.lock(); // a departure there touches nothing of ours
        int r = readerCount.getAndAdd(-MAX_READERS);
        if (r != 0 && readerWait.addAndGet(r) != 0
                && !writerSem.acquireOrLeaveGhost(this, waitRuntime(), WaitReason.RWMUTEX_LOCK, false)) {
            throw ProcessSupport.cancellation(); // our ghost holds w: see "Cancelled waiters"
        }
    }

    /** Locks for writing if the mutex is entirely free; never waits. */
    public boolean tryLock() {
        if (weftRuntime != null && Sched.currentG() == null) {
            notePlatformLocker();
        }
        if (!w.tryLock()) {
            return false;
        }
        if (!readerCount.compareAndSet(0, -MAX_READERS)) {
            w.unlock();
            return false;
        }
        return true;
    }

    /**
     * Undoes {@link #lock()} and lets waiting readers in.
     *
     * @throws IllegalStateException if the mutex is not write-locked
     */
    @Override
    public void unlock() {
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "unlock of synctest RWMutex");
        }
        int r;
        for (;;) { // checked before the change, as in rUnlock
            int c = readerCount.get();
            if (c >= 0) {
                throw new IllegalStateException("unlock of unlocked RWMutex");
            }
            // As deep as the calls after the update will go. The readers it lets in are exactly
            // those c says (the CAS below changes c or fails); with none, and nobody queued on w,
            // only w's fast unlock follows, and the default probe does (the deep one, every
            // time, made an uncontended lock-unlock 385 ns instead of 210). A writer that queues
            // on w between this look and w's unlock sends that unlock down its slow path with
            // less headroom than it probes for: at the very end of a stack, in that window of a
            // few instructions, w can still be left locked.
            if (c != -MAX_READERS || w.hasWaiters()) {
                StackHeadroom.ensure(UNLOCK_HEADROOM_FRAMES); // down to Sema's probe and w's slow unlock
            } else {
                StackHeadroom.ensure();
            }
            if (readerCount.compareAndSet(c, c + MAX_READERS)) {
                r = c + MAX_READERS;
                break;
            }
        }
        letReadersIn(r);
    }

    /**
     * The rest of the writer's unlock, for the writer or for its ghost, once MAX_READERS is added
     * back ({@code r} readers queued meanwhile): lets them in and unlocks {@link #w}. A release
     * that reaches a ghost reader has taken its unit: its read lock is released here, a plain
     * decrement (see "Cancelled waiters").
     */
    private void letReadersIn(int r) {
        for (int i = 0; i < r; i++) {
            if (readerSem.release(false)) {
                readerCount.decrementAndGet();
            }
        }
        w.unlock();
    }

    /** A {@link Locker} whose lock/unlock are {@link #rLock()}/{@link #rUnlock()}, for a {@link Cond}. */
    public Locker rLocker() {
        return new Locker() {
            @Override
            public void lock() {
                rLock();
            }

            @Override
            public void unlock() {
                rUnlock();
            }
        };
    }

}
