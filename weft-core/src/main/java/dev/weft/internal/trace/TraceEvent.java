package dev.weft.internal.trace;

/**
 * The kinds of event a trace records, and what each one's arguments mean. An event is four
 * longs as a {@link TraceBuffer}'s readers see it (the buffer packs the frequent ones: see its
 * class comment): the time (ns since the recording began), a header (kind, the P
 * the recording thread held or -1, and one small int argument {@code c}), and two long arguments
 * {@code a} and {@code b}. Goroutine ids are weft's ids (the first goroutine of a runtime is 1;
 * 0 means "not a goroutine").
 */
public final class TraceEvent {
    private TraceEvent() {}

    /**
     * a: new goroutine (one weft starts, or a virtual thread it adopts), b: creating goroutine (0: a
     * platform thread, or a goroutine of another runtime). Untimed on a carrier ({@link EventTimes}).
     */
    public static final int GO_CREATE = 0;
    /**
     * a: goroutine that starts running on the event's P; c: the carrier's id (what pairs the runs
     * of carriers past {@link RuntimeTrace#MAX_CARRIER_BUFFERS}, whose events share a buffer).
     */
    public static final int GO_START = 1;
    /**
     * a: goroutine that left its carrier; c: why ({@code SwitchReason}: slice end, priority, wait,
     * yield, exit); b: for a wait, the wait reason's ordinal in the low 32 bits and the identity
     * hash of the object waited on (0: none) in the high 32.
     */
    public static final int GO_STOP = 2;
    /**
     * a: goroutine made runnable again after a wait; b: the goroutine that did it (0: another
     * thread). Untimed on a carrier ({@link EventTimes}).
     */
    public static final int GO_UNBLOCK = 3;
    /** a: goroutine asked to yield by sysmon or the policy; c: SwitchReason (slice end, priority). */
    public static final int PREEMPT = 4;
    /** a: the victim P, b: how many goroutines were taken (runnext and queue). */
    public static final int STEAL = 5;
    /** a: goroutine entering {@code Go.blocking}. */
    public static final int SYSCALL_ENTER = 6;
    /** a: goroutine leaving {@code Go.blocking}; c: 1 if its P had been handed off meanwhile. */
    public static final int SYSCALL_EXIT = 7;
    /** a: the P handed to another M (its carrier blocked in a call, or retaken). */
    public static final int P_HANDOFF = 8;
    /** The recording M acquired the event's P. */
    public static final int P_START = 9;
    /** The recording M gave up P a. */
    public static final int P_STOP = 10;
    /** The recording M started. */
    public static final int M_START = 11;
    /** The recording M parked, idle. */
    public static final int M_PARK = 12;
    /** The recording M was woken with a P. */
    public static final int M_UNPARK = 13;
    /** a: how many timers fired on the event's P heap (or on P b's heap for a thief). */
    public static final int TIMER_FIRE = 14;
    /** a: how many queued goroutines the starvation guard boosted; b: the level they got. */
    public static final int BOOST = 15;
    /** a: how many goroutines were found asleep for good. */
    public static final int DEADLOCK = 16;
    /** a: the P taken from a carrier stuck in one goroutine; c: 1 if the carrier was blocked. */
    public static final int RETAKE = 17;
    /** a: procs before, b: procs after. */
    public static final int PROCS_CHANGE = 18;

    public static final int COUNT = 19;

    private static final String[] NAMES = {
        "GoCreate", "GoStart", "GoStop", "GoUnblock", "Preempt", "Steal", "SyscallEnter", "SyscallExit",
        "PHandoff", "PStart", "PStop", "MStart", "MPark", "MUnpark", "TimerFire", "Boost", "Deadlock",
        "Retake", "ProcsChange",
    };

    /** The event's name as the file writes it, e.g. {@code GoStart}. */
    public static String name(int kind) {
        return kind >= 0 && kind < COUNT ? NAMES[kind] : "Event" + kind;
    }

    /** Packs the header word: kind (8 bits), P + 1 (24 bits), c (32 bits). */
    static long header(int kind, int p, int c) {
        return (kind & 0xFFL) | ((p + 1L) & 0xFF_FFFFL) << 8 | ((long) c) << 32;
    }

    public static int kind(long header) {
        return (int) (header & 0xFF);
    }

    /** The P the recording thread held, or -1. */
    public static int p(long header) {
        return (int) ((header >>> 8) & 0xFF_FFFF) - 1;
    }

    public static int c(long header) {
        return (int) (header >>> 32);
    }
}
