package dev.weft.chan;

import static dev.weft.Conditions.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Goroutine;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ChanTest {
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
    void misuseRaisesClearExceptions() {
        assertThatThrownBy(() -> Chan.make(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative capacity");
        Chan<String> c = Chan.make(1);
        assertThatThrownBy(() -> c.send(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("null");
        assertThatThrownBy(() -> c.trySend(null)).isInstanceOf(NullPointerException.class);
        c.close();
        assertThatThrownBy(() -> c.send("x"))
                .isInstanceOf(ClosedChannelException.class)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("send on closed channel");
        assertThatThrownBy(() -> c.trySend("x")).hasMessage("send on closed channel");
        assertThatThrownBy(c::close).isInstanceOf(ClosedChannelException.class).hasMessage("close of closed channel");
    }

    /**
     * A capacity no array can have is bad input, named as such (Go: "makechan: size out of
     * range"), not the JVM's OutOfMemoryError "Requested array size exceeds VM limit".
     */
    @Test
    void aCapacityBeyondTheLargestArrayIsRefusedByName() {
        assertThatThrownBy(() -> Chan.make(Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size out of range")
                .hasMessageContaining(String.valueOf(Integer.MAX_VALUE));
    }

    /** Go's TestChan, per capacity. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 5, 17})
    void goChanBehaviours(int cap) throws Exception {
        // Receive from an empty channel blocks until a send.
        Chan<Integer> c = Chan.make(cap);
        assertThat(c.cap()).isEqualTo(cap);
        AtomicReference<Integer> got = new AtomicReference<>();
        Goroutine r = rt.go(() -> got.set(c.recv()));
        awaitTrue(() -> c.recvWaiters() == 1);
        assertThat(got.get()).isNull();
        c.send(42);
        r.join();
        assertThat(got.get()).isEqualTo(42);

        // Send to a full channel blocks until a receive.
        for (int i = 0; i < cap; i++) {
            assertThat(c.trySend(i)).isTrue();
            assertThat(c.len()).isEqualTo(i + 1);
        }
        assertThat(c.trySend(-1)).isFalse();
        Goroutine s = rt.go(() -> c.send(1000));
        awaitTrue(() -> c.sendWaiters() == 1);
        for (int i = 0; i < cap; i++) {
            assertThat(c.recv()).isEqualTo(i);
        }
        assertThat(c.recv()).isEqualTo(1000);
        s.join();
        assertThat(c.len()).isZero();

        // Non-blocking operations never block.
        assertThat(c.tryRecv()).isNull();
        int[] fired = {0};
        assertThat(new Select().recv(c, v -> fired[0]++).orElse(() -> {}).run()).isEqualTo(-1);
        assertThat(fired[0]).isZero();

        // After close, buffered values come out in order, then (null, false).
        for (int i = 0; i < cap; i++) {
            c.send(i);
        }
        c.close();
        for (int i = 0; i < cap; i++) {
            assertThat(c.recvOk()).isEqualTo(new RecvResult<>(i, true));
        }
        assertThat(c.recvOk()).isEqualTo(new RecvResult<Integer>(null, false));
        assertThat(c.recv()).isNull();
        assertThat(c.tryRecv()).isNull();

        // Close wakes a blocked receiver.
        Chan<Integer> d = Chan.make(cap);
        AtomicReference<RecvResult<Integer>> res = new AtomicReference<>();
        Goroutine r2 = rt.go(() -> res.set(d.recvOk()));
        awaitTrue(() -> d.recvWaiters() == 1);
        d.close();
        r2.join();
        assertThat(res.get().ok()).isFalse();

        // 100 values arrive in FIFO order (received here on a platform thread).
        Chan<Integer> f = Chan.make(cap);
        Goroutine sender = rt.go(() -> {
            for (int i = 0; i < 100; i++) {
                f.send(i);
            }
        });
        for (int i = 0; i < 100; i++) {
            assertThat(f.recv()).isEqualTo(i);
        }
        sender.join();

        // 4 senders x 4 receivers deliver 4000 values exactly once.
        Chan<Integer> m = Chan.make(cap);
        AtomicIntegerArray seen = new AtomicIntegerArray(4000);
        List<Goroutine> gs = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            int base = p * 1000;
            gs.add(rt.go(() -> {
                for (int i = 0; i < 1000; i++) {
                    m.send(base + i);
                }
            }));
            gs.add(rt.go(() -> {
                for (int i = 0; i < 1000; i++) {
                    seen.incrementAndGet(m.recv());
                }
            }));
        }
        gs.forEach(Goroutine::join);
        for (int i = 0; i < 4000; i++) {
            assertThat(seen.get(i)).as("value %d", i).isEqualTo(1);
        }
    }

    @Test
    void sendToParkedReceiverBypassesTheBuffer() {
        Chan<String> c = Chan.make(1);
        AtomicReference<String> got = new AtomicReference<>();
        Goroutine r = rt.go(() -> got.set(c.recv()));
        awaitTrue(() -> r.status().equals("chan receive"));
        assertThat(c.recvWaiters()).isEqualTo(1);
        c.send("direct");
        // The value went straight to the receiver, so the buffer is still empty and has room.
        assertThat(c.len()).isZero();
        assertThat(c.trySend("buffered")).isTrue();
        r.join();
        assertThat(got.get()).isEqualTo("direct");
        assertThat(c.recv()).isEqualTo("buffered");
    }

    @Test
    void receiveFromFullBufferMovesParkedSenderToTail() {
        Chan<Integer> c = Chan.make(2);
        c.send(1);
        c.send(2);
        Goroutine s = rt.go(() -> c.send(3));
        awaitTrue(() -> s.status().equals("chan send"));
        assertThat(c.sendWaiters()).isEqualTo(1);
        assertThat(c.recv()).isEqualTo(1);
        s.join(); // released by the receive, its value already in the buffer
        assertThat(c.len()).isEqualTo(2);
        assertThat(c.recv()).isEqualTo(2);
        assertThat(c.recv()).isEqualTo(3);
    }

    @Test
    void waitingSendersAndReceiversAreServedFifo() {
        Chan<Integer> c = Chan.make();
        List<Integer> order = new ArrayList<>();
        List<Goroutine> gs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int v = i;
            gs.add(rt.go(() -> c.send(v)));
            awaitTrue(() -> c.sendWaiters() == v + 1);
        }
        for (int i = 0; i < 5; i++) {
            order.add(c.recv());
        }
        gs.forEach(Goroutine::join);
        assertThat(order).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void closeWakesEveryWaiterGoroutinesAndPlatformThreads() throws Exception {
        Chan<Integer> recvs = Chan.make();
        Chan<Integer> sends = Chan.make(1);
        sends.send(0);
        AtomicIntegerArray outcome = new AtomicIntegerArray(8);
        List<Goroutine> gs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int k = i;
            gs.add(rt.go(() -> outcome.set(k, recvs.recvOk().ok() ? 2 : 1)));
            gs.add(rt.go(() -> {
                try {
                    sends.send(1);
                    outcome.set(4 + k, 2);
                } catch (ClosedChannelException e) {
                    outcome.set(4 + k, 1);
                }
            }));
        }
        Thread platform = Thread.ofPlatform().start(() -> outcome.set(3, recvs.recvOk().ok() ? 2 : 1));
        Thread platformSender = Thread.ofPlatform().start(() -> {
            try {
                sends.send(2);
                outcome.set(7, 2);
            } catch (ClosedChannelException e) {
                outcome.set(7, 1);
            }
        });
        awaitTrue(() -> recvs.recvWaiters() == 4 && sends.sendWaiters() == 4);
        recvs.close();
        sends.close();
        gs.forEach(Goroutine::join);
        platform.join();
        platformSender.join();
        for (int i = 0; i < 8; i++) {
            assertThat(outcome.get(i)).as("waiter %d woken as closed", i).isEqualTo(1);
        }
        assertThat(sends.recv()).isZero(); // buffered before close, still receivable
        assertThat(sends.recvOk().ok()).isFalse();
    }

    /** Go's TestNonblockRecvRace: a closed buffered channel holding a value is always ready. */
    @Test
    void nonblockingRecvOnClosedBufferedChannelNeverTakesDefault() {
        AtomicBoolean tookDefault = new AtomicBoolean();
        for (int i = 0; i < 500; i++) {
            Chan<Integer> c = Chan.make(1);
            c.send(1);
            Goroutine g = rt.go(() -> new Select().recv(c, v -> {}).orElse(() -> tookDefault.set(true)).run());
            c.close();
            c.recv();
            g.join();
        }
        assertThat(tookDefault).isFalse();
    }

    @Test
    void anInterruptDoesNotEndAWaitButIsKept() throws Exception {
        Chan<String> c = Chan.make();
        AtomicReference<String> got = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread t = Thread.ofPlatform().start(() -> {
            got.set(c.recv());
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        awaitTrue(() -> c.recvWaiters() == 1);
        t.interrupt();
        c.send("after interrupt");
        t.join();
        assertThat(got.get()).isEqualTo("after interrupt");
        assertThat(stillInterrupted).isTrue();
    }

    @Test
    void forEachEndsWhenClosedAndDrained() {
        Chan<Integer> c = Chan.make(3);
        Goroutine p = rt.go(() -> {
            for (int i = 1; i <= 10; i++) {
                c.send(i);
            }
            c.close();
        });
        int sum = 0;
        int n = 0;
        for (int v : c) {
            sum += v;
            n++;
        }
        p.join();
        assertThat(n).isEqualTo(10);
        assertThat(sum).isEqualTo(55);
        assertThat(c.iterator().hasNext()).isFalse();
    }
}
