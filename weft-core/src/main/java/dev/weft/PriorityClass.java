package dev.weft;

/**
 * A priority class, as Windows defines them for processes; with a {@link ThreadPriority} it
 * gives a goroutine's base level by the table Windows documents ("Scheduling Priorities"):
 *
 * <pre>
 *                 IDLE LOWEST BELOW_NORMAL NORMAL ABOVE_NORMAL HIGHEST TIME_CRITICAL
 *   IDLE            1     2        3         4         5          6          15
 *   BELOW_NORMAL    1     4        5         6         7          8          15
 *   NORMAL          1     6        7         8         9         10          15
 *   ABOVE_NORMAL    1     8        9        10        11         12          15
 *   HIGH            1    11       12        13        14         15          15
 *   REALTIME       16    22       23        24        25         26          31
 * </pre>
 *
 * A goroutine started without a priority inherits its creator's, or is NORMAL/NORMAL (8).
 */
public enum PriorityClass {
    IDLE(4),
    BELOW_NORMAL(6),
    NORMAL(8),
    ABOVE_NORMAL(10),
    HIGH(13),
    REALTIME(24);

    private final int base;

    PriorityClass(int base) {
        this.base = base;
    }

    /** The level of a NORMAL thread in this class. */
    public int base() {
        return base;
    }

    /** The level (0-31) of a goroutine of this class with relative priority {@code p}. */
    public int level(ThreadPriority p) {
        boolean realtime = this == REALTIME;
        return switch (java.util.Objects.requireNonNull(p, "thread priority")) {
            case IDLE -> realtime ? 16 : 1;
            case TIME_CRITICAL -> realtime ? 31 : 15;
            case LOWEST -> base - 2;
            case BELOW_NORMAL -> base - 1;
            case NORMAL -> base;
            case ABOVE_NORMAL -> base + 1;
            case HIGHEST -> base + 2;
        };
    }
}
