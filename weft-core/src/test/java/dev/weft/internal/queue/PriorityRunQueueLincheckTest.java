package dev.weft.internal.queue;

import java.util.ArrayList;
import java.util.List;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the PRIORITY policy's queue, checked by Lincheck (model checking and stress)
 * against {@link Spec}, an independent model written with plain collections (so a bug the queue
 * shares with its own sequential runs, such as a miscounted size, is caught too): puts at three
 * levels and into runnext, polls, steals by thieves with queues of their own, an in-place
 * starvation boost, and the lock-free {@code isEmpty}/{@code bestLevel} reads. Unlike the FIFO
 * ring, runnext is included: displacing it happens under the queue's lock in one step.
 */
public class PriorityRunQueueLincheckTest {
    private final PriorityRunQueue<LeveledElement> queue = new PriorityRunQueue<>();

    private static Integer valueOf(LeveledElement e) {
        return e == null ? null : e.value;
    }

    @Operation
    public void putLow(int value) {
        queue.put(new LeveledElement(value, 2), false, 0);
    }

    @Operation
    public void putHigh(int value) {
        queue.put(new LeveledElement(value, 20), false, 0);
    }

    @Operation
    public void putNext(int value) {
        queue.put(new LeveledElement(value, 8), true, 0);
    }

    @Operation
    public Integer pollRunnext() {
        return valueOf(queue.pollRunnext());
    }

    @Operation
    public Integer poll() {
        return valueOf(queue.poll());
    }

    /** A thief with a queue of its own takes half a level; returns everything it got, in order. */
    @Operation
    public List<Integer> steal() {
        PriorityRunQueue<LeveledElement> thief = new PriorityRunQueue<>();
        List<Integer> got = new ArrayList<>();
        LeveledElement first = queue.stealInto(thief, true, 0);
        if (first != null) {
            got.add(first.value);
            for (LeveledElement e; (e = thief.poll()) != null; ) {
                got.add(e.value);
            }
        }
        return got;
    }

    /** Every element counts as starved (queued at 0): level 2 and runnext move up to 15, in place. */
    @Operation
    public int boost() {
        return queue.boostStarved(Long.MAX_VALUE, Long.MAX_VALUE, 15, queue);
    }

    @Operation
    public boolean isEmpty() {
        return queue.isEmpty();
    }

    @Operation
    public int bestLevel() {
        return queue.bestLevel();
    }

    @Test
    public void stress() {
        new StressOptions().iterations(10).invocationsPerIteration(500).threads(3).actorsPerThread(3)
                .sequentialSpecification(Spec.class).check(getClass());
    }

    @Test
    public void modelChecking() {
        new ModelCheckingOptions().iterations(10).invocationsPerIteration(500).threads(3).actorsPerThread(3)
                .sequentialSpecification(Spec.class).check(getClass());
    }

    /** The queue's rules (class comment of PriorityRunQueue) on 32 deques and a runnext pair. */
    public static final class Spec {
        private final java.util.ArrayDeque<Integer>[] levels = newLevels();
        private Integer runnext;
        private int runnextLevel = -1;

        @SuppressWarnings("unchecked")
        private static java.util.ArrayDeque<Integer>[] newLevels() {
            java.util.ArrayDeque<Integer>[] l = new java.util.ArrayDeque[32];
            for (int i = 0; i < l.length; i++) {
                l[i] = new java.util.ArrayDeque<>();
            }
            return l;
        }

        private int top() {
            for (int i = 31; i >= 0; i--) {
                if (!levels[i].isEmpty()) {
                    return i;
                }
            }
            return -1;
        }

        private void demoteIfBelow(int level) {
            if (runnext != null && runnextLevel < level) {
                levels[runnextLevel].addFirst(runnext);
                runnext = null;
                runnextLevel = -1;
            }
        }

        private void put(int value, int level, boolean next) {
            if (next && level >= top() && level >= runnextLevel) {
                if (runnext != null) {
                    levels[runnextLevel].addLast(runnext);
                }
                runnext = value;
                runnextLevel = level;
                return;
            }
            levels[level].addLast(value);
            demoteIfBelow(level);
        }

        public void putLow(int value) {
            put(value, 2, false);
        }

        public void putHigh(int value) {
            put(value, 20, false);
        }

        public void putNext(int value) {
            put(value, 8, true);
        }

        public Integer pollRunnext() {
            if (runnext == null) {
                return null;
            }
            if (runnextLevel < top()) {
                demoteIfBelow(top());
                return null;
            }
            Integer v = runnext;
            runnext = null;
            runnextLevel = -1;
            return v;
        }

        public Integer poll() {
            int t = top();
            return t < 0 ? null : levels[t].pollFirst();
        }

        public List<Integer> steal() {
            List<Integer> got = new ArrayList<>();
            int t = top();
            if (t >= 0) {
                int n = Math.min(levels[t].size() - levels[t].size() / 2, PriorityRunQueue.MAX_BATCH);
                for (int i = 0; i < n; i++) {
                    got.add(levels[t].pollFirst());
                }
            } else if (runnext != null) {
                got.add(runnext);
                runnext = null;
                runnextLevel = -1;
            }
            return got;
        }

        public int boost() {
            int moved = 0;
            if (runnext != null && runnextLevel < 15) {
                runnextLevel = 15;
                moved++;
            }
            for (int level = 14; level >= 0; level--) {
                while (!levels[level].isEmpty()) {
                    levels[15].addLast(levels[level].pollFirst());
                    moved++;
                }
            }
            demoteIfBelow(top());
            return moved;
        }

        public boolean isEmpty() {
            return runnext == null && top() < 0;
        }

        public int bestLevel() {
            return Math.max(runnextLevel, top());
        }
    }
}
