package dev.weft.chan;

import dev.weft.internal.sched.Bubble;
import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.ProcessSupport;
import dev.weft.internal.sched.Sched;
import dev.weft.internal.timer.TimerEntry;
import dev.weft.internal.sched.WaitReason;
import dev.weft.internal.timer.TimerHeap;
import dev.weft.internal.util.StackHeadroom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import java.util.function.Consumer;

/**
 * Go's {@code select}: waits until one of several channel operations can proceed, performs exactly
 * that one and runs its action.
 *
 * <pre>{@code
 * new Select()
 *     .recv(jobs, job -> handle(job))
 *     .send(results, r, () -> sent++)
 *     .orElse(() -> idle())        // optional: Go's default
 *     .run();
 * }</pre>
 *
 * <h2>Protocol (Go's {@code selectgo})</h2>
 * <ol>
 *   <li>Poll order: a uniformly random permutation of the cases, so no ready case is starved.
 *       Lock order: cases sorted by {@link Chan#id}, each distinct channel locked once, so two
 *       selects over the same channels can never deadlock and a channel named by several cases
 *       works.
 *   <li>Pass 1, every lock held: the first case in poll order that can proceed (a parked partner,
 *       buffered data or room, or a closed channel) is performed; unlock, wake the partner, run
 *       the action. With no ready case, {@link #orElse} runs instead if it was given.
 *   <li>Pass 2: one {@link Waiter} per case, all sharing one {@link Selection} claim, is queued on
 *       its channel; unlock all; park ({@link WaitReason#SELECT}) until a partner claims one case.
 *   <li>Pass 3: relock all and unlink the losing waiters still queued (a partner that found one
 *       first dropped it because its claim failed), so a finished select leaves nothing behind.
 * </ol>
 *
 * <p>A case on a null channel never fires (Go's nil channel), so a loop can disable finished
 * cases. With no case that can fire and no {@code orElse}, {@link #run()} parks forever, Go's
 * {@code select {}} ({@link WaitReason#SELECT_NO_CASES}).
 *
 * <p>A {@code Select} may be built once and run many times, by one thread at a time; actions run
 * after every channel lock is released.
 *
 * <p><b>Interrupts.</b> {@link #run} is not interruptible: an interrupt neither ends the wait nor
 * makes a case fire; exactly one case still completes, and the interrupt status is set again when
 * {@code run} returns. Add a {@code Context}'s {@code done()} channel as a case to give up a wait.
 */
public final class Select {
    private static final byte RECV = 0;
    private static final byte RECV_OK = 1;
    private static final byte SEND = 2;
    /** A receive from a timer channel made afresh on each run; values[i] holds the delay. */
    private static final byte AFTER = 3;

    private Chan<?>[] chans = new Chan<?>[4];
    private byte[] kinds = new byte[4];
    /** Send cases: the value; receive cases: null. */
    private Object[] values = new Object[4];
    /** Consumer for receive cases, Runnable for send cases. */
    private Object[] actions = new Object[4];
    private int n;
    private Runnable orElse;
    private int afterCases;
    /** The timers armed for the after cases of the current run; null slots otherwise. */
    private TimerEntry[] afterTimers = new TimerEntry[0];
    /** Their due times on {@link #afterClock}'s clock, for {@link #fireExpiredAfterCases}. */
    private long[] afterDue = new long[0];
    /** The runtime whose clock the current run's after cases were armed on. */
    private Sched afterClock;

    /** Scratch arrays reused by run(): poll order, lock order, the waiters of pass 2. */
    private int[] pollOrder = new int[0];
    private int[] lockOrder = new int[0];
    private Waiter[] waiters = new Waiter[0];

    /**
     * Adds a receive case: {@code onValue} gets the value, or null once {@code ch} is closed and
     * drained. A null {@code ch} never fires.
     */
    public <T> Select recv(Chan<T> ch, Consumer<? super T> onValue) {
        return add(ch, RECV, null, Objects.requireNonNull(onValue, "onValue"));
    }

    /** Adds a receive case whose action also learns whether the channel was closed (Go's ok). */
    public <T> Select recvOk(Chan<T> ch, Consumer<? super RecvResult<T>> onResult) {
        return add(ch, RECV_OK, null, Objects.requireNonNull(onResult, "onResult"));
    }

    /**
     * Adds a send case; if it fires, {@code value} was sent and {@code onSent} runs. If it is
     * chosen while {@code ch} is closed, {@link #run()} throws {@link ClosedChannelException}. A
     * null {@code ch} never fires.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalStateException if {@code ch} is a timer's channel, which only its timer sends on,
     *     or a context's done channel, which is never sent on
     */
    public <T> Select send(Chan<T> ch, T value, Runnable onSent) {
        Chan.requireValue(value);
        if (ch != null && ch.ownerOnly) {
            throw ch.refusedByOwner("select send on");
        }
        return add(ch, SEND, value, Objects.requireNonNull(onSent, "onSent"));
    }

    /**
     * Adds a timeout case (Go's {@code case <-time.After(d)}): if no other case fires within
     * {@code d} of {@link #run()} starting, {@code onTimeout} runs. The timer is armed afresh on
     * each run and stopped before the chosen action runs, so a select loop does not pile up timers.
     * A timeout already expired when a run looks at its cases ({@code d} zero or negative) is a
     * ready case like any other, as in Go 1.23: chosen uniformly among the ready cases, and
     * chosen rather than {@link #orElse}.
     */
    public Select after(Duration d, Runnable onTimeout) {
        Objects.requireNonNull(d, "duration");
        Objects.requireNonNull(onTimeout, "onTimeout");
        long nanos;
        try {
            nanos = Math.max(0, d.toNanos());
        } catch (ArithmeticException tooLong) {
            nanos = d.isNegative() ? 0 : Long.MAX_VALUE;
        }
        afterCases++;
        return add(null, AFTER, nanos, onTimeout);
    }

    /** Go's {@code default}: runs when no case is ready, and then {@link #run()} does not wait. */
    public Select orElse(Runnable onNoneReady) {
        this.orElse = Objects.requireNonNull(onNoneReady, "onNoneReady");
        return this;
    }

    private Select add(Chan<?> ch, byte kind, Object value, Object action) {
        if (n == chans.length) {
            int len = n * 2;
            chans = Arrays.copyOf(chans, len);
            kinds = Arrays.copyOf(kinds, len);
            values = Arrays.copyOf(values, len);
            actions = Arrays.copyOf(actions, len);
        }
        chans[n] = ch;
        kinds[n] = kind;
        values[n] = value;
        actions[n] = action;
        n++;
        return this;
    }

    /**
     * Performs one ready case (chosen uniformly at random among the ready ones), waiting for one
     * if none is ready and there is no {@link #orElse}; then runs its action.
     *
     * @return the index of the case that fired, in the order cases were added, or -1 if
     *     {@code orElse} ran
     * @throws ClosedChannelException if a send case was chosen on a closed channel
     */
    public int run() {
        Sched.checkpoint();
        if (afterCases == 0) {
            return runCases();
        }
        armAfterCases();
        try {
            return runCases();
        } finally {
            disarmAfterCases();
        }
    }

    private void armAfterCases() {
        if (afterTimers.length < n) {
            afterTimers = new TimerEntry[n];
            afterDue = new long[n];
        }
        Sched sched = Sched.forCaller();
        afterClock = sched;
        long now = sched.nanoTime();
        for (int i = 0; i < n; i++) {
            if (kinds[i] != AFTER) {
                continue;
            }
            Chan<Object> timeout = Chan.make(1);
            TimerEntry t = new TimerEntry((e, seq, at) -> timeout.trySend(Boolean.TRUE));
            long delay = (Long) values[i];
            long due = now + delay < now ? Long.MAX_VALUE : now + delay;
            sched.addTimer(t, due, 0);
            chans[i] = timeout;
            afterTimers[i] = t;
            afterDue[i] = due;
        }
    }

    /**
     * Before each pass 1: an after case whose time has come is ready now, whether or not a heap
     * has run its timer yet (Go 1.23's maybeRunChan, which selectgo calls for every timer
     * channel). Without this, {@code after(ZERO)} or a negative duration, armed "due now", lost
     * to every ready case and to {@code orElse} until the heap's next run. The timer is taken out
     * of its heap and its send done here, so it is sent once, by whoever removes it.
     */
    @SuppressWarnings("unchecked")
    private void fireExpiredAfterCases() {
        long now = afterClock.nanoTime();
        for (int i = 0; i < n; i++) {
            if (kinds[i] == AFTER && afterTimers[i] != null && afterDue[i] <= now
                    && TimerHeap.remove(afterTimers[i])) {
                ((Chan<Object>) chans[i]).trySend(Boolean.TRUE);
            }
        }
    }

    private void disarmAfterCases() {
        for (int i = 0; i < n; i++) {
            if (kinds[i] == AFTER && afterTimers[i] != null) { // null: stopped already (actionStarts)
                TimerHeap.remove(afterTimers[i]);
                afterTimers[i] = null;
                chans[i] = null;
            }
        }
    }

    /**
     * The outcome is known and an action is about to run: stop this run's timers now, not when
     * run returns, so that an action may run this select again (a handler re-running it on the
     * same thread), whose arming would otherwise replace this run's timers, leaving them pending
     * until due and the clean-up of this run with nothing to stop (a NullPointerException).
     */
    private void actionStarts() {
        if (afterCases != 0) {
            disarmAfterCases();
        }
    }

    private int runCases() {
        int active = prepareOrders();
        if (active == 0) {
            if (orElse != null) {
                actionStarts();
                orElse.run();
                return -1;
            }
            return blockForever();
        }
        int[] poll = pollOrder;
        int[] order = lockOrder;
        Selection sel = null; // made outside the locks, only once the select must wait
        for (;;) {
            if (afterCases != 0) {
                fireExpiredAfterCases();
            }
            // Pass 1, under every channel's lock: the first ready case in poll order wins. The
            // outcome is recorded and acted on after the locks are released (see Chan's class
            // comment on failure atomicity).
            int won = -1;
            Object value = null;
            boolean ok = true;
            Waiter wake = null;
            boolean sendOnClosed = false;
            int locked = 0; // how many of the order's entries this select has locked
            try {
                // lockAll, written out so the finally block knows how far it got.
                for (; locked < active; locked++) {
                    Chan<?> c = chans[order[locked]];
                    if (locked == 0 || c != chans[order[locked - 1]]) {
                        c.lock.lock();
                    }
                }
                for (int k = 0; k < active && won < 0; k++) {
                    int i = poll[k];
                    Chan<?> c = chans[i];
                    if (kinds[i] == SEND) {
                        if (c.closedLocked()) {
                            sendOnClosed = true;
                            won = i;
                        } else if ((wake = c.recvq().dequeueAndComplete(values[i], true)) != null) {
                            won = i;
                        } else if (c.hasRoomLocked()) {
                            c.putLocked(values[i]);
                            won = i;
                        }
                    } else if ((wake = c.takeFromSendqLocked()) != null) {
                        value = c.taken;
                        c.taken = null;
                        won = i;
                    } else if (c.hasValueLocked()) {
                        value = c.takeLocked();
                        won = i;
                    } else if (c.closedLocked()) {
                        ok = false;
                        won = i;
                    }
                }
                if (won < 0 && orElse == null && sel != null) {
                    // Pass 2: wait on every channel at once, enqueued in the random poll order:
                    // two cases on one channel would otherwise always queue in case order, and a
                    // receiver arriving later would always take the first.
                    enqueueAll(sel, poll, active);
                }
            } finally {
                // The release, written out: a call here could overflow and keep the locks
                // (SpinLock#held). Duplicates are adjacent in lock order and released once.
                for (int k = 0; k < locked; k++) {
                    Chan<?> c = chans[order[k]];
                    if (k == 0 || c != chans[order[k - 1]]) {
                        c.lock.held = 0;
                    }
                }
            }
            if (sendOnClosed) {
                throw ClosedChannelException.send();
            }
            if (won >= 0) {
                if (wake != null) {
                    Parking.ready(wake.thread);
                }
                return fire(won, value, ok);
            }
            if (orElse != null) {
                actionStarts();
                orElse.run();
                return -1;
            }
            if (sel == null) {
                sel = new Selection();
                Thread self = Parking.currentWaiter();
                Waiter[] ws = waiters;
                for (int k = 0; k < active; k++) {
                    int i = poll[k];
                    Waiter w = new Waiter(self, sel, i);
                    if (kinds[i] == SEND) {
                        w.elem = values[i];
                    }
                    ws[i] = w;
                }
                StackHeadroom.ensure(); // the enqueue and clean-up passes are loops of calls under the locks
                continue; // look again: a case may be ready now
            }
            break;
        }
        Waiter win = sel.await(this, commonRuntime());

        // Pass 3: leave no losing waiter behind.
        Waiter[] ws = waiters;
        int locked = 0;
        try {
            for (; locked < active; locked++) {
                Chan<?> c = chans[order[locked]];
                if (locked == 0 || c != chans[order[locked - 1]]) {
                    c.lock.lock();
                }
            }
            for (int k = 0; k < active; k++) {
                int i = order[k];
                Waiter w = ws[i];
                ws[i] = null;
                if (w != win) {
                    (kinds[i] == SEND ? chans[i].sendq() : chans[i].recvq()).remove(w);
                }
            }
        } finally {
            for (int k = 0; k < locked; k++) { // the release written out, as in pass 1
                Chan<?> c = chans[order[k]];
                if (k == 0 || c != chans[order[k - 1]]) {
                    c.lock.held = 0;
                }
            }
        }
        if (win == null) {
            throw ProcessSupport.cancellation(); // the caller's process ended; every waiter is gone
        }
        int i = win.caseIndex;
        if (kinds[i] == SEND && !win.success) {
            throw ClosedChannelException.send();
        }
        return fire(i, win.elem, win.success);
    }

    /** Pass 2, under the locks: every case's waiter joins its channel's queue. */
    private void enqueueAll(Selection sel, int[] poll, int active) {
        Waiter[] ws = waiters;
        for (int k = 0; k < active; k++) {
            int i = poll[k];
            if (kinds[i] == SEND) {
                chans[i].sendq().enqueue(ws[i]);
            } else {
                chans[i].recvq().enqueue(ws[i]);
            }
        }
    }

    /** Fills pollOrder (random permutation) and lockOrder (by channel id) with the non-null cases. */
    private int prepareOrders() {
        if (pollOrder.length < n) {
            pollOrder = new int[n];
            lockOrder = new int[n];
            waiters = new Waiter[n];
        }
        int[] poll = pollOrder;
        int[] order = lockOrder;
        for (int i = 0; i < n; i++) {
            Chan<?> c = chans[i];
            if (c != null && c.bubbled) {
                // A synctest bubble's channel: only its goroutines may select on it.
                Bubble.checkAccess(c.weftRuntime, "select on synctest channel");
            }
            if (c != null && c.timer != null) {
                c.timer.runIfDue(); // a due timer's value is there for pass 1 (Go 1.23's selectgo)
            }
        }
        // Inside a bubble the order comes from its seed, whoever made the channels, so that a
        // schedule replays; elsewhere from the thread's own generator.
        Bubble bubble = Bubble.current();
        RandomGenerator rnd = bubble != null ? bubble.random() : ThreadLocalRandom.current();
        int active = 0;
        for (int i = 0; i < n; i++) {
            if (chans[i] == null) {
                continue;
            }
            // Inside-out Fisher-Yates: a uniform permutation built in one pass.
            int j = rnd.nextInt(active + 1);
            poll[active] = poll[j];
            poll[j] = i;
            // Insertion sort by id: selects are small, and this allocates nothing.
            long id = chans[i].id;
            int k = active;
            while (k > 0 && chans[order[k - 1]].id > id) {
                order[k] = order[k - 1];
                k--;
            }
            order[k] = i;
            active++;
        }
        return active;
    }



    @SuppressWarnings("unchecked")
    private int fire(int i, Object value, boolean ok) {
        actionStarts();
        switch (kinds[i]) {
            case SEND -> ((Runnable) actions[i]).run();
            case RECV -> ((Consumer<Object>) actions[i]).accept(value);
            case AFTER -> ((Runnable) actions[i]).run();
            default -> ((Consumer<Object>) actions[i]).accept(ok ? new RecvResult<>(value, true) : RecvResult.closed());
        }
        return i;
    }

    private int blockForever() {
        for (;;) {
            // Go's select {}: asleep for good, so part of a deadlock of the caller's runtime.
            boolean cancel = Parking.park(this, WaitReason.SELECT_NO_CASES, Parking.callerRuntime());
            Thread.interrupted(); // not interruptible, as in Go; never spin on the status
            if (cancel) {
                throw ProcessSupport.cancellation();
            }
        }
    }

    /**
     * The runtime that made every channel of this select, or null if they differ or one came
     * from a platform thread (a select waits for good only if all of them belong to its runtime).
     */
    private Object commonRuntime() {
        Object common = null;
        for (int i = 0; i < n; i++) {
            Chan<?> c = chans[i];
            if (c == null) {
                continue;
            }
            Object r = c.weftRuntime;
            if (r == null || (common != null && common != r)) {
                return null;
            }
            common = r;
        }
        return common;
    }
}
