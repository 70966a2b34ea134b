/**
 * The hostile tier: tests that hunt for the failures a friendly suite misses (issue 12). Each
 * test names what it guards against. They run in the default test command, under every model;
 * {@code -Dweft.soak=true} multiplies their iteration counts for a longer hunt.
 *
 * <ul>
 *   <li>{@link dev.weft.hostile.LifecycleTest}: close, run and build raced against each other
 *       and against load; close with a bound; sticky and nested deadlocks; starting after close.</li>
 *   <li>{@link dev.weft.hostile.JdkMachineryTest}: the JDK's lazily started machinery (socket
 *       pollers, datagrams, files, HttpClient, the JDK's timers) first touched from inside a
 *       goroutine, in a fresh JVM each.</li>
 *   <li>{@link dev.weft.hostile.StackOverflowTest}: StackOverflowError at every depth inside
 *       channel, select and sync operations.</li>
 *   <li>{@link dev.weft.hostile.FaultInjectionTest} (in {@code internal.sched}): errors thrown
 *       into sysmon, the carriers' loops and timer delivery, errors thrown while handling errors,
 *       exceptions from user callbacks and handlers.</li>
 *   <li>{@link dev.weft.hostile.BadInputTest}: out-of-range and absurd arguments.</li>
 *   <li>{@link dev.weft.hostile.TimerRaceTest}: timers stopped and reset at their due time.</li>
 *   <li>{@link dev.weft.hostile.CrossRuntimeTest}: waits across runtimes.</li>
 * </ul>
 */
package dev.weft.hostile;
