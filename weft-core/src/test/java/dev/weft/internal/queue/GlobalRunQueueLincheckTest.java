package dev.weft.internal.queue;

import java.util.ArrayList;
import java.util.List;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the global run queue's two-lock protocol, checked by Lincheck (model
 * checking and stress) against the queue's own sequential behaviour: puts and batch puts on the
 * put side, polls and batch takes on the take side, prepends under both. {@code size()} is left
 * out: it is a hint read from two counters without a lock, not a linearizable operation.
 * The ring starts with two slots, so that scenarios this short make it grow under way.
 */
public class GlobalRunQueueLincheckTest {
    private final GlobalRunQueue<Integer> queue = new GlobalRunQueue<>(2);

    @Operation
    public void put(int value) {
        queue.put(value);
    }

    /** value, value + 1 and value + 2 in one putBatch. */
    @Operation
    public void putBatch(int value) {
        queue.putBatch(new Object[] {value, value + 1, value + 2}, 3);
    }

    @Operation
    public void putHeadAll(int value) {
        queue.putHeadAll(List.of(value, value + 1));
    }

    @Operation
    public Integer poll() {
        return queue.poll();
    }

    /** A P with an empty local queue takes a batch (procs 2); returns what it got, in order. */
    @Operation
    public List<Integer> pollBatch() {
        LocalRunQueue<Integer> local = new LocalRunQueue<>();
        List<Integer> got = new ArrayList<>();
        Integer first = queue.pollBatch(local, 2);
        if (first != null) {
            got.add(first);
            for (Integer e; (e = local.pollRing()) != null; ) {
                got.add(e);
            }
        }
        return got;
    }

    @Test
    public void stress() {
        new StressOptions().iterations(10).invocationsPerIteration(1_000).threads(3).actorsPerThread(3)
                .check(getClass());
    }

    @Test
    public void modelChecking() {
        new ModelCheckingOptions().iterations(15).invocationsPerIteration(500).threads(3).actorsPerThread(3)
                .check(getClass());
    }
}
