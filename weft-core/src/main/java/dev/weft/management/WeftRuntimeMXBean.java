package dev.weft.management;

import java.util.Map;

/**
 * A weft runtime seen through JMX: one platform MXBean per runtime, registered when the runtime
 * is built and unregistered when it has stopped, under
 * {@code dev.weft:type=Runtime,name=<runtime name>} (with {@code -2}, {@code -3}... appended to the
 * name if another runtime of the JVM has it already). Visible in {@code jconsole} and any JMX
 * client. Every attribute is a racy snapshot of the scheduler's counters.
 */
public interface WeftRuntimeMXBean {
    /** The runtime's name. */
    String getName();

    /** Threading model: M_N, N_1 or ONE_TO_ONE. */
    String getModel();

    /** Scheduling policy: FIFO or PRIORITY. */
    String getPolicy();

    /** Goroutines started and not finished. */
    long getGoroutines();

    /** Goroutines ever started (adopted virtual threads included). */
    long getGoroutinesCreated();

    /** Logical processors (Go's GOMAXPROCS). */
    int getProcs();

    /** Carrier threads (Ms) created so far. */
    int getThreads();

    /** Carriers looking for work. */
    int getSpinningThreads();

    /** Carriers parked on the idle list. */
    int getIdleThreads();

    /** Ps on the idle list. */
    int getIdleProcs();

    /** Goroutines in the global run queue. */
    int getGlobalQueueLength();

    /** Goroutines in each P's local run queue (runnext not counted). */
    int[] getLocalQueueLengths();

    /** Context switches (a carrier mounted a goroutine). */
    long getContextSwitches();

    /** Context switches by why the goroutine left: slice end, preempted by priority, wait, yield, exit. */
    Map<String, Long> getSwitchesByReason();

    /** Successful steals of work from another P. */
    long getSteals();

    /** Ps handed to another carrier while theirs was blocked in {@code Go.blocking}. */
    long getHandoffs();

    /** Ps retaken from carriers stuck in one goroutine (a CPU hog, or blocked outside weft). */
    long getRetakes();

    /** Preemption requests: time slices that ran out, and running goroutines asked to make way for a higher priority. */
    long getPreemptions();

    /** Goroutines boosted by the PRIORITY policy's starvation guard. */
    long getBoosts();

    /** The goroutine dump, in Go's format ({@code Weft.dump()}). */
    String dump();

    /**
     * Changes the number of logical processors ({@code Weft.setProcs}) and returns the previous
     * number. It returns a value so that JMX sees an operation, not a setter of {@code Procs}.
     */
    int setProcs(int procs);
}
