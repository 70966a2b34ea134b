package dev.weft.internal.sched;

/**
 * Goroutine priorities on kernel threads (the ONE_TO_ONE model): the mapping of weft's 32 levels
 * onto Java thread priorities, and whether the operating system applies those at all.
 */
public final class KernelPriorities {
    private KernelPriorities() {}

    /**
     * The Java thread priority nearest a weft level: below NORMAL (8) onto 1..4, NORMAL onto
     * {@link Thread#NORM_PRIORITY}, above onto 6..10 (31 is {@link Thread#MAX_PRIORITY}).
     */
    public static int javaPriority(int level) {
        if (level < G.DEFAULT_PRIORITY) {
            return Thread.MIN_PRIORITY + level * 4 / G.DEFAULT_PRIORITY;
        }
        return Thread.NORM_PRIORITY + (level - G.DEFAULT_PRIORITY) * 5 / (31 - G.DEFAULT_PRIORITY);
    }

    /**
     * Whether the operating system applies Java thread priorities in this JVM. HotSpot on Linux
     * ignores them unless started with {@code -XX:ThreadPriorityPolicy=1} as root (it resets the
     * policy to 0 otherwise); Windows and macOS apply them while {@code UseThreadPriorities} is on.
     */
    public static boolean osHonoursThreadPriorities() {
        String use = vmOption("UseThreadPriorities");
        if ("false".equals(use)) {
            return false;
        }
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        if (os.contains("linux")) {
            return "1".equals(vmOption("ThreadPriorityPolicy"));
        }
        return os.contains("windows") || os.contains("mac");
    }

    private static String vmOption(String name) {
        try {
            return java.lang.management.ManagementFactory
                    .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
        } catch (RuntimeException | LinkageError e) {
            return null; // not HotSpot, or no such option: unknown
        }
    }
}
