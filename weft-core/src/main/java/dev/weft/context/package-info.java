/**
 * Go's {@code context} package and {@code golang.org/x/sync/errgroup} for goroutines.
 *
 * <p>{@link dev.weft.context.Context} carries cancellation, a deadline and request-scoped values
 * down a tree: {@code background()} at the root, {@code withCancel}, {@code withTimeout},
 * {@code withDeadline} and {@code withValue} below. Cancelling a context closes its
 * {@code done()} channel, a weft {@link dev.weft.chan.Chan} that a {@link dev.weft.chan.Select}
 * waits on beside other channels, and cancels its descendants, never its ancestors.
 * {@code err()} then says why: {@link dev.weft.context.Context#CANCELED} or
 * {@link dev.weft.context.Context#DEADLINE_EXCEEDED}, the two instances of
 * {@link dev.weft.context.ContextCanceledException}. Deadlines fire from weft's own timer heaps
 * ({@link dev.weft.time.Timer#afterFunc}).
 *
 * <p>{@link dev.weft.context.ErrGroup} runs subtasks as goroutines, optionally at most
 * {@code n} at a time, cancels its context at the first failure and rethrows that failure from
 * {@code await()}.
 *
 * <p>Go passes a context as every function's first argument; so does weft (a context is an
 * ordinary object). Nothing is attached to the goroutine or the thread.
 */
package dev.weft.context;
