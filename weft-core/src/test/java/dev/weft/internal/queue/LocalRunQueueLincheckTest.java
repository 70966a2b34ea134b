package dev.weft.internal.queue;

import java.util.ArrayList;
import java.util.List;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the local run queue's ring under concurrent put/poll (the owner) and steal
 * (thieves), checked by Lincheck (model checking and stress) against the queue's own sequential
 * behaviour. The owner's operations share a non-parallel group: only one thread may put, as in
 * the scheduler.
 *
 * <p>runnext is left out on purpose. Putting into runnext displaces the old element to the ring
 * in two steps (swap runnext, then append), exactly as Go's runqput does, and a thief that looks
 * in between sees the displaced element in neither place. That is not linearizable, and does not
 * need to be: nothing is lost or taken twice, which {@link LocalRunQueueTest} checks under
 * concurrency, and {@link LocalRunQueue#isEmpty} re-reads the tail so it is never fooled by it.
 * (Lincheck found the window when runnext was included; see the test history.)
 */
public class LocalRunQueueLincheckTest {
    private final LocalRunQueue<Integer> queue = new LocalRunQueue<>();
    private final GlobalRunQueue<Integer> overflow = new GlobalRunQueue<>();

    @Operation(nonParallelGroup = "owner")
    public void put(int value) {
        queue.put(value, false, overflow);
    }

    @Operation(nonParallelGroup = "owner")
    public Integer pollRing() {
        return queue.pollRing();
    }

    /** A thief with a queue of its own takes half; returns everything it got, in order. */
    @Operation
    public List<Integer> steal() {
        LocalRunQueue<Integer> thief = new LocalRunQueue<>();
        List<Integer> got = new ArrayList<>();
        Integer last = queue.stealInto(thief, false, 0);
        if (last != null) {
            for (Integer e; (e = thief.pollRing()) != null; ) {
                got.add(e);
            }
            got.add(last);
        }
        return got;
    }

    @Operation
    public boolean isEmpty() {
        return queue.isEmpty();
    }

    @Test
    public void stress() {
        new StressOptions().iterations(10).invocationsPerIteration(1_000).threads(3).actorsPerThread(3)
                .check(getClass());
    }

    @Test
    public void modelChecking() {
        new ModelCheckingOptions().iterations(15).invocationsPerIteration(1_000).threads(3).actorsPerThread(3)
                .check(getClass());
    }
}
