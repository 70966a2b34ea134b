package dev.weft;

/**
 * Thrown by {@link Weft#run} when every goroutine of the runtime is parked for good on weft's
 * own primitives and nothing (no timer, no blocking call, no other thread) can wake one: Go's
 * "all goroutines are asleep - deadlock!". The message starts with that line and carries the
 * goroutine dump ({@link #dump()}).
 */
public final class DeadlockException extends RuntimeException {
    private final String dump;

    public DeadlockException(String dump) {
        super(dump);
        this.dump = dump;
    }

    /** The goroutine dump taken when the deadlock was found. */
    public String dump() {
        return dump;
    }
}
