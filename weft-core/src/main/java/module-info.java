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

    exports dev.weft;
    exports dev.weft.chan;
    exports dev.weft.context;
    exports dev.weft.pool;
    exports dev.weft.proc;
    exports dev.weft.sync;
    exports dev.weft.time;

    // weft-test (the automatic module dev.weft.test) builds its bubbles from scheduler internals.
    exports dev.weft.internal.sched to dev.weft.test;
}
