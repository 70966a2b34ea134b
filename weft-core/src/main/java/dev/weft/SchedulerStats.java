package dev.weft;

/**
 * A racy snapshot of a runtime's scheduler counters.
 *
 * @param procs          logical processors in use
 * @param idleProcs      processors with nothing to run
 * @param threads        carrier threads (Ms) created so far
 * @param idleThreads    carriers parked for lack of work
 * @param spinning       carriers looking for work
 * @param globalRunq     goroutines in the global run queue
 * @param localRunq      goroutines in each processor's local ring (runnext not counted)
 * @param timers         timers pending (sleeps, Timer, Ticker, after)
 * @param created        goroutines ever started (adopted virtual threads included)
 * @param adopted        virtual threads started with the JDK's own APIs inside goroutines
 * @param live           goroutines started and not yet finished
 * @param contextSwitches times a carrier mounted a goroutine
 * @param steals         successful steals of work from another processor
 * @param preemptRequests time slices that ran out with the same goroutine on its carrier
 * @param preemptYields  goroutines that yielded at a safe point because of such a request
 * @param sliceEnds      chains of goroutines handing off through runnext whose shared slice ran out
 * @param syscallHandoffs processors taken from goroutines blocked in {@code Go.blocking}
 * @param hogRetakes     processors taken from goroutines that ignored a request for a whole slice
 * @param blockedRetakes processors taken from carriers blocked outside weft (no CPU progress)
 * @param priorityPreemptRequests running goroutines asked to yield to a higher-priority one (PRIORITY)
 * @param starvationBoosts goroutines the starvation guard raised to level 15 (PRIORITY)
 * @param switchesByReason context switches by why the goroutine left its carrier, in total
 * @param switchesByReasonPerProc the same for each processor in use (switches of processors
 *     since retaken, and under ONE_TO_ONE all of them, count only in the total)
 */
public record SchedulerStats(int procs, int idleProcs, int threads, int idleThreads, int spinning, int globalRunq,
                             int[] localRunq, int timers, long created, long adopted, long live, long contextSwitches,
                             long steals, long preemptRequests, long preemptYields, long sliceEnds,
                             long syscallHandoffs, long hogRetakes, long blockedRetakes,
                             long priorityPreemptRequests, long starvationBoosts, ContextSwitches switchesByReason,
                             java.util.List<ContextSwitches> switchesByReasonPerProc) {

    /** Copies the array, so that a snapshot never changes after it was taken. */
    public SchedulerStats {
        localRunq = localRunq.clone();
        switchesByReasonPerProc = java.util.List.copyOf(switchesByReasonPerProc);
    }

    /** Goroutines in each processor's local queue (runnext not counted); a copy. */
    @Override
    public int[] localRunq() {
        return localRunq.clone();
    }

    // A record compares and prints an array by identity; these compare and print its contents.

    @Override
    public boolean equals(Object o) {
        return o instanceof SchedulerStats s && toString().equals(s.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "SchedulerStats[procs=" + procs + ", idleProcs=" + idleProcs + ", threads=" + threads
                + ", idleThreads=" + idleThreads + ", spinning=" + spinning + ", globalRunq=" + globalRunq
                + ", localRunq=" + java.util.Arrays.toString(localRunq) + ", timers=" + timers + ", created=" + created
                + ", adopted=" + adopted + ", live=" + live + ", contextSwitches=" + contextSwitches + ", steals="
                + steals + ", preemptRequests=" + preemptRequests + ", preemptYields=" + preemptYields
                + ", sliceEnds=" + sliceEnds + ", syscallHandoffs=" + syscallHandoffs + ", hogRetakes=" + hogRetakes
                + ", blockedRetakes=" + blockedRetakes + ", priorityPreemptRequests=" + priorityPreemptRequests
                + ", starvationBoosts=" + starvationBoosts + ", switchesByReason=" + switchesByReason
                + ", switchesByReasonPerProc=" + switchesByReasonPerProc + "]";
    }
}
