package dev.weft.internal.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The PRIORITY policy's queue: order, runnext's invariant, stealing, draining, boosting, conservation. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PriorityRunQueueTest {
    private static List<String> drainOrder(PriorityRunQueue<LeveledElement> q) {
        List<String> out = new ArrayList<>();
        for (LeveledElement e = q.pollRunnext(); e != null; e = q.pollRunnext()) {
            out.add(e.name);
        }
        for (LeveledElement e; (e = q.poll()) != null; ) {
            out.add(e.name);
        }
        return out;
    }

    @Test
    void highestLevelFirstFifoWithinALevel() {
        PriorityRunQueue<LeveledElement> q = new PriorityRunQueue<>();
        q.put(new LeveledElement("a3", 3), false, 0);
        q.put(new LeveledElement("b20", 20), false, 0);
        q.put(new LeveledElement("c3", 3), false, 0);
        q.put(new LeveledElement("d31", 31), false, 0);
        q.put(new LeveledElement("e0", 0), false, 0);
        q.put(new LeveledElement("f20", 20), false, 0);
        assertThat(q.bestLevel()).isEqualTo(31);
        assertThat(q.size()).isEqualTo(6);
        assertThat(drainOrder(q)).containsExactly("d31", "b20", "f20", "a3", "c3", "e0");
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.bestLevel()).isEqualTo(-1);
    }

    @Test
    void levelsGrowPastTheirFirstArray() {
        PriorityRunQueue<LeveledElement> q = new PriorityRunQueue<>();
        for (int i = 0; i < 1000; i++) {
            q.put(new LeveledElement("x" + i, i % 32), false, 0);
        }
        int last = 31;
        int n = 0;
        for (LeveledElement e; (e = q.poll()) != null; n++) {
            assertThat(e.level).isLessThanOrEqualTo(last);
            last = e.level;
        }
        assertThat(n).isEqualTo(1000);
    }

    @Test
    void runnextOnlyAtOrAboveTheBestQueuedLevel() {
        PriorityRunQueue<LeveledElement> q = new PriorityRunQueue<>();
        q.put(new LeveledElement("a10", 10), true, 0);          // empty queue: runnext
        assertThat(q.hasRunnext()).isTrue();
        q.put(new LeveledElement("b5", 5), true, 0);            // below runnext: tail of level 5
        q.put(new LeveledElement("c15", 15), true, 0);          // above: takes runnext, a10 to its level's tail
        q.put(new LeveledElement("d12", 12), false, 0);         // queued below runnext: runnext stays
        assertThat(drainOrder(q)).containsExactly("c15", "d12", "a10", "b5");
    }

    @Test
    void displacingRunnextKeepsTheCount() {
        PriorityRunQueue<LeveledElement> q = new PriorityRunQueue<>();
        q.put(new LeveledElement("a", 8), true, 0);
        q.put(new LeveledElement("b", 8), true, 0); // a is displaced to the tail of level 8
        assertThat(q.size()).isEqualTo(2);
        assertThat(drainOrder(q)).containsExactly("b", "a");
        assertThat(q.size()).isZero();
        q.put(new LeveledElement("c", 3), false, 0);
        assertThat(q.isEmpty()).isFalse();
        assertThat(q.stealInto(new PriorityRunQueue<>(), false, 0).name).isEqualTo("c");
    }

    @Test
    void aHigherPlainPutDemotesRunnextToTheHeadOfItsLevel() {
        PriorityRunQueue<LeveledElement> q = new PriorityRunQueue<>();
        q.put(new LeveledElement("a8", 8), false, 0);
        q.put(new LeveledElement("next8", 8), true, 0);
        q.put(new LeveledElement("hi9", 9), false, 0);
        assertThat(q.hasRunnext()).isFalse();
        assertThat(drainOrder(q)).containsExactly("hi9", "next8", "a8");
    }

    @Test
    void stealTakesHalfOfTheVictimsHighestLevel() {
        PriorityRunQueue<LeveledElement> victim = new PriorityRunQueue<>();
        PriorityRunQueue<LeveledElement> thief = new PriorityRunQueue<>();
        for (int i = 0; i < 5; i++) {
            victim.put(new LeveledElement("hi" + i, 20), false, 0);
            victim.put(new LeveledElement("lo" + i, 2), false, 0);
        }
        LeveledElement got = victim.stealInto(thief, false, 0);
        assertThat(got.name).isEqualTo("hi0");
        assertThat(drainOrder(thief)).containsExactly("hi1", "hi2");
        assertThat(drainOrder(victim)).containsExactly("hi3", "hi4", "lo0", "lo1", "lo2", "lo3", "lo4");
    }

    @Test
    void runnextIsStolenOnlyWhenAskedAndNothingElseIsQueued() {
        PriorityRunQueue<LeveledElement> victim = new PriorityRunQueue<>();
        PriorityRunQueue<LeveledElement> thief = new PriorityRunQueue<>();
        victim.put(new LeveledElement("n", 4), true, 0);
        assertThat(victim.stealInto(thief, false, 0)).isNull();
        assertThat(victim.stealInto(thief, true, 1_000).name).isEqualTo("n");
        assertThat(victim.isEmpty()).isTrue();
    }

    @Test
    void batchFromTheGlobalQueueTakesTheBestLevelOnly() {
        PriorityRunQueue<LeveledElement> global = new PriorityRunQueue<>();
        PriorityRunQueue<LeveledElement> local = new PriorityRunQueue<>();
        for (int i = 0; i < 8; i++) {
            global.put(new LeveledElement("g" + i, 9), false, 0);
        }
        global.put(new LeveledElement("low", 1), false, 0);
        LeveledElement first = global.pollBatch(local, 2); // 8 / 2 + 1 = 5 from level 9
        assertThat(first.name).isEqualTo("g0");
        assertThat(drainOrder(local)).containsExactly("g1", "g2", "g3", "g4");
        assertThat(drainOrder(global)).containsExactly("g5", "g6", "g7", "low");
    }

    @Test
    void drainKeepsOrderAheadOfWhatTheTargetHolds() {
        PriorityRunQueue<LeveledElement> p = new PriorityRunQueue<>();
        PriorityRunQueue<LeveledElement> global = new PriorityRunQueue<>();
        global.put(new LeveledElement("old7", 7), false, 0);
        p.put(new LeveledElement("a7", 7), false, 0);
        p.put(new LeveledElement("b7", 7), false, 0);
        p.put(new LeveledElement("next7", 7), true, 0);
        p.put(new LeveledElement("c3", 3), false, 0);
        assertThat(p.drainTo(global)).isEqualTo(4);
        assertThat(p.isEmpty()).isTrue();
        assertThat(drainOrder(global)).containsExactly("next7", "a7", "b7", "old7", "c3");
    }

    @Test
    void starvedElementsAreBoostedInQueueOrderAndMovedWhereAsked() {
        PriorityRunQueue<LeveledElement> p = new PriorityRunQueue<>();
        PriorityRunQueue<LeveledElement> global = new PriorityRunQueue<>();
        LeveledElement old1 = new LeveledElement("old1", 2);
        LeveledElement young = new LeveledElement("young", 2);
        LeveledElement old2 = new LeveledElement("old2", 5);
        LeveledElement high = new LeveledElement("high", 20);
        p.put(old1, false, 100);
        p.put(young, false, 900);
        p.put(old2, false, 200);
        p.put(high, false, 100); // above the boost level: never boosted
        assertThat(p.boostStarved(1_000, 500, 15, global)).isEqualTo(2);
        assertThat(old1.level).isEqualTo(15);
        assertThat(old2.level).isEqualTo(15);
        assertThat(young.level).isEqualTo(2);
        assertThat(drainOrder(global)).containsExactly("old2", "old1"); // level 5 scanned first: higher before lower
        assertThat(drainOrder(p)).containsExactly("high", "young");
    }

    @Test
    void boostingInPlaceKeepsTheQueuedTime() {
        PriorityRunQueue<LeveledElement> q = new PriorityRunQueue<>();
        q.put(new LeveledElement("a", 1), false, 10);
        q.put(new LeveledElement("b", 16), false, 10);
        assertThat(q.boostStarved(1_000, 50, 15, q)).isEqualTo(1);
        assertThat(q.boostStarved(1_000, 50, 15, q)).isZero(); // at 15 now: not boosted again
        assertThat(drainOrder(q)).containsExactly("b", "a");
    }

    /**
     * Guards against: a goroutine queued without a time (the scheduler's puts read no clock)
     * being taken for one queued at the dawn of time and boosted by the first scan, or never
     * being boosted at all.
     */
    @Test
    void anUnstampedElementIsStampedByTheFirstScanAndBoostedByALaterOne() {
        PriorityRunQueue<LeveledElement> q = new PriorityRunQueue<>();
        LeveledElement waiting = new LeveledElement("waiting", 3);
        LeveledElement next = new LeveledElement("next", 3);
        q.put(waiting, false, PriorityRunQueue.UNSTAMPED);
        q.put(next, true, PriorityRunQueue.UNSTAMPED);
        assertThat(q.boostStarved(1_000, 900, 15, q)).isZero(); // first sighting: stamped 1,000
        assertThat(q.boostStarved(1_500, 999, 15, q)).isZero(); // queued at 1,000, not before 999
        assertThat(q.boostStarved(2_000, 1_001, 15, q)).isEqualTo(2);
        assertThat(waiting.level).isEqualTo(15);
        assertThat(next.level).isEqualTo(15);
    }

    @Test
    void rejectsALevelOutsideTheRange() {
        PriorityRunQueue<LeveledElement> q = new PriorityRunQueue<>();
        assertThatThrownBy(() -> q.put(new LeveledElement("x", 32), false, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..31");
        assertThat(q.isEmpty()).isTrue();
    }

    /** Bound 4: a put at a full level moves its oldest half to the overflow, polled after the rest. */
    private static PriorityRunQueue<LeveledElement> overflowed() {
        PriorityRunQueue<LeveledElement> q = new PriorityRunQueue<>(4);
        for (int i = 0; i < 6; i++) {
            q.put(new LeveledElement("a" + i, 5), false, 0); // a4 spills a0, a1
        }
        return q;
    }

    @Test
    void aFullLevelOverflowsItsOldestHalfWhichRunsAfterTheRest() {
        PriorityRunQueue<LeveledElement> q = overflowed();
        q.put(new LeveledElement("hi", 6), false, 0);
        assertThat(q.size()).isEqualTo(7);
        assertThat(q.bestLevel()).isEqualTo(6);
        assertThat(drainOrder(q)).containsExactly("hi", "a2", "a3", "a4", "a5", "a0", "a1");
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.bestLevel()).isEqualTo(-1);
    }

    @Test
    void aYieldGoesBehindTheOverflowAndAReadyAheadOfIt() {
        PriorityRunQueue<LeveledElement> q = overflowed();
        q.putBehind(new LeveledElement("yielded", 5), 0); // the list is full: a2, a3 spill first
        q.poll(); // a4
        q.put(new LeveledElement("readied", 5), false, 0);
        assertThat(drainOrder(q)).containsExactly("a5", "readied", "a0", "a1", "a2", "a3", "yielded");
    }

    @Test
    void withoutAnOverflowPutBehindIsAPlainPut() {
        PriorityRunQueue<LeveledElement> q = new PriorityRunQueue<>(4);
        q.put(new LeveledElement("a", 5), false, 0);
        q.putBehind(new LeveledElement("y", 5), 0);
        q.put(new LeveledElement("b", 5), false, 0);
        assertThat(drainOrder(q)).containsExactly("a", "y", "b");
    }

    @Test
    void aYieldIntoAFullLevelGoesBehindWhatItSpills() {
        PriorityRunQueue<LeveledElement> q = new PriorityRunQueue<>(4);
        for (int i = 0; i < 4; i++) {
            q.put(new LeveledElement("a" + i, 5), false, 0);
        }
        q.putBehind(new LeveledElement("yielded", 5), 0);
        assertThat(drainOrder(q)).containsExactly("a2", "a3", "a0", "a1", "yielded");
    }

    @Test
    void anEmptyListTakesABatchFromTheOverflowAndAReadyQueuesBehindIt() {
        PriorityRunQueue<LeveledElement> q = overflowed();
        for (int i = 2; i < 6; i++) {
            assertThat(q.poll().name).isEqualTo("a" + i);
        }
        assertThat(q.poll().name).isEqualTo("a0"); // the list took a0, a1 (half the bound)
        q.put(new LeveledElement("readied", 5), false, 0);
        assertThat(drainOrder(q)).containsExactly("a1", "readied");
    }

    @Test
    void thievesTakeTheOverflowFirst() {
        PriorityRunQueue<LeveledElement> q = overflowed();
        PriorityRunQueue<LeveledElement> thief = new PriorityRunQueue<>(4);
        LeveledElement got = q.stealInto(thief, false, 0); // half of 6: a0, a1, then a2
        assertThat(got.name).isEqualTo("a0");
        assertThat(drainOrder(thief)).containsExactly("a1", "a2");
        assertThat(drainOrder(q)).containsExactly("a3", "a4", "a5");
    }

    @Test
    void everyOverflowFairnessthPollTakesTheOverflowFirst() {
        int bound = 2 * PriorityRunQueue.OVERFLOW_FAIRNESS;
        PriorityRunQueue<LeveledElement> q = new PriorityRunQueue<>(bound);
        for (int i = 0; i <= bound; i++) {
            q.put(new LeveledElement("a" + i, 0), false, 0); // the last spills a0 .. a(bound/2 - 1)
        }
        List<String> order = drainOrder(q);
        assertThat(order).hasSize(bound + 1);
        assertThat(order.get(PriorityRunQueue.OVERFLOW_FAIRNESS - 1)).isEqualTo("a0");
        assertThat(order.get(0)).isEqualTo("a" + bound / 2);
    }

    @Test
    void theStarvationGuardBoostsTheOverflowTooInQueueOrder() {
        PriorityRunQueue<LeveledElement> q = overflowed();
        PriorityRunQueue<LeveledElement> global = new PriorityRunQueue<>();
        assertThat(q.boostStarved(100, 50, 15, global)).isEqualTo(6);
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.bestLevel()).isEqualTo(-1);
        assertThat(drainOrder(global)).containsExactly("a2", "a3", "a4", "a5", "a0", "a1");
    }

    @Test
    void drainingABoundedQueueKeepsItsOrder() {
        PriorityRunQueue<LeveledElement> q = overflowed();
        PriorityRunQueue<LeveledElement> global = new PriorityRunQueue<>();
        assertThat(q.drainTo(global)).isEqualTo(6);
        assertThat(drainOrder(global)).containsExactly("a2", "a3", "a4", "a5", "a0", "a1");
    }

    @Test
    void rejectsABoundBelowTwo() {
        assertThatThrownBy(() -> new PriorityRunQueue<LeveledElement>(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bound");
    }

    /**
     * One owner puts (some into runnext) and polls, three thieves steal into their own queues
     * and drain them, a booster boosts: every element comes out exactly once.
     */
    @Test
    void conservationUnderOwnerThievesAndBooster() throws Exception {
        conservation(new PriorityRunQueue<>());
    }

    /** The same with a P's bound, small enough that levels overflow all the time. */
    @Test
    void conservationOfABoundedQueueUnderOwnerThievesAndBooster() throws Exception {
        conservation(new PriorityRunQueue<>(8));
    }

    private static void conservation(PriorityRunQueue<LeveledElement> victim) throws Exception {
        final int total = 200_000;
        ConcurrentLinkedQueue<String> out = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < 3; t++) {
            threads.add(new Thread(() -> {
                PriorityRunQueue<LeveledElement> mine = new PriorityRunQueue<>();
                await(start);
                while (!done.get() || !victim.isEmpty()) {
                    LeveledElement e = victim.stealInto(mine, true, 0);
                    if (e != null) {
                        out.add(e.name);
                        for (LeveledElement x; (x = mine.poll()) != null; ) {
                            out.add(x.name);
                        }
                    }
                }
            }));
        }
        threads.add(new Thread(() -> {
            await(start);
            while (!done.get()) {
                victim.boostStarved(Long.MAX_VALUE, Long.MAX_VALUE, 15, victim);
            }
        }));
        threads.forEach(Thread::start);
        start.countDown();
        for (int i = 0; i < total; i++) {
            victim.put(new LeveledElement(Integer.toString(i), i % 32), i % 3 == 0, i);
            if (i % 4 == 0) {
                LeveledElement e = victim.pollRunnext();
                if (e == null) {
                    e = victim.poll();
                }
                if (e != null) {
                    out.add(e.name);
                }
            }
        }
        done.set(true);
        for (Thread t : threads) {
            t.join();
        }
        for (LeveledElement e; (e = victim.pollRunnext()) != null || (e = victim.poll()) != null; ) {
            out.add(e.name);
        }
        Set<String> seen = new HashSet<>();
        for (String s : out) {
            assertThat(seen.add(s)).as("element %s came out twice", s).isTrue();
        }
        assertThat(seen).hasSize(total);
        assertThat(victim.size()).isZero();
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
