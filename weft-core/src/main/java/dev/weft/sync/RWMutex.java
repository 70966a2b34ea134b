package dev.weft.sync;

import dev.weft.internal.util.StackHeadroom;
import dev.weft.internal.sched.Bubble;
import dev.weft.internal.sched.Parking;
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
 */
public final class RWMutex implements Locker {
    /** The runtime whose goroutine made this (for deadlock detection); null if a platform thread did. */
    private final Object weftRuntime = Parking.callerRuntime();
    /** Made in a synctest bubble: waits on it are durable there, so outsiders may not touch it. */
    private final boolean bubbled = Bubble.isBubble(weftRuntime);

    private static final int MAX_READERS = 1 << 30;

    private final Mutex w = new Mutex(WaitReason.RWMUTEX_LOCK);
    private final Sema writerSem = new Sema();
    private final Sema readerSem = new Sema();
    /** Readers in or waiting, minus MAX_READERS while a writer is pending or holds the lock. */
    private final AtomicInteger readerCount = new AtomicInteger();
    /** Readers the pending writer still waits for. */
    private final AtomicInteger readerWait = new AtomicInteger();

    /** Locks for reading, parking while a writer holds or waits for the lock. */
    public void rLock() {
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "read lock of synctest RWMutex");
        }
        if (readerCount.incrementAndGet() < 0) {
            readerSem.acquire(this, weftRuntime, WaitReason.RWMUTEX_RLOCK, false);
        }
    }

    /** Locks for reading if no writer holds or waits for the lock; never waits. */
    public boolean tryRLock() {
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
            StackHeadroom.ensure(); // a writer waits: calls follow the update (racy prediction)
        }
        int r = readerCount.decrementAndGet();
        if (r < 0) {
            if (r + 1 == 0 || r + 1 == -MAX_READERS) {
                readerCount.incrementAndGet();
                throw new IllegalStateException("rUnlock of unlocked RWMutex");
            }
            if (readerWait.decrementAndGet() == 0) {
                writerSem.release(false); // the last reader the writer waited for
            }
        }
    }

    /** Locks for writing, parking until every reader and writer is out. */
    @Override
    public void lock() {
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "lock of synctest RWMutex");
        }
        StackHeadroom.ensure(); // several updates with calls between them
        w.lock();
        int r = readerCount.getAndAdd(-MAX_READERS);
        if (r != 0 && readerWait.addAndGet(r) != 0) {
            writerSem.acquire(this, weftRuntime, WaitReason.RWMUTEX_LOCK, false);
        }
    }

    /** Locks for writing if the mutex is entirely free; never waits. */
    public boolean tryLock() {
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
        StackHeadroom.ensure(); // several updates with calls between them
        int r = readerCount.addAndGet(MAX_READERS);
        if (r >= MAX_READERS) {
            readerCount.addAndGet(-MAX_READERS);
            throw new IllegalStateException("unlock of unlocked RWMutex");
        }
        for (int i = 0; i < r; i++) {
            readerSem.release(false);
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
