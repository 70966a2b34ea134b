package dev.weft;

/**
 * A goroutine's priority relative to its priority class, as Windows names thread priorities;
 * {@link PriorityClass#level(ThreadPriority)} gives the level (0-31).
 */
public enum ThreadPriority {
    /** Level 1 in every class but REALTIME, where it is 16. */
    IDLE,
    /** The class's base minus 2. */
    LOWEST,
    /** The class's base minus 1. */
    BELOW_NORMAL,
    /** The class's base. */
    NORMAL,
    /** The class's base plus 1. */
    ABOVE_NORMAL,
    /** The class's base plus 2. */
    HIGHEST,
    /** Level 15 in every class but REALTIME, where it is 31. */
    TIME_CRITICAL
}
