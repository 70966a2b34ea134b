package dev.weft.internal.vm;

/**
 * Recognises the JDK's own service threads that the JDK starts lazily, from whatever thread first
 * needs them, with {@code Thread.ofVirtual()}: such a thread inherits the scheduler of the
 * virtual thread that starts it, and weft must not adopt it as a goroutine.
 *
 * <p>The JDK 25 sources (java.base and every other module of {@code lib/src.zip}) start virtual
 * threads in five places: {@code sun.nio.ch.Poller} (the socket sub-pollers, named
 * {@code SubPoller-N}, started on the JVM's first socket I/O when the poller mode is
 * VTHREAD_POLLERS, Linux's default), and, on the user's behalf, {@code Executors},
 * {@code StructuredTaskScope} and {@code Gatherers.mapConcurrent}. The last three run user code
 * and are goroutines like any thread the user starts; only the first is the JDK's own.
 *
 * <p>The test is the starting call stack: a thread is the JDK's if a frame of a JDK-internal
 * package ({@code sun.*}, {@code jdk.internal.*}) starts it, which names the Poller and any such
 * place a later JDK adds, without naming classes. Walking the stack costs a few microseconds, so
 * it is done only for named threads: the JDK names its service threads, while threads of the
 * user's ({@code Thread.ofVirtual().start}, executors) are unnamed unless the user names them.
 * A user thread started through a JDK-internal frame (reflection, say) is misread as the JDK's
 * and runs on the JDK's default scheduler: it still runs, just not as a goroutine.
 */
public final class JdkServiceThreads {
    private JdkServiceThreads() {}

    /** How many frames to look at: the start path is about ten deep below the starting code. */
    private static final int MAX_FRAMES = 48;

    private static final StackWalker WALKER = StackWalker.getInstance();

    /** Whether {@code started}, being started by the calling thread now, is a JDK service thread. */
    public static boolean startedByJdk(Thread started) {
        if (started.getName().isEmpty()) {
            return false;
        }
        return WALKER.walk(frames -> frames.limit(MAX_FRAMES)
                .takeWhile(f -> !isGoroutineRoot(f)) // below it: the JDK's own virtual-thread frames
                .anyMatch(f -> isJdkInternal(f.getClassName())));
    }

    private static boolean isGoroutineRoot(StackWalker.StackFrame f) {
        return f.getMethodName().equals("run") && f.getClassName().equals("dev.weft.internal.sched.G");
    }

    private static boolean isJdkInternal(String className) {
        return className.startsWith("sun.") || className.startsWith("jdk.internal.");
    }
}
