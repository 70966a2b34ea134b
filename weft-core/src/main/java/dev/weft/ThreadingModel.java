package dev.weft;

/**
 * How goroutines map onto kernel threads; chosen once, at {@link Weft.Builder#model}. The API
 * and every primitive (channels, select, sync, timers) work the same under each; what differs
 * is the cost, measured side by side in {@code docs/BENCHMARKS.md} and by {@code ./weft demo}.
 *
 * <p>Without a call to {@code model(...)}, the system property {@code weft.model} (one of these
 * names) chooses, so an unchanged program can be run under each: {@code -Dweft.model=N_1}.
 */
public enum ThreadingModel {
    /**
     * Go's G-M-P (the default): goroutines multiplexed over {@code procs} logical processors and
     * as many carrier threads as blocking calls need; a carrier blocked in a call hands its
     * processor to another.
     */
    M_N,
    /**
     * Green threads: one processor and one carrier thread, no hand-off. Cheap switches and no
     * parallelism; a call that blocks the carrier ({@code Go.blocking}, a native call, a file
     * read) stops every goroutine until it returns. {@code procs} is 1 whatever the builder says.
     */
    N_1,
    /**
     * One platform (kernel) thread per goroutine; the kernel schedules, and park/ready are the
     * kernel's. Blocking calls block only their own goroutine; each goroutine costs a kernel
     * thread and its stack. Priorities map onto Java thread priorities, which the OS may ignore
     * (see {@link Weft#prioritiesHonoured()}). No time slices from weft: the kernel preempts.
     */
    ONE_TO_ONE
}
