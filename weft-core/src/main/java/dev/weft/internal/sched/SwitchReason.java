package dev.weft.internal.sched;

/**
 * Why a goroutine left its carrier: the reasons context switches are counted by, per P and in
 * total. The values index {@code P.switchReasons}.
 */
public final class SwitchReason {
    private SwitchReason() {}

    /** Its time slice ran out and it yielded at a safe point (or a runnext chain's shared slice did). */
    public static final int SLICE_END = 0;
    /** A higher-priority goroutine became ready and this one, the lowest running, was asked to yield. */
    public static final int PRIORITY = 1;
    /** It waited (channel, lock, sleep, I/O, join): it gave up the rest of its slice. */
    public static final int WAIT = 2;
    /** It yielded of its own accord ({@code Go.yield}, {@code Thread.yield}). */
    public static final int YIELD = 3;
    /** Its body ended. */
    public static final int EXIT = 4;

    public static final int COUNT = 5;

    public static String name(int reason) {
        return switch (reason) {
            case SLICE_END -> "slice end";
            case PRIORITY -> "preempted by priority";
            case WAIT -> "wait";
            case YIELD -> "yield";
            case EXIT -> "exit";
            default -> "reason " + reason;
        };
    }
}
