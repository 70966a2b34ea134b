package dev.weft.context;

import dev.weft.chan.Chan;
import dev.weft.time.Time;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Go's {@code context.Context}: a cancellation signal, a deadline and request-scoped values that
 * travel down a tree of calls and goroutines.
 *
 * <pre>{@code
 * try (Context ctx = Context.background().withTimeout(Duration.ofMillis(200))) {   // close() cancels
 *     new Select().recv(ctx.done(), v -> {}).recv(results, r -> use(r)).run();
 *     if (ctx.err() == Context.DEADLINE_EXCEEDED) { ... }
 * }
 * }</pre>
 *
 * <h2>The tree</h2>
 * Every context but {@link #background()} has a parent it was derived from. {@link #withCancel},
 * {@link #withTimeout} and {@link #withDeadline} make <em>cancellable</em> contexts, each with its
 * own {@link #done()} channel; {@link #withValue} makes a context that only adds a value and
 * shares everything else with its parent. A cancellable context registers with its nearest
 * cancellable ancestor, so that cancelling any context cancels every cancellable context below
 * it (through value contexts too), and never one above it.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@link #done()} is closed exactly once, when the context is cancelled; it is never sent on.
 *   <li>{@link #err()} is null until {@code done()} is closed and then, for good, either
 *       {@link #CANCELED} or {@link #DEADLINE_EXCEEDED}: a goroutine woken by {@code done()}
 *       always sees it non-null, and a non-null {@code err()} means {@code done()} is closed.
 *   <li>The first cancellation wins: later calls of {@link #cancel()}, parents' cancellations and
 *       the deadline change nothing.
 *   <li>A context derived from a cancelled one is born cancelled, with its parent's error and cause.
 *   <li>A deadline is never later than the parent's: {@code withDeadline} past the parent's
 *       deadline yields a plain {@code withCancel} child, with the parent's deadline.
 *   <li>Nothing here starts a goroutine, except the one a deadline's timer starts when it fires.
 *       A cancelled context leaves its ancestor's child set and stops its timer, so a context
 *       that is cancelled (or closed) leaks nothing. Like Go, a cancellable context that is never
 *       cancelled stays registered until its ancestor is cancelled, and a deadline's timer keeps
 *       the context reachable until it fires: close contexts when their work ends.
 * </ul>
 *
 * <p>Deadlines use weft's timers ({@link dev.weft.time.Timer#afterFunc}): a context made by a
 * goroutine arms its timer on that goroutine's runtime, one made by any other thread on the
 * default runtime. A deadline that falls due while its runtime is closing, or after it closed,
 * never fires (weft drops timers at exit, as Go does); {@code cancel()} still works.
 *
 * <p>All methods are safe to call from any thread. Contexts are immutable but for their
 * cancellation; the only subclasses are this package's.
 */
public abstract sealed class Context implements AutoCloseable permits Context.Background, CancelContext, ValueContext {

    /** {@link #err()} of a context cancelled by a cancel call (its own or an ancestor's). */
    public static final ContextCanceledException CANCELED = new ContextCanceledException("context canceled", false);

    /** {@link #err()} of a context whose deadline (its own or an ancestor's) passed. */
    public static final ContextCanceledException DEADLINE_EXCEEDED =
            new ContextCanceledException("context deadline exceeded", true);

    /** The context this one was derived from; null only for {@link #background()}. */
    final Context parent;

    Context(Context parent) {
        this.parent = parent;
    }

    /**
     * The root of every context tree (Go's {@code context.Background()}): never cancelled, no
     * deadline, no values. {@link #done()} is null; {@link #cancel()} throws.
     */
    public static Context background() {
        return Background.INSTANCE;
    }

    /** A cancellable child: done when {@link #cancel()} is called on it or when this context is done. */
    public final Context withCancel() {
        return CancelContext.create(this, null, null);
    }

    /**
     * A cancellable child that is cancelled with {@link #DEADLINE_EXCEEDED} once {@code timeout}
     * has passed (at once if it is zero or negative), unless this context's deadline comes first.
     *
     * @throws NullPointerException if {@code timeout} is null
     */
    public final Context withTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Instant deadline = plusSaturated(Time.now(), timeout); // a bubble's clock inside one
        if (inheritsEarlierDeadline(deadline)) {
            return withCancel();
        }
        return CancelContext.create(this, deadline, timeout);
    }

    /**
     * A cancellable child that is cancelled with {@link #DEADLINE_EXCEEDED} at {@code deadline}
     * (at once if it has passed); if this context's deadline is earlier, the child keeps that one.
     *
     * @throws NullPointerException if {@code deadline} is null
     */
    public final Context withDeadline(Instant deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (inheritsEarlierDeadline(deadline)) {
            return withCancel();
        }
        return CancelContext.create(this, deadline, Duration.between(Time.now(), deadline));
    }

    /** Go's WithDeadline: a parent deadline strictly before the new one makes the timer pointless. */
    private boolean inheritsEarlierDeadline(Instant deadline) {
        Optional<Instant> current = deadline();
        return current.isPresent() && current.get().isBefore(deadline);
    }

    /**
     * A child carrying {@code value} under {@code key}, shadowing any value of an ancestor under an
     * equal key; cancellation, deadline and {@link #done()} are this context's. Keys are compared
     * with {@code equals}: use a private key object or a type of your own (a record, an enum), so
     * that two libraries cannot collide, as Go advises unexported key types.
     *
     * @throws NullPointerException if {@code key} or {@code value} is null
     */
    public final Context withValue(Object key, Object value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        return new ValueContext(this, key, value);
    }

    /**
     * The value of the nearest context on the way up from this one that was made by
     * {@code withValue} with an equal key, or null if there is none.
     *
     * @throws NullPointerException if {@code key} is null
     */
    public final Object value(Object key) {
        Objects.requireNonNull(key, "key");
        for (Context c = this; c != null; c = c.parent) {
            if (c instanceof ValueContext v && v.key.equals(key)) {
                return v.value;
            }
        }
        return null;
    }

    /**
     * A channel that is closed when this context is cancelled, for a {@link dev.weft.chan.Select}
     * case or a {@code recv()}; nothing is ever sent on it, so a receive returns null once it is
     * closed. Null for a context that can never be cancelled ({@link #background()} and value
     * contexts over it), which a {@code Select} treats as a case that never fires, as Go treats a
     * nil channel. Receive-only, as Go's {@code Done() <-chan struct{}}: its {@code close},
     * {@code send}, {@code trySend} and a {@code Select.send} on it throw
     * {@code IllegalStateException}; cancel the context to close it.
     */
    public final Chan<?> done() {
        CancelContext c = nearestCancellable();
        return c == null ? null : c.doneChannel();
    }

    /**
     * Null while {@link #done()} is open; afterwards {@link #CANCELED} or
     * {@link #DEADLINE_EXCEEDED}, for good.
     */
    public final ContextCanceledException err() {
        CancelContext c = nearestCancellable();
        return c == null ? null : c.error();
    }

    /**
     * Why this context was cancelled (Go's {@code context.Cause}): the cause passed to the
     * {@link #cancel(Throwable)} that cancelled it or an ancestor; otherwise {@link #err()}
     * (so {@link #DEADLINE_EXCEEDED} for a deadline). Null while the context is not done.
     */
    public final Throwable cause() {
        CancelContext c = nearestCancellable();
        return c == null ? null : c.causeOrNull();
    }

    /** When this context will be cancelled by a deadline, its own or an ancestor's; empty if never. */
    public final Optional<Instant> deadline() {
        CancelContext c = nearestCancellable();
        return c == null ? Optional.empty() : Optional.ofNullable(c.deadlineOrNull());
    }

    /**
     * Cancels this context and every context derived from it, with {@link #CANCELED}; stops its
     * deadline timer. Does nothing if it is already done.
     *
     * @throws UnsupportedOperationException on a context that {@code withCancel},
     *     {@code withTimeout} or {@code withDeadline} did not make (Go gives those no cancel function)
     */
    public void cancel() {
        throw notCancellable();
    }

    /**
     * {@link #cancel()}, recording {@code cause} for {@link #cause()} (Go's
     * {@code WithCancelCause}); {@link #err()} is still {@link #CANCELED}.
     *
     * @throws NullPointerException if {@code cause} is null
     * @throws UnsupportedOperationException as {@link #cancel()}
     */
    public void cancel(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        throw notCancellable();
    }

    /**
     * {@link #cancel()} for a cancellable context, so that try-with-resources releases it (its
     * registration with its ancestor and its timer) when the work ends; nothing for
     * {@code background()} and value contexts, which hold nothing to release.
     */
    @Override
    public void close() {}

    private UnsupportedOperationException notCancellable() {
        return new UnsupportedOperationException("weft: " + this + " cannot be cancelled; only contexts made by "
                + "withCancel, withTimeout or withDeadline can (derive one with withCancel())");
    }

    /**
     * The parent's string followed by how this context was derived from it (Go's
     * {@code contextName(parent) + ".WithCancel"}), from {@code Context.background()} down.
     * Built by a walk up the chain, not a recursion through the parents: a chain made one level
     * per level of a recursion would overflow the stack.
     */
    @Override
    public final String toString() {
        List<Context> chain = new ArrayList<>();
        for (Context c = this; c != null; c = c.parent) {
            chain.add(c);
        }
        StringBuilder b = new StringBuilder();
        for (int i = chain.size() - 1; i >= 0; i--) {
            chain.get(i).appendDerivation(b);
        }
        return b.toString();
    }

    /** This context's part of {@link #toString()}: how it was derived from its parent. */
    abstract void appendDerivation(StringBuilder b);

    /**
     * The nearest context on the way up from this one (itself included) that can be cancelled, or
     * null; a field in value contexts, so that a long chain of values costs nothing per call.
     */
    abstract CancelContext nearestCancellable();

    /** {@code from + d}, clamped to the range of Instant (a timeout of Duration.ofSeconds(Long.MAX_VALUE)). */
    private static Instant plusSaturated(Instant from, Duration d) {
        if (d.compareTo(Duration.between(from, Instant.MAX)) > 0) {
            return Instant.MAX;
        }
        if (d.compareTo(Duration.between(from, Instant.MIN)) < 0) {
            return Instant.MIN;
        }
        return from.plus(d);
    }

    /** The root: Go's emptyCtx. */
    static final class Background extends Context {
        static final Background INSTANCE = new Background();

        private Background() {
            super(null);
        }

        @Override
        CancelContext nearestCancellable() {
            return null;
        }

        @Override
        void appendDerivation(StringBuilder b) {
            b.append("Context.background()");
        }
    }
}
