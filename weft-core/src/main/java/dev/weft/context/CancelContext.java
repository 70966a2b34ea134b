package dev.weft.context;

import dev.weft.chan.Chan;
import dev.weft.internal.access.Channels;
import dev.weft.time.Timer;
import java.lang.invoke.MethodHandles;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
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
 * record the cause, set {@link #closing}, close {@link #done}, publish {@link #err}, stop the
 * timer, drop the child set and cancel every descendant (each under its own lock, held until
 * everything below it is cancelled: locks are always taken parent before child; a loop over an
 * explicit path, not a recursion, so a deep tree cannot overflow the stack). Then, without the
 * lock, it leaves its ancestor's child set (which takes the ancestor's lock alone, so the order
 * parent-before-child is never reversed).
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
    static {
        try {
            MethodHandles.lookup().ensureInitialized(Chan.class); // it installs Channels' access
        } catch (IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final Channels.Access CHANNELS = Channels.access();

    /**
     * Closed once, under {@link #lock}, by the first cancel; never sent on. Receive-only to users
     * (a send or close throws): a close of theirs would leave it closed with the context not
     * cancelled, {@code err()} null for good and the children never told.
     */
    @SuppressWarnings("unchecked")
    private final Chan<Object> done = (Chan<Object>) CHANNELS.makeDone();

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
     * {@code why}; later calls do nothing. {@code removeFromParent} is false when we were born
     * cancelled (the ancestor's lock is held and it has no child set to leave).
     */
    private void cancel(boolean removeFromParent, ContextCanceledException e, Throwable why) {
        // A close or a timer stop that cannot happen here (a context made inside a synctest
        // bubble, cancelled from outside it: Go's cross-bubble rule) must not leave this tree
        // half cancelled: the rest is done, and the first such failure is rethrown to the
        // canceller at the end.
        RuntimeException refused;
        lock.lock();
        try {
            if (err != null) {
                return;
            }
            refused = cancelLocked(e, why, null);
            Set<CancelContext> kids = children;
            children = null;
            if (kids != null) {
                refused = cancelDescendants(kids, e, why, refused);
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

    /**
     * With {@link #lock} held and {@link #err} null: the transition to cancelled, but for the
     * children. Returns {@code refused}, or the first refusal here if it is null.
     */
    private RuntimeException cancelLocked(ContextCanceledException e, Throwable why, RuntimeException refused) {
        cause = why;
        closing = true;
        try {
            CHANNELS.closeDone(done);
        } catch (RuntimeException notHere) {
            if (refused == null) {
                refused = notHere;
            }
        }
        err = e;
        if (timer != null) {
            Timer t = timer;
            timer = null; // let go even if the stop is refused: its firing finds us cancelled
            try {
                t.stop();
            } catch (RuntimeException notHere) {
                // A bubble's timer stopped from outside it, refused like the close above: the
                // cancel still completes (our parent's child set) before reporting.
                if (refused == null) {
                    refused = notHere;
                }
            }
        }
        return refused;
    }

    /**
     * Cancels the detached child set {@code kids} of a context whose lock the caller holds, and
     * everything below it, as Go's recursive cancel does: each context under its own lock, held
     * until everything below it is cancelled (locks taken parent before child), so that a cancel
     * of any of them that comes meanwhile returns only once its subtree is done. A loop over an
     * explicit path, not a recursion: a chain thousands of contexts deep (one per level of a
     * recursion) would overflow the stack and leave the tree half cancelled for good.
     */
    private static RuntimeException cancelDescendants(Set<CancelContext> kids, ContextCanceledException e,
            Throwable why, RuntimeException refused) {
        ArrayDeque<Level> path = new ArrayDeque<>();
        path.push(new Level(null, kids.iterator()));
        try {
            while (!path.isEmpty()) {
                Level level = path.peek();
                if (!level.children.hasNext()) {
                    path.pop();
                    if (level.owner != null) {
                        level.owner.lock.unlock();
                    }
                    continue;
                }
                CancelContext child = level.children.next();
                child.lock.lock();
                boolean descended = false;
                try {
                    if (child.err == null) {
                        refused = child.cancelLocked(e, why, refused);
                        Set<CancelContext> grandchildren = child.children;
                        child.children = null;
                        if (grandchildren != null && !grandchildren.isEmpty()) {
                            path.push(new Level(child, grandchildren.iterator()));
                            descended = true; // its lock is released when its level is done
                        }
                    }
                } finally {
                    if (!descended) {
                        child.lock.unlock();
                    }
                }
            }
        } finally {
            // Only after an error part way (an OutOfMemoryError): release the locks still held.
            while (!path.isEmpty()) {
                Level level = path.pop();
                if (level.owner != null) {
                    level.owner.lock.unlock();
                }
            }
        }
        return refused;
    }

    /** A context on {@link #cancelDescendants}'s path, locked, and its children still to cancel. */
    private record Level(CancelContext owner, Iterator<CancelContext> children) {}

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
    void appendDerivation(StringBuilder b) {
        if (ownDeadline) {
            b.append(".withDeadline(").append(deadline).append(')');
        } else {
            b.append(".withCancel()");
        }
    }
}
