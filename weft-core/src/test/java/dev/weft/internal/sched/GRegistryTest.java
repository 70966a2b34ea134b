package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry written by creators only: ended goroutines are invisible to readers at once and
 * dropped by compaction (a full shard) or by a sweep, live ones are never dropped, and an ended
 * goroutine no longer holds what its body captured.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GRegistryTest {

    @Test
    void endedGoroutinesAreSkippedAtOnceAndDroppedBySweepWhileLiveOnesStay() throws Exception {
        try (SchedTestSupport.Recorded r = new SchedTestSupport.Recorded(2)) {
            CountDownLatch release = new CountDownLatch(1);
            List<G> parked = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                parked.add(r.go(() -> await(release)));
            }
            List<G> ended = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) { // from this platform thread: the shared shard, compacted when full
                ended.add(r.go(() -> { }));
            }
            ended.forEach(r::join);
            GRegistry all = r.sched.goroutines.all;
            assertThat(all.snapshot()).containsAll(parked).doesNotContainAnyElementsOf(ended);
            assertThat(all.threads()).doesNotContainAnyElementsOf(ended.stream().map(G::thread).toList());

            all.sweep();
            assertThat(all.entries()).isEqualTo(parked.size());
            assertThat(all.snapshot()).containsExactlyInAnyOrderElementsOf(parked);
            assertThat(all.needsSweep(parked.size())).isFalse();

            release.countDown();
            parked.forEach(r::join);
            all.sweep();
            assertThat(all.entries()).isZero();
            assertThat(r.uncaught).isEmpty();
        }
    }

    @Test
    void compactionOnAFullShardKeepsEveryLiveGoroutine() throws Exception {
        try (SchedTestSupport.Recorded r = new SchedTestSupport.Recorded(1)) {
            CountDownLatch release = new CountDownLatch(1);
            List<G> live = new ArrayList<>();
            for (int i = 0; i < 3_000; i++) { // well past the first capacity: compactions, then growth
                live.add(r.go(() -> await(release)));
                r.join(r.go(() -> { })); // an ended one between every two live ones
            }
            assertThat(r.sched.goroutines.all.snapshot()).containsExactlyInAnyOrderElementsOf(live);
            assertThat(r.sched.goroutines.all.entries()).isLessThanOrEqualTo(2L * live.size());
            release.countDown();
            live.forEach(r::join);
        }
    }

    @Test
    void aSweepKeepsTheArraySoTheNextBurstDoesNotRegrowItButCompactsAsOftenAsBefore() throws Exception {
        try (SchedTestSupport.Recorded r = new SchedTestSupport.Recorded(1)) {
            GRegistry all = r.sched.goroutines.all;
            GRegistry.Shard shared = all.shared(); // this platform thread's goroutines go there
            G[] grown = burstOfParked(r, 2_000);
            assertThat(grown.length).isGreaterThanOrEqualTo(2_000);
            all.sweep();
            assertThat(all.entries()).isZero();
            assertThat(shared.gs).as("the array after a sweep").isSameAs(grown);
            assertThat(shared.limit).as("compaction limit of an emptied shard").isEqualTo(256);

            // Ended goroutines one after another: the creator compacts at the lowered limit, so
            // the ended ones do not pile up to the array's size.
            for (int i = 0; i < 1_000; i++) {
                r.join(r.go(() -> { }));
            }
            assertThat(all.entries()).isLessThanOrEqualTo(256);

            assertThat(burstOfParked(r, 2_000)).as("the array after a second burst of the same size").isSameAs(grown);
            assertThat(r.uncaught).isEmpty();
        }
    }

    /** Starts {@code n} goroutines that wait, then lets them end; returns the shared shard's array at the peak. */
    private static G[] burstOfParked(SchedTestSupport.Recorded r, int n) {
        CountDownLatch release = new CountDownLatch(1);
        List<G> parked = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            parked.add(r.go(() -> await(release)));
        }
        G[] peak = r.sched.goroutines.all.shared().gs;
        release.countDown();
        parked.forEach(r::join);
        return peak;
    }

    @Test
    void anEndedGoroutineNoLongerHoldsItsBodysCapturedState() throws Exception {
        try (SchedTestSupport.Recorded r = new SchedTestSupport.Recorded(1)) {
            java.lang.ref.WeakReference<?>[] ref = new java.lang.ref.WeakReference<?>[1];
            G g = startCapturing(r, ref);
            r.join(g);
            // The registry still holds the ended G (no sweep has run); its body's state is gone.
            for (int i = 0; i < 20 && ref[0].get() != null; i++) {
                System.gc();
            }
            assertThat(ref[0].get()).as("the object only the ended goroutine's body captured").isNull();
            assertThat(r.sched.goroutines.all.entries()).isPositive();
        }
    }

    /** A goroutine whose body captures an object nothing else refers to. */
    private static G startCapturing(SchedTestSupport.Recorded r, java.lang.ref.WeakReference<?>[] ref) {
        int[] captured = new int[1_000];
        ref[0] = new java.lang.ref.WeakReference<>(captured);
        return r.go(() -> captured[0]++);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
