package dev.weft.internal.sched;

/**
 * Implemented by weft's blocking primitives (channels, select, sync): the runtime whose goroutine
 * created the object, or null if a platform thread did. Deadlock detection counts a goroutine
 * parked on such an object as stuck for good only if the object belongs to the goroutine's own
 * runtime; anything made outside could be signalled from outside.
 */
public interface RuntimeBound {
    /** The creating runtime (an opaque token), or null. Internal to weft. */
    Object weftRuntime();

    /** The token for the calling thread: its goroutine's runtime, or null. */
    static Object callerRuntime() {
        G g = Sched.currentG();
        return g == null ? null : g.sched;
    }
}
