/**
 * weft: a Go-style M:N scheduler whose goroutines are JDK virtual threads.
 *
 * <p>Only the public API packages are exported; {@code dev.weft.internal.*} is the runtime's own
 * and may change in any release. The scheduler hook weft needs is package-private in
 * {@code java.lang}, so on the module path the JVM must run with
 * {@code --add-opens java.base/java.lang=dev.weft} (on the class path:
 * {@code =ALL-UNNAMED}); without it, building a runtime fails with a message naming the flag.
 */
module dev.weft {
    // KernelPriorities reads VM options through HotSpotDiagnosticMXBean; stats and the
    // threading-model comparison read thread CPU times through java.lang.management.
    requires java.management;
    requires jdk.management;
    // The scheduler's JFR events (dev.weft.internal.jfr), committed where it decides.
    requires jdk.jfr;

    exports dev.weft;
    exports dev.weft.chan;
    exports dev.weft.context;
    exports dev.weft.pool;
    exports dev.weft.proc;
    exports dev.weft.sync;
    exports dev.weft.time;
    exports dev.weft.trace;
    exports dev.weft.management;

    // weft-test (the automatic module dev.weft.test) builds its bubbles from scheduler internals;
    // weft-trace (dev.weft.trace.chrome) writes the recordings and names the switch and wait reasons.
    exports dev.weft.internal.sched to dev.weft.test, dev.weft.trace.chrome;
    exports dev.weft.internal.trace to dev.weft.trace.chrome;
    // JFR reads the event classes it records.
    exports dev.weft.internal.jfr to jdk.jfr;

    // The trace writer, from weft-trace when it is on the path (Weft.startTrace, -Dweft.trace).
    uses dev.weft.internal.trace.TraceWriter;
}
