package dev.weft.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GlobalRunQueue.put and putBatch are failure-atomic where the caller's stack ends
 * (LocalRunQueue.putSlow and Sched.ready rely on "threw: nothing put"): a put that throws
 * StackOverflowError has not queued its element, and the lock-free size hint agrees with what is
 * queued. The hint's store is a call (a VarHandle), so it comes before the count's plain store;
 * written by a reviewer against the version that stored the count first, which it failed.
 */
class GlobalRunQueueStackEndTest {
    private static GlobalRunQueue<Object> q;
    private static Object[] returned;
    private static int nReturned;
    private static Object[] threw;
    private static int nThrew;
    private static Object[] batch = new Object[2];

    private static void descend(boolean useBatch) {
        Object e = new Object();
        try {
            if (useBatch) {
                batch[0] = e;
                q.putBatch(batch, 1);
            } else {
                q.put(e);
            }
            returned[nReturned++] = e;
        } catch (StackOverflowError expected) {
            threw[nThrew++] = e;
        }
        try {
            descend(useBatch);
        } catch (StackOverflowError bottom) {
            // the stack ends here
        }
    }

    private static void sweep(boolean useBatch) throws Exception {
        List<String> failures = new ArrayList<>();
        for (int round = 0; round < 20 && failures.isEmpty(); round++) {
            q = new GlobalRunQueue<>();
            returned = new Object[1 << 20];
            threw = new Object[1 << 20];
            nReturned = 0;
            nThrew = 0;
            Thread t = new Thread(null, () -> descend(useBatch), "sweep", 256 * 1024);
            t.start();
            t.join();
            int hint = q.size();
            Map<Object, Boolean> queued = new IdentityHashMap<>();
            int polled = 0;
            for (Object o; (o = q.poll()) != null; ) {
                queued.put(o, true);
                polled++;
            }
            for (int i = 0; i < nThrew; i++) {
                if (queued.containsKey(threw[i])) {
                    failures.add("round " + round + ": a put that threw StackOverflowError queued its element");
                }
            }
            if (hint != polled) {
                failures.add("round " + round + ": size hint " + hint + " but " + polled + " queued");
            }
            if (polled != nReturned) {
                failures.add("round " + round + ": " + nReturned + " puts returned but " + polled + " queued");
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void putThatThrowsAtTheStackEndQueuedNothing() throws Exception {
        sweep(false);
    }

    @Test
    void putBatchThatThrowsAtTheStackEndQueuedNothing() throws Exception {
        sweep(true);
    }
}
