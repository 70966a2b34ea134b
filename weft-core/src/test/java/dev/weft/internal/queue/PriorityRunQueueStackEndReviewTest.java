package dev.weft.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Review: {@code PriorityRunQueue.put} must be failure-atomic where the caller's stack ends
 * (docs/notes/stack-end.md: "throws only before its first store"; Sched.ready's handler flags
 * the readied G lost when put threw, and sysmon queues it again). Each depth of a recursion
 * to the stack's end puts into a queue of its own, primed beforehand so that no ring grows at
 * the stack's end; afterwards each queue must hold each element at most once, the elements
 * whose put returned, and none whose put threw. Three shapes of put: into runnext (displacing
 * the one there to its level's tail), a plain put, and a plain put above runnext's level
 * (demoting runnext to the head of its level).
 *
 * <p>The hazard looked for: {@code append} and {@code prepend} store the element and its count
 * and then call {@code setBit}; a StackOverflowError at that call's entry (which setBit's own
 * handler cannot catch) leaves the element queued by a put that threw. In the runnext shape the
 * displaced element is then both in its level's list and still in runnext (two carriers can run
 * one goroutine: "unmounted in status waiting"); in the plain shape the readied G is queued and
 * also flagged lost; in the demote shape put's handler swallows the error and runnext stays
 * where it also was prepended.
 *
 * <p>The window is open while {@code append} runs interpreted or C1-compiled (setBit is a call);
 * once C2 has inlined setBit it is closed. So the first descents of a fresh JVM are the ones
 * that find it: before the fix each of the three tests failed in its first round when run alone
 * (and the first of them when run together, in a JVM where other queue tests ran first).
 */
class PriorityRunQueueStackEndReviewTest {
    private static final int POOL = 4_000;
    private static final int LOW = 3;
    private static final int HIGH = 5;

    private enum Shape { RUNNEXT, PLAIN, DEMOTE }

    private static Shape shape;
    private static PriorityRunQueue<LeveledElement>[] queues;
    /** Per depth: the element put at the stack's end, and whether its put returned. */
    private static LeveledElement[] put;
    private static boolean[] returned;
    /** Per depth: the element queued first (shallow in the queue's life, not at the stack end). */
    private static LeveledElement[] first;
    private static boolean[] firstReturned;
    private static int depth;
    /** The depth of queues[0]: the pool covers the depths just above the stack's end. */
    private static int base;

    private static void descend() {
        int d = depth++ - base;
        if (d >= 0 && d < POOL) {
            PriorityRunQueue<LeveledElement> q = queues[d];
            LeveledElement a = first[d];
            LeveledElement b = put[d];
            try {
                switch (shape) {
                    case RUNNEXT -> q.put(a, true, PriorityRunQueue.UNSTAMPED);
                    case PLAIN -> q.put(a, false, PriorityRunQueue.UNSTAMPED);
                    case DEMOTE -> q.put(a, true, PriorityRunQueue.UNSTAMPED);
                }
                firstReturned[d] = true;
            } catch (StackOverflowError expected) {
                // nothing queued; b is still put below
            }
            try {
                switch (shape) {
                    case RUNNEXT -> q.put(b, true, PriorityRunQueue.UNSTAMPED);
                    case PLAIN -> q.put(b, false, PriorityRunQueue.UNSTAMPED);
                    case DEMOTE -> q.put(b, false, PriorityRunQueue.UNSTAMPED);
                }
                returned[d] = true;
            } catch (StackOverflowError expected) {
                // must have queued nothing
            }
        }
        try {
            descend();
        } catch (StackOverflowError bottom) {
            // the stack ends here
        }
    }

    @SuppressWarnings("unchecked")
    /** One descent; returns null if the stack's end fell outside the pool (base is then moved), else the failures. */
    private static List<String> sweep(Shape s, int round) throws Exception {
        shape = s;
        queues = new PriorityRunQueue[POOL];
        put = new LeveledElement[POOL];
        returned = new boolean[POOL];
        first = new LeveledElement[POOL];
        firstReturned = new boolean[POOL];
        for (int i = 0; i < POOL; i++) {
            PriorityRunQueue<LeveledElement> q = new PriorityRunQueue<>(256);
            // Prime both levels' lists, so that no ring is allocated at the stack's end (a growth
            // there is a call before the stores, which would mask a throw after them).
            for (int level : new int[] {LOW, HIGH}) {
                q.put(new LeveledElement("prime", level), false, PriorityRunQueue.UNSTAMPED);
                q.poll();
            }
            queues[i] = q;
            first[i] = new LeveledElement("first@" + i, s == Shape.DEMOTE ? LOW : HIGH);
            put[i] = new LeveledElement("put@" + i, HIGH);
        }
        depth = 0;
        Thread t = new Thread(null, PriorityRunQueueStackEndReviewTest::descend, "sweep", 256 * 1024);
        t.start();
        t.join();
        int end = depth - 1; // the deepest depth reached
        int maxDepth = end - base;
        // Compiled frames are smaller than interpreted ones: the next descent's end is near this one's.
        int oldBase = base;
        base = Math.max(0, end - POOL / 2);
        if (maxDepth < 0 || maxDepth >= POOL - 1) {
            return null; // the end was outside [oldBase, oldBase + POOL): nothing put there
        }
        List<String> failures = new ArrayList<>();
        for (int d = 0; d <= maxDepth; d++) {
            PriorityRunQueue<LeveledElement> q = queues[d];
            Map<LeveledElement, Integer> seen = new IdentityHashMap<>();
            int polled = 0;
            int hint = q.size();
            polled += drain(q, seen);
            // An element stored with its level's bit left unset is hidden from polls until a put
            // at that level sets the bit: put one at each level and drain again.
            LeveledElement lowProbe = new LeveledElement("probe", LOW);
            LeveledElement highProbe = new LeveledElement("probe", HIGH);
            q.put(lowProbe, false, PriorityRunQueue.UNSTAMPED);
            q.put(highProbe, false, PriorityRunQueue.UNSTAMPED);
            drain(q, seen);
            seen.remove(lowProbe);
            seen.remove(highProbe);
            String where = s + " round " + round + " depth " + (oldBase + d) + " (of " + end + "): ";
            for (Map.Entry<LeveledElement, Integer> en : seen.entrySet()) {
                if (en.getValue() > 1) {
                    failures.add(where + en.getKey() + " queued " + en.getValue() + " times");
                }
            }
            check(failures, where, seen, first[d], firstReturned[d]);
            check(failures, where, seen, put[d], returned[d]);
            if (hint != polled) {
                failures.add(where + "size hint " + hint + " but " + polled + " polled");
            }
        }
        return failures;
    }

    private static int drain(PriorityRunQueue<LeveledElement> q, Map<LeveledElement, Integer> seen) {
        int polled = 0;
        for (int guard = 0; guard < 10; guard++) {
            LeveledElement e = q.pollRunnext();
            if (e == null) {
                e = q.poll();
            }
            if (e == null) {
                break;
            }
            seen.merge(e, 1, Integer::sum);
            polled++;
        }
        return polled;
    }

    private static void check(List<String> failures, String where, Map<LeveledElement, Integer> seen,
            LeveledElement e, boolean putReturned) {
        if (putReturned && !seen.containsKey(e)) {
            failures.add(where + e + ": put returned but it is not queued (lost or hidden)");
        }
        if (!putReturned && seen.containsKey(e)) {
            failures.add(where + e + ": put threw StackOverflowError but it is queued");
        }
    }

    private static void sweepRounds(Shape s) throws Exception {
        List<String> failures = new ArrayList<>();
        base = 0;
        int informative = 0;
        // The first rounds run the queue's methods interpreted, later ones compiled (C1, then
        // C2 with setBit inlined): other frame sizes, other calls.
        for (int round = 0; round < 60 && informative < 30 && failures.isEmpty(); round++) {
            List<String> f = sweep(s, round);
            if (f != null) {
                informative++;
                failures.addAll(f);
            }
        }
        queues = null;
        assertThat(failures).isEmpty();
        assertThat(informative).as("descents whose stack end fell among the queues").isGreaterThanOrEqualTo(10);
    }

    @Test
    void putIntoRunnextThatThrowsAtTheStackEndLeavesTheDisplacedElementQueuedOnce() throws Exception {
        sweepRounds(Shape.RUNNEXT);
    }

    @Test
    void plainPutThatThrowsAtTheStackEndQueuedNothing() throws Exception {
        sweepRounds(Shape.PLAIN);
    }

    @Test
    void putAboveRunnextThatThrowsAtTheStackEndLeavesRunnextQueuedOnce() throws Exception {
        sweepRounds(Shape.DEMOTE);
    }
}
