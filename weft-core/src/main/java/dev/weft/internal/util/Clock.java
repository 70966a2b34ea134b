package dev.weft.internal.util;

/**
 * Where weft reads the time for scheduling decisions (time slices, sysmon, timers). Nothing in
 * the scheduler calls {@code System.nanoTime} directly, so a fake clock can drive it in tests.
 */
@FunctionalInterface
public interface Clock {
    /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** The real clock. */
    Clock SYSTEM = System::nanoTime;
}
