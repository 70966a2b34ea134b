package dev.weft.chan;

import dev.weft.internal.sched.Bubble;
import dev.weft.internal.sched.G;
import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.ProcessSupport;
import dev.weft.internal.sched.Sched;
import dev.weft.internal.sched.WaitReason;
import dev.weft.internal.access.TimerChannels;
import dev.weft.internal.access.Channels;
import dev.weft.internal.util.SpinLock;
import dev.weft.internal.util.StackHeadroom;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;


/**
 * A Go channel: a typed FIFO conduit between goroutines (or platform threads), unbuffered
 * ({@code make()}) or with a buffer of fixed capacity ({@code make(n)}).
 *
 * <h2>Design (Go's {@code hchan})</h2>
 * One lock per channel guards everything: the ring buffer ({@link #buf}, {@link #recvx},
 * {@link #count}), the {@link #closed} flag and two FIFO wait queues of {@link Waiter}s
 * ({@code sendq}, {@code recvq}). A lock rather than a lock-free segment list (kotlinx's
 * BufferedChannel) because select must observe and mutate several channels atomically, which a
 * lock per channel taken in a global order ({@link #id}) makes simple and deadlock-free.
 *
 * <p>Invariants, with the lock held: sendq and recvq are never both non-empty, except when one
 * select waits to send and to receive on the same unbuffered channel (it can never pair with
 * itself); {@code count > 0} implies recvq is empty and {@code count < cap} implies sendq is empty;
 * a closed channel has an empty sendq and recvq; {@code buf} slots outside the live ring are null,
 * so the channel never retains a received value.
 *
 * <p>A sender that finds a parked receiver hands the value straight to it (never through the
 * buffer) and a receiver that finds a parked sender of a full buffer takes the head and moves the
 * sender's value to the tail, so FIFO order holds and nobody waits on a slot that is free. Wakes
 * follow the {@link Waiter} protocol: complete under the lock, {@link Parking#ready} after
 * unlocking, so the woken goroutine never runs into a lock its waker still holds (and, from a
 * goroutine, lands in the waker's runnext).
 *
 * <p><b>Hot path.</b> {@code send} and {@code recv} are one method, {@code transfer}, with the
 * wait written out in it: a goroutine that waits parks in that frame, the only one between the
 * caller's code and the JDK's park, whichever side of a hand-off waits (its comment says why
 * this matters and how the JIT is led to it).
 *
 * <p><b>Failure atomicity.</b> A StackOverflowError or OutOfMemoryError can strike any call or
 * allocation, and a lock left held would make every later operation on the channel spin
 * forever. So every locked section releases in {@code finally} with no call and allocates
 * nothing (a goroutine's reusable waiter, or a new one, is taken before the lock); within a section, every mutation
 * comes after the last call that could fail ({@link WaitQueue}: claim, then plain writes), so a
 * failure leaves the channel as it was; and a wake-up that fails after the lock is released is
 * deferred, not lost ({@link Parking#ready}). Close and select's waiting pass, the paths with
 * loops of calls, first make sure the stack has room ({@code StackHeadroom}).
 *
 * <p>Null is not a value: {@link #recv()} returns null for "closed and drained", Go's zero value.
 *
 * <p><b>Interrupts.</b> {@code send} and {@code recv} are not interruptible (as in Go, where a
 * {@link dev.weft.context.Context} is the way to give up a wait): an interrupt neither ends the wait
 * nor loses or duplicates its value; the interrupt status is set again when the call returns.
 *
 * <p><b>Deadlock detection and platform threads.</b> A channel belongs to the runtime whose
 * goroutine made it; one a platform thread made belongs to none. Deadlock detection takes a wait
 * on a channel of the runtime as one only its goroutines can end, whoever else holds the channel
 * (which thread will send on it next is unknowable). So a channel made by a goroutine and
 * signalled by a platform thread (a JDK callback, a listener, an executor's task completing the
 * goroutine's request) can be reported: if every goroutine waits on such channels (or on the
 * runtime's other primitives) while the platform thread's work is still in flight,
 * {@link dev.weft.Weft#run} throws a {@link dev.weft.DeadlockException} and a {@code close} gives
 * up on the goroutines. The report ends no goroutine: while the runtime is open, a later send
 * wakes its receiver as usual. Once a close has given up on them, their waits are withdrawn: a
 * send from outside then finds no receiver (it waits, or {@code trySend} says false) rather than
 * hand its value to a goroutine that will never run (under {@code ONE_TO_ONE}, where each
 * goroutine is a thread of its own that a send still wakes, they are left as they are). Make
 * such a channel on the platform thread, or anywhere outside the runtime, and its waits count as
 * ones anything may end (in a select, one such channel is enough); or turn detection off
 * ({@link dev.weft.Weft.Builder#detectDeadlocks}).
 */
public final class Chan<T> implements Iterable<T> {
    /** The runtime whose goroutine made this (for deadlock detection); null if a platform thread did. */
    final Object weftRuntime = Parking.callerRuntime();
    /** Made inside a synctest bubble: every operation checks that it comes from inside it. */
    final boolean bubbled = Bubble.isBubble(weftRuntime);

    private static final AtomicLong IDS = new AtomicLong();

    /** Unique, for select's global lock order (Go sorts by address). Immutable. */
    final long id = IDS.incrementAndGet();
    /**
     * Guards all mutable state below; {@link Select} holds several, taken in id order. A spin lock
     * (see {@link SpinLock}): a timer firing on a carrier sends on channels, and a carrier must
     * never queue behind a goroutine. Sections are short and never park: waiters park after
     * unlocking.
     */
    final SpinLock lock = new SpinLock();

    /** The ring buffer; length = capacity (0 for unbuffered). Slots guarded by lock. */
    private final Object[] buf;
    /** Index of the head value in buf; guarded by lock. */
    private int recvx;
    /** Values in buf; guarded by lock. */
    private int count;
    /** Set once by close(); guarded by lock. */
    private boolean closed;
    /** FIFO queues of parked senders and receivers; guarded by lock. */
    private final WaitQueue sendq = new WaitQueue();
    private final WaitQueue recvq = new WaitQueue();

    /**
     * A channel only its owner sends on and closes, receive-only to everyone else: a timer's
     * (Timer, Ticker, Time.after; its timer sends through {@link TimerChannels}: Go's
     * {@code <-chan Time}) or a context's done channel (closed by its context's cancel through
     * {@link Channels}: Go's {@code Done() <-chan struct{}}). A send or close by anyone else is
     * refused, since it would break the owner for good (a timer that can no longer send, a done
     * channel closed with the context not cancelled). One final field read on each send and close.
     */
    final boolean ownerOnly;
    /**
     * A timer's channel: its timer, asked to deliver a value that is due before every receive and
     * select (Go 1.23 runs an expired timer when its channel is received from, so the value is
     * there at once, not when a heap next runs); null for every other channel. The one hook on
     * the receive paths: a final field read and a branch never taken for plain channels. Also
     * what makes {@link #len} and {@link #cap} say 0 (Go 1.23: a timer's channel presents as
     * unbuffered).
     */
    final TimerChannels.Timer timer;

    static {
        Channels.install(new Channels.Access() {
            @Override
            public Object runtimeOf(Object chan) {
                return ((Chan<?>) chan).weftRuntime;
            }

            @Override
            public Object makeDone() {
                return new Chan<>(0, null, true);
            }

            @Override
            public void closeDone(Object chan) {
                ((Chan<?>) chan).closeAsOwner();
            }
        });
        TimerChannels.install(new TimerChannels.Access() {
            @Override
            public Object make(TimerChannels.Timer timer) {
                return new Chan<>(1, java.util.Objects.requireNonNull(timer, "timer"), true);
            }

            @Override
            public boolean offer(Object chan, Object value) {
                return ((Chan<?>) chan).offer(value);
            }

            @Override
            public Object drain(Object chan) {
                return ((Chan<?>) chan).poll();
            }
        });
    }

    private Chan(int capacity) {
        this(capacity, null, false);
    }

    private Chan(int capacity, TimerChannels.Timer timer, boolean ownerOnly) {
        this.buf = new Object[capacity];
        this.ownerOnly = ownerOnly;
        this.timer = timer;
    }

    /** An unbuffered channel: a send completes only when a receiver takes the value. */
    public static <T> Chan<T> make() {
        return new Chan<>(0);
    }

    /**
     * A channel buffering up to {@code capacity} values; 0 is unbuffered.
     *
     * @throws IllegalArgumentException if {@code capacity} is negative, or larger than the
     *     largest array the JVM makes ({@code Integer.MAX_VALUE - 8})
     */
    public static <T> Chan<T> make(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("make chan: negative capacity " + capacity);
        }
        if (capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("make chan: size out of range: capacity " + capacity
                    + " (at most " + MAX_CAPACITY + ")");
        }
        return new Chan<>(capacity);
    }

    /**
     * The largest capacity: the JDK's soft limit on array lengths (ArraysSupport's), beyond which
     * HotSpot may refuse any array, whatever the heap.
     */
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

    /**
     * Sends {@code value}, waiting until a receiver takes it or the buffer has room.
     *
     * @throws NullPointerException if {@code value} is null (null means "closed" to receivers)
     * @throws ClosedChannelException if the channel is closed, also when it is closed while the
     *     sender waits
     * @throws IllegalStateException if this is a timer's channel, which only its timer sends on,
     *     or a context's done channel, which is never sent on
     */
    public void send(T value) {
        requireValue(value);
        if (ownerOnly) {
            throw refusedByOwner("send on");
        }
        transfer(value);
    }

    /** An owner's channel refuses sends and closes but its owner's (see {@link #ownerOnly}). */
    IllegalStateException refusedByOwner(String what) {
        if (timer != null) {
            return new IllegalStateException("weft: " + what + " a timer's channel (Timer, Ticker, Time.after):"
                    + " only its timer sends on it and it is never closed; receive from it, and stop or reset the timer");
        }
        return new IllegalStateException("weft: " + what + " a context's done channel: it is never sent on, and"
                + " only its context's cancellation closes it (cancel() or close() the context); receive from it");
    }

    /**
     * With the lock held: sends {@code value} if that needs no waiting and says how: the receiver
     * it was handed to (to be readied after unlocking), {@link #NO_WAITER} (buffered),
     * {@link #CLOSED_WAITER}, or null if the sender must wait. The mutations are the last steps of
     * each branch, so a failure at a call leaves the channel as it was.
     */
    private Waiter sendReadyLocked(Object value) {
        if (closed) {
            return CLOSED_WAITER;
        }
        Waiter r = recvq.dequeueAndComplete(value, true);
        if (r != null) {
            return r; // handed straight to a parked receiver
        }
        if (count < buf.length) {
            putLocked(value);
            return NO_WAITER;
        }
        return null;
    }

    /** Markers for the outcome of a locked section, so that everything after it runs unlocked. */
    private static final Waiter NO_WAITER = new Waiter(null, null, -1);
    private static final Waiter CLOSED_WAITER = new Waiter(null, null, -2);

    /**
     * Sends {@code value} if a receiver is waiting or the buffer has room, without waiting.
     *
     * @return whether the value was sent
     * @throws NullPointerException if {@code value} is null
     * @throws ClosedChannelException if the channel is closed
     * @throws IllegalStateException if this is a timer's channel, which only its timer sends on,
     *     or a context's done channel, which is never sent on
     */
    public boolean trySend(T value) {
        requireValue(value);
        if (ownerOnly) {
            throw refusedByOwner("send on");
        }
        return offer(value);
    }

    /** {@link #trySend} once its checks are done; also a timer's own send (non-null). */
    private boolean offer(Object value) {
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "send on synctest channel");
        }
        Waiter r;
        lock.lock();
        try {
            r = sendReadyLocked(value);
        } finally {
            try {
                lock.unlock(); // a release store, no fence: see SpinLock#held
            } catch (VirtualMachineError e) { // a StackOverflowError, or an OutOfMemoryError making one
                lock.held = 0; // the call failed before its store
            }
        }
        if (r == CLOSED_WAITER) {
            throw ClosedChannelException.send();
        }
        if (r == null) {
            return false;
        }
        if (r != NO_WAITER) {
            Parking.ready(r.thread);
        }
        return true;
    }

    /**
     * Receives a value, waiting until one is sent. Values buffered before {@link #close()} are
     * still received; after that it returns null at once.
     *
     * <p>{@link #recvOk} and the iterator call it: values are never null, so null means closed
     * and drained. Allocates only when it must park (a goroutine's first wait).
     *
     * @return the value, or null when the channel is closed and drained
     */
    @SuppressWarnings("unchecked")
    public T recv() {
        if (timer != null) {
            timer.runIfDue();
        }
        return (T) transfer(null);
    }

    /**
     * {@link #send} ({@code value} non-null) and {@link #recv} ({@code value} null) in one
     * method: returns what a receive got (null: closed and drained), or null after a send.
     *
     * <p>Why one method. A goroutine that waits parks in this frame, and the park must be
     * compiled into it: a park one call deeper is a frame more for the JDK to freeze and thaw at
     * every wait, and a return the processor mispredicts after the thaw, about 15 ns a round trip
     * (docs/notes/issue-11-chan.md). The JIT compiles a call site into its caller only if the
     * profile shows it taken often, and in a hand-off one side waits and the other does not: with
     * a method per side, the side that did not wait while the JIT profiled it keeps its park out
     * of line for good, and whether that side is the one that waits afterwards is luck. Here
     * every hand-off that waits is counted at the same call site. For the same reason the wait is
     * written out rather than called ({@link Waiter}, "Waiting"), and {@code send} and
     * {@code recv} are small enough to be compiled into their callers, so the park is one frame
     * below the user's code.
     */
    private Object transfer(Object value) {
        boolean sending = value != null;
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, sending ? "send on synctest channel" : "receive on synctest channel");
        }
        G g = Sched.currentG(); // once for the whole operation (see Parking, "a primitive's hot path")
        Parking.checkpoint(g);
        Waiter w = Waiter.plain(g); // before the lock: nothing is allocated under it
        Object v = null; // what a receive took
        Waiter partner; // a completed waiter to ready after unlocking, a marker, or null: wait
        lock.lock();
        try {
            if (sending) {
                partner = sendReadyLocked(value);
                if (partner == null) {
                    w.rearm(value);
                    sendq.enqueue(w);
                }
            } else if ((partner = takeFromSendqLocked()) != null) {
                v = taken;
                taken = null;
            } else if (count > 0) {
                v = takeLocked();
                partner = NO_WAITER;
            } else if (closed) {
                partner = CLOSED_WAITER;
            } else {
                w.rearm(null);
                recvq.enqueue(w);
            }
        } finally {
            try {
                lock.unlock(); // a release store, no fence: see SpinLock#held
            } catch (VirtualMachineError e) { // a StackOverflowError, or an OutOfMemoryError making one
                lock.held = 0; // the call failed before its store
            }
        }
        if (partner == null) { // the wait first in the bytecode: see the method comment
            WaitQueue queue = sending ? sendq : recvq;
            boolean interrupted = false;
            while (!w.done) {
                if (!Parking.beginWait(g, this, sending ? WaitReason.CHAN_SEND : WaitReason.CHAN_RECEIVE,
                        weftRuntime, w)) {
                    try {
                        LockSupport.park(this);
                    } finally {
                        Parking.endWait(g);
                    }
                }
                interrupted |= Thread.interrupted(); // Go's waits are not interruptible
                if (Parking.exitPending(g) && withdraw(w, queue)) {
                    throw ProcessSupport.cancellation();
                }
            }
            if (interrupted) {
                w.thread.interrupt();
            }
            if (sending) {
                if (!w.success) {
                    throw ClosedChannelException.send();
                }
                return null;
            }
            Object got = w.elem;
            w.elem = null; // a goroutine reuses its waiter: it must not keep the value (Go clears sg.elem)
            return w.success ? got : null;
        }
        if (partner == CLOSED_WAITER) {
            if (sending) {
                throw ClosedChannelException.send();
            }
            return null;
        }
        if (partner != NO_WAITER) {
            Parking.ready(partner.thread, g);
        }
        return v;
    }

    /** Like {@link #recv()}, telling a received value from "closed and drained" (Go's ok). */
    public RecvResult<T> recvOk() {
        T v = recv();
        return v == null ? RecvResult.closed() : new RecvResult<>(v, true);
    }

    /**
     * Receives a value if one is ready (a waiting sender or a buffered value), without waiting.
     *
     * @return the value, or null if none is ready or the channel is closed and drained
     */
    @SuppressWarnings("unchecked")
    public T tryRecv() {
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "receive on synctest channel");
        }
        if (timer != null) {
            timer.runIfDue();
        }
        return (T) poll();
    }

    /** {@link #tryRecv} once its checks are done; also a timer's own drain, which must not run the timer. */
    private Object poll() {
        Object v = null;
        Waiter s;
        lock.lock();
        try {
            if ((s = takeFromSendqLocked()) != null) {
                v = taken;
                taken = null;
            } else if (count > 0) {
                v = takeLocked();
            }
        } finally {
            try {
                lock.unlock(); // a release store, no fence: see SpinLock#held
            } catch (VirtualMachineError e) { // a StackOverflowError, or an OutOfMemoryError making one
                lock.held = 0; // the call failed before its store
            }
        }
        if (s != null) {
            Parking.ready(s.thread);
        }
        return v;
    }

    /**
     * Closes the channel: no more sends; receivers drain the buffer, then get null / ok=false.
     * Every waiting receiver is woken with null and every waiting sender with
     * {@link ClosedChannelException}.
     *
     * @throws ClosedChannelException if the channel is already closed
     * @throws IllegalStateException if this is a timer's channel, which only its timer uses, or a
     *     context's done channel, which only its context's cancellation closes
     */
    public void close() {
        if (ownerOnly) {
            throw refusedByOwner("close of");
        }
        closeAsOwner();
    }

    /** {@link #close()} past the owner check: also a context's close of its done channel. */
    private void closeAsOwner() {
        if (bubbled) {
            Bubble.checkAccess(weftRuntime, "close of synctest channel");
        }
        StackHeadroom.ensure(); // a loop of calls under the lock follows
        // Collect every waiter into a private list (reusing the free 'next' links), wake after unlock.
        // A plain waiter is completed only once the walk has read its link: its goroutine may
        // return as soon as it sees the completion and enqueue the same (reused) waiter on
        // another channel, whose queue would then own that link. A select's waiter is never
        // reused, so its claim is published at once, under the lock, as elsewhere.
        Waiter wake = null;
        boolean wasClosed;
        lock.lock();
        try {
            wasClosed = closed;
            if (!wasClosed) {
                closed = true;
                Waiter w;
                while ((w = recvq.dequeueUncompleted(null, false)) != null) {
                    w.next = wake;
                    wake = w;
                }
                while ((w = sendq.dequeueUncompleted(null, false)) != null) {
                    w.next = wake;
                    wake = w;
                }
            }
        } finally {
            lock.held = 0;
            // Dequeued waiters are completed and woken even if the collection above failed part
            // way, and every one of them even if a wake-up fails (it is deferred, not lost).
            VirtualMachineError failed = null;
            while (wake != null) {
                Waiter next = wake.next;
                wake.next = null;
                if (wake.selection == null) {
                    try {
                        Waiter.DONE.setRelease(wake, true); // see Waiter#done
                    } catch (VirtualMachineError e) { // a StackOverflowError, or an OutOfMemoryError making one
                        wake.done = true;
                    }
                }
                try {
                    Parking.wake(wake.thread);
                } catch (VirtualMachineError e) {
                    failed = e;
                }
                wake = next;
            }
            if (failed != null) {
                throw failed;
            }
        }
        if (wasClosed) {
            throw ClosedChannelException.close();
        }
        Parking.yieldIfOutranked();
    }

    /**
     * The number of buffered values (a snapshot); 0 on a timer's channel (Timer, Ticker,
     * Time.after), which presents as unbuffered, as Go 1.23's synchronous timer channels do,
     * whether or not its value is waiting: a receive or a select finds out, and {@code stop} and
     * {@code reset} answer whether it was received.
     */
    public int len() {
        if (timer != null) {
            return 0; // Go 1.23's chanlen; running the timer here was Go's asynctimerchan=1
        }
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The buffer capacity; 0 for an unbuffered channel, and for a timer's channel, which presents
     * as unbuffered (Go 1.23's chancap; its buffer of one is how the timer sends without waiting).
     */
    public int cap() {
        return timer != null ? 0 : buf.length;
    }

    /**
     * Receives until the channel is closed and drained, Go's {@code for v := range c}. Each
     * {@code hasNext()} may wait for a value.
     */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            /** The value received ahead by hasNext, null if none is pending. */
            private T next;
            /** Set once recv has said closed and drained. */
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next == null && !done) {
                    next = recv();
                    done = next == null;
                }
                return next != null;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("channel closed and drained");
                }
                T v = next;
                next = null;
                return v;
            }
        };
    }

    @Override
    public String toString() {
        return "Chan[id=" + id + ", cap=" + buf.length + "]";
    }

    // ---- Operations for this class and Select; all require the lock held. ----

    static void requireValue(Object value) {
        if (value == null) {
            throw new NullPointerException("send of null on a channel: null is what recv returns once closed");
        }
    }

    boolean closedLocked() {
        return closed;
    }

    boolean hasRoomLocked() {
        return count < buf.length;
    }

    boolean hasValueLocked() {
        return count > 0;
    }

    WaitQueue sendq() {
        return sendq;
    }

    WaitQueue recvq() {
        return recvq;
    }

    /** What {@link #takeFromSendqLocked} took; read and cleared by its caller under the lock. */
    Object taken;

    /**
     * Takes the value for a receiver from the first claimable parked sender, or returns null if
     * there is none: unbuffered, the sender's own value; buffered (then full), the head, with the
     * sender's value moving into the freed tail slot. The value is left in {@link #taken}. The
     * sender is completed here; the caller readies it after unlocking. After the dequeue returns
     * everything is plain writes, so a failure leaves no sender claimed and uncompleted.
     */
    Waiter takeFromSendqLocked() {
        Waiter s = sendq.dequeue();
        if (s != null) {
            // A return cannot overflow: from the dequeue's last write to here, field writes only.
            if (buf.length == 0) {
                taken = s.elem;
            } else {
                taken = buf[recvx];
                buf[recvx] = s.elem;
                recvx = recvx + 1 == buf.length ? 0 : recvx + 1;
            }
            s.elem = null;
            s.success = true;
            Selection sel = s.selection;
            if (sel == null) {
                try {
                    Waiter.DONE.setRelease(s, true); // see Waiter#done
                } catch (VirtualMachineError e) { // a StackOverflowError, or an OutOfMemoryError making one
                    s.done = true;
                }
            } else {
                sel.winner = s;
            }
        }
        return s;
    }

    void putLocked(Object value) {
        int sendx = recvx + count;
        if (sendx >= buf.length) {
            sendx -= buf.length;
        }
        buf[sendx] = value;
        count++;
    }

    Object takeLocked() {
        Object v = buf[recvx];
        buf[recvx] = null;
        recvx = recvx + 1 == buf.length ? 0 : recvx + 1;
        count--;
        return v;
    }

    /**
     * Takes a plain waiter whose thread's process ended off {@code queue}, unless a partner
     * completed it first (dequeue and completion happen in one locked stretch, so under the lock
     * a waiter is either still queued or done; or, dequeued by close, about to be done).
     * Returns whether it was withdrawn.
     */
    boolean withdraw(Waiter w, WaitQueue queue) {
        boolean withdrawn;
        lock.lock();
        try {
            withdrawn = w.queued && !w.done;
            if (withdrawn) {
                queue.remove(w);
                w.elem = null; // a sender's value: the goroutine's reused waiter must not keep it
            }
        } finally {
            lock.held = 0;
        }
        return withdrawn;
    }

    /**
     * Takes the plain waiter {@code w} of a goroutine its runtime gave up on off whichever queue
     * of this channel holds it (see {@link Waiter#abandon}); a sender's value goes with it, never
     * delivered. Looks the waiter up rather than trusting the caller: the goroutine's wait was read
     * racily, and a reused waiter is in at most one queue, perhaps of another channel by now.
     */
    void abandon(Waiter w) {
        lock.lock();
        try {
            WaitQueue q = recvq.contains(w) ? recvq : sendq.contains(w) ? sendq : null;
            if (q != null) {
                q.remove(w);
                w.elem = null;
            }
        } finally {
            lock.held = 0; // as withdraw: no call on the way out
        }
    }

    /** Parked senders, for tests that check a finished select left nothing behind. */
    int sendWaiters() {
        lock.lock();
        try {
            return sendq.size();
        } finally {
            lock.unlock();
        }
    }

    /** Parked receivers, for tests. */
    int recvWaiters() {
        lock.lock();
        try {
            return recvq.size();
        } finally {
            lock.unlock();
        }
    }

}
