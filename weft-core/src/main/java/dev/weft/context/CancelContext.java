package dev.weft.context;

import dev.weft.chan.Chan;
import dev.weft.chan.ClosedChannelException;
import dev.weft.time.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A context that can be cancelled (Go's {@code cancelCtx}, and {@code timerCtx} when it has a
 * deadline of its own).
 *
 * <h2>Protocol</h2>
 * {@link #lock} guards {@link #children}, {@link #timer} and the transition to cancelled. The
 * first {@link #cancel(boolean, ContextCanceledException, Throwable)} does, under the lock:
 * record the cause, set {@link #closing}, close {@link #done}, publish {@link #err}, cancel every
 * child (each under its own lock: locks are always taken parent before child), drop the child
 * set and stop the timer. Then, without the lock, it leaves its ancestor's child set (which
 * takes the ancestor's lock alone, so the order parent-before-child is never reversed).
 *
 * <p>{@link #error()} reads {@link #err} without locking. Because {@code err} is published after
 * {@code done} is closed, a non-null read implies {@code done} is closed; a reader that saw
 * {@code done} closed but reads {@code err} still null must be racing with the cancel in
 * progress, which it can tell from {@link #closing} (written before the close), and it takes the
 * lock to wait for the cancel to finish. An open context costs two volatile reads per call.
 *
 * <p>A new context registers with its nearest cancellable ancestor under that ancestor's lock,
 * or, if the ancestor is already cancelled, is cancelled at once with the ancestor's error and
 * cause, so no cancellation is ever missed. A deadline's timer is armed only after that, and only
 * if the context is still open, under its own lock; a cancel stops it under the same lock.
 */
final class CancelContext extends Context {
    /** The cancellable ancestor this context is registered with; null under background(). */
    private final CancelContext ancestor;
    /** The deadline in force: its own, or its ancestor's (never later); null if none. */
    private final Instant deadline;
    /** Whether the deadline is this context's own (it has a timer, and prints as withDeadline). */
    private final boolean ownDeadline;
    /** Closed once, under {@link #lock}, by the first cancel; never sent on. */
    private final Chan<Object> done = Chan.make();

    private final ReentrantLock lock = new ReentrantLock();
    /** Registered cancellable descendants; created on first use, null once cancelled. Guarded by lock. */
    private Set<CancelContext> children;
    /** The deadline's timer, or null; guarded by lock. */
    private Timer timer;
    /** Written under lock before {@link #err}, read after a volatile read of it. */
    private Throwable cause;
    /** Set under lock by the first cancel before it closes {@link #done}. */
    private volatile boolean closing;
    /** Set under lock by the first cancel after it has closed {@link #done}. */
    private volatile ContextCanceledException err;

    private CancelContext(Context parent, Instant ownDeadline) {
        super(parent);
        this.ancestor = parent.nearestCancellable();
        this.ownDeadline = ownDeadline != null;
        this.deadline = ownDeadline != null ? ownDeadline : parent.deadline().orElse(null);
    }

    /**
     * A new cancellable child of {@code parent}; with a deadline of its own if {@code deadline} is
     * not null, due {@code delay} from now.
     */
    static CancelContext create(Context parent, Instant deadline, Duration delay) {
        CancelContext c = new CancelContext(parent, deadline);
        c.register();
        if (deadline != null) {
            c.armTimer(delay);
        }
        return c;
    }

    /** Go's propagateCancel: join the ancestor's child set, or be born cancelled if it is done. */
    private void register() {
        CancelContext a = ancestor;
        if (a == null) {
            return; // background() is never cancelled: nothing to listen to
        }
        a.lock.lock();
        try {
            if (a.err != null) {
                cancel(false, a.err, a.cause);
            } else {
                if (a.children == null) {
                    a.children = new HashSet<>();
                }
                a.children.add(this);
            }
        } finally {
            a.lock.unlock();
        }
    }

    private void armTimer(Duration delay) {
        if (!delay.isPositive()) {
            cancel(true, DEADLINE_EXCEEDED, DEADLINE_EXCEEDED); // already past (TestDeadline "inthepast")
            return;
        }
        lock.lock();
        try {
            if (err == null) { // a parent may have cancelled us since register()
                timer = Timer.afterFunc(delay, () -> cancel(true, DEADLINE_EXCEEDED, DEADLINE_EXCEEDED));
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    CancelContext nearestCancellable() {
        return this;
    }

    @Override
    public void cancel() {
        cancel(true, CANCELED, CANCELED);
    }

    @Override
    public void cancel(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        cancel(true, CANCELED, cause);
    }

    @Override
    public void close() {
        cancel();
    }

    /**
     * The first call closes {@link #done} and cancels every descendant with {@code e} and
     * {@code why}; later calls do nothing. {@code removeFromParent} is false when the ancestor
     * itself is cancelling us (it drops its whole child set) or we were born cancelled.
     */
    private void cancel(boolean removeFromParent, ContextCanceledException e, Throwable why) {
        // A close or a timer stop that cannot happen here (a context made inside a synctest
        // bubble, cancelled from outside it: Go's cross-bubble rule) must not leave this tree
        // half cancelled: the rest is done, and the first such failure is rethrown to the
        // canceller at the end.
        RuntimeException refused = null;
        lock.lock();
        try {
            if (err != null) {
                return;
            }
            cause = why;
            closing = true;
            try {
                done.close();
            } catch (ClosedChannelException closedByUser) {
                // done() is public: someone closed it despite its contract; it is closed either way
            } catch (RuntimeException notHere) {
                refused = notHere;
            }
            err = e;
            if (children != null) {
                for (CancelContext child : children) {
                    try {
                        child.cancel(false, e, why);
                    } catch (RuntimeException notHere) {
                        if (refused == null) {
                            refused = notHere;
                        }
                    }
                }
                children = null;
            }
            if (timer != null) {
                Timer t = timer;
                timer = null; // let go even if the stop is refused: its firing finds us cancelled
                try {
                    t.stop();
                } catch (RuntimeException notHere) {
                    // A bubble's timer stopped from outside it, refused like the close above: the
                    // cancel still completes (our parent's child set below) before reporting.
                    if (refused == null) {
                        refused = notHere;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        if (removeFromParent && ancestor != null) {
            ancestor.removeChild(this);
        }
        if (refused != null) {
            throw refused;
        }
    }

    private void removeChild(CancelContext child) {
        lock.lock();
        try {
            if (children != null) {
                children.remove(child);
            }
        } finally {
            lock.unlock();
        }
    }

    Chan<Object> doneChannel() {
        return done;
    }

    ContextCanceledException error() {
        ContextCanceledException e = err;
        if (e != null || !closing) {
            return e;
        }
        // A cancel is between closing done and publishing err: wait for it (see the class comment).
        lock.lock();
        try {
            return err;
        } finally {
            lock.unlock();
        }
    }

    Throwable causeOrNull() {
        return error() == null ? null : cause;
    }

    Instant deadlineOrNull() {
        return deadline;
    }

    /** Registered children, for tests that check that cancelled contexts leave no registration. */
    int childCount() {
        lock.lock();
        try {
            return children == null ? 0 : children.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a deadline timer is armed, for tests. */
    boolean timerArmed() {
        lock.lock();
        try {
            return timer != null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return parent + (ownDeadline ? ".withDeadline(" + deadline + ")" : ".withCancel()");
    }
}
