package dev.weft.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sequential behaviour (Go's TestSchedLocalQueue*) and a conservation stress with runnext. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalRunQueueTest {
    private final GlobalRunQueue<Integer> global = new GlobalRunQueue<>();

    @Test
    void fifoAtEveryFillLevel() {
        LocalRunQueue<Integer> q = new LocalRunQueue<>();
        for (int n = 0; n < LocalRunQueue.CAPACITY; n++) {
            for (int i = 0; i < n; i++) {
                q.put(i, false, global);
            }
            for (int i = 0; i < n; i++) {
                assertThat(q.pollRing()).isEqualTo(i);
            }
            assertThat(q.pollRing()).isNull();
            assertThat(q.isEmpty()).isTrue();
        }
        assertThat(global.isEmpty()).isTrue();
    }

    @Test
    void stealTakesHalfRoundedUpAndLosesNothing() {
        for (int n = 0; n < LocalRunQueue.CAPACITY; n++) {
            LocalRunQueue<Integer> victim = new LocalRunQueue<>();
            LocalRunQueue<Integer> thief = new LocalRunQueue<>();
            for (int i = 0; i < n; i++) {
                victim.put(i, false, global);
            }
            Integer first = victim.stealInto(thief, false, 0);
            List<Integer> stolen = new ArrayList<>();
            if (first != null) {
                stolen.add(first);
            }
            for (Integer e; (e = thief.pollRing()) != null; ) {
                stolen.add(e);
            }
            List<Integer> left = new ArrayList<>();
            for (Integer e; (e = victim.pollRing()) != null; ) {
                left.add(e);
            }
            assertThat(stolen).hasSize(n - n / 2);
            List<Integer> all = new ArrayList<>(stolen);
            all.addAll(left);
            assertThat(all).containsExactlyInAnyOrderElementsOf(range(n));
        }
    }

    @Test
    void runnextDisplacesToTheTailAndIsStolenOnlyWhenAskedAndTheRingIsEmpty() {
        LocalRunQueue<Integer> q = new LocalRunQueue<>();
        LocalRunQueue<Integer> thief = new LocalRunQueue<>();
        q.put(1, true, global);
        q.put(2, true, global);
        assertThat(q.ringSize()).isEqualTo(1);
        assertThat(q.stealInto(thief, false, 0)).isEqualTo(1); // the ring, not runnext
        assertThat(q.stealInto(thief, false, 0)).isNull();      // ring empty, runnext not allowed
        assertThat(q.isEmpty()).isFalse();
        assertThat(q.stealInto(thief, true, 0)).isEqualTo(2);
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void aFullRingMovesHalfPlusTheNewElementToTheGlobalQueueInOrder() {
        LocalRunQueue<Integer> q = new LocalRunQueue<>();
        for (int i = 0; i <= LocalRunQueue.CAPACITY; i++) {
            q.put(i, false, global);
        }
        assertThat(global.size()).isEqualTo(LocalRunQueue.CAPACITY / 2 + 1);
        List<Integer> moved = new ArrayList<>();
        for (Integer e; (e = global.poll()) != null; ) {
            moved.add(e);
        }
        List<Integer> expected = new ArrayList<>(range(LocalRunQueue.CAPACITY / 2));
        expected.add(LocalRunQueue.CAPACITY);
        assertThat(moved).isEqualTo(expected);
        assertThat(q.ringSize()).isEqualTo(LocalRunQueue.CAPACITY / 2);
    }

    @Test
    void drainPutsRunnextThenTheRingAtTheHeadOfTheGlobalQueue() {
        LocalRunQueue<Integer> q = new LocalRunQueue<>();
        global.put(100);
        q.put(1, false, global);
        q.put(2, false, global);
        q.put(3, true, global);
        assertThat(q.drainTo(global)).isEqualTo(3);
        assertThat(List.of(global.poll(), global.poll(), global.poll(), global.poll())).containsExactly(3, 1, 2, 100);
    }

    /**
     * One owner putting (half into runnext) and polling, two thieves stealing (runnext too):
     * every element comes out exactly once, and isEmpty is never true while an element is in.
     */
    @Test
    void concurrentPutPollAndStealConserveEveryElement() throws Exception {
        int total = 200_000;
        LocalRunQueue<Integer> q = new LocalRunQueue<>();
        AtomicInteger[] seen = new AtomicInteger[total];
        for (int i = 0; i < total; i++) {
            seen[i] = new AtomicInteger();
        }
        AtomicBoolean ownerDone = new AtomicBoolean();
        AtomicInteger taken = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        Runnable thief = () -> {
            LocalRunQueue<Integer> mine = new LocalRunQueue<>();
            await(start);
            while (!ownerDone.get() || !q.isEmpty()) {
                Integer e = q.stealInto(mine, true, 0);
                if (e != null) {
                    seen[e].incrementAndGet();
                    taken.incrementAndGet();
                    for (Integer x; (x = mine.pollRing()) != null; ) {
                        seen[x].incrementAndGet();
                        taken.incrementAndGet();
                    }
                }
            }
        };
        Thread t1 = Thread.ofPlatform().start(thief);
        Thread t2 = Thread.ofPlatform().start(thief);
        start.countDown();
        for (int i = 0; i < total; i++) {
            q.put(i, (i & 1) == 0, global);
            if ((i % 3) == 0) {
                Integer e = (i % 2 == 0) ? q.pollRunnext() : q.pollRing();
                if (e != null) {
                    seen[e].incrementAndGet();
                    taken.incrementAndGet();
                }
            }
        }
        ownerDone.set(true);
        t1.join();
        t2.join();
        for (Integer e; (e = q.pollRunnext()) != null || (e = q.pollRing()) != null; ) {
            seen[e].incrementAndGet();
            taken.incrementAndGet();
        }
        for (Integer e; (e = global.poll()) != null; ) {
            seen[e].incrementAndGet();
            taken.incrementAndGet();
        }
        for (int i = 0; i < total; i++) {
            assertThat(seen[i].get()).as("element %d taken once", i).isEqualTo(1);
        }
        assertThat(taken.get()).isEqualTo(total);
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Integer> range(int n) {
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            r.add(i);
        }
        return r;
    }
}
