package dev.weft.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GlobalRunQueue's putHeadAll and takes where the caller's stack ends (its class comment, "At the
 * end of a stack"), written by a reviewer against a version that got both wrong:
 * <ul>
 *   <li>a putHeadAll that throws has put nothing and has released the lock: the head moves only
 *       after its last call, and its finally falls back to a plain release when unlock()
 *       overflows (else the lock stayed held and every carrier spun on it for good);</li>
 *   <li>a hint left too high by a take that threw is repaired by the next take that finds the
 *       queue empty under the lock (else the queue read non-empty for good).</li>
 * </ul>
 * Kept apart from GlobalRunQueueStackEndTest on purpose: merged into that class (one sweep for
 * the three kinds of put), it no longer caught an unlock() that overflows. Which calls are real
 * calls, and so can overflow, depends on what the JIT compiled before the sweep ran.
 */
class GlobalRunQueueStackEndReviewTest {
    private static GlobalRunQueue<Object> q;
    private static final List<Object> one = new ArrayList<>(List.of(new Object()));
    private static Object[] returned;
    private static int nReturned;
    private static Object[] threw;
    private static int nThrew;

    private static void descendHeadAll() {
        Object e = new Object();
        try {
            one.set(0, e);
            q.putHeadAll(one);
            returned[nReturned++] = e;
        } catch (StackOverflowError expected) {
            threw[nThrew++] = e;
        }
        try {
            descendHeadAll();
        } catch (StackOverflowError bottom) {
            // the stack ends here
        }
    }

    @Test
    void putHeadAllThatThrowsAtTheStackEndPutNothing() throws Exception {
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 20 && failures.isEmpty(); round++) {
            q = new GlobalRunQueue<>();
            returned = new Object[1 << 20];
            threw = new Object[1 << 20];
            nReturned = 0;
            nThrew = 0;
            Thread t = new Thread(null, GlobalRunQueueStackEndReviewTest::descendHeadAll, "sweep", 256 * 1024);
            t.setDaemon(true);
            t.start();
            t.join(20_000);
            if (t.isAlive()) {
                StackTraceElement[] at = t.getStackTrace();
                failures.add("round " + round + ": the sweep never returned, stuck in " + at[0] + " (a putHeadAll"
                        + " left the queue's lock held: its finally's unlock() threw)");
                break;
            }
            String held = heldLock(q);
            if (held != null) {
                failures.add("round " + round + ": the queue's " + held + " lock is held with no put under way (a putHeadAll's"
                        + " finally called unlock(), which threw StackOverflowError before its store)");
                break;
            }
            int hint = q.size();
            Map<Object, Boolean> queued = new IdentityHashMap<>();
            int nulls = 0;
            for (int i = 0; i < hint; i++) { // poll returns null for a null element too: count by the hint
                Object o = q.poll();
                if (o == null) {
                    nulls++;
                } else {
                    queued.put(o, true);
                }
            }
            for (int i = 0; i < nThrew; i++) {
                if (queued.containsKey(threw[i])) {
                    failures.add("round " + round + ": a putHeadAll that threw queued its element");
                    break;
                }
            }
            int lost = 0;
            for (int i = 0; i < nReturned; i++) {
                if (!queued.containsKey(returned[i])) {
                    lost++;
                }
            }
            if (lost != 0) {
                failures.add("round " + round + ": " + lost + " of " + nReturned + " returned putHeadAll elements not queued");
            }
            if (nulls != 0) {
                failures.add("round " + round + ": " + nulls + " null elements queued");
            }
        }
        assertThat(failures).isEmpty();
    }

    /** The side ("put" or "take") whose lock is held, or null. */
    private static String heldLock(GlobalRunQueue<Object> q) throws ReflectiveOperationException {
        for (String side : new String[] {"put", "take"}) {
            java.lang.reflect.Field f = GlobalRunQueue.class.getDeclaredField(side);
            f.setAccessible(true);
            if (((dev.weft.internal.util.SpinLock) f.get(q)).held != 0) {
                return side;
            }
        }
        return null;
    }

    private static GlobalRunQueue<Object>[] queues;
    private static int pollThrew;

    private static void descendPoll(int d) {
        if (d >= queues.length) {
            return;
        }
        try {
            queues[d].poll();
        } catch (StackOverflowError expected) {
            pollThrew++;
        }
        try {
            descendPoll(d + 1);
        } catch (StackOverflowError bottom) {
            // the stack ends here
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTooHighHintIsRepairedByTheReCheckUnderTheLock() throws Exception {
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 10 && failures.isEmpty(); round++) {
            queues = new GlobalRunQueue[8192];
            for (int i = 0; i < queues.length; i++) {
                queues[i] = new GlobalRunQueue<>();
                queues[i].put(new Object());
            }
            pollThrew = 0;
            Thread t = new Thread(null, () -> descendPoll(0), "sweep", 128 * 1024);
            t.start();
            t.join();
            LocalRunQueue<Object> local = new LocalRunQueue<>();
            for (int i = 0; i < queues.length; i++) {
                GlobalRunQueue<Object> g = queues[i];
                while (g.poll() != null) {
                    // drain: the last poll finds count 0 under the lock
                }
                g.pollBatch(local, 1); // the other re-check under the lock
                while (local.pollRing() != null) {
                    // not what is checked here
                }
                if (!g.isEmpty()) {
                    failures.add("round " + round + ": queue " + i + " is empty under the lock but its hint says "
                            + g.size() + " after both re-checks (" + pollThrew + " polls threw)");
                    break;
                }
            }
        }
        assertThat(failures).isEmpty();
    }
}
