package dev.weft.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The waking calls of RWMutex and WaitGroup at every stack depth: an {@code rUnlock} that lets a
 * waiting writer in, an {@code unlock} that lets waiting readers in (or a writer waiting on its
 * inner mutex), a {@code done} that releases
 * a waiter. Each updates its state word and then calls into its {@link Sema}, whose own probe is
 * a few frames deeper; a probe in the caller that does not cover it lets the overflow strike
 * after the update and before the wake-up, and the waiter stays parked for good (a depth sweep
 * once showed it as "rUnlock of unlocked RWMutex": the retry of an rUnlock that had in fact
 * been made). The probes must take {@code Sema.CALLER_HEADROOM_FRAMES}, as the lock paths do.
 *
 * <p>A waiter thread (a normal stack) parks in the primitive; the sweeper (a small stack) wakes
 * it once a watcher has seen it parked, at every depth down to the first depth where the waking
 * call overflows. The sweep then returns to the top and judges that call from the primitive's
 * state, deterministically: either the update was not made (the call is made again there), or
 * it was and the waiter must no longer be queued. The overflow's exact place in the chain
 * depends on the frame sizes (interpreted or compiled, and where the sweep's own frames put the
 * stack's end), so each case sweeps many times, each from a different starting depth (a few
 * small frames more each time), which moves the point where the sweep meets the stack's end by
 * less than one level of the sweep.
 *
 * <p>The sweeps run twice: in this JVM, and in a child JVM that only interprets, where frame
 * sizes do not depend on what the JIT compiled before. On the code before the fix the child saw
 * all three cases strand their waiter in its first sweep (3 of 3 runs); in this JVM the rUnlock
 * and unlock cases did in every run (14 of 14), the done case only when it ran before the shared
 * code was compiled (1 of 19 runs after the RWMutex cases): once C2 inlines {@code Sema.release}
 * into {@code WaitGroup.add}, both probes start from one frame and the old probe suffices.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WakingStackOverflowTest {

    private static final int MAX_READERS = 1 << 30;
    private static final int SWEEPS = 48;

    /** What one case does; "at depth" methods run in the sweep, the others at its top. */
    private interface Case {
        /**
         * Takes what the waiter will wait behind, for the sweeper (any thread may release these
         * primitives): by the sweeper at the start, then by the waiter each time it got through,
         * so that the sweep only makes the waking call at depth.
         */
        void take();

        /** At depth: the waking call under test. */
        void wake();

        /** The waiter's side: one wait, and its undoing once it got through (then it takes again). */
        void waitOnce();

        /** At the top: whether the waking call's update was not made (what the waiter waits behind is still held). */
        boolean stillHeld();

        /** At the top: whether the waiter is still queued in the semaphore. */
        boolean waiterQueued();

        /** The primitive, as the waiter's park blocker. */
        Object blocker();
    }

    // The sweeper's own state: plain fields, bumped with no call in between.
    private static boolean stopDescent;
    private static boolean wakeOverflowed;
    private static StackOverflowError lastWakeOverflow;
    /** Where the first wake that overflowed after its update struck, for the failure message. */
    private static volatile String whereItStruck = "";
    private static long overflows;
    private static long wakes;

    /** Waits the sweeper has asked the waiter for, and the ones it got through. */
    private static volatile long armed;
    private static volatile long passed;
    /** The wait the watcher saw the waiter parked in. */
    private static volatile long parkedFor;
    private static volatile boolean finished;

    /** Results of one case's sweeps. */
    private record Outcome(int sweeps, int wakeOverflows, int updatedThenOverflowed, int strandedWaiters,
            long wakes, long overflows, String struckIn) {}

    /** The frames of the primitive's chain an overflow struck in, innermost first. */
    private static String topFrames(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (StackTraceElement f : e.getStackTrace()) {
            if (f.getClassName().equals(WakingStackOverflowTest.class.getName())) {
                break;
            }
            b.append("\n    ").append(f);
        }
        return b.toString();
    }

    /**
     * Runs {@code op} at every depth from {@link #startLevel} levels down to the stack's end; with
     * a start level of {@code Integer.MAX_VALUE}, only counts the levels there are ({@link #bottom}).
     * Starting near the end keeps each sweep short, so that the primitives run in the
     * interpreter and C1 as well as in C2 over the sweeps, whose frame sizes differ.
     */
    private static void descend(Runnable op, int level) {
        if (level > bottom) {
            bottom = level;
        }
        if (level >= startLevel) {
            try {
                op.run();
            } catch (StackOverflowError e) {
                overflows++;
            }
        }
        if (stopDescent) {
            return;
        }
        try {
            descend(op, level + 1);
        } catch (StackOverflowError end) {
            // the stack ends here
        }
    }

    private static int bottom;
    private static int startLevel;

    /** Runs {@code body} {@code n} small frames deeper. */
    private static void pad(int n, Runnable body) {
        if (n == 0) {
            body.run();
        } else {
            pad(n - 1, body);
        }
    }

    /** The sweep's step at one depth: asks the waiter to wait, and wakes it once it is parked. */
    private static void step(Case c) {
        if (armed == passed) {
            armed = armed + 1; // the waiter now waits behind what it took for the sweeper
        }
        while (parkedFor != armed) {
            Thread.onSpinWait();
        }
        try {
            c.wake();
        } catch (StackOverflowError e) {
            // Made or not, the update is judged at the top; deeper, it would overflow again.
            lastWakeOverflow = e; // a plain write: its frames name where it struck
            overflows++;
            wakeOverflowed = true;
            stopDescent = true;
            return;
        }
        wakes++;
        while (passed != armed) {
            Thread.onSpinWait();
        }
    }

    private static Outcome sweep(Case c) throws Exception {
        armed = 0;
        passed = 0;
        parkedFor = 0;
        finished = false;
        overflows = 0;
        wakes = 0;
        whereItStruck = "";
        int[] counts = new int[3]; // wake overflows, updated-then-overflowed, stranded waiters
        int[] sweeps = new int[1];
        Throwable[] failure = new Throwable[3];
        Thread waiter = Thread.ofPlatform().daemon().unstarted(() -> {
            try {
                long done = 0;
                while (!finished) {
                    long a = armed;
                    if (a == done) {
                        Thread.onSpinWait();
                        continue;
                    }
                    c.waitOnce();
                    c.take();
                    done = a;
                    passed = a;
                }
            } catch (Throwable e) {
                failure[1] = e;
            }
        });
        Thread watcher = Thread.ofPlatform().daemon().unstarted(() -> {
            try {
                while (!finished) {
                    long a = armed;
                    if (a != parkedFor && passed != a && waiter.getState() == Thread.State.WAITING
                            && LockSupport.getBlocker(waiter) == c.blocker() && armed == a) {
                        parkedFor = a;
                    } else {
                        Thread.onSpinWait();
                    }
                }
            } catch (Throwable e) {
                failure[2] = e;
            }
        });
        Thread sweeper = new Thread(null, () -> {
            try {
                bottom = 0;
                startLevel = Integer.MAX_VALUE;
                descend(() -> {}, 0);
                c.take();
                for (int s = 0; s < SWEEPS; s++) {
                    sweeps[0]++;
                    stopDescent = false;
                    wakeOverflowed = false;
                    startLevel = bottom - 80 - 3 * s; // below the pad frames, and few levels: a short sweep
                    pad(s, () -> descend(() -> step(c), 0));
                    if (armed != passed) {
                        // The sweep ended with the waiter behind what it took: judge the last wake.
                        if (wakeOverflowed) {
                            counts[0]++;
                        }
                        if (c.stillHeld()) {
                            while (parkedFor != armed) {
                                Thread.onSpinWait();
                            }
                            c.wake();
                        } else {
                            // Updated, then overflowed before its wake-up was through: the
                            // primitive may be left inconsistent, so the sweeps end here.
                            counts[1]++;
                            whereItStruck = topFrames(lastWakeOverflow);
                            if (c.waiterQueued()) {
                                counts[2]++; // its wake-up is lost: nothing will let it through
                            }
                            return;
                        }
                        while (passed != armed) {
                            Thread.onSpinWait();
                        }
                    }
                }
            } catch (Throwable e) {
                failure[0] = e;
            } finally {
                finished = true;
            }
        }, "deep", 256 * 1024);
        sweeper.setDaemon(true); // left behind if a waiter was stranded
        waiter.start();
        watcher.start();
        sweeper.start();
        sweeper.join();
        watcher.join();
        for (Throwable t : failure) {
            if (t != null) {
                throw new AssertionError(t);
            }
        }
        Outcome o = new Outcome(sweeps[0], counts[0], counts[1], counts[2], wakes, overflows, whereItStruck);
        System.out.println(WakingStackOverflowTest.class.getSimpleName() + ": " + o);
        assertThat(o.overflows()).as("the sweeps reached the stack's limit: " + o).isPositive();
        assertThat(o.wakes()).as("wakes made at depth: " + o).isPositive();
        return o;
    }

    @Test
    void anRUnlockThatLetsAWriterInAtEveryDepthLosesNoWakeUp() throws Exception {
        rUnlockCase();
    }

    @Test
    void anUnlockThatLetsAReaderInAtEveryDepthLosesNoWakeUp() throws Exception {
        unlockCase();
    }

    @Test
    void anUnlockThatLetsAWriterInAtEveryDepthLosesNoWakeUp() throws Exception {
        unlockToWriterCase();
    }

    @Test
    void aDoneThatReleasesAWaiterAtEveryDepthLosesNoWakeUp() throws Exception {
        doneCase();
    }

    /**
     * The three cases again in a JVM that only interprets ({@code -Xint}): the frame sizes are
     * then the same in every run, whatever ran before, and so is where the sweep meets the
     * stack's end. In this JVM, what the JIT has compiled by the time a case runs decides it:
     * the done case showed the old code's gap when it ran first (interpreted), and hardly ever
     * after the RWMutex cases had warmed the shared code.
     */
    @Test
    void theSameSweepsInAnInterpretingJvm() throws Exception {
        dev.weft.ChildJvm.Result r = dev.weft.ChildJvm.run(100, java.util.List.of("-Xint"), Interpreted.class.getName());
        String out = r.output();
        assertThat(out).as(out).contains("OK: 4 cases").doesNotContain("FAILED");
        assertThat(r.exitValue()).as(out).isZero();
    }

    /** The child of {@link #theSameSweepsInAnInterpretingJvm}: runs each case, prints the outcome. */
    static final class Interpreted {
        public static void main(String[] args) {
            int failed = 0;
            String[] names = {"rUnlock", "unlock", "unlockToWriter", "done"};
            for (int i = 0; i < names.length; i++) {
                try {
                    switch (i) {
                        case 0 -> rUnlockCase();
                        case 1 -> unlockCase();
                        case 2 -> unlockToWriterCase();
                        default -> doneCase();
                    }
                } catch (Throwable e) {
                    failed++;
                    System.out.println("FAILED " + names[i] + ": " + e);
                }
            }
            if (failed == 0) {
                System.out.println("OK: 4 cases");
            }
            System.out.flush();
            Runtime.getRuntime().halt(failed); // a stranded waiter or sweeper is left behind
        }
    }

    static void rUnlockCase() throws Exception {
        RWMutex rw = new RWMutex();
        Outcome o = sweep(new Case() {
            @Override
            public void take() {
                rw.rLock();
            }

            @Override
            public void wake() {
                rw.rUnlock();
            }

            @Override
            public void waitOnce() {
                rw.lock(); // waits for the sweeper's read lock
                rw.unlock();
            }

            @Override
            public boolean stillHeld() {
                return intField(rw, "readerCount") == 1 - MAX_READERS; // the reader, and the writer pending
            }

            @Override
            public boolean waiterQueued() {
                return MutexInternals.nwait(sema(rw, "writerSem")) != 0;
            }

            @Override
            public Object blocker() {
                return rw;
            }
        });
        assertThat(o.strandedWaiters()).as("writers never woken: " + o).isZero();
        assertThat(o.updatedThenOverflowed()).as("rUnlocks that overflowed after their update: " + o).isZero();
        rw.rUnlock(); // the read lock the waiter took for the sweeper after its last wait
        assertThat(rw.tryLock()).as("the write lock is free").isTrue();
        rw.unlock();
    }

    static void unlockCase() throws Exception {
        RWMutex rw = new RWMutex();
        Outcome o = sweep(new Case() {
            @Override
            public void take() {
                rw.lock();
            }

            @Override
            public void wake() {
                rw.unlock();
            }

            @Override
            public void waitOnce() {
                rw.rLock(); // waits for the sweeper's write lock
                rw.rUnlock();
            }

            @Override
            public boolean stillHeld() {
                return intField(rw, "readerCount") < 0; // write-locked still
            }

            @Override
            public boolean waiterQueued() {
                return MutexInternals.nwait(sema(rw, "readerSem")) != 0;
            }

            @Override
            public Object blocker() {
                return rw;
            }
        });
        assertThat(o.strandedWaiters()).as("readers never woken: " + o).isZero();
        assertThat(o.updatedThenOverflowed()).as("unlocks that overflowed after their update: " + o).isZero();
        rw.unlock(); // the write lock the waiter took for the sweeper after its last wait
        assertThat(rw.tryLock()).as("the write lock is free (its inner mutex unlocked)").isTrue();
        rw.unlock();
    }

    /**
     * An unlock with no reader queued but a writer waiting on {@code w}: the branch of unlock's
     * deep probe that {@code w}'s waiters decide ({@code Mutex.hasWaiters}); after the update,
     * {@code w}'s slow unlock must still fit, or the count is restored and {@code w} stays locked
     * with the writer queued on it.
     */
    static void unlockToWriterCase() throws Exception {
        RWMutex rw = new RWMutex();
        Mutex w;
        try {
            w = (Mutex) field(RWMutex.class, "w").get(rw);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        Outcome o = sweep(new Case() {
            @Override
            public void take() {
                rw.lock();
            }

            @Override
            public void wake() {
                rw.unlock();
            }

            @Override
            public void waitOnce() {
                rw.lock(); // waits on w for the sweeper's write lock
                rw.unlock();
            }

            @Override
            public boolean stillHeld() {
                return intField(rw, "readerCount") < 0; // write-locked still
            }

            @Override
            public boolean waiterQueued() {
                return MutexInternals.nwait(MutexInternals.sema(w)) != 0;
            }

            @Override
            public Object blocker() {
                return w;
            }
        });
        assertThat(o.strandedWaiters()).as("writers never let in: " + o).isZero();
        assertThat(o.updatedThenOverflowed()).as("unlocks that overflowed after their update: " + o).isZero();
        rw.unlock(); // the write lock the waiter took for the sweeper after its last wait
        assertThat(rw.tryLock()).as("the write lock is free (its inner mutex unlocked)").isTrue();
        rw.unlock();
    }

    static void doneCase() throws Exception {
        WaitGroup wg = new WaitGroup();
        Outcome o = sweep(new Case() {
            @Override
            public void take() {
                wg.add(1);
            }

            @Override
            public void wake() {
                wg.done();
            }

            @Override
            public void waitOnce() {
                wg.await(); // waits for the sweeper's count
            }

            @Override
            public boolean stillHeld() {
                return (int) (longField(wg, "state") >> 32) == 1;
            }

            @Override
            public boolean waiterQueued() {
                return MutexInternals.nwait(sema(wg, "sema")) != 0;
            }

            @Override
            public Object blocker() {
                return wg;
            }
        });
        assertThat(o.strandedWaiters()).as("waiters never released: " + o).isZero();
        assertThat(o.updatedThenOverflowed()).as("dones that overflowed after their update: " + o).isZero();
        wg.done(); // the count the waiter added for the sweeper after its last wait
        wg.await();
    }

    private static int intField(Object o, String name) {
        try {
            return ((AtomicInteger) field(o.getClass(), name).get(o)).get();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static long longField(Object o, String name) {
        try {
            return ((AtomicLong) field(o.getClass(), name).get(o)).get();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Sema sema(Object o, String name) {
        try {
            return (Sema) field(o.getClass(), name).get(o);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Field field(Class<?> c, String name) throws NoSuchFieldException {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
