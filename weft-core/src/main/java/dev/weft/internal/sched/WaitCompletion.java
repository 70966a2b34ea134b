package dev.weft.internal.sched;

/**
 * The completion flag of one weft wait (a channel waiter, a select, a sync queue node), which the
 * waiter's waker sets under the primitive's lock before it wakes the thread. A goroutine parks
 * with it ({@link Parking#park(Object, WaitReason, Object, WaitCompletion)}), so that sysmon can
 * find a goroutine whose wait is complete but whose wake-up was lost to an error the waker could
 * not recover from (a StackOverflowError striking between the two), and wake it.
 */
public interface WaitCompletion {
    /** Whether the wait is over; a volatile read. */
    boolean completed();

    /**
     * Whether a thread that deadlock detection cannot see may end the wait now, though it was
     * recorded with a runtime token: a goroutine-made mutex that a platform thread has locked
     * since (the token is read at the park, and a waiter parked before the first such lock keeps
     * it). Read by deadlock detection only; racy.
     */
    default boolean outsiderMayEnd() {
        return false;
    }

    /**
     * The goroutine in this wait will never run again: its runtime's close gave up on it, asleep
     * for good, and is about to stop the carriers. Makes sure no waker completes the wait any
     * more, so that nothing meant for it is handed to it (a value whose sender would believe it
     * delivered); a wait a waker completed already is left as it is (its goroutine is runnable).
     * {@code blocker} is the goroutine's recorded wait blocker, read racily with this completion
     * (the closer's thread calls it). Waits with nothing to hand over need do nothing.
     */
    default void abandon(Object blocker) {
    }
}
