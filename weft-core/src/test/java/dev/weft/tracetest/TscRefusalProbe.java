package dev.weft.tracetest;

import dev.weft.internal.trace.TraceSession;
import java.nio.file.Path;

/**
 * Run by {@code TraceClockTest} in a JVM of its own, with weft on the module path (this class
 * outside it, in a package weft does not have): what a recording under
 * {@code -Dweft.trace.clock=tsc} says when the counter cannot be read.
 */
public final class TscRefusalProbe {
    private TscRefusalProbe() {}

    public static void main(String[] args) {
        try {
            new TraceSession(Path.of("unused.json"), (session, file) -> { }, 64);
            System.out.println("created");
        } catch (IllegalArgumentException e) {
            System.out.println(e.getMessage());
        }
    }
}
