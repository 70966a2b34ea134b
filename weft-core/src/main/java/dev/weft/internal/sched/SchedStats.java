package dev.weft.internal.sched;

/**
 * A racy snapshot of one scheduler's counters (Go's schedtrace line, plus totals).
 *
 * @param procs          Ps in use
 * @param idleProcs      Ps on the idle list
 * @param threads        carriers (Ms) created so far
 * @param idleThreads    Ms parked on the idle list
 * @param spinning       Ms looking for work
 * @param globalRunq     Gs in the global queue
 * @param localRunq      Gs in each P's ring (runnext not counted)
 * @param timers         timers pending in the Ps' heaps
 * @param created        goroutines ever started, adopted ones included
 * @param adopted        virtual threads started with JDK APIs inside goroutines and adopted
 * @param live           goroutines started and not finished
 * @param switches       context switches: each time an M mounted a G
 * @param steals         successful steals
 * @param preemptRequests  time slices that ran out with the same goroutine on the carrier
 * @param preemptYields    goroutines that yielded at a safe point because of such a request
 * @param sliceEnds        runnext chains whose shared slice ran out
 * @param syscallHandoffs  Ps taken from goroutines blocked in Go.blocking and handed to other carriers
 * @param hogRetakes       Ps taken from goroutines that ignored a preemption request for a whole slice
 * @param blockedRetakes   Ps taken from carriers blocked outside weft (no CPU progress)
 * @param priorityPreemptRequests running goroutines asked to yield to a higher-priority one
 * @param starvationBoosts goroutines boosted by the starvation guard
 * @param switchReasons    switches by {@link SwitchReason}, in total
 * @param switchReasonsPerP switches by {@link SwitchReason} for each P in use
 */
public record SchedStats(int procs, int idleProcs, int threads, int idleThreads, int spinning, int globalRunq,
                         int[] localRunq, int timers, long created, long adopted, long live, long switches, long steals,
                         long preemptRequests, long preemptYields, long sliceEnds, long syscallHandoffs,
                         long hogRetakes, long blockedRetakes, long priorityPreemptRequests, long starvationBoosts,
                         long[] switchReasons, long[][] switchReasonsPerP) {
}
