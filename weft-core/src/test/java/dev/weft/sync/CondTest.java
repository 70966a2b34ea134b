package dev.weft.sync;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CondTest {

    @Test
    void signalWakesWaitersInFifoOrderAndBroadcastWakesAll() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            Mutex m = new Mutex();
            Cond cond = new Cond(m);
            List<Integer> woke = new ArrayList<>();
            int[] permits = {0};
            List<Goroutine> gs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int id = i;
                Goroutine g = rt.go(() -> {
                    m.lock();
                    while (permits[0] == 0) {
                        cond.await();
                    }
                    permits[0]--;
                    woke.add(id);
                    m.unlock();
                });
                gs.add(g);
                awaitTrue(() -> g.status().equals("sync.Cond.Wait")); // queued in this order
            }
            for (int i = 0; i < 2; i++) {
                m.lock();
                permits[0]++;
                cond.signal();
                m.unlock();
                int expect = i + 1;
                awaitTrue(() -> {
                    m.lock();
                    try {
                        return woke.size() == expect;
                    } finally {
                        m.unlock();
                    }
                });
            }
            m.lock();
            permits[0] += 2;
            cond.broadcast();
            m.unlock();
            gs.forEach(Goroutine::join);
            assertThat(woke.subList(0, 2)).containsExactly(0, 1);
            assertThat(woke).containsExactlyInAnyOrder(0, 1, 2, 3);
        }
    }

    @Test
    void awaitWithoutHoldingTheLockIsRejectedAndLosesNoSignal() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            Mutex m = new Mutex();
            Cond cond = new Cond(m);
            assertThatThrownBy(cond::await).isInstanceOf(IllegalStateException.class).hasMessage("unlock of unlocked mutex");
            boolean[] ready = {false};
            Goroutine waiter = rt.go(() -> {
                m.lock();
                while (!ready[0]) {
                    cond.await();
                }
                m.unlock();
            });
            awaitTrue(() -> waiter.status().equals("sync.Cond.Wait"));
            m.lock();
            ready[0] = true;
            cond.signal(); // must reach the real waiter, not the withdrawn misuse
            m.unlock();
            waiter.join();
            assertThat(m.tryLock()).isTrue();
        }
    }

    /**
     * A locker whose unlock throws an Error (an assertion of its own, or a StackOverflowError at
     * the end of the stack) leaves await as a RuntimeException does: the await's node is taken
     * back, so a later signal reaches a real waiter, not a thread that never waited. Everything
     * runs in goroutines of one runtime, so a lost signal shows as the runtime's deadlock.
     */
    @Test
    void anErrorFromTheLockersUnlockLosesNoSignal() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            rt.run(() -> {
                Mutex m = new Mutex();
                boolean[] refuse = {true};
                Cond cond = new Cond(new Locker() {
                    @Override
                    public void lock() {
                        m.lock();
                    }

                    @Override
                    public void unlock() {
                        if (refuse[0]) {
                            refuse[0] = false;
                            throw new AssertionError("unlock refused");
                        }
                        m.unlock();
                    }
                });
                m.lock();
                assertThatThrownBy(cond::await).isInstanceOf(AssertionError.class).hasMessage("unlock refused");
                m.unlock();
                boolean[] ready = {false};
                Chan<Integer> started = Chan.make(1);
                Goroutine waiter = Go.go(() -> {
                    m.lock();
                    started.send(1);
                    while (!ready[0]) {
                        cond.await();
                    }
                    m.unlock();
                });
                started.recv();
                m.lock(); // the waiter's await has queued it and released m
                ready[0] = true;
                cond.signal(); // must reach the waiter
                m.unlock();
                waiter.join(); // a lost signal: every goroutine asleep, and run throws
            });
        }
    }

    @Test
    void signalWithoutWaitersIsNotRemembered() {
        Mutex m = new Mutex();
        Cond cond = new Cond(m);
        cond.signal();
        cond.broadcast();
        assertThat(cond.locker()).isSameAs(m);
        assertThat(m.tryLock()).isTrue();
        m.unlock();
    }

    /** A bounded queue built on two Conds, with goroutine and platform-thread consumers. */
    @ParameterizedTest(name = "procs={0}")
    @ValueSource(ints = {1, 2})
    void boundedQueueOnTwoConds(int procs) throws Exception {
        Mutex m = new Mutex();
        Cond notEmpty = new Cond(m);
        Cond notFull = new Cond(m);
        ArrayDeque<Integer> q = new ArrayDeque<>();
        int producers = 4;
        int consumers = 3;
        int perProducer = 2_000;
        LongAdder sum = new LongAdder();
        try (Weft rt = Weft.builder().procs(procs).build()) {
            CountDownLatch consumed = new CountDownLatch(consumers);
            for (int p = 0; p < producers; p++) {
                rt.go(() -> {
                    for (int i = 1; i <= perProducer; i++) {
                        m.lock();
                        while (q.size() == 4) {
                            notFull.await();
                        }
                        q.add(i);
                        notEmpty.signal();
                        m.unlock();
                    }
                });
            }
            int total = producers * perProducer;
            int[] taken = {0};
            for (int c = 0; c < consumers; c++) {
                Runnable consumer = () -> {
                    for (;;) {
                        m.lock();
                        while (q.isEmpty() && taken[0] < total) {
                            notEmpty.await();
                        }
                        if (taken[0] == total) {
                            notEmpty.broadcast(); // let the other consumers see the end
                            m.unlock();
                            break;
                        }
                        sum.add(q.poll());
                        taken[0]++;
                        notFull.signal();
                        m.unlock();
                    }
                    consumed.countDown();
                };
                if (c == 0) {
                    Thread.ofPlatform().start(consumer);
                } else {
                    rt.go(consumer);
                }
            }
            consumed.await();
        }
        assertThat(sum.sum()).isEqualTo((long) producers * perProducer * (perProducer + 1) / 2);
    }
}
