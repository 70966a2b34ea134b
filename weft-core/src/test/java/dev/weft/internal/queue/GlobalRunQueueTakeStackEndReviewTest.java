package dev.weft.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Takes where the caller's stack ends, then puts that wrap the ring over the slots they freed:
 * a take that throws may lose what it held and leave the published head behind the truth
 * (GlobalRunQueue's class comment), but no element may come out twice, no null may come out, no
 * later put may be lost or overwritten, and the size hint must read 0 once drained. A queue
 * whose take lock a throwing take left held (its unlock() overflowed: takes are for carriers'
 * shallow stacks, "Not covered") is skipped. Written by a reviewer of the two-lock version.
 */
class GlobalRunQueueTakeStackEndReviewTest {
    private static final int DEPTHS = 8192;
    private static GlobalRunQueue<Object>[] queues;
    private static Object[] got;
    private static boolean batch;

    private static void descend(int d) {
        if (d >= DEPTHS) {
            return;
        }
        try {
            got[d] = batch ? queues[d].pollBatch(new LocalRunQueue<>(), 1) : queues[d].poll();
        } catch (StackOverflowError expected) {
            got[d] = null;
        }
        try {
            descend(d + 1);
        } catch (StackOverflowError bottom) {
            // the stack ends here
        }
    }

    @SuppressWarnings("unchecked")
    void sweep(boolean b) throws Exception {
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 10; round++) {
            batch = b;
            queues = new GlobalRunQueue[DEPTHS];
            got = new Object[DEPTHS];
            Object[][] init = new Object[DEPTHS][];
            for (int d = 0; d < DEPTHS; d++) {
                queues[d] = new GlobalRunQueue<>(4);
                init[d] = new Object[] {"a" + d, "b" + d, "c" + d};
                for (Object o : init[d]) {
                    queues[d].put(o);
                }
            }
            Thread t = new Thread(null, () -> descend(0), "sweep", 128 * 1024);
            t.setDaemon(true);
            t.start();
            t.join(60_000);
            assertThat(t.isAlive()).isFalse();
            for (int d = 0; d < DEPTHS; d++) {
                GlobalRunQueue<Object> q = queues[d];
                java.lang.reflect.Field f = GlobalRunQueue.class.getDeclaredField("take");
                f.setAccessible(true);
                if (((dev.weft.internal.util.SpinLock) f.get(q)).held != 0) {
                    continue;
                }
                for (int i = 0; i < 6; i++) {
                    q.put("x" + i + "-" + d);
                }
                List<Object> out = new ArrayList<>();
                LocalRunQueue<Object> local = new LocalRunQueue<>();
                for (Object o; (o = (d % 2 == 0 ? q.poll() : q.pollBatch(local, 1))) != null; ) {
                    out.add(o);
                    for (Object e; (e = local.pollRing()) != null; ) {
                        out.add(e);
                    }
                }
                if (out.contains(null) || new java.util.HashSet<>(out).size() != out.size()) {
                    failures.add("depth " + d + ": " + out);
                }
                if (got[d] != null && out.contains(got[d])) {
                    failures.add("depth " + d + ": taken twice: " + got[d]);
                }
                for (int i = 0; i < 6; i++) {
                    if (!out.contains("x" + i + "-" + d)) {
                        failures.add("depth " + d + ": lost a later put: " + out);
                        break;
                    }
                }
                if (q.size() != 0) {
                    failures.add("depth " + d + ": hint " + q.size() + " after draining");
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void pollThatThrowsAtTheStackEnd() throws Exception {
        sweep(false);
    }

    @Test
    void pollBatchThatThrowsAtTheStackEnd() throws Exception {
        sweep(true);
    }
}
