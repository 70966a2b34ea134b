package dev.weft;

import java.util.function.BooleanSupplier;

/** Test helper: waits for a state change another thread makes (the caller's @Timeout bounds it). */
public final class Conditions {
    private Conditions() {}

    /**
     * {@code n}, or a hundredth of it when the suite runs under ONE_TO_ONE ({@code -Dweft.model}),
     * where every goroutine is a kernel thread and a million of them would exhaust the machine.
     */
    public static int scaledForTheModel(int n) {
        return "ONE_TO_ONE".equals(System.getProperty("weft.model")) ? Math.max(1, n / 100) : n;
    }

    /**
     * Yields until {@code condition} holds; used to wait until a thread has parked, never for time.
     * An interrupt (JUnit's @Timeout cancelling the test) ends the wait with an AssertionError, so
     * the test's finally blocks run and close its runtime instead of leaving it running.
     */
    public static void awaitTrue(BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            if (Thread.interrupted()) {
                throw new AssertionError("interrupted (timed out?) while waiting for a condition");
            }
            Thread.yield();
        }
    }
}
