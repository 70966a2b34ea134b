package dev.weft.internal.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock that never parks, for the scheduler's own short critical sections (idle lists, the
 * global queue, timer heaps, the goroutine registry).
 *
 * <p>Why not a monitor or a ReentrantLock: carriers (weft's Ms) take these locks from the
 * scheduler loop, and goroutines take them too. A goroutine that waited on a monitor or an AQS lock
 * would unmount and queue as the lock's next owner; a carrier arriving after it then waits for a
 * goroutine that needs a carrier to run, and when every carrier waits so, nothing runs again (seen
 * with timer heaps). A spinning waiter keeps its carrier, and the holder is always running: these
 * sections never park, yield, call user code or take a monitor.
 *
 * <p>After a while a waiter yields its processor to the kernel ({@link OsYield}, libc's
 * {@code sched_yield}): on a machine with more runnable threads than processors the kernel may
 * have taken the holder off its processor, and spinning would only keep it waiting longer. Not
 * {@code Thread.yield()}, which would unmount a virtual thread, possibly while it holds another
 * of these locks.
 *
 * <p>Not final so that a subclass can add fields beside the lock word and pad them onto cache
 * lines of their own (GlobalRunQueue's two sides); a subclass overrides nothing.
 */
public class SpinLock {
    /** Whether the JVM runs with assertions on (-ea): then the owner is recorded and checked. */
    private static final boolean CHECKED = SpinLock.class.desiredAssertionStatus();

    /**
     * 1 while held, 0 when free. Public for one reason: a section that must release the lock even
     * when the stack is exhausted writes {@code lock.held = 0} in its {@code finally} block
     * instead of calling {@link #unlock()}, because there any call, {@code unlock()} included,
     * can throw StackOverflowError and leave the lock held for ever. (The JDK's own locks are
     * protected by {@code @ReservedStackAccess}, JEP 270, which only the JDK may use.) A volatile
     * write is a release, as {@code unlock()} is; it skips only the owner check.
     *
     * <p>A volatile write is also a full fence (a locked instruction on x86), which a release does
     * not need and which a channel's hand-off pays twice per operation. Hot sections therefore
     * call {@link #unlock()} (a release store) and write the field only if that call failed:
     * <pre>{@code
     * } finally {
     *     try {
     *         lock.unlock();
     *     } catch (VirtualMachineError e) {
     *         lock.held = 0; // the call failed before its store: release without one
     *     }
     * }
     * }</pre>
     * {@code VirtualMachineError}, not only {@code StackOverflowError}: when the heap is exhausted,
     * HotSpot cannot allocate the StackOverflowError and throws an OutOfMemoryError in its place.
     * The error is not rethrown: the section's work is done and the lock is released, so the
     * caller goes on as if the call had succeeded (its next call may overflow again, with nothing
     * held). {@code unlock()} can fail only before its store: after it nothing but returns remain.
     */
    public volatile int held;
    /** The holding thread, recorded only when {@link #CHECKED}; for {@link #assertHeld}. */
    private Thread owner;

    /**
     * Spins before a waiter starts yielding its processor to the kernel ({@link OsYield}): a few
     * microseconds, many times the longest section's length while its holder runs, so only a
     * holder the kernel took off its processor (or a lock far more contended than weft's are)
     * makes a waiter yield.
     */
    static final int SPINS_BEFORE_YIELD = 128;

    private static final VarHandle HELD;
    static {
        try {
            HELD = MethodHandles.lookup().findVarHandle(SpinLock.class, "held", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public final void lock() {
        // Read before the CAS: once the lock is taken, nothing here may call anything that could
        // overflow the stack and leave the lock held by a caller that never got to its try block.
        Thread me = CHECKED ? Thread.currentThread() : null;
        if (!HELD.compareAndSet(this, 0, 1)) {
            lockSlow();
        }
        if (CHECKED) {
            owner = me;
        }
    }

    private void lockSlow() {
        for (int spins = 0; ; ) {
            if (held == 0 && HELD.compareAndSet(this, 0, 1)) {
                return;
            }
            if (spins >= SPINS_BEFORE_YIELD) {
                OsYield.yieldProcessor(); // the holder's carrier may be waiting for a processor
            } else {
                spins++;
                Thread.onSpinWait();
            }
        }
    }

    public final void unlock() {
        if (CHECKED) {
            if (owner != Thread.currentThread()) {
                throw new AssertionError("weft: unlock of a SpinLock held by " + owner + ", not by the caller");
            }
            owner = null;
        }
        HELD.setRelease(this, 0);
    }

    /**
     * For methods documented "Under lock.": with assertions on, fails unless the calling thread
     * holds this lock; without them, costs nothing.
     */
    public final void assertHeld() {
        if (CHECKED && (held == 0 || owner != Thread.currentThread())) {
            throw new AssertionError("weft: a method that needs the lock was called without it (held by "
                    + owner + ")");
        }
    }
}
