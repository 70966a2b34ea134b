package dev.weft.internal.vm;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;

/**
 * Access to the JDK's package-private virtual-thread scheduler hook.
 *
 * <p>Seven things are reached, all resolved once when this class initialises (the sixth,
 * {@code VirtualThread.defaultScheduler()}, is where weft sends the JDK's own service threads;
 * the seventh, {@code VirtualThread.parkPermit}, is cleared by sysmon's recovery of a wake-up
 * lost inside the JDK's unpark, see {@link #clearParkPermit}):
 * <ul>
 *   <li>{@code ThreadBuilders.newVirtualThread(Executor, String, int, Runnable)}: builds an
 *       unstarted virtual thread whose scheduler is the given executor. weft passes each
 *       goroutine's own G as its scheduler, so the JDK's {@code execute(runContinuation)} call
 *       lands on the right G with no lookup at all.</li>
 *   <li>{@code VirtualThread.runContinuation}: the task the JDK hands the scheduler; weft keeps it
 *       in the G so the carrier can run it and so {@code execute} can tell its own G's task apart
 *       from a child thread's (children inherit the parent's scheduler object).</li>
 *   <li>the captured {@code VirtualThread} inside a {@code runContinuation} task, to find the
 *       thread behind a task weft has never seen (a child started with the JDK's own APIs).</li>
 *   <li>{@code Thread.currentCarrierThread()}: an intrinsic; inside a goroutine it returns the
 *       carrier (weft's M), which is how the scheduler finds the caller's P without a
 *       thread-local.</li>
 *   <li>{@code VirtualThread.state}, read only to tell a {@code Thread.yield} (which goes to the
 *       global queue, Go's Gosched) from a park that was woken while it unmounted (which runs
 *       next, as Go resumes a gopark whose unlock step failed).</li>
 * </ul>
 *
 * <p>If the flag is missing, {@link #ensureAvailable()} throws {@link HookUnavailableException}
 * with a message naming the flag; nothing else in weft reports that condition.
 */
public final class VirtualThreads {
    private VirtualThreads() {}

    /**
     * The JVM flag without which none of this works, as the caller's layout needs it: on the class
     * path weft is in the unnamed module ({@code =ALL-UNNAMED}); on the module path it is the
     * module {@code dev.weft}, and the JVM only honours an opens naming that module.
     */
    public static final String REQUIRED_FLAG = "--add-opens java.base/java.lang=" + openTarget();

    /** The JDK feature release whose {@code java.lang} internals weft is built and tested against. */
    public static final int TESTED_FEATURE_RELEASE = 25;

    private static String openTarget() {
        Module self = VirtualThreads.class.getModule();
        return self.isNamed() ? self.getName() : "ALL-UNNAMED";
    }

    private static final MethodHandle NEW_THREAD;        // (Executor, String, int, Runnable) -> Thread
    private static final VarHandle RUN_CONTINUATION;     // VirtualThread.runContinuation
    private static final MethodHandle CURRENT_CARRIER;   // () -> Thread
    private static final Executor DEFAULT_SCHEDULER;     // VirtualThread.defaultScheduler()
    private static final VarHandle STATE;                // VirtualThread.state
    private static final VarHandle PARK_PERMIT;          // VirtualThread.parkPermit
    private static final int YIELDED;                    // VirtualThread.YIELDED
    private static final int SUSPENDED;                  // VirtualThread.SUSPENDED (a bit)
    private static final Throwable FAILURE;

    /** Resolved lazily from the first task seen: the JDK's lambda class for runContinuation. */
    private static volatile TaskThreadReader taskReader;

    static {
        MethodHandle newThread = null;
        VarHandle runContinuation = null;
        MethodHandle currentCarrier = null;
        Executor defaultScheduler = null;
        VarHandle state = null;
        VarHandle parkPermit = null;
        int yielded = -1;
        int suspended = 0;
        Throwable failure = null;
        try {
            MethodHandles.Lookup caller = MethodHandles.lookup();
            Class<?> builders = Class.forName("java.lang.ThreadBuilders");
            Class<?> virtualThread = Class.forName("java.lang.VirtualThread");
            MethodHandles.Lookup inBuilders = MethodHandles.privateLookupIn(builders, caller);
            newThread = inBuilders.findStatic(builders, "newVirtualThread",
                    MethodType.methodType(Thread.class, Executor.class, String.class, int.class, Runnable.class));
            runContinuation = MethodHandles.privateLookupIn(virtualThread, caller)
                    .findVarHandle(virtualThread, "runContinuation", Runnable.class);
            currentCarrier = MethodHandles.privateLookupIn(Thread.class, caller)
                    .findStatic(Thread.class, "currentCarrierThread", MethodType.methodType(Thread.class));
            MethodHandles.Lookup inVirtualThread = MethodHandles.privateLookupIn(virtualThread, caller);
            defaultScheduler = (Executor) inVirtualThread.findStatic(virtualThread, "defaultScheduler",
                    MethodType.methodType(Executor.class)).invoke();
            state = inVirtualThread.findVarHandle(virtualThread, "state", int.class);
            parkPermit = inVirtualThread.findVarHandle(virtualThread, "parkPermit", boolean.class);
            yielded = (int) inVirtualThread.findStaticVarHandle(virtualThread, "YIELDED", int.class).get();
            suspended = (int) inVirtualThread.findStaticVarHandle(virtualThread, "SUSPENDED", int.class).get();
        } catch (Throwable e) {
            failure = e;
        }
        try {
            // VirtualThread.run ends by asking VirtualThreadEndEvent whether JFR records it, a class
            // the JDK loads when the first virtual thread ends. Until then C2 compiles run() with
            // an uncommon trap at that call, and every thread parked in that compiled frame
            // deoptimizes when it ends: a program that starts a million goroutines that all wait
            // before any ends paid about 10 us each (`weft scale`; -Xlog:deoptimization showed one
            // trap per goroutine). Loading the class first leaves no trap to hit.
            Class.forName("jdk.internal.event.VirtualThreadEndEvent", true, null);
        } catch (ClassNotFoundException | LinkageError | SecurityException e) {
            // Another JDK: only the first-end deoptimizations remain.
        }
        NEW_THREAD = newThread;
        DEFAULT_SCHEDULER = defaultScheduler;
        RUN_CONTINUATION = runContinuation;
        CURRENT_CARRIER = currentCarrier;
        STATE = state;
        PARK_PERMIT = parkPermit;
        YIELDED = yielded;
        SUSPENDED = suspended;
        FAILURE = failure;
    }

    /**
     * Thrown when the JDK hook cannot be reached. The message says which of the two causes it is:
     * the flag is missing (an access was refused), or this JDK's {@code java.lang} internals are not
     * the ones weft reads (a class, field or method is absent or has another shape).
     */
    public static final class HookUnavailableException extends IllegalStateException {
        HookUnavailableException(Throwable cause) {
            super(message(cause), cause);
        }

        private static String message(Throwable cause) {
            if (cause instanceof ReflectiveOperationException && !(cause instanceof IllegalAccessException)) {
                return "weft cannot use this JDK's virtual-thread scheduler hook: java.lang's internals differ "
                        + "from those of JDK " + TESTED_FEATURE_RELEASE + ", the release weft is built and tested "
                        + "against (running " + Runtime.version() + ", " + System.getProperty("java.vm.vendor")
                        + "). Run weft on a JDK " + TESTED_FEATURE_RELEASE + " build. Cause: " + cause;
            }
            return "weft needs the JVM flag '" + REQUIRED_FLAG + "' to schedule virtual threads: "
                    + "the JDK 25 custom-scheduler hook is package-private. Add the flag to the java command "
                    + "line (the ./weft launcher, surefire's argLine and JMH's jvmArgs already carry it; "
                    + "see the README, \"Use weft in your project\"). Cause: " + cause;
        }
    }

    /** Fails with a clear message if the hook is unreachable; call once at runtime start. */
    public static void ensureAvailable() {
        if (FAILURE != null) {
            throw new HookUnavailableException(FAILURE);
        }
    }

    /**
     * Builds an unstarted virtual thread that runs {@code task} and is scheduled by {@code scheduler}.
     */
    public static Thread newThread(Executor scheduler, String name, Runnable task) {
        try {
            return (Thread) NEW_THREAD.invokeExact(scheduler, name, 0, task);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("weft: the JDK refused to create a virtual thread", t);
        }
    }

    /**
     * The JDK's own virtual-thread scheduler (its ForkJoinPool), for threads weft must not run:
     * see {@link JdkServiceThreads}.
     */
    public static Executor defaultScheduler() {
        return DEFAULT_SCHEDULER;
    }

    /** The task the JDK will pass to {@code scheduler.execute} for this virtual thread. */
    public static Runnable runContinuation(Thread virtualThread) {
        return (Runnable) RUN_CONTINUATION.get(virtualThread);
    }

    /**
     * The carrier of the calling virtual thread, or the calling thread itself when it is a
     * platform thread.
     */
    public static Thread currentCarrierThread() {
        try {
            return (Thread) CURRENT_CARRIER.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Whether the JDK made {@code virtualThread} runnable because it called {@code Thread.yield}
     * (state YIELDED), as opposed to a park whose unpark came while it unmounted (UNPARKED) or a
     * monitor hand-off (UNBLOCKED). Meaningful inside the scheduler's {@code execute}.
     */
    public static boolean isYielded(Thread virtualThread) {
        return ((int) STATE.getVolatile(virtualThread) & ~SUSPENDED) == YIELDED;
    }

    /**
     * Recovery of a lost wake-up: clears the park permit of a virtual thread that is parked, so
     * that the next {@code LockSupport.unpark} takes effect. The JDK's unpark sets the permit
     * first and only then marks the thread runnable and submits it; an error in between (a
     * StackOverflowError in the unparking thread) leaves the permit set on a parked thread, and
     * every later unpark then does nothing. Only for a thread known to be parked in a wait whose
     * condition is already met: a spurious wake-up is harmless there.
     */
    public static void clearParkPermit(Thread virtualThread) {
        PARK_PERMIT.setVolatile(virtualThread, false);
    }

    /**
     * The virtual thread behind a {@code runContinuation} task. Slow path only: used the first
     * time weft sees a thread it did not create.
     */
    public static Thread threadOfTask(Runnable task) {
        TaskThreadReader reader = taskReader;
        if (reader == null || reader.taskClass != task.getClass()) {
            reader = new TaskThreadReader(task.getClass());
            taskReader = reader;
        }
        return reader.read(task);
    }

    /** Reads the one captured field (the VirtualThread) of the JDK's runContinuation lambda. */
    private static final class TaskThreadReader {
        final Class<?> taskClass;
        final java.lang.reflect.Field field;

        TaskThreadReader(Class<?> taskClass) {
            this.taskClass = taskClass;
            java.lang.reflect.Field found = null;
            for (java.lang.reflect.Field f : taskClass.getDeclaredFields()) {
                if (Thread.class.isAssignableFrom(f.getType())) {
                    found = f;
                    break;
                }
            }
            if (found == null) {
                throw new IllegalStateException("weft: unexpected runContinuation task class " + taskClass
                        + ": no captured thread");
            }
            found.setAccessible(true);
            this.field = found;
        }

        Thread read(Runnable task) {
            try {
                return (Thread) field.get(task);
            } catch (IllegalAccessException e) {
                throw new HookUnavailableException(e);
            }
        }
    }
}
