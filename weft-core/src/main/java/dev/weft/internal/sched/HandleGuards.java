package dev.weft.internal.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import dev.weft.internal.util.SpinLock;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps each carrier's JVM thread handles off the cache lines of every other carrier's, by
 * starting a few parked "guard" threads right before and right after it.
 *
 * <p><b>Why.</b> HotSpot keeps four handles per platform thread ({@code JavaThread::_threadObj},
 * {@code _vthread}, {@code _jvmti_vthread}, {@code _scopedValueCache}) in one JVM-wide
 * {@code OopStorage}: 8-byte slots, handed out lowest-free-first when a thread starts, so the
 * slots of threads started one after the other are neighbours, and a 64-byte line holds parts of
 * two or three threads' groups. Every virtual-thread mount and unmount writes the carrier's
 * {@code _vthread} slot (and the scoped-value cache slot), and {@code Thread.currentThread()} and
 * the carrier lookups read them, several times per switch. Two busy carriers whose slots share a
 * line therefore pass that line back and forth on every switch: measured with two yielders on two
 * carriers, 330 to 560 CPU ns a yield instead of 160, in weft and in a ten-line custom scheduler
 * with no weft code alike, and not across two JVMs (docs/notes/issue-11-yield2.md). Which carriers
 * are neighbours depends on which threads the JVM started and ended before: a runtime of another
 * configuration closed earlier leaves holes of another size, so the same workload was fast or 3x
 * slower from one runtime to the next.
 *
 * <p><b>What it does.</b> {@link #start} starts {@link #PER_SIDE} guards, the carrier, then
 * {@link #PER_SIDE} more, holding a JVM-wide {@link SpinLock} so that no other guarded start falls
 * in between. A spin lock, not a monitor: {@code startm} runs on goroutines too (a ready's
 * wakep), and a goroutine blocked on a contended monitor there would unmount half way through
 * handing out a P, with a spinning M counted that nobody started; a spinner keeps its carrier,
 * and the holder is always running (five thread starts, well under a millisecond, and only while
 * a runtime makes its first carriers). Other threads' starts (sysmon, ONE_TO_ONE goroutines,
 * carriers for {@code Go.blocking} hand-offs, another copy of weft) take no lock and can fall
 * between a carrier and its guards, which only lowers the odds. Two guards are eight slots, a
 * whole line: whatever the carrier's slots' alignment, the lines they touch hold only its own
 * slots and its guards' (while the slots are handed out contiguously; a hole left by an ended thread can still
 * put a guard elsewhere, which then only lowers the odds). A guard never runs again after it
 * parks, so it never writes its slots. The guards end when their carrier's loop returns
 * ({@link #release}). Cost: four parked platform threads per guarded carrier (small stacks),
 * started once, as weft keeps its carriers for the runtime's life, and about a millisecond more
 * to start a runtime. Only the first procs + 1 carriers of a runtime are guarded ({@code
 * Idle#startm}): the ones that run goroutines side by side when nothing blocks; the extra ones
 * made for {@code Go.blocking} hand-offs start alone, so that a hand-off pays one thread start.
 * {@code -Dweft.carrierGuards=false} turns it off (for measurements).
 *
 * <p><b>Failures.</b> The guards' {@code Thread} objects are made before anything starts (if
 * they cannot be, the carrier starts alone); once the carrier has started nothing may escape
 * {@link #start}, since its caller would undo a carrier that runs; a guard whose start fails is
 * left unstarted. Release against a guard's start: each guard is published in {@link #guards}
 * with a volatile store before its start, {@link #release} writes its flag and then reads the
 * array with volatile reads, and a guard reads the flag before each park, so a guard either is
 * unparked or sees the flag.
 */
final class HandleGuards {
    /** Guard threads on each side of a carrier: 2 x 4 slots x 8 bytes = one cache line. */
    static final int PER_SIDE = 2;
    /** Off with {@code -Dweft.carrierGuards=false}: carriers start alone, as before. */
    static final boolean ENABLED = !"false".equals(System.getProperty("weft.carrierGuards"));
    /** A guard only parks: a small stack (the JVM rounds it up to its minimum). */
    private static final long GUARD_STACK = 64 * 1024;
    /** Held while a guarded start runs (class comment: a spin lock, never a monitor). */
    private static final SpinLock START_LOCK = new SpinLock();
    private static final VarHandle GUARD = MethodHandles.arrayElementVarHandle(Thread[].class);

    /** The guard threads, each made before any starts (unstarted if its start failed); tests read it. */
    final Thread[] guards = new Thread[2 * PER_SIDE];
    private volatile boolean released;

    /** Makes the guards' threads, none started. */
    private HandleGuards(Thread carrier) {
        for (int i = 0; i < guards.length; i++) {
            Thread t = new Thread(null, this::park, carrier.getName() + "-guard" + i, GUARD_STACK, false);
            t.setDaemon(true);
            GUARD.setVolatile(guards, i, t);
        }
    }

    /**
     * Starts {@code carrier} between its guards, which it releases when its loop ends
     * ({@link M#guards}, set before the start). Throws only what {@code carrier.start()} throws,
     * its guards released first; see "Failures" above.
     */
    static void start(M carrier) {
        if (!ENABLED) {
            carrier.start();
            return;
        }
        START_LOCK.lock();
        try {
            HandleGuards h;
            try {
                h = new HandleGuards(carrier);
            } catch (OutOfMemoryError | StackOverflowError e) {
                carrier.start(); // no guards: only the odds of a shared line change
                return;
            }
            carrier.guards = h; // before start: the carrier reads it when it ends
            for (int i = 0; i < PER_SIDE; i++) {
                h.startGuard(i);
            }
            try {
                carrier.start();
            } catch (Throwable t) {
                h.release();
                throw t;
            }
            try {
                for (int i = PER_SIDE; i < 2 * PER_SIDE; i++) {
                    h.startGuard(i);
                }
            } catch (Throwable e) {
                // Even a call's own overflow: the carrier runs, so nothing may escape (its
                // caller would undo it); it just has fewer guards.
            }
        } finally {
            START_LOCK.held = 0; // a volatile store, no call that could overflow (SpinLock#held)
        }
    }

    /** Never throws: a guard that cannot be started (no native thread) only lowers the odds. */
    private void startGuard(int i) {
        try {
            ((Thread) GUARD.getVolatile(guards, i)).start();
        } catch (Throwable e) {
            // The carrier starts, or runs, without this guard.
        }
    }

    private void park() {
        while (!released) { // a guard started after its carrier ended leaves at once
            LockSupport.park(this);
        }
    }

    /** Lets the guards end: their carrier has left its loop (or did not start). Idempotent. */
    void release() {
        released = true;
        for (int i = 0; i < guards.length; i++) {
            LockSupport.unpark((Thread) GUARD.getVolatile(guards, i)); // no effect on one not started
        }
    }
}
