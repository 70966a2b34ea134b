package dev.weft.internal.sched;

import dev.weft.internal.util.StackHeadroom;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The idle lists and the spinning protocol (Go's {@code pidle}, {@code midle},
 * {@code nmspinning}, {@code wakep}, {@code startm}, {@code stopm}, {@code handoffp}): how an M
 * without work goes to sleep and how queued work gets an M, without ever leaving a G queued while
 * every M sleeps, and without waking every M for every G.
 *
 * <h2>Spinning</h2>
 * A spinning M holds a P and looks for work (the global queue, stealing) without having found
 * any. {@link #nmspinning} counts them; at most half the busy Ps' worth spin at once
 * ({@link #trySpin}). A spinner that finds work stops spinning and wakes another spinner
 * ({@link #resetSpinning}), so a burst reaches full parallelism one M at a time instead of every
 * M waking for every G. Every decrement goes through {@link #uncountSpinning}, which never takes
 * the count below zero (see there why it may be lower than the Ms that spin, and why that is the
 * safe side).
 *
 * <h2>The lost-wake-up argument</h2>
 * Two halves, each with a full fence between its store and its load:
 * <ul>
 *   <li><b>submit</b> ({@link #wakep}): put the G in a queue, then fence, then read
 *       {@code nmspinning}; wake an M for an idle P only if nobody spins.</li>
 *   <li><b>spinner exit</b> ({@link #spinnerExit}): drop the P, decrement {@code nmspinning}
 *       (an atomic read-modify-write, a full fence), then re-check the global queue and every
 *       P's queue, and take an idle P back if any has work.</li>
 * </ul>
 * If the submitter read a nonzero count, the spinner it saw had not yet decremented, so the
 * spinner's re-check comes after the G's store and sees it. If the submitter read zero, it
 * wakes an M itself. Either way some M runs the G. When no P is idle, a submitter cannot start
 * an M; it sets {@link #needspinning} under the scheduler lock instead, and the next M that would
 * put its P on the idle list (findRunnable, {@link #handoffp}) reads the flag under the same lock
 * and spins instead.
 *
 * <h2>Alternatives rejected</h2>
 * <ul>
 *   <li>Waking an M on every submit (no spinning count): correct, but a ping-pong between two
 *       goroutines then wakes and parks a carrier per message; the kernel's wake-up dominates the
 *       hand-off (measured by the first prototype at several microseconds a round trip).</li>
 *   <li>Checking for idle Ps without a fence (a plain read of {@code nmspinning}): the read can be
 *       ordered before the queue write on the submit side, so both sides can miss each other and
 *       a G can sit queued with every M asleep (Go's runtime had this bug class; it is why its
 *       {@code wakep} and spinner exit both use atomics).</li>
 *   <li>A condition variable that idle Ms wait on: a monitor or AQS lock would unmount a
 *       goroutine that submits while holding it, and the carriers themselves take this path;
 *       see {@code SpinLock} for why the scheduler's locks never park.</li>
 * </ul>
 *
 * <h2>Locks</h2>
 * The idle P and M lists, {@link #pwaitingM}, {@code allm} and {@code needspinning}'s
 * set-when-no-P-is-idle are under the scheduler lock ({@code Sched.lock}); the counters are
 * atomics so the fast paths read them without it.
 */
final class Idle {
    private final Sched sched;
    private final int maxMs;

    private P pidle;                      // under lock
    private final AtomicInteger npidle = new AtomicInteger();
    /** Ps handed to startm when no M could be had; the next M entering stopm takes one. Under lock. */
    private P pwaitingM;
    private M midle;                      // under lock
    private int nmidle;                   // under lock
    private final List<M> allm = new ArrayList<>(); // under lock
    private final AtomicInteger nmspinning = new AtomicInteger();
    /** Set when a spinner was wanted but no P was idle: the next M to drop its P spins instead. */
    private final AtomicInteger needspinning = new AtomicInteger();
    /** Under lock: the thread-exhaustion message has been printed. */
    private boolean threadExhaustionReported;

    Idle(Sched sched, int maxMs) {
        this.sched = sched;
        this.maxMs = maxMs;
    }

    int maxMs() {
        return maxMs;
    }

    int idleProcs() {
        return npidle.get();
    }

    int spinning() {
        return nmspinning.get();
    }

    int spinningPlusIdle() {
        return nmspinning.get() + npidle.get();
    }

    int needSpinning() {
        return needspinning.get();
    }

    /** Every M made so far (a copy, under the lock): schedtrace's detail lines. */
    List<M> allmSnapshot() {
        sched.lock.lock();
        try {
            return List.copyOf(allm);
        } finally {
            sched.lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Spinning

    /**
     * findRunnable found nothing local: become (or stay) a spinner if fewer than half the busy
     * Ps' worth spin already. Returns whether {@code m} spins.
     */
    boolean trySpin(M m, int procs) {
        if (m.spinning) {
            return true;
        }
        if (2 * nmspinning.get() < procs - npidle.get()) {
            m.spinning = true;
            nmspinning.incrementAndGet();
            return true;
        }
        return false;
    }

    /** Counts {@code m} as spinning (it holds a P). */
    private void becomeSpinning(M m) {
        m.spinning = true;
        nmspinning.incrementAndGet();
    }

    /** {@code m} stops spinning; the one place the count goes down for a spinning M. */
    void dropSpinning(M m) {
        m.spinning = false;
        uncountSpinning();
    }

    /**
     * Takes one spinner off {@link #nmspinning}, never below zero; a full fence either way, as
     * the spinner-exit half of the protocol needs. The count may be lower than the Ms that spin:
     * {@link #repairStaleSpinning} resets it on evidence (every P of procs idle) that also holds
     * while real spinners hold no P of procs (between dropping the P and the count in findRunnable,
     * handed a P by startm and not yet awake, holding a P that setProcs removed). One too low
     * costs at most an extra wake-up. Below zero it would read as "someone spins" to every
     * {@link #wakep} (lost wake-ups); and the check that threw here left it there for good, so
     * every later spinner threw before it could park and close() joined carriers that never
     * stopped (seen under load in SchedulerStressTest.setProcsWhileGoroutinesRun).
     */
    private void uncountSpinning() {
        for (;;) {
            int c = nmspinning.get();
            if (c <= 0) {
                VarHandle.fullFence();
                return;
            }
            if (nmspinning.compareAndSet(c, c - 1)) {
                return;
            }
        }
    }

    /** A spinning M found work: stop counting it, and wake another spinner for what may remain. */
    void resetSpinning(M m) {
        dropSpinning(m);
        wakep();
    }

    /**
     * Under the scheduler lock, from an M about to put its P on the idle list: if a submitter
     * wanted a spinner and found no idle P, this M spins instead. Returns whether it does.
     */
    boolean takeNeedSpinning(M m) {
        sched.lock.assertHeld();
        if (!m.spinning && needspinning.get() == 1) {
            needspinning.set(0);
            becomeSpinning(m);
            return true;
        }
        return false;
    }

    /**
     * The spinner-exit half of the protocol, after {@code m} dropped its P: stop spinning, then,
     * if work is visible anywhere, take an idle P back and spin again. Returns true with
     * {@code m.p} held.
     */
    boolean spinnerExit(M m) {
        dropSpinning(m); // a full fence: the re-check below reads after it
        // Once stopped, an M that found nothing goes to stopm and exits: work that it sees but
        // cannot take (on a P beyond procs, or one put back idle) must not keep it spinning while
        // close() joins it.
        if (sched.isStopped() || !sched.anyQueuedWork()) {
            return false;
        }
        P p;
        sched.lock.lock();
        try {
            p = pidlegetSpinning();
        } finally {
            sched.lock.unlock();
        }
        if (p == null) {
            return false; // every P is busy; their Ms will find the work
        }
        Sched.acquirep(m, p);
        becomeSpinning(m);
        needspinning.set(0); // a spinner now exists (Go's becomeSpinning)
        return true;
    }

    /**
     * Sysmon, after work has sat queued with every P idle for a millisecond: a nonzero count is
     * then most likely left over from an error that struck inside {@link #wakep} after it counted
     * a spinner (a StackOverflowError in the caller's deep stack). Left alone it would make every
     * later wakep believe someone spins. It is not proof: a spinner may hold no P of procs at the
     * moment (see {@link #uncountSpinning}), and the reset then erases its count, which only
     * makes the count one too low until that spinner stops.
     */
    void repairStaleSpinning() {
        sched.lock.lock();
        try {
            if (npidle.get() >= sched.procs() && nmspinning.get() > 0) {
                nmspinning.set(0);
            }
        } finally {
            sched.lock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Waking Ms

    /**
     * The submit half of the protocol: after queueing a G, wake an M for an idle P unless some M
     * is already spinning (it will find the G, or wake another when it does).
     */
    void wakep() {
        VarHandle.fullFence(); // StoreLoad: the queue write above must be visible before we read nmspinning
        if (nmspinning.get() != 0) {
            return;
        }
        if (npidle.get() == 0) {
            // No P to start an M on: ask the next M that drops its P to spin instead. The flag is
            // set under the lock, where that M reads it (takeNeedSpinning); once set it stays
            // until an M takes it up, so under load this path takes no lock.
            if (needspinning.get() != 0) {
                return;
            }
            sched.lock.lock();
            try {
                if (npidle.get() == 0) {
                    needspinning.set(1);
                    return;
                }
            } finally {
                sched.lock.held = 0; // no call: the caller may be at the end of its stack
            }
        }
        // From here on a spinner is counted, a P taken off the idle list and handed to an M,
        // with calls in between; a StackOverflowError among them (the caller may be a goroutine
        // at the end of its stack) would strand the P and the count for good. Let it strike
        // here, before anything changes: this path wakes a thread, which costs far more.
        StackHeadroom.ensure();
        if (!nmspinning.compareAndSet(0, 1)) {
            return;
        }
        P p;
        sched.lock.lock();
        try {
            p = pidlegetSpinning();
            if (p == null) {
                uncountSpinning(); // the increment above was ours; no M spins for it
                return;
            }
        } finally {
            sched.lock.unlock();
        }
        startm(p, true);
    }

    /**
     * wakep for a caller whose M holds a P. With a single P there is nobody to wake: the caller's
     * P is busy and will run the G itself, so the fence and the reads are skipped. If setProcs
     * adds Ps meanwhile, it wakes Ms for them itself; at worst parallelism comes one schedule late.
     */
    void wakepFromRunningP() {
        if (sched.procs() > 1) {
            wakep();
        }
    }

    /**
     * Hands {@code p} to an idle M, or a new one, and wakes it; with {@code spinning} the M was
     * already counted in {@code nmspinning} by the caller. Never throws.
     */
    void startm(P p, boolean spinning) {
        M nm = null;
        boolean fresh = false;
        boolean guarded = false;
        boolean report = false;
        sched.lock.lock();
        try {
            if (sched.isStopped()) {
                pidleput(p);
            } else if (midle != null) {
                nm = midle;
                midle = nm.link;
                nm.link = null;
                nmidle--;
            } else if (allm.size() < maxMs) {
                nm = new M(sched, allm.size());
                // The first procs + 1 carriers (those that run goroutines at once when nothing
                // blocks) start between guard threads; later ones, made for Go.blocking
                // hand-offs, start alone so that a hand-off pays one thread start (HandleGuards).
                guarded = allm.size() <= sched.procs();
                allm.add(nm);
                fresh = true;
            } else {
                // Every M is busy and no more may be made: the next M to go idle takes this P
                // (stopm) instead of parking, so work queued for it is not stranded. The caller
                // may be the JDK's unblocker thread or sysmon: report, do not throw. Under N_1
                // this is the normal case of the single M being on its way to idle.
                p.status = P.IDLE;
                sched.queues.drainToGlobal(p); // thieves skip idle Ps: its work must stay visible
                p.link = pwaitingM;
                pwaitingM = p;
                report = sched.model == Model.M_N && !threadExhaustionReported;
                threadExhaustionReported |= report;
            }
            if (nm != null) {
                nm.spinning = spinning;
                nm.nextp = p;
            }
        } finally {
            sched.lock.unlock();
        }
        if (nm == null) {
            if (spinning) {
                uncountSpinning(); // counted by the caller for an M that never came
            }
            if (report) {
                Diagnostics.warn("thread exhaustion: runtime '" + sched.name() + "' needs more than " + maxMs
                        + " carrier threads (raise Weft.builder().maxThreads); its goroutines wait for a carrier"
                        + " to come free", null);
            }
            return;
        }
        if (!fresh) {
            nm.wake();
            return;
        }
        try {
            if (guarded) {
                HandleGuards.start(nm); // nm.start() between guard threads
            } else {
                nm.start();
            }
        } catch (Throwable e) { // OutOfMemoryError: unable to create native thread
            sched.lock.lock();
            try {
                allm.remove(nm);
                pidleput(p);
            } finally {
                sched.lock.unlock();
            }
            if (spinning) {
                uncountSpinning();
            }
            Diagnostics.warn("runtime '" + sched.name() + "' could not start a carrier thread", e);
        }
    }

    /**
     * Puts the P-less {@code m} on the idle list and parks it until {@link #startm} hands it a
     * P. Returns false if the runtime stopped instead.
     */
    boolean stopm(M m) {
        sched.lock.lock();
        try {
            if (sched.isStopped()) {
                return false;
            }
            P waiting = pwaitingM;
            if (waiting != null) {
                pwaitingM = waiting.link;
                waiting.link = null;
                Sched.acquirep(m, waiting);
                return true;
            }
            m.parked = true;
            m.link = midle;
            midle = m;
            nmidle++;
        } finally {
            sched.lock.unlock();
        }
        dev.weft.internal.trace.RuntimeTrace t = sched.trace;
        if (t != null) {
            Tracing.onM(t, m, dev.weft.internal.trace.TraceEvent.M_PARK, 0, m.mid, 0);
        }
        m.parkUntilWoken();
        P p = m.nextp;
        if (p == null) {
            return false;
        }
        t = sched.trace;
        if (t != null) {
            Tracing.onM(t, m, dev.weft.internal.trace.TraceEvent.M_UNPARK, 0, m.mid, p.id);
        }
        m.nextp = null;
        Sched.acquirep(m, p);
        return true;
    }

    /** An M without a P: take an idle one, or go idle. Returns false if the runtime stopped. */
    boolean reacquireOrStop(M m) {
        P p;
        sched.lock.lock();
        try {
            p = pidleget();
        } finally {
            sched.lock.unlock();
        }
        if (p != null) {
            Sched.acquirep(m, p);
            return true;
        }
        return stopm(m);
    }

    /**
     * Gives a P that its M cannot use (retaken from a syscall or a stuck M) to another M if there
     * is work for it, else to the idle list (Go's handoffp).
     */
    void handoffp(P p) {
        if (!p.runqEmpty() || !sched.queues.globalEmpty() || sched.retakenHaveWork()) {
            startm(p, false);
            return;
        }
        if (nmspinning.get() + npidle.get() == 0 && nmspinning.compareAndSet(0, 1)) {
            startm(p, true);
            return;
        }
        // Re-check under the lock, as an M dropping its P does: work queued or a spinner wanted
        // since the checks above must not be left behind an idle P.
        boolean spinning = false;
        sched.lock.lock();
        try {
            if (sched.queues.globalEmpty() && needspinning.get() == 0) {
                pidleput(p);
                return;
            }
            if (needspinning.get() != 0) {
                needspinning.set(0);
                nmspinning.incrementAndGet();
                spinning = true;
            }
        } finally {
            sched.lock.unlock();
        }
        startm(p, spinning);
    }

    // ---------------------------------------------------------------------------------------
    // The idle P list (under the scheduler lock)

    /** Under lock. A P beyond procs is stopped instead of going idle. */
    void pidleput(P p) {
        sched.lock.assertHeld();
        if (p.id >= sched.procs()) {
            sched.resize.stopP(p);
            return;
        }
        p.status = P.IDLE;
        p.link = pidle;
        pidle = p;
        npidle.incrementAndGet();
    }

    /** Under lock. A P leaving the idle list means work: wake sysmon if it sleeps deeply. */
    P pidleget() {
        sched.lock.assertHeld();
        P p = pidle;
        if (p != null) {
            pidle = p.link;
            p.link = null;
            npidle.decrementAndGet();
            sched.sysmon.wakeIfSleeping();
        }
        return p;
    }

    /** Under lock: like pidleget, but records that a spinner was wanted when no P is idle. */
    private P pidlegetSpinning() {
        P p = pidleget();
        if (p == null) {
            needspinning.set(1);
        }
        return p;
    }

    /** Under lock (setProcs shrinking): takes the idle Ps with id at least n off the list, STOPPED. */
    List<P> removeIdleFrom(int n) {
        sched.lock.assertHeld();
        List<P> removed = new ArrayList<>();
        P prev = null;
        for (P p = pidle; p != null; ) {
            P next = p.link;
            if (p.id >= n) {
                if (prev == null) {
                    pidle = next;
                } else {
                    prev.link = next;
                }
                p.link = null;
                npidle.decrementAndGet();
                p.status = P.STOPPED;
                removed.add(p);
            } else {
                prev = p;
            }
            p = next;
        }
        return removed;
    }

    // ---------------------------------------------------------------------------------------
    // Shutdown and statistics

    /**
     * The winning close(): marks the runtime stopped, wakes every idle M so that it exits, and
     * joins every carrier (all are idle or on their way: the goroutines have ended or been given
     * up on). Returns whether the wait was interrupted.
     */
    boolean stopCarriers() {
        boolean interrupted = false;
        List<M> ms;
        sched.lock.lock();
        try {
            sched.markStopped();
            for (M m = midle; m != null; m = m.link) {
                m.nextp = null;
                m.wake();
            }
            midle = null;
            nmidle = 0;
            ms = new ArrayList<>(allm);
        } finally {
            sched.lock.unlock();
        }
        for (M m : ms) {
            boolean done = false;
            while (!done) {
                try {
                    m.join();
                    done = true;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        return interrupted;
    }

    /** Under lock: the carriers ever started. */
    List<M> allMs() {
        sched.lock.assertHeld();
        return new ArrayList<>(allm);
    }

    /** Under lock. */
    int idleMs() {
        sched.lock.assertHeld();
        return nmidle;
    }
}
