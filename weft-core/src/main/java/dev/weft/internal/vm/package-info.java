/**
 * The only code in weft that touches JDK internals.
 *
 * <p>JDK 25 has no public API for a virtual thread with a custom scheduler. It has a
 * package-private one, used by the JDK's own tests: {@code java.lang.ThreadBuilders.newVirtualThread
 * (Executor scheduler, ...)}. A virtual thread built that way calls {@code scheduler.execute(
 * runContinuation)} whenever it becomes runnable, and runs when some platform thread calls that
 * task. weft reaches the hook by reflection, which needs {@code --add-opens
 * java.base/java.lang=ALL-UNNAMED}. Keeping every such access here makes moving to an official
 * scheduler API, when the JDK ships one, a change to this package alone.
 *
 * <p>{@code VirtualThreads} holds the hook and the few other members weft reads;
 * {@code GoroutineContainer} starts goroutines in a JDK thread container of their runtime, a class
 * it defines in {@code java.lang}; {@code JdkServiceThreads} recognises the JDK's own lazily
 * started threads, which weft must not adopt.
 */
package dev.weft.internal.vm;
