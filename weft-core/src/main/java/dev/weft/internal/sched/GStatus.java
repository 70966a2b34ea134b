package dev.weft.internal.sched;

/**
 * The values of {@link G#status}: weft's view of a goroutine, separate from the JDK's own
 * virtual-thread state. All transitions are CASes on {@code G.status}.
 *
 * <pre>
 *   IDLE ──start (execute)──▶ RUNNABLE ──M picks it──▶ RUNNING ──thread ends──▶ DEAD
 *                              ▲    ▲                    │  │
 *                              │    └──M requeues────────┘  │ JDK execute() while still mounted
 *                              │       (RUNNABLE_MOUNTED)   ▼
 *                              │                   RUNNABLE_MOUNTED
 *                              │                            (M queues it after unmount)
 *                              └── ready (execute) ── WAITING ◀── M: parked (after unmount)
 * </pre>
 *
 * <ul>
 *   <li>IDLE: created, its virtual thread not yet started. Nobody queues it.</li>
 *   <li>RUNNABLE: in exactly one run queue (a runnext slot, a local ring or the global queue).
 *       Only the M that takes it from there changes it, to RUNNING.</li>
 *   <li>RUNNING: an M is inside its {@code runContinuation}. The M owns the G.</li>
 *   <li>RUNNABLE_MOUNTED: the JDK called {@code execute} (an unpark, {@code Thread.yield}, a
 *       monitor hand-off) while the M was still inside {@code runContinuation}. The G must not
 *       be queued yet, or a second M could race the first; the first M queues it when the call
 *       returns. This is Go's gopark with a failed unlockf, found after the fact.</li>
 *   <li>WAITING: parked and unmounted; the next {@code execute} makes it RUNNABLE.</li>
 *   <li>DEAD: its virtual thread has terminated; terminal. Set only by the M that ran it last,
 *       after {@code runContinuation} returned with the thread dead: between the end of the body
 *       and the end of the thread, the JDK's exit path may still block on a monitor and be
 *       readied again, so an earlier DEAD would strand it.</li>
 * </ul>
 */
final class GStatus {
    private GStatus() {}

    static final int IDLE = 0; // G's constructors rely on it being the default value
    static final int RUNNABLE = 1;
    static final int RUNNING = 2;
    static final int WAITING = 4;
    static final int DEAD = 6;
    static final int RUNNABLE_MOUNTED = 7;

    static String name(int s) {
        return switch (s) {
            case IDLE -> "idle";
            case RUNNABLE -> "runnable";
            case RUNNING -> "running";
            case WAITING -> "waiting";
            case DEAD -> "dead";
            case RUNNABLE_MOUNTED -> "runnable";
            default -> "status " + s;
        };
    }
}
