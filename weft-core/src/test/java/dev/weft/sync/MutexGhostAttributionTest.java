package dev.weft.sync;

import static dev.weft.Conditions.awaitTrue;
import static dev.weft.sync.MutexInternals.count;
import static dev.weft.sync.MutexInternals.invoke;
import static dev.weft.sync.MutexInternals.nwait;
import static dev.weft.sync.MutexInternals.sema;
import static dev.weft.sync.MutexInternals.setState;
import static dev.weft.sync.MutexInternals.state;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Goroutine;
import dev.weft.Weft;
import dev.weft.internal.sched.WaitReason;
import dev.weft.proc.WeftProcess;
import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which part a ghost plays ({@link Mutex}'s "Cancelled waiters"): {@link Sema#release} reports
 * "the unit was taken for a ghost" to whichever release reaches the ghost, and the Mutex played
 * the ghost by the mode of that release until the ghost's part was read from the word
 * ({@code Mutex.playGhosts}); but the semaphore's units are fungible, so a release that stalled after its
 * {@code count++} (its own unit taken meanwhile by a barging waiter on Sema.acquire's fast
 * path) can take another release's unit, of the other mode, for the ghost. Each test plays one
 * such interleaving step by step, the stalls played as in MutexTest (the word set as the
 * stalled CAS left it; a release's {@code count++} done early by hand and undone just before the
 * real release runs its rest). The ghost is real: a process goroutine queued on the mutex's
 * semaphore and terminated.
 *
 * <p>Found by an exhaustive interleaving model of the Mutex and its semaphore (a reviewer's,
 * every atomic step of the Java code one step of the model).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class MutexGhostAttributionTest {
    private static final int LOCKED = 1;
    private static final int WOKEN = 2;
    private static final int STARVING = 4;
    private static final int WAITER = 8;

    /**
     * U unlocks in normal mode (waiter A registered): one count out, WOKEN, release's count++,
     * and U stalls. A's Sema.acquire takes that unit on its fast path. A newcomer N locks; A,
     * starving, finds it locked, turns it STARVING and queues again; A's process ends: a ghost.
     * N unlocks in starvation mode: release(true)'s count++, N stalls. U resumes: its release
     * reaches the ghost and takes N's hand-off unit for it and returns true. Before the fix, U
     * then played the ghost as a woken waiter (its own release's mode) on a word without WOKEN.
     * N resumes: nwait is 0, its release returns false ("ownership went to the first waiter").
     *
     * <p>Correct outcome: the ghost was handed the mutex, so it leaves as the owner: the mutex
     * ends free, in normal mode, with no waiter. Before: "weft: inconsistent mutex state 12"
     * thrown out of U's unlock, and the mutex stayed "unlocked, starving, waiters=1" with nobody
     * queued: tryLock failed for ever and every lock parked for ever.
     */
    @Test
    void aStalledNormalWakeUpDoesNotPlayAGhostThatWasHandedTheMutex() throws Throwable {
        try (Weft rt = Weft.builder().procs(1).build()) {
            Mutex m = new Mutex(WaitReason.MUTEX_LOCK, Long.MAX_VALUE);
            Sema sema = sema(m);
            m.lock(); // U holds
            setState(m, LOCKED | WAITER); // A registered (lockSlow's CAS)
            setState(m, WOKEN); // U's unlock CAS and unlockSlow's CAS: a count out, WOKEN
            count(sema).incrementAndGet(); // U's release: count++ ... U stalls
            assertThat(tryAcquire(sema)).as("A's acquire takes U's unit on its fast path").isTrue();
            assertThat(m.tryLock()).as("N, a newcomer, locks the free mutex").isTrue();
            // A is the woken waiter, starving, and finds it locked: registers again, STARVING, WOKEN cleared.
            assertThat(state(m)).isEqualTo(LOCKED | WOKEN);
            setState(m, LOCKED | STARVING | WAITER);
            leaveAGhost(rt, m, sema, true); // A queues again and its process ends

            setState(m, STARVING | WAITER); // N's unlock: starvation mode
            count(sema).incrementAndGet(); // N's release(true): count++ ... N stalls

            Throwable thrown = resumeStalledRelease(m, sema, false); // U's release resumes
            // N resumes: its release reads nwait, which is 0, and returns false: N's unlock ends.
            assertThat(nwait(sema)).isZero();

            assertThat(thrown).as("U's unlock completes without an exception").isNull();
            assertThat(m).hasToString("Mutex[unlocked, waiters=0]");
            assertThat(m.tryLock()).as("free, in normal mode").isTrue();
            m.unlock();
        }
    }

    /**
     * U unlocks in starvation mode (A's ghost queued, the only waiter): release(true)'s count++,
     * U stalls. A newcomer B registers, takes that unit on Sema.acquire's fast path, is handed
     * the mutex and, not starving, ends starvation mode; B unlocks in normal mode: the ghost's
     * count out, WOKEN, release(false)'s count++, B stalls. U resumes: its release reaches the
     * ghost and takes B's normal-mode unit for it and returns true. Before the fix, U then played
     * the ghost as a handed-off owner on the word WOKEN with no waiter: one count out of zero.
     * B resumes: nwait is 0, its release returns false.
     *
     * <p>Correct outcome: the ghost was a woken waiter that leaves, clearing WOKEN: the mutex
     * ends free with no waiter. Before, the word underflowed to -6: "waiters=536870911" with WOKEN
     * set for ever, so no later unlock woke anyone.
     */
    @Test
    void aStalledHandOffDoesNotPlayAGhostThatWasWokenInNormalMode() throws Throwable {
        try (Weft rt = Weft.builder().procs(1).build()) {
            Mutex m = new Mutex(WaitReason.MUTEX_LOCK, Long.MAX_VALUE); // B is not starving
            Sema sema = sema(m);
            m.lock(); // U holds
            setState(m, LOCKED | STARVING | WAITER); // A waits, the mutex turned starving
            leaveAGhost(rt, m, sema, false); // A's process ends: a ghost

            setState(m, STARVING | WAITER); // U's unlock: starvation mode
            count(sema).incrementAndGet(); // U's release(true): count++ ... U stalls

            m.lock(); // B: registers, takes U's unit on the fast path, handed off, ends starvation mode
            assertThat(state(m)).as("B holds it, the ghost's count remains").isEqualTo(LOCKED | WAITER);
            setState(m, WOKEN); // B's unlock CAS and unlockSlow's CAS: the ghost's count out, WOKEN
            count(sema).incrementAndGet(); // B's release(false): count++ ... B stalls

            Throwable thrown = resumeStalledRelease(m, sema, true); // U's release resumes
            // B resumes: its release reads nwait, which is 0, and returns false: B's unlock ends.
            assertThat(nwait(sema)).isZero();

            assertThat(thrown).as("U's unlock completes without an exception").isNull();
            assertThat(m).hasToString("Mutex[unlocked, waiters=0]");
            assertThat(m.tryLock()).isTrue();
            m.unlock();
        }
    }

    /** A process goroutine queues on the mutex's semaphore as A would, and its process ends. */
    private static void leaveAGhost(Weft rt, Mutex m, Sema sema, boolean queueFront) throws Exception {
        AtomicInteger left = new AtomicInteger();
        int before = nwait(sema);
        WeftProcess p = WeftProcess.builder("ghost").start(rt, () -> {
            if (!sema.acquireOrLeaveGhost(m, null, WaitReason.MUTEX_LOCK, queueFront)) {
                left.incrementAndGet();
            }
        });
        awaitTrue(() -> nwait(sema) == before + 1
                && p.threads().stream().allMatch(g -> g.state() == Goroutine.State.WAITING));
        p.terminate(1);
        assertThat(p.waitFor()).isEqualTo(1);
        assertThat(left).as("A's wait returned false: it left a ghost").hasValue(1);
        assertThat(nwait(sema)).as("the ghost keeps its place").isEqualTo(before + 1);
    }

    /**
     * A release that stalled after its {@code count++} (played early by hand, so taken back here
     * first) runs its rest; if it reached a ghost, the unlock goes on as {@code unlockSlow} does.
     * Returns what that threw, or null.
     */
    private static Throwable resumeStalledRelease(Mutex m, Sema sema, boolean handoff) {
        count(sema).decrementAndGet();
        if (!sema.release(handoff)) {
            return null;
        }
        try {
            served(m);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /**
     * What unlockSlow does after a release that reached a ghost: the ghosts played, then on from
     * the word they left. Written out here (a copy of that glue, which the tests then do not
     * check) because the release itself is played by hand above.
     */
    private static void served(Mutex m) throws Throwable {
        int old = (int) invoke(m, "playGhosts");
        if (old != -1) { // Mutex.NOTHING_MORE
            invoke(m, "unlockSlow", old);
        }
    }

    private static boolean tryAcquire(Sema sema) throws Throwable {
        Method method = Sema.class.getDeclaredMethod("tryAcquire");
        method.setAccessible(true);
        return (boolean) method.invoke(sema);
    }
}
