package dev.weft.internal.queue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of a P's bounded PRIORITY queue (bound 2, so that a few puts overflow), checked
 * by Lincheck against {@link Spec}, a model with a list and an overflow deque per level: spills
 * of the oldest half, a yield behind the overflow ({@code putBehind}), an empty list's batch from
 * the overflow, steals of the oldest first, and the in-place starvation boost, beside the puts,
 * polls and lock-free reads of {@link PriorityRunQueueLincheckTest}.
 */
public class PriorityRunQueueBoundedLincheckTest {
    private static final int BOUND = 2;
    private final PriorityRunQueue<LeveledElement> queue = new PriorityRunQueue<>(BOUND);

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
    public void yieldLow(int value) {
        queue.putBehind(new LeveledElement(value, 2), 0);
    }

    @Operation
    public Integer pollRunnext() {
        return valueOf(queue.pollRunnext());
    }

    @Operation
    public Integer poll() {
        return valueOf(queue.poll());
    }

    /** A thief with an unbounded queue of its own; returns everything it got, in order. */
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

    /** The bounded queue's rules (class comment of PriorityRunQueue) on two deques per level. */
    public static final class Spec {
        private final ArrayDeque<Integer>[] list = newLevels();
        private final ArrayDeque<Integer>[] overflow = newLevels();
        private Integer runnext;
        private int runnextLevel = -1;
        private int tick;

        @SuppressWarnings("unchecked")
        private static ArrayDeque<Integer>[] newLevels() {
            ArrayDeque<Integer>[] l = new ArrayDeque[32];
            for (int i = 0; i < l.length; i++) {
                l[i] = new ArrayDeque<>();
            }
            return l;
        }

        private int top() {
            for (int i = 31; i >= 0; i--) {
                if (!list[i].isEmpty() || !overflow[i].isEmpty()) {
                    return i;
                }
            }
            return -1;
        }

        private void spillIfFull(int level) {
            if (list[level].size() >= BOUND) {
                for (int i = 0, n = list[level].size() / 2; i < n; i++) {
                    overflow[level].addLast(list[level].pollFirst());
                }
            }
        }

        private void append(int level, Integer v) {
            spillIfFull(level);
            list[level].addLast(v);
        }

        private void demoteIfBelow(int level) {
            if (runnext != null && runnextLevel < level) {
                list[runnextLevel].addFirst(runnext);
                runnext = null;
                runnextLevel = -1;
            }
        }

        private void put(int value, int level, boolean next) {
            if (next && level >= top() && level >= runnextLevel) {
                if (runnext != null) {
                    append(runnextLevel, runnext);
                }
                runnext = value;
                runnextLevel = level;
                return;
            }
            append(level, value);
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

        public void yieldLow(int value) {
            spillIfFull(2);
            (overflow[2].isEmpty() ? list[2] : overflow[2]).addLast(value);
            demoteIfBelow(2);
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
            if (t < 0) {
                return null;
            }
            if (overflow[t].isEmpty()) {
                return list[t].pollFirst();
            }
            if (++tick % PriorityRunQueue.OVERFLOW_FAIRNESS == 0) {
                return overflow[t].pollFirst();
            }
            if (list[t].isEmpty()) {
                for (int i = 0, n = Math.min(overflow[t].size(), Math.max(1, BOUND / 2)); i < n; i++) {
                    list[t].addLast(overflow[t].pollFirst());
                }
            }
            return list[t].pollFirst();
        }

        public List<Integer> steal() {
            List<Integer> got = new ArrayList<>();
            int t = top();
            if (t >= 0) {
                int c = list[t].size() + overflow[t].size();
                for (int i = 0, n = Math.min(c - c / 2, PriorityRunQueue.MAX_BATCH); i < n; i++) {
                    got.add(overflow[t].isEmpty() ? list[t].pollFirst() : overflow[t].pollFirst());
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
                for (ArrayDeque<Integer> from : List.of(list[level], overflow[level])) {
                    while (!from.isEmpty()) {
                        append(15, from.pollFirst());
                        moved++;
                    }
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
