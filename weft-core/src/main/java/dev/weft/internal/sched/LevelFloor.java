package dev.weft.internal.sched;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A runtime's level floor: the lowest priority level any of its goroutines has been given (a
 * base priority, by its start or {@code setPriority}; a starvation boost only raises a level and
 * its decay stops at the base), or MAX_VALUE before the first.
 *
 * <p><b>Invariant.</b> It only falls, and falls before any G takes the lower level ({@link #note},
 * called first by G's constructors and {@code setPriority}), so no G ever runs below it. So a G
 * readied at the floor outranks nobody, and PRIORITY's preemption on ready skips its search for a
 * lower running G ({@code PriorityQueues.ready}, {@code preemptLowerThan}), as every G of a program
 * that sets no priority does unless a starvation boost has raised it. That search reads each P's
 * current G, a line its carrier writes on every switch. The floor is written rarely, so its line
 * stays shared.
 */
final class LevelFloor {
    private volatile int value = Integer.MAX_VALUE;
    private static final VarHandle VALUE;
    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(LevelFloor.class, "value", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The floor now; any thread. */
    int get() {
        return value;
    }

    /** Lowers the floor to {@code level} if it is above; before a G takes that level. */
    void note(int level) {
        for (int f; level < (f = value); ) {
            if (VALUE.compareAndSet(this, f, level)) {
                return;
            }
        }
    }
}
