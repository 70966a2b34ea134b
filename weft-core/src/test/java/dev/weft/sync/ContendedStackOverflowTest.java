package dev.weft.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * The contended paths of Mutex and RWMutex at every stack depth (the uncontended ones are
 * {@code hostile.StackOverflowTest}'s): a lock that has to wait, or an unlock that has a waiter
 * to wake, swept from here to where the stack ends, so that an overflow strikes at every call
 * of its chain. A lock's wait is ended by a helper thread, which unlocks for the sweeper (any
 * thread may, as in Go) once it sees it parked. An overflow after the primitive has counted the
 * caller (the mutex's waiter field, the RWMutex's reader count, a writer's announcement) but
 * before it queued, or after an unlock's update but before its wake-up, would leave a waiter
 * counted that nobody is, a lock held by nobody, or a waiter parked for good. The probes that
 * guard these chains must cover the semaphore's own probe, a few frames deeper
 * ({@code Sema.CALLER_HEADROOM_FRAMES}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ContendedStackOverflowTest {

    private static final int LOCKED = 1;

    /** Runs {@code op} once at every depth from here to the end of the stack (StackOverflowTest's sweep). */
    private static void descend(Runnable op) {
        try {
            op.run();
        } catch (StackOverflowError expected) {
            overflows++;
        }
        if (stopDescent) {
            return;
        }
        try {
            descend(op);
        } catch (StackOverflowError bottom) {
            // the stack ends here
        }
    }

    // The sweeper's own fields: plain, bumped with no call in between (see StackOverflowTest).
    private static long overflows;
    private static long rounds;
    private static boolean stopDescent;
    private static boolean writeHeld;
    private static boolean readHeld;

    /** What the sweeper is about to wait in, published before the wait by {@link #seq}. */
    private static volatile boolean waitsForRead;
    /** Bumped by the sweeper before each wait, so the helper answers each wait once. */
    private static volatile long seq;
    private static volatile boolean swept;

    /**
     * Runs {@code body} on a platform thread with a small stack, with {@code helper} (if not null)
     * answering its waits.
     */
    private static void sweep(Runnable body, HelperStep helper) throws Exception {
        swept = false;
        seq = 0;
        overflows = 0;
        rounds = 0;
        stopDescent = false;
        Throwable[] failure = new Throwable[2];
        Thread sweeper = new Thread(null, () -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure[0] = e;
            } finally {
                swept = true;
            }
        }, "deep", 256 * 1024);
        Thread answerer = Thread.ofPlatform().unstarted(() -> {
            try {
                long handled = 0;
                while (!swept) {
                    long s = seq;
                    boolean forRead = waitsForRead;
                    boolean parked = sweeper.getState() == Thread.State.WAITING;
                    Object blocker = LockSupport.getBlocker(sweeper);
                    // Read again last: what was read in between belongs to wait s, not the next.
                    if (s != handled && parked && seq == s && helper.answer(forRead, blocker)) {
                        handled = s;
                    } else {
                        Thread.onSpinWait();
                    }
                }
            } catch (Throwable e) {
                failure[1] = e;
            }
        });
        sweeper.setDaemon(true); // left parked for good if the helper could not answer it
        sweeper.start();
        if (helper != null) {
            answerer.start();
            answerer.join(); // ends when the sweep has, or when it could not answer a wait
            if (failure[1] != null) {
                throw new AssertionError("the helper could not answer the sweeper's wait", failure[1]);
            }
        }
        sweeper.join();
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
        assertThat(overflows).as("the sweep reached the stack's limit").isPositive();
        assertThat(rounds).as("rounds completed").isPositive();
    }

    /** Ends the sweeper's wait, parked on {@code blocker}; false if that is not the wait it answers. */
    @FunctionalInterface
    private interface HelperStep {
        boolean answer(boolean forRead, Object blocker);
    }

    @RepeatedTest(8) // the overflow's exact place depends on what the JIT has compiled so far
    void aMutexLockThatWaitsAtEveryDepthLeavesNoPhantomWaiter() throws Exception {
        Mutex m = new Mutex();
        sweep(() -> {
            m.lock(); // the sweeper holds it; each lock below waits until the helper unlocks for it
            descend(() -> {
                seq++;
                m.lock();
                rounds++;
            });
        }, (forRead, blocker) -> {
            m.unlock();
            return true;
        });
        // The sweeper holds the mutex; nobody waits, no wake-up in flight, no unit left over.
        assertThat(MutexInternals.state(m)).as("state word").isEqualTo(LOCKED);
        assertThat(MutexInternals.count(MutexInternals.sema(m))).hasValue(0);
        assertThat(MutexInternals.nwait(MutexInternals.sema(m))).isZero();
        m.unlock();
        assertThat(m.tryLock()).isTrue();
        m.unlock();
    }

    @RepeatedTest(8) // the overflow's exact place depends on what the JIT has compiled so far
    void aReadLockThatWaitsBehindAWriterAtEveryDepthLeavesNoPhantomReader() throws Exception {
        RWMutex rw = new RWMutex();
        AtomicLong phantoms = new AtomicLong();
        writeHeld = false;
        readHeld = false;
        sweep(() -> {
            descend(() -> {
                if (readHeld) { // the last rUnlock overflowed: retried at the top, deeper it would again
                    stopDescent = true;
                    return;
                }
                if (!writeHeld) {
                    waitsForRead = false;
                    seq++;
                    rw.lock(); // free: returns at once, unless a reader that is not there is counted
                    writeHeld = true;
                }
                waitsForRead = true;
                seq++;
                rw.rLock(); // waits behind the sweeper's own write lock, which the helper unlocks
                writeHeld = false;
                readHeld = true;
                rounds++;
                rw.rUnlock();
                readHeld = false;
            });
            if (readHeld) {
                rw.rUnlock();
            }
            if (writeHeld) {
                rw.unlock();
            }
        }, (forRead, blocker) -> {
            if (forRead) {
                rw.unlock();
            } else if (blocker != rw) {
                // Parked on the inner mutex, which the helper's last unlock is about to free.
                return false;
            } else {
                // The sweeper's write lock waits for a reader that is counted but not there: a
                // phantom, released here so the sweep can go on and the count be reported.
                phantoms.incrementAndGet();
                rw.rUnlock();
            }
            return true;
        });
        assertThat(phantoms).as("write locks that waited for a reader nobody was").hasValue(0);
        assertThat(rw.tryLock()).isTrue();
        rw.unlock();
        assertThat(rw.tryRLock()).isTrue();
        rw.rUnlock();
    }

    /** Counts the sweeper's unlocks that returned; the sweeper's own field (see above). */
    private static long unlocks;

    /**
     * An unlock that has a waiter to wake, at every depth: the waiter parks again behind the
     * mutex each time it gets it, and the sweeper unlocks for it once it has. An overflow after
     * the unlock's update but before the wake-up would leave the waiter parked with its unit in
     * the semaphore and the mutex free; the next unlock then finds it unlocked.
     */
    @RepeatedTest(8) // the overflow's exact place depends on what the JIT has compiled so far
    void aMutexUnlockThatWakesAWaiterAtEveryDepthLosesNoWakeUp() throws Exception {
        Mutex m = new Mutex();
        AtomicLong got = new AtomicLong();
        unlocks = 0;
        m.lock(); // held for the sweeper, which unlocks it for the waiter
        Thread waiter = Thread.ofPlatform().daemon().start(() -> {
            for (;;) {
                m.lock(); // waits: the mutex is held again each time this thread gets it
                got.incrementAndGet();
                if (swept) {
                    m.unlock();
                    return;
                }
            }
        });
        sweep(() -> descend(() -> {
            // The waiter has taken every unlock so far and waits again behind the mutex.
            while (got.get() != unlocks || waiter.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            m.unlock();
            unlocks++;
            rounds++;
        }), null);
        m.unlock(); // the waiter's last turn: it sees the sweep is over and leaves
        waiter.join();
        assertThat(got.get()).isEqualTo(unlocks + 1);
        assertThat(MutexInternals.state(m)).as("state word").isZero();
        assertThat(MutexInternals.count(MutexInternals.sema(m))).hasValue(0);
        assertThat(MutexInternals.nwait(MutexInternals.sema(m))).isZero();
    }

    /**
     * A write lock that waits for a reader, at every depth: the sweeper holds a read lock, and
     * the helper read-unlocks it for the sweeper once it sees the write lock wait; the sweeper
     * then unlocks and takes its read lock again. An overflow after the write lock has taken the
     * inner mutex and announced itself, but before it queued, would leave the lock held by
     * nobody: the next attempt waits for the inner mutex for ever.
     */
    @RepeatedTest(8) // the overflow's exact place depends on what the JIT has compiled so far
    void aWriteLockThatWaitsForAReaderAtEveryDepthLeavesNoPhantomWriter() throws Exception {
        RWMutex rw = new RWMutex();
        readHeld = false;
        writeHeld = false;
        sweep(() -> {
            descend(() -> {
                if (writeHeld) { // the last unlock overflowed: retried at the top
                    stopDescent = true;
                    return;
                }
                if (!readHeld) {
                    rw.rLock(); // free: no writer
                    readHeld = true;
                }
                seq++;
                rw.lock(); // waits for the sweeper's own read lock, which the helper releases
                readHeld = false;
                writeHeld = true;
                rounds++;
                rw.unlock();
                writeHeld = false;
            });
            if (writeHeld) {
                rw.unlock();
            }
            if (readHeld) {
                rw.rUnlock();
            }
        }, (forRead, blocker) -> {
            if (blocker == null) {
                return false; // between two parks: look again
            }
            if (blocker != rw) {
                throw new AssertionError("the sweeper waits on " + blocker + ", not for its read lock");
            }
            rw.rUnlock();
            return true;
        });
        assertThat(rw.tryLock()).isTrue();
        rw.unlock();
        assertThat(rw.tryRLock()).isTrue();
        rw.rUnlock();
    }
}
