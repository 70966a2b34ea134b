package dev.weft.chan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bounded stress (seconds): goroutines and platform threads mixed, at 1 and 2 procs. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChanStressTest {

    /** Starts {@code body} on a goroutine of {@code rt}, or on a platform thread, counting down {@code done}. */
    private static void start(Weft rt, boolean platform, CountDownLatch done, Runnable body) {
        Runnable r = () -> {
            try {
                body.run();
            } finally {
                done.countDown();
            }
        };
        if (platform) {
            Thread.ofPlatform().start(r);
        } else {
            rt.go(r);
        }
    }

    @ParameterizedTest(name = "procs={0} cap={1}")
    @CsvSource({"1,0", "1,16", "2,0", "2,16"})
    void manyProducersAndConsumersDeliverEveryValueOnce(int procs, int cap) throws Exception {
        int producers = 10; // the last two are platform threads
        int consumers = 9; // the last one is a platform thread
        int perProducer = 3000;
        try (Weft rt = Weft.builder().procs(procs).build()) {
            Chan<Long> c = Chan.make(cap);
            CountDownLatch produced = new CountDownLatch(producers);
            CountDownLatch consumed = new CountDownLatch(consumers);
            LongAdder sum = new LongAdder();
            LongAdder count = new LongAdder();
            for (int p = 0; p < producers; p++) {
                long base = (long) p * perProducer;
                start(rt, p >= producers - 2, produced, () -> {
                    for (long i = 1; i <= perProducer; i++) {
                        c.send(base + i);
                    }
                });
            }
            for (int k = 0; k < consumers; k++) {
                start(rt, k == consumers - 1, consumed, () -> {
                    for (long v : c) {
                        sum.add(v);
                        count.increment();
                    }
                });
            }
            produced.await();
            c.close();
            consumed.await();
            long n = (long) producers * perProducer;
            assertThat(count.sum()).isEqualTo(n);
            assertThat(sum.sum()).isEqualTo(n * (n + 1) / 2);
            assertThat(c.sendWaiters() + c.recvWaiters()).isZero();
        }
    }

    /**
     * Selects over four channels of mixed capacity with send and receive cases while two channels
     * are closed at random moments: everything finishes, and every value that was sent is received once.
     */
    @ParameterizedTest(name = "procs={0}")
    @ValueSource(ints = {1, 2})
    void selectStormWithRandomCloses(int procs) throws Exception {
        int senders = 6; // the last one is a platform thread
        int receivers = 6; // the last one is a platform thread
        int rounds = 1500;
        try (Weft rt = Weft.builder().procs(procs).build()) {
            List<Chan<Long>> chans = List.of(Chan.make(), Chan.make(1), Chan.make(3), Chan.make());
            AtomicLong nextValue = new AtomicLong();
            // Two channels close at random moments of the storm, the other two only at the end.
            AtomicLong ops = new AtomicLong();
            ThreadLocalRandom setup = ThreadLocalRandom.current();
            long closeFirstAt = setup.nextLong(senders * rounds / 5, senders * rounds / 2);
            long closeSecondAt = setup.nextLong(senders * rounds / 2, senders * rounds);
            LongAdder sentSum = new LongAdder();
            LongAdder sentCount = new LongAdder();
            LongAdder recvSum = new LongAdder();
            LongAdder recvCount = new LongAdder();
            LongAdder closedSends = new LongAdder();
            CountDownLatch sent = new CountDownLatch(senders);
            CountDownLatch received = new CountDownLatch(receivers);
            for (int s = 0; s < senders; s++) {
                start(rt, s == senders - 1, sent, () -> {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int i = 0; i < rounds; i++) {
                        long op = ops.incrementAndGet();
                        if (op == closeFirstAt) {
                            chans.get(1).close();
                        } else if (op == closeSecondAt) {
                            chans.get(3).close();
                        }
                        long v1 = nextValue.incrementAndGet();
                        long v2 = nextValue.incrementAndGet();
                        try {
                            new Select()
                                    .send(chans.get(rnd.nextInt(chans.size())), v1, () -> {
                                        sentSum.add(v1);
                                        sentCount.increment();
                                    })
                                    .send(chans.get(rnd.nextInt(chans.size())), v2, () -> {
                                        sentSum.add(v2);
                                        sentCount.increment();
                                    })
                                    .run();
                        } catch (ClosedChannelException e) {
                            closedSends.increment();
                        }
                    }
                });
            }
            for (int r = 0; r < receivers; r++) {
                start(rt, r == receivers - 1, received, () -> {
                    List<Chan<Long>> open = new ArrayList<>(chans);
                    while (!open.isEmpty()) {
                        Select sel = new Select();
                        for (Chan<Long> c : open) {
                            sel.recvOk(c, res -> {
                                if (res.ok()) {
                                    recvSum.add(res.value());
                                    recvCount.increment();
                                } else {
                                    open.remove(c);
                                }
                            });
                        }
                        sel.run();
                    }
                });
            }
            sent.await();
            chans.forEach(ChanStressTest::closeQuietly);
            received.await();
            assertThat(recvCount.sum()).isEqualTo(sentCount.sum());
            assertThat(recvSum.sum()).isEqualTo(sentSum.sum());
            assertThat(sentCount.sum() + closedSends.sum()).isEqualTo((long) senders * rounds);
            assertThat(closedSends.sum()).isPositive();
            assertThat(sentCount.sum()).isGreaterThan(senders * rounds / 5);
            for (Chan<Long> c : chans) {
                assertThat(c.sendWaiters() + c.recvWaiters()).isZero();
                assertThat(c.len()).isZero();
            }
        }
    }

    /**
     * Go's TestSelectStress: per channel, plain senders and receivers plus one select that sends
     * on all channels and one that receives from all, each disabling a channel's case (null) after
     * its quota. Everything interacts chaotically and must finish: no lost wake-up.
     */
    @ParameterizedTest(name = "procs={0}")
    @ValueSource(ints = {1, 2})
    void goSelectStress(int procs) throws Exception {
        int n = 2_000;
        List<Chan<Integer>> c = List.of(Chan.make(), Chan.make(), Chan.make(2), Chan.make(3));
        LongAdder received = new LongAdder();
        try (Weft rt = Weft.builder().procs(procs).build()) {
            CountDownLatch done = new CountDownLatch(4 * 2 + 2);
            for (int k = 0; k < 4; k++) {
                Chan<Integer> ch = c.get(k);
                start(rt, false, done, () -> {
                    for (int i = 0; i < n; i++) {
                        ch.send(i);
                    }
                });
                start(rt, k == 0, done, () -> {
                    for (int i = 0; i < n; i++) {
                        ch.recv();
                        received.increment();
                    }
                });
            }
            start(rt, false, done, () -> {
                int[] left = {n, n, n, n};
                for (int sent = 0; sent < 4 * n; sent++) {
                    // A Select's cases are fixed; rebuild it with finished channels as null cases.
                    Select s = new Select();
                    for (int k = 0; k < 4; k++) {
                        int kk = k;
                        s.send(left[k] > 0 ? c.get(k) : null, k, () -> left[kk]--);
                    }
                    s.run();
                }
            });
            start(rt, true, done, () -> {
                int[] left = {n, n, n, n};
                for (int got = 0; got < 4 * n; got++) {
                    Select s = new Select();
                    for (int k = 0; k < 4; k++) {
                        int kk = k;
                        s.recv(left[k] > 0 ? c.get(k) : null, v -> left[kk]--);
                    }
                    s.run();
                    received.increment();
                }
            });
            done.await();
        }
        assertThat(received.sum()).isEqualTo(8L * n);
        for (Chan<Integer> ch : c) {
            assertThat(ch.len()).isZero();
            assertThat(ch.sendWaiters() + ch.recvWaiters()).isZero();
        }
    }

    private static void closeQuietly(Chan<?> c) {
        try {
            c.close();
        } catch (ClosedChannelException alreadyClosed) {
            // another thread closed it first: the storm does that on purpose
        }
    }
}
