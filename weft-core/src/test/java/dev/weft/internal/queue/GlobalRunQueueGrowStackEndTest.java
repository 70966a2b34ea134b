package dev.weft.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The two-lock GlobalRunQueue's puts where the caller's stack ends, on the path the sweeps of
 * GlobalRunQueueStackEndTest seldom reach: a ring that is full, so that every put reads the take
 * side's count, takes the take side's lock and grows the ring under both. At each depth of a
 * descent a fresh full queue of two slots gets one put, putBatch or putHeadAll; afterwards each
 * queue must hold exactly its two first elements plus, if and only if the call returned, the
 * new ones in their place, with both locks free and the size hint equal to what is queued.
 */
class GlobalRunQueueGrowStackEndTest {
    private static final int DEPTHS = 8192;
    private static GlobalRunQueue<Object>[] queues;
    private static Object[][] added;
    private static boolean[] returned;
    private static int kind;
    private static int threwCount;

    private static void descend(int d) {
        if (d >= DEPTHS) {
            return;
        }
        GlobalRunQueue<Object> q = queues[d];
        Object[] a = added[d];
        try {
            switch (kind) {
                case 0 -> q.put(a[0]);
                case 1 -> q.putBatch(a, a.length);
                default -> q.putHeadAll(List.of(a));
            }
            returned[d] = true;
        } catch (StackOverflowError expected) {
            threwCount++;
        }
        try {
            descend(d + 1);
        } catch (StackOverflowError bottom) {
            // the stack ends here
        }
    }

    @SuppressWarnings("unchecked")
    private static void sweep(int k) throws Exception {
        List<String> failures = new ArrayList<>();
        int threwTotal = 0;
        for (int round = 0; round < 10 && failures.isEmpty(); round++) {
            kind = k;
            queues = new GlobalRunQueue[DEPTHS];
            added = new Object[DEPTHS][];
            returned = new boolean[DEPTHS];
            Object[][] initial = new Object[DEPTHS][];
            for (int d = 0; d < DEPTHS; d++) {
                queues[d] = new GlobalRunQueue<>(2);
                initial[d] = new Object[] {new Object(), new Object()};
                queues[d].put(initial[d][0]);
                queues[d].put(initial[d][1]);
                added[d] = k == 0 ? new Object[] {new Object()} : new Object[] {new Object(), new Object(), new Object()};
            }
            threwCount = 0;
            Thread t = new Thread(null, () -> descend(0), "sweep", 128 * 1024);
            t.setDaemon(true);
            t.start();
            t.join(60_000);
            if (t.isAlive()) {
                failures.add("round " + round + ": the sweep never returned, stuck in " + t.getStackTrace()[0]);
                break;
            }
            threwTotal += threwCount;
            for (int d = 0; d < DEPTHS && failures.isEmpty(); d++) {
                GlobalRunQueue<Object> q = queues[d];
                String held = heldLock(q);
                if (held != null) {
                    failures.add("round " + round + ", depth " + d + ": the " + held + " lock is left held (returned: " + returned[d] + ")");
                    break;
                }
                List<Object> expected = new ArrayList<>();
                if (returned[d] && k == 2) {
                    expected.addAll(List.of(added[d]));
                }
                expected.addAll(List.of(initial[d]));
                if (returned[d] && k != 2) {
                    expected.addAll(List.of(added[d]));
                }
                int hint = q.size();
                List<Object> got = new ArrayList<>();
                for (Object o; (o = q.poll()) != null; ) {
                    got.add(o);
                }
                if (!identical(got, expected)) {
                    failures.add("round " + round + ", depth " + d + ": queued " + got.size() + " elements, not the " + expected.size()
                            + " expected in order (the call " + (returned[d] ? "returned" : "threw") + ")");
                }
                if (hint != expected.size()) {
                    failures.add("round " + round + ", depth " + d + ": size hint " + hint + " but " + expected.size() + " queued");
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(threwTotal).as("calls that threw StackOverflowError (else nothing was tested)").isPositive();
    }

    private static boolean identical(List<Object> a, List<Object> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }

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

    @Test
    void putIntoAFullRingAtTheStackEnd() throws Exception {
        sweep(0);
    }

    @Test
    void putBatchIntoAFullRingAtTheStackEnd() throws Exception {
        sweep(1);
    }

    @Test
    void putHeadAllIntoAFullRingAtTheStackEnd() throws Exception {
        sweep(2);
    }
}
