package dev.weft;

/**
 * Thrown by {@link Weft#run} when every goroutine of the runtime is parked for good on weft's
 * own primitives and nothing (no timer, no blocking call, no other thread) can wake one: Go's
 * "all goroutines are asleep - deadlock!". The message starts with that line and carries the
 * goroutine dump ({@link #dump()}).
 *
 * <p>A primitive a goroutine made (a channel, a {@code WaitGroup}, a {@code Semaphore}, a
 * {@code Mutex} no platform thread has locked) counts as one only goroutines can signal, even if a
 * platform thread holds it: a goroutine waiting for a platform thread's send on a channel it made
 * (a JDK callback's result) is reported deadlocked if nothing else runs meanwhile. Make such a
 * primitive on the platform thread (it then counts as signallable from outside), or turn detection
 * off ({@link Weft.Builder#detectDeadlocks}); see {@link dev.weft.chan.Chan}, "Deadlock detection
 * and platform threads". The goroutines are not ended by the report.
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
