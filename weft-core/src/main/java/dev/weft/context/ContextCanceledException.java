package dev.weft.context;

/**
 * Why a context is done: {@link Context#err()} returns one of exactly two instances,
 * {@link Context#CANCELED} ("context canceled") or {@link Context#DEADLINE_EXCEEDED}
 * ("context deadline exceeded"), Go's {@code context.Canceled} and {@code context.DeadlineExceeded}.
 *
 * <p>They are sentinel values, compared with {@code ==} as Go compares with {@code errors.Is}, and
 * exceptions so that a goroutine can stop its work with {@code throw ctx.err()}. Being shared,
 * they carry no stack trace and ignore {@code addSuppressed} (a try-with-resources that throws one
 * must not grow a JVM-wide instance); wrap one in an exception of your own where a stack trace
 * matters. An unchecked exception, because cancellation is something every caller down a call
 * chain may see and none of them can recover from but by returning.
 */
public final class ContextCanceledException extends RuntimeException {
    private final boolean deadlineExceeded;

    ContextCanceledException(String message, boolean deadlineExceeded) {
        super(message, null, false, false);
        this.deadlineExceeded = deadlineExceeded;
    }

    /** Whether the context's deadline passed (Go's {@code Timeout()}), rather than a cancel call. */
    public boolean deadlineExceeded() {
        return deadlineExceeded;
    }
}
