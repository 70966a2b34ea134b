package dev.weft.pool;

/**
 * A wait callback registered with {@link ThreadPool#onReceive} or {@link ThreadPool#onDone}: it
 * stays active until its event source ends it (the channel closes, the WaitGroup reaches zero and
 * the callback has been queued), it is cancelled, or the pool shuts down.
 */
public interface WaitRegistration {

    /**
     * Stops the registration; returns true if this call stopped it, false if it had already ended.
     * After it returns nothing more is taken from the channel for this registration (it may wait
     * briefly for the pool's manager to leave a Select on the channel); a callback already running,
     * or one for a value taken before, still runs, so a value taken from the channel is not lost.
     */
    boolean cancel();

    /** Whether the registration still waits for, or delivers, events. */
    boolean isActive();
}
