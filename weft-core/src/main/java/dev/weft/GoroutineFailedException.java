package dev.weft;

/**
 * A checked exception escaped a goroutine whose failure is rethrown to a waiting caller, by
 * {@link Weft#run} or {@link dev.weft.context.ErrGroup#await}; the cause is that exception.
 */
public final class GoroutineFailedException extends RuntimeException {
    private final long goroutineId;

    public GoroutineFailedException(long goroutineId, Throwable cause) {
        super("goroutine " + goroutineId + " failed: " + cause, cause);
        this.goroutineId = goroutineId;
    }

    public long goroutineId() {
        return goroutineId;
    }
}
