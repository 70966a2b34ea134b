package dev.weft.internal.util;

/**
 * Makes sure the calling thread's stack has room for a short stretch of calls, so that a
 * StackOverflowError, if the stack is that close to full, strikes here, before a lock is taken
 * and state is changed, rather than half way through a critical section. weft's equivalent of
 * the JDK's {@code @ReservedStackAccess} (JEP 270), which only the JDK's own classes may use.
 *
 * <p>HotSpot checks for overflow on each method entry: a call fails if the stack pointer, less
 * the callee's frame and the shadow zone, passes the limit. Recursing {@link #FRAMES} levels of
 * large frames (see {@link #probe}) touches the limit those calls would touch, and deeper. It
 * costs about 54 ns ({@code ./weft jmh StackHeadroomBench}), so it is used only where the
 * work that follows costs far more: before the slow, loop-shaped sections (channel close, a
 * select's waiting pass, the sync primitives' contended paths) and before {@code wakep} hands a
 * P to an M. The channel fast paths need none, being written so that nothing after their first
 * mutation calls anything; the wake-up path relies on deferral and sysmon's recovery instead
 * (see {@code Parking.wake} and {@code Diagnostics.recoverLostWakeups}).
 */
public final class StackHeadroom {
    private StackHeadroom() {}

    /** Depth of the probe. */
    static final int FRAMES = 8;

    /** Throws StackOverflowError now if the next few kilobytes of calls could overflow. */
    public static void ensure() {
        probe(FRAMES, 1L);
    }

    /**
     * {@link #ensure()} probing {@code frames} levels instead of {@link #FRAMES}: for a caller
     * whose own caller must still make calls after the error this throws, as the JDK does in
     * the {@code finally} around a scheduler's {@code execute} (its {@code Continuation.unpin},
     * which, overflowing after a deoptimization at the end of the stack, leaves the calling
     * virtual thread pinned for good: see docs/notes/stack-end.md).
     */
    public static void ensure(int frames) {
        probe(frames, 1L);
    }

    /**
     * Each frame keeps sixteen longs live across the recursive call. Compiled Java code has no
     * callee-saved registers, so the JIT must spill them into the frame: about 128 bytes of
     * stack per level whether the probe runs interpreted or compiled, a kilobyte in all, which is
     * more than the chains it protects use (interpreted, the JDK's unpark through weft's ready
     * is about twenty small frames). Without that, a compiled probe of small frames would
     * protect less than an interpreted chain needs.
     */
    private static long probe(int depth, long x) {
        long a = x + 1, b = a * 3, c = b ^ a, d = c + b, e = d * 5, f = e ^ d, g = f + e, h = g * 7;
        long i = h ^ g, j = i + h, k = j * 11, l = k ^ j, m = l + k, n = m * 13, o = n ^ m, p = o + n;
        long r = depth == 0 ? 0 : probe(depth - 1, p);
        return r + a + b + c + d + e + f + g + h + i + j + k + l + m + n + o + p;
    }
}
