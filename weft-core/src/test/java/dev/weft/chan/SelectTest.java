package dev.weft.chan;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SelectTest {
    private Weft rt;

    @BeforeEach
    void start() {
        rt = Weft.builder().procs(2).build();
    }

    @AfterEach
    void stop() {
        rt.close();
    }

    @Test
    void readyCasesFireAndCaseIndexIsReported() {
        Chan<String> a = Chan.make(1);
        Chan<String> b = Chan.make(1);
        b.send("hi");
        AtomicReference<String> got = new AtomicReference<>();
        int idx = new Select().recv(a, got::set).recv(b, got::set).run();
        assertThat(idx).isEqualTo(1);
        assertThat(got.get()).isEqualTo("hi");

        boolean[] sent = {false};
        assertThat(new Select().send(a, "x", () -> sent[0] = true).recv(b, got::set).run()).isZero();
        assertThat(sent[0]).isTrue();
        assertThat(a.recv()).isEqualTo("x");
    }

    @Test
    void closedChannelCases() {
        Chan<Integer> c = Chan.make();
        c.close();
        AtomicReference<Object> got = new AtomicReference<>("unset");
        new Select().recv(c, got::set).run();
        assertThat(got.get()).isNull();
        new Select().recvOk(c, got::set).run();
        assertThat(got.get()).isEqualTo(new RecvResult<Integer>(null, false));
        assertThatThrownBy(() -> new Select().send(c, 1, () -> {}).run())
                .isInstanceOf(ClosedChannelException.class)
                .hasMessage("send on closed channel");
        assertThatThrownBy(() -> new Select().send(c, null, () -> {})).isInstanceOf(NullPointerException.class);
    }

    @Test
    void parkedSendCaseFailsWhenChannelIsClosed() {
        Chan<Integer> c = Chan.make();
        Chan<Integer> never = Chan.make();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Goroutine g = rt.go(() -> {
            try {
                new Select().send(c, 1, () -> {}).recv(never, v -> {}).run();
            } catch (ClosedChannelException e) {
                failure.set(e);
            }
        });
        awaitTrue(() -> c.sendWaiters() == 1);
        c.close();
        g.join();
        assertThat(failure.get()).hasMessage("send on closed channel");
        assertThat(never.recvWaiters()).isZero();
    }

    /** Go's TestSelfSelect: a select never pairs its send case with its own receive case. */
    @ParameterizedTest
    @ValueSource(ints = {0, 10})
    void selfSelect(int cap) {
        Chan<Integer> c = Chan.make(cap);
        AtomicBoolean ownValue = new AtomicBoolean();
        List<Goroutine> gs = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            int me = p;
            gs.add(rt.go(() -> {
                Select sel = new Select()
                        .send(c, me, () -> {})
                        .recv(c, v -> {
                            if (cap == 0 && v == me) {
                                ownValue.set(true);
                            }
                        });
                for (int i = 0; i < 1000; i++) {
                    sel.run();
                }
            }));
        }
        gs.forEach(Goroutine::join);
        assertThat(ownValue).isFalse();
        assertThat(c.sendWaiters() + c.recvWaiters()).isZero();
    }

    /** Go's TestSelectFairness: two always-ready cases are chosen about equally (10 sigma). */
    @Test
    void selectFairness() {
        int trials = 10_000;
        Chan<Integer> c1 = Chan.make(trials + 1);
        Chan<Integer> c2 = Chan.make(trials + 1);
        for (int i = 0; i < trials; i++) {
            c1.send(1);
            c2.send(2);
        }
        Chan<Integer> c3 = Chan.make();
        int[] counts = new int[3];
        Select sel = new Select()
                .recv(c3, v -> counts[0]++)
                .recv(c1, v -> counts[1]++)
                .recv(null, v -> counts[0]++)
                .recv(c2, v -> counts[2]++);
        for (int i = 0; i < trials; i++) {
            sel.run();
        }
        assertThat(counts[0]).isZero();
        double sigma = Math.sqrt(trials * 0.25);
        assertThat((double) counts[1]).isBetween(trials / 2 - 10 * sigma, trials / 2 + 10 * sigma);
        assertThat(counts[1] + counts[2]).isEqualTo(trials);
    }

    /** Go's TestPseudoRandomSend: two send cases on one channel each win over 10% of the time. */
    @Test
    void pseudoRandomSend() {
        int n = 1000;
        Chan<Integer> c = Chan.make();
        int[] data = new int[n];
        Goroutine r = rt.go(() -> {
            for (int i = 0; i < n; i++) {
                data[i] = c.recv();
            }
        });
        Select sel = new Select().send(c, 1, () -> {}).send(c, 0, () -> {});
        for (int i = 0; i < n; i++) {
            sel.run();
        }
        r.join();
        int ones = 0;
        for (int v : data) {
            ones += v;
        }
        assertThat(ones).isGreaterThan(n / 10).isLessThan(n - n / 10);
    }

    /** Go's TestMultiConsumer: workers range over a channel; count and sum survive the trip. */
    @Test
    void multiConsumer() {
        int nwork = 23;
        int niter = 10_000;
        Chan<Integer> q = Chan.make(nwork * 3);
        Chan<Integer> r = Chan.make(nwork * 3);
        AtomicInteger left = new AtomicInteger(nwork);
        for (int i = 0; i < nwork; i++) {
            int w = i;
            rt.go(() -> {
                for (int v : q) {
                    if (w % 5 == 0) {
                        Thread.yield();
                    }
                    r.send(v);
                }
                if (left.decrementAndGet() == 0) {
                    r.close();
                }
            });
        }
        long expectSum = 0;
        Goroutine producer = rt.go(() -> {
            for (int i = 0; i < niter; i++) {
                q.send(i);
            }
            q.close();
        });
        for (int i = 0; i < niter; i++) {
            expectSum += i;
        }
        long sum = 0;
        int count = 0;
        for (int v : r) {
            sum += v;
            count++;
        }
        producer.join();
        assertThat(count).isEqualTo(niter);
        assertThat(sum).isEqualTo(expectSum);
    }

    /** Go's TestSelectDuplicateChannel: a channel in several cases; its queue stays consistent. */
    @Test
    void duplicateChannelInOneSelect() {
        Chan<Integer> c = Chan.make();
        Chan<Integer> d = Chan.make();
        Chan<Integer> e = Chan.make();
        AtomicInteger aGot = new AtomicInteger();
        Goroutine a = rt.go(() -> {
            new Select().recv(c, aGot::set).recv(c, aGot::set).recv(d, aGot::set).run();
            e.send(9);
        });
        awaitTrue(() -> c.recvWaiters() == 2 && d.recvWaiters() == 1);
        AtomicInteger bGot = new AtomicInteger();
        Goroutine b = rt.go(() -> bGot.set(c.recv()));
        awaitTrue(() -> c.recvWaiters() == 3);
        d.send(7); // wakes A, which must unlink both of its waiters from c
        assertThat(e.recv()).isEqualTo(9);
        a.join();
        assertThat(aGot.get()).isEqualTo(7);
        assertThat(c.recvWaiters()).isEqualTo(1);
        c.send(8); // must reach B, not a stale waiter of A
        b.join();
        assertThat(bGot.get()).isEqualTo(8);
    }

    @Test
    void losingSelectLeavesNoWaiterAndNoGoroutineBehind() {
        Chan<Integer> a = Chan.make();
        Chan<Integer> b = Chan.make(1);
        Chan<Integer> c = Chan.make();
        AtomicInteger fired = new AtomicInteger(-1);
        Goroutine g = rt.go(() -> fired.set(new Select()
                .recv(a, v -> {})
                .recv(b, v -> {})
                .send(c, 5, () -> {})
                .run()));
        awaitTrue(() -> a.recvWaiters() == 1 && b.recvWaiters() == 1 && c.sendWaiters() == 1);
        b.send(1);
        g.join();
        assertThat(fired.get()).isEqualTo(1);
        assertThat(a.recvWaiters()).isZero();
        assertThat(b.recvWaiters()).isZero();
        assertThat(c.sendWaiters()).isZero();
        assertThat(a.trySend(1)).isFalse(); // nobody is left to receive it
        assertThat(c.tryRecv()).isNull(); // and nobody to send
        awaitTrue(() -> rt.goroutineCount() == 0);
        assertThat(rt.goroutineCount()).isZero();
    }

    @Test
    void parkedSelectFiresExactlyOnceWhenSeveralCasesBecomeReady() {
        for (int round = 0; round < 200; round++) {
            Chan<Integer> a = Chan.make();
            Chan<Integer> b = Chan.make();
            AtomicInteger fires = new AtomicInteger();
            AtomicInteger value = new AtomicInteger();
            Goroutine g = rt.go(() -> new Select()
                    .recv(a, v -> {
                        fires.incrementAndGet();
                        value.set(v);
                    })
                    .recv(b, v -> {
                        fires.incrementAndGet();
                        value.set(v);
                    })
                    .run());
            awaitTrue(() -> a.recvWaiters() == 1 && b.recvWaiters() == 1);
            Goroutine sa = rt.go(() -> a.send(1));
            Goroutine sb = rt.go(() -> b.send(2));
            g.join();
            // The losing sender is still parked: receive from it to let it finish.
            int other = value.get() == 1 ? b.recv() : a.recv();
            sa.join();
            sb.join();
            assertThat(fires.get()).isEqualTo(1);
            assertThat(value.get() + other).isEqualTo(3);
        }
    }

    /** Go's TestNonblockSelectRace(2): if one case is always ready, default is never taken. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void nonblockingSelectSeesOneConsistentSnapshot(boolean byClose) {
        AtomicBoolean tookDefault = new AtomicBoolean();
        for (int i = 0; i < 500; i++) {
            Chan<Integer> c1 = Chan.make(1);
            Chan<Integer> c2 = Chan.make(1);
            c1.send(1);
            Goroutine g = rt.go(() -> new Select()
                    .recv(c1, v -> {})
                    .recv(c2, v -> {})
                    .orElse(() -> tookDefault.set(true))
                    .run());
            if (byClose) {
                c2.close();
            } else {
                c2.send(1);
            }
            new Select().recv(c1, v -> {}).recv(c2, v -> {}).run();
            g.join();
        }
        assertThat(tookDefault).isFalse();
    }

    /** Go's TestYieldProgress: a goroutine polling with select-default and yield gets a send. */
    @Test
    void pollingSelectWithYieldMakesProgress() {
        try (Weft one = Weft.builder().procs(1).build()) {
            Chan<Integer> c = Chan.make();
            AtomicInteger got = new AtomicInteger();
            AtomicInteger polls = new AtomicInteger();
            Goroutine g = one.go(() -> {
                boolean[] done = {false};
                Select sel = new Select().recv(c, v -> {
                    got.set(v);
                    done[0] = true;
                }).orElse(() -> {
                    polls.incrementAndGet();
                    Go.yield();
                });
                while (!done[0]) {
                    sel.run();
                }
            });
            awaitTrue(() -> polls.get() > 10);
            c.send(7); // parks this platform thread until the poller's next select takes it
            g.join();
            assertThat(got.get()).isEqualTo(7);
        }
    }

    @Test
    void emptySelectParksForeverWithItsWaitReason() {
        // A runtime of its own that is never closed: the goroutine can never be woken.
        Weft leaked = Weft.builder().procs(1).name("select-forever").build();
        Goroutine g = leaked.go(() -> new Select().run());
        awaitTrue(() -> g.status().equals("select (no cases)"));
        Goroutine onlyNil = leaked.go(() -> new Select().recv(null, v -> {}).run());
        awaitTrue(() -> onlyNil.status().equals("select (no cases)"));
        assertThat(g.state()).isEqualTo(Goroutine.State.WAITING);
        AtomicLong dflt = new AtomicLong();
        assertThat(new Select().orElse(dflt::incrementAndGet).run()).isEqualTo(-1);
        assertThat(dflt.get()).isEqualTo(1);
    }

    @Test
    void parkedSelectShowsSelectWaitReason() {
        Chan<Integer> a = Chan.make();
        Goroutine g = rt.go(() -> new Select().recv(a, v -> {}).run());
        awaitTrue(() -> g.status().equals("select"));
        a.send(1);
        g.join();
        assertThat(a.recvWaiters()).isZero();
    }
}
