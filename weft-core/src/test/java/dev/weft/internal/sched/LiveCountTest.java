package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link LiveCount}, the live-goroutine count striped over the processors: a start and its exit may
 * be counted on different cells, and a read must still never report fewer goroutines than were
 * live at some moment of the read, above all never 0 while one is live (close would return with a
 * goroutine running). The end-to-end uses (close, deadlock detection, statistics) are covered by
 * the lifecycle and stress tests.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveCountTest {

    private int next;

    @Test
    void aStartAndItsExitOnDifferentCellsCancelOut() {
        LiveCount c = new LiveCount();
        long[] a = c.procCell(next++);
        long[] b = c.procCell(next++);
        assertThat(c.live()).isZero();
        c.started(a);
        c.started(a);
        c.started(b);
        assertThat(c.live()).isEqualTo(3);
        assertThat(c.started()).isEqualTo(3);
        c.exited(b);
        c.exited(b); // a start counted on a, its exit on b (the goroutine moved)
        assertThat(c.live()).isEqualTo(1);
        c.exited(a);
        assertThat(c.live()).isZero();
        assertThat(c.started()).as("started only grows").isEqualTo(3);
    }

    @Test
    void aCellMadeAfterOthersCountsToo() {
        LiveCount c = new LiveCount();
        long[] first = c.procCell(next++);
        c.started(first);
        long[] later = c.procCell(next++);
        c.started(later);
        assertThat(c.live()).isEqualTo(2);
        c.exited(later);
        c.exited(later);
        assertThat(c.live()).isZero();
    }

    @Test
    void aProcessorMadeAgainWithTheSameIdCountsOnTheSameCellAndIdsMayLeaveGaps() {
        LiveCount c = new LiveCount();
        long[] five = c.procCell(5); // ids 0 to 4 have none yet: readers skip the gaps
        c.started(five);
        assertThat(c.procCell(5)).as("a P made again with its id (setProcs, a retake) counts on the same cell").isSameAs(five);
        assertThat(c.procCell(2)).isNotSameAs(five).isNotSameAs(c.cellOf(Thread.currentThread(), null));
        c.started(c.cellOf(Thread.currentThread(), null));
        assertThat(c.live()).isEqualTo(2);
        c.exited(c.procCell(2));
        c.exited(c.procCell(2));
        assertThat(c.live()).isZero();
        assertThat(c.started()).isEqualTo(2);
    }

    /**
     * One goroutine stays live for the whole test (its start counted before the readers begin,
     * its exit after they end) while writers start and end others, each exit on a random cell,
     * and new cells appear: no read may be below 1. Summing the starts before the exits would
     * fail this (a read could count an exit whose start it had missed).
     */
    @Test
    void noReadIsBelowTheGoroutinesLiveThroughoutItWhileStartsAndExitsRaceOnEveryCell() throws Exception {
        LiveCount c = new LiveCount();
        List<long[]> cells = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            cells.add(c.procCell(next++));
        }
        long[] anchor = cells.get(0);
        c.started(anchor);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong lowest = new AtomicLong(Long.MAX_VALUE);
        AtomicLong reads = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        int writers = 3;
        CountDownLatch done = new CountDownLatch(writers + 2);
        List<long[]> grown = java.util.Collections.synchronizedList(new ArrayList<>(cells));
        for (int w = 0; w < writers; w++) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    while (!stop.get()) {
                        long[] in = grown.get(r.nextInt(grown.size()));
                        long[] out = grown.get(r.nextInt(grown.size()));
                        c.started(in);
                        if (r.nextBoolean()) {
                            Thread.onSpinWait();
                        }
                        c.exited(out);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            });
        }
        Thread.ofPlatform().daemon().start(() -> { // new processors come while the others count
            try {
                for (int i = 0; i < 200 && !stop.get(); i++) {
                    grown.add(c.procCell(next++));
                    Thread.yield();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                done.countDown();
            }
        });
        Thread.ofPlatform().daemon().start(() -> {
            try {
                for (int i = 0; i < 2_000_000; i++) {
                    long v = c.live();
                    lowest.accumulateAndGet(v, Math::min);
                    reads.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                stop.set(true);
                done.countDown();
            }
        });
        assertThat(done.await(50, TimeUnit.SECONDS)).as("the writers and the reader finished").isTrue();
        assertThat(failure.get()).isNull();
        assertThat(reads.get()).isEqualTo(2_000_000);
        assertThat(lowest.get()).as("the lowest read while one goroutine was live throughout").isGreaterThanOrEqualTo(1);
        c.exited(anchor);
        assertThat(c.live()).as("every start has its exit").isZero();
    }
}
