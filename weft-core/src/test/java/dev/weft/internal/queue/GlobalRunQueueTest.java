package dev.weft.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The global run queue under its real concurrency: putters (put and putBatch) and takers (poll
 * and pollBatch into their own local queues) at once, with prepends, from an empty queue of two
 * slots that must grow many times. Every element comes out exactly once, a taker sees each putter's
 * elements in the order they were put, and the size hint reads 0 at the end.
 */
class GlobalRunQueueTest {
    private static final int PUTTERS = 3;
    private static final int PER_PUTTER = 200_000;
    private static final int PREPENDS = 2_000;
    /** Element ids: putter p's i-th is p * PER_PUTTER + i; prepended ones follow them all. */
    private static final int TOTAL = PUTTERS * PER_PUTTER + 2 * PREPENDS;

    @Test
    void everyElementComesOutOnceAndInEachPuttersOrder() throws Exception {
        GlobalRunQueue<Integer> q = new GlobalRunQueue<>(2);
        AtomicIntegerArray seen = new AtomicIntegerArray(TOTAL);
        AtomicLong taken = new AtomicLong();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < PUTTERS; p++) {
            int base = p * PER_PUTTER;
            boolean batches = p % 2 == 1;
            threads.add(new Thread(() -> {
                await(start);
                Object[] batch = new Object[7];
                for (int i = 0; i < PER_PUTTER; ) {
                    if (batches && i + batch.length <= PER_PUTTER) {
                        for (int k = 0; k < batch.length; k++) {
                            batch[k] = base + i + k;
                        }
                        q.putBatch(batch, batch.length);
                        i += batch.length;
                    } else {
                        q.put(base + i++);
                    }
                }
            }, "putter-" + p));
        }
        threads.add(new Thread(() -> {
            await(start);
            int id = PUTTERS * PER_PUTTER;
            for (int i = 0; i < PREPENDS; i++, id += 2) {
                q.putHeadAll(List.of(id, id + 1));
            }
        }, "prepender"));
        for (int t = 0; t < 2; t++) {
            boolean batches = t == 0;
            threads.add(new Thread(() -> {
                await(start);
                LocalRunQueue<Integer> local = new LocalRunQueue<>();
                int[] lastOf = new int[PUTTERS];
                java.util.Arrays.fill(lastOf, -1);
                while (taken.get() < TOTAL) {
                    Integer e = batches ? q.pollBatch(local, 2) : q.poll();
                    for (; e != null; e = local.pollRing()) {
                        if (seen.getAndIncrement(e) != 0) {
                            failures.add("element " + e + " taken twice");
                        }
                        if (e < PUTTERS * PER_PUTTER) {
                            int p = e / PER_PUTTER;
                            if (e <= lastOf[p]) {
                                failures.add("putter " + p + "'s " + e + " after its " + lastOf[p]);
                            }
                            lastOf[p] = e;
                        }
                        taken.incrementAndGet();
                    }
                    Thread.onSpinWait();
                }
            }, "taker-" + t));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread t : threads) {
            t.join(TimeUnit.MINUTES.toMillis(2));
            assertThat(t.isAlive()).as(t.getName() + " still running: an element was lost").isFalse();
        }
        assertThat(failures).isEmpty();
        int missing = 0;
        for (int i = 0; i < TOTAL; i++) {
            if (seen.get(i) != 1) {
                missing++;
            }
        }
        assertThat(missing).isZero();
        assertThat(q.size()).isZero();
        assertThat(q.poll()).isNull();
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
