package dev.weft.internal.sched;

/** The threading model a {@link Sched} runs goroutines under (the public {@code ThreadingModel}). */
public enum Model {
    /** Goroutines multiplexed over Ps and as many carriers as needed, with hand-off (Go's). */
    M_N,
    /** One P, one carrier, no hand-off: a blocking call stops every goroutine. */
    N_1,
    /** Every goroutine on its own platform thread; the kernel schedules. */
    ONE_TO_ONE
}
