package dev.weft.internal.util;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Gives the calling OS thread's processor to the kernel for a moment ({@code sched_yield}), from
 * a virtual thread as well as from a platform thread, for {@link SpinLock}'s long waits.
 *
 * <p><b>Why.</b> A spin lock assumes its holder is running. On a machine with more runnable
 * threads than processors the kernel can take the holder's carrier off its processor in the
 * middle of a section, and a waiter that only spins then burns its own time slice, a few
 * milliseconds, while the holder waits for a processor; the waiter's goroutine also reaches no
 * safe point, so sysmon takes it for a hog and starts another carrier, one more thread on an
 * overloaded machine. Go's runtime locks spin a little, then call {@code osyield}, for the same
 * reason. {@code Thread.yield()} is no substitute on a virtual thread: it unmounts it, which a
 * goroutine that may hold another of weft's spin locks must never do. A downcall to libc's
 * {@code sched_yield} keeps the virtual thread mounted and yields its carrier's kernel thread.
 *
 * <p><b>Cost.</b> A system call, 200-270 ns here when nothing else wants the processor (a loop
 * of calls on the project's 2-CPU machines);
 * called only after a waiter has spun for several microseconds, far longer than any of weft's
 * sections lasts while its holder runs. Not a critical downcall: the thread goes through the
 * native state, so a safepoint never waits for a yield.
 *
 * <p><b>Where it works.</b> Linux and macOS (both have {@code sched_yield}), with native access
 * enabled for weft's module ({@code --enable-native-access}, which the launcher and the build
 * pass; without it the JDK would warn at the first downcall, so weft does not try). Elsewhere, or
 * until it is set up, {@link #yieldProcessor} does what weft's spin locks did before: a platform
 * thread yields with {@link Thread#yield()} (the same system call), a virtual thread spins.
 *
 * <p><b>Set-up.</b> Linking the downcall loads the FFM machinery, tens of milliseconds the first
 * time in a JVM, so it is not done where it is first needed (a waiter inside a scheduler
 * section, perhaps at the end of its stack, perhaps holding another spin lock) but by
 * {@link #initialize}, which each runtime's sysmon calls when it starts, on its own shallow
 * stack. The handle is published through a volatile field: a waiter reads it only once it has
 * spun 128 times.
 */
public final class OsYield {
    private OsYield() {}

    /** libc's {@code int sched_yield(void)} once {@link #initialize} found it; null before, or where unavailable. */
    private static volatile MethodHandle schedYield;
    private static volatile boolean initialized;

    /**
     * Looks the downcall up, once per JVM (later calls return at once). Called by sysmon as it
     * starts; never throws.
     */
    public static void initialize() {
        if (initialized) {
            return;
        }
        synchronized (OsYield.class) {
            if (!initialized) {
                MethodHandle h;
                try {
                    h = lookup();
                } catch (Throwable t) { // an OutOfMemoryError, say: sysmon, the caller, must not die of it
                    h = null;
                }
                if (h != null) {
                    try {
                        int ignored = (int) h.invokeExact(); // links the stub now, not in a waiter
                    } catch (Throwable t) {
                        h = null;
                    }
                }
                schedYield = h;
                initialized = true;
            }
        }
    }

    /** Whether {@link #yieldProcessor} reaches libc's {@code sched_yield} (tests, diagnostics). */
    public static boolean available() {
        return schedYield != null;
    }

    /**
     * Yields the calling thread's processor to the kernel if it can (see the class comment for
     * the fallback). Never throws: a StackOverflowError or OutOfMemoryError in the downcall (a
     * caller at the end of its stack) is a spin.
     */
    public static void yieldProcessor() {
        MethodHandle h = schedYield;
        if (h != null) {
            try {
                int ignored = (int) h.invokeExact();
                return;
            } catch (VirtualMachineError e) {
                // A StackOverflowError, or the OutOfMemoryError HotSpot throws in its place when
                // the heap is exhausted too: a spin instead (the caller holds nothing it took
                // here, and its own handlers may expect neither from a wait).
            } catch (Throwable t) {
                throw new AssertionError("weft: sched_yield failed", t); // it reports no errors
            }
        } else if (!Thread.currentThread().isVirtual()) {
            Thread.yield(); // a platform thread: the same system call, no unmount to fear
            return;
        }
        Thread.onSpinWait();
    }

    private static MethodHandle lookup() {
        String os = System.getProperty("os.name", "");
        if (!(os.equals("Linux") || os.startsWith("Mac")) || !OsYield.class.getModule().isNativeAccessEnabled()) {
            return null;
        }
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("sched_yield")
                    .map(a -> linker.downcallHandle(a, FunctionDescriptor.of(ValueLayout.JAVA_INT)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) { // no linker on this platform: spin
            return null;
        }
    }
}
