package dev.weft;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Test helper: the C library's {@code qsort} on an int array with a Java comparator as an FFM
 * upcall, which puts a native frame on the calling goroutine's stack (it cannot unmount there).
 */
final class NativeSort {
    private NativeSort() {}

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle QSORT = LINKER.downcallHandle(
            LINKER.defaultLookup().find("qsort").orElseThrow(),
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.ADDRESS));

    /**
     * An upcall stub for {@code static int name(MemorySegment, MemorySegment)} of {@code owner},
     * whose arguments point at the two ints qsort compares.
     */
    static MemorySegment comparator(Class<?> owner, String name, Arena arena) throws ReflectiveOperationException {
        MethodHandle cmp = MethodHandles.lookup().findStatic(owner, name,
                MethodType.methodType(int.class, MemorySegment.class, MemorySegment.class));
        FunctionDescriptor desc = FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_INT),
                ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_INT));
        return LINKER.upcallStub(cmp, desc, arena);
    }

    /** Sorts {@code count} ints at {@code ints} with {@code comparator} (from {@link #comparator}). */
    static void sort(MemorySegment ints, long count, MemorySegment comparator) throws Throwable {
        QSORT.invokeExact(ints, count, 4L, comparator);
    }
}
