package dev.weft.sync;

import dev.weft.internal.sched.Parking;
import dev.weft.internal.sched.WaitReason;
import java.util.Objects;

/**
 * Runs an action exactly once: Go's {@code sync.Once}. Callers that arrive while the first runs
 * park until it has finished, so every {@link #doOnce} return sees the action's effects.
 *
 * <p>Protocol: {@link #done} is written only while holding {@link #m}, after the action returns or
 * throws (Go's deferred store: an action that throws still counts as done), and read without the
 * lock on the fast path; the volatile write/read publishes the action's effects.
 *
 * <p>A waiter whose process ends leaves through {@link #m}'s cancelled-waiter path before it has
 * read {@code done} under the lock, so it neither runs the action nor marks it done; the running
 * action's own thread, if cancelled, ends the action with the exit exception, which counts as
 * done as any exception does.
 */
public final class Once {
    /** The runtime whose goroutine made this (for deadlock detection); null if a platform thread did. */
    private final Object weftRuntime = Parking.callerRuntime();

    private volatile boolean done;
    private final Mutex m = new Mutex(WaitReason.ONCE);

    /**
     * Runs {@code action} if no call of this {@code Once} has run one; otherwise waits for the
     * first to finish and returns. An exception from the action propagates to its caller only.
     */
    public void doOnce(Runnable action) {
        Objects.requireNonNull(action, "action");
        if (done) {
            return;
        }
        m.lock();
        try {
            if (!done) {
                try {
                    action.run();
                } finally {
                    done = true;
                }
            }
        } finally {
            m.unlock();
        }
    }

    /** Whether an action has finished. */
    public boolean isDone() {
        return done;
    }

}
