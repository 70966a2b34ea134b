package dev.weft;

/**
 * How a runtime picks the next goroutine; chosen once, at {@link Weft.Builder#policy}.
 */
public enum SchedulingPolicy {
    /**
     * Go's: per-processor FIFO run queues with a {@code runnext} slot, a global queue checked
     * every 61st slice, work stealing. Priorities are recorded but do not change the order.
     */
    FIFO,
    /**
     * An operating system's: 32 levels (0 lowest, 31 highest), one FIFO per level and a ready
     * bitmap per processor and in the global queue. The highest ready level runs first; equal
     * levels round-robin, a goroutine whose slice ends going to the tail of its level. When a
     * goroutine becomes ready and no processor is idle, the lowest-priority running goroutine
     * below it is asked to yield at its next safe point (under M_N, a goroutine that holds its
     * carrier for two slices without reaching one loses its processor, as any hog does). A
     * goroutine that waits gives up the rest of its slice. A
     * goroutine left ready longer than the starvation bound (default 1 s) is boosted to level 15,
     * decaying one level per run, unless {@link Weft.Builder#starvationBoost} switched it off.
     */
    PRIORITY
}
