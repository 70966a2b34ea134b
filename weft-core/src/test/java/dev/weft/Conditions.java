package dev.weft;

import java.util.function.BooleanSupplier;

/** Test helper: waits for a state change another thread makes (the caller's @Timeout bounds it). */
public final class Conditions {
    private Conditions() {}

    /** Yields until {@code condition} holds; used to wait until a thread has parked, never for time. */
    public static void awaitTrue(BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            Thread.yield();
        }
    }
}
