package dev.weft.pool;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Conditions;
import dev.weft.Go;
import dev.weft.Weft;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.Future;
import dev.weft.chan.Chan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Shutdown races under load: many submitters (platform threads and goroutines) against
 * shutdownNow or shutdown, while the pool grows and shrinks. Invariant: every accepted task either
 * ran or was returned by shutdownNow, never both, never twice, and no rejected task ran.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoolStressTest {
    private static final long LONG_DELAY_MS = 20_000;

    /** A task that counts its runs. */
    private static final class Counted implements Runnable {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        public void run() {
            runs.incrementAndGet();
            if ((System.identityHashCode(this) & 7) == 0) {
                Go.yield(); // some tasks give up their carrier mid-way
            }
        }
    }

    @Test
    void manySubmittersAgainstShutdownNowLoseNothingAndRunNothingTwice() throws Exception {
        for (int round = 0; round < 5; round++) {
            race(true, round);
        }
    }

    @Test
    void manySubmittersAgainstShutdownRunEveryAcceptedTaskOnce() throws Exception {
        for (int round = 0; round < 3; round++) {
            race(false, round);
        }
    }

    /**
     * Timer and wait callbacks against shutdownNow: a delayed task ran or its future was returned,
     * exactly once; a value sent to a registration's channel was delivered once, or its callback
     * was returned, or it is still in the channel: none lost, none twice.
     */
    @Test
    void timerAndWaitCallbacksAgainstShutdownNow() throws Exception {
        for (int round = 0; round < 3; round++) {
            int tasks = Conditions.scaledForTheModel(5_000);
            int channels = 4;
            int values = Conditions.scaledForTheModel(5_000);
            try (Weft rt = Weft.builder().name("stress-cb").procs(2).build()) {
                ThreadPool p = ThreadPool.builder("cb-" + round).minWorkers(1).maxWorkers(4).build(rt);
                Map<Future<?>, AtomicInteger> scheduled = new IdentityHashMap<>();
                List<Chan<Integer>> chans = new ArrayList<>();
                List<AtomicIntegerArray> delivered = new ArrayList<>();
                AtomicInteger[] sent = new AtomicInteger[channels];
                java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
                CountDownLatch feeding = new CountDownLatch(channels);
                List<Thread> feeders = new ArrayList<>();
                for (int c = 0; c < channels; c++) {
                    Chan<Integer> ch = Chan.make(64);
                    AtomicIntegerArray seen = new AtomicIntegerArray(values);
                    chans.add(ch);
                    delivered.add(seen);
                    AtomicInteger sentHere = sent[c] = new AtomicInteger();
                    p.onReceive(ch, v -> seen.incrementAndGet(v));
                    feeders.add(Thread.ofPlatform().start(() -> {
                        for (int v = 0; v < values; v++) {
                            if (v == values / 4) {
                                feeding.countDown();
                            }
                            while (!ch.trySend(v)) { // full: wait for the callbacks, until the pool stops
                                if (stopped.get()) {
                                    feeding.countDown();
                                    return;
                                }
                                Thread.yield();
                            }
                            sentHere.incrementAndGet();
                        }
                        feeding.countDown();
                    }));
                }
                for (int i = 0; i < tasks; i++) {
                    AtomicInteger runs = new AtomicInteger();
                    scheduled.put(p.schedule(runs::incrementAndGet, i % 3, MILLISECONDS), runs);
                }
                assertThat(feeding.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
                List<Runnable> returned = p.shutdownNow();
                stopped.set(true);
                assertThat(p.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).as(() -> "terminated: " + p + "\n" + rt.dump()).isTrue();
                for (Thread t : feeders) {
                    t.join();
                }
                Map<Object, Boolean> back = new IdentityHashMap<>();
                for (Runnable r : returned) {
                    assertThat(back.put(r, Boolean.TRUE)).as("returned twice").isNull();
                }
                for (Map.Entry<Future<?>, AtomicInteger> e : scheduled.entrySet()) {
                    boolean wasReturned = back.remove(e.getKey()) != null;
                    assertThat(e.getValue().get() + (wasReturned ? 1 : 0)).as("a delayed task ran or was returned, once").isEqualTo(1);
                }
                // What is left in the returned list are queued callbacks; run them now (as a caller of
                // shutdownNow may), so their values count as delivered.
                for (Object r : back.keySet()) {
                    ((Runnable) r).run();
                }
                for (int c = 0; c < channels; c++) {
                    AtomicIntegerArray seen = delivered.get(c);
                    Chan<Integer> ch = chans.get(c);
                    Integer left;
                    while ((left = ch.tryRecv()) != null) {
                        seen.incrementAndGet(left);
                    }
                    int lost = 0;
                    for (int v = 0; v < values; v++) {
                        int n = seen.get(v);
                        assertThat(n).as("value " + v + " delivered at most once").isLessThanOrEqualTo(1);
                        if (v < sent[c].get()) {
                            lost += n == 0 ? 1 : 0;
                        } else {
                            assertThat(n).as("value " + v + " was never sent").isZero();
                        }
                    }
                    assertThat(lost).as("values lost on channel " + c).isZero();
                }
            }
        }
    }

    private void race(boolean now, int round) throws Exception {
        int perSubmitter = Conditions.scaledForTheModel(20_000);
        int platformSubmitters = 3;
        int goroutineSubmitters = 3;
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        try (Weft rt = Weft.builder().name("stress").procs(2).build()) {
            ThreadPool p = ThreadPool.builder("stress-" + round).minWorkers(1).maxWorkers(8)
                    .keepAlive(Duration.ofMillis(1)).queueCapacity(5_000)
                    .uncaughtExceptionHandler((t, x) -> failures.add(x)).build(rt);
            int submitters = platformSubmitters + goroutineSubmitters;
            List<Queue<Counted>> accepted = new ArrayList<>();
            List<Queue<Counted>> rejected = new ArrayList<>();
            CountDownLatch halfway = new CountDownLatch(submitters);
            CountDownLatch finished = new CountDownLatch(submitters);
            for (int s = 0; s < submitters; s++) {
                Queue<Counted> acc = new ConcurrentLinkedQueue<>();
                Queue<Counted> rej = new ConcurrentLinkedQueue<>();
                accepted.add(acc);
                rejected.add(rej);
                Runnable submitter = () -> {
                    try {
                        for (int i = 0; i < perSubmitter; i++) {
                            if (i == perSubmitter / 4) {
                                halfway.countDown();
                            }
                            Counted c = new Counted();
                            try {
                                p.execute(c);
                                acc.add(c);
                            } catch (RejectedExecutionException fullOrShutDown) {
                                rej.add(c);
                                if (p.isShutdown()) {
                                    break;
                                }
                                Thread.yield();
                            }
                        }
                    } finally {
                        finished.countDown();
                    }
                };
                if (s < platformSubmitters) {
                    Thread.ofPlatform().start(submitter);
                } else {
                    rt.go(submitter);
                }
            }
            assertThat(halfway.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
            List<Runnable> returned = now ? p.shutdownNow() : List.of();
            if (!now) {
                p.shutdown();
            }
            assertThat(p.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).as(() -> "terminated: " + p + "\n" + rt.dump()).isTrue();
            assertThat(finished.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();

            Map<Runnable, Boolean> returnedSet = new IdentityHashMap<>();
            for (Runnable r : returned) {
                assertThat(returnedSet.put(r, Boolean.TRUE)).as("returned twice").isNull();
            }
            long ran = 0;
            long total = 0;
            for (Queue<Counted> acc : accepted) {
                for (Counted c : acc) {
                    total++;
                    int runs = c.runs.get();
                    boolean back = returnedSet.remove(c) != null;
                    assertThat(runs + (back ? 1 : 0)).as("an accepted task ran or was returned, exactly once").isEqualTo(1);
                    ran += runs;
                }
            }
            assertThat(returnedSet).as("only accepted tasks are returned").isEmpty();
            for (Queue<Counted> rej : rejected) {
                for (Counted c : rej) {
                    assertThat(c.runs.get()).as("a rejected task never runs").isZero();
                }
            }
            PoolStats s = p.stats();
            assertThat(s.completed()).isEqualTo(ran);
            assertThat(s.workers()).isZero();
            assertThat(s.queued()).isZero();
            assertThat(s.rejected()).isEqualTo(rejected.stream().mapToLong(Queue::size).sum());
            assertThat(total).isPositive();
            if (!now) {
                assertThat(ran).isEqualTo(total);
            }
            assertThat(failures).isEmpty();
        }
    }
}
