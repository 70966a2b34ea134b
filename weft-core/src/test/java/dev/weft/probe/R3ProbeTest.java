package dev.weft.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.*;
import dev.weft.chan.Chan;
import java.time.Duration;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class R3ProbeTest {

    @Test
    void p1VirtualThreadSenderIsNoDeadlock() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            rt.run(() -> {
                Chan<Integer> ch = Chan.make();
                CountDownLatch go = new CountDownLatch(1);
                Thread.ofVirtual().start(() -> {
                    try { go.await(); } catch (InterruptedException e) { }
                    ch.send(1);
                });
                Thread.ofPlatform().start(() -> {
                    try { Thread.sleep(300); } catch (InterruptedException e) { }
                    go.countDown();
                });
                assertThat(ch.recv()).isEqualTo(1);
            });
        }
    }

    @Test
    void p2SleepInterruptedKeepsStatus() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            rt.run(() -> {
                Thread.currentThread().interrupt();
                long t0 = System.nanoTime();
                Go.sleep(Duration.ofMillis(100));
                assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(100_000_000L);
                assertThat(Thread.interrupted()).isTrue();
            });
        }
    }

    @Test
    void p3JoinInterruptedKeepsStatus() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            rt.run(() -> {
                CountDownLatch l = new CountDownLatch(1);
                Goroutine g = Go.go(() -> { try { l.await(); } catch (InterruptedException e) { } });
                Thread me = Thread.currentThread();
                Go.go(() -> { me.interrupt(); l.countDown(); });
                g.join();
                assertThat(Thread.interrupted()).isTrue();
                Thread.currentThread().interrupt();
                g.join();
                assertThat(Thread.interrupted()).isTrue();
            });
        }
    }

    @Test
    void p4CloseFromGoroutine() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            rt.run(() -> {
                assertThatThrownBy(rt::close).isInstanceOf(IllegalStateException.class);
                assertThatThrownBy(() -> rt.close(Duration.ofMillis(1))).isInstanceOf(IllegalStateException.class);
            });
            assertThat(rt.goroutineCount()).isZero();
        }
    }

    @Test
    void p5StateOfBlockingAndSleeping() throws Exception {
        try (Weft rt = Weft.builder().procs(2).build()) {
            CountDownLatch in = new CountDownLatch(1), out = new CountDownLatch(1);
            Goroutine g = rt.go(() -> Go.blocking(() -> { in.countDown(); try { out.await(); } catch (InterruptedException e) { } }));
            in.await();
            System.err.println("PROBE blocking state " + rt.model() + " " + g.state() + " " + g.status());
            out.countDown();
            g.join();
            CountDownLatch in2 = new CountDownLatch(1);
            Goroutine s = rt.go(() -> { in2.countDown(); Go.sleep(Duration.ofMillis(200)); });
            in2.await();
            Thread.sleep(50);
            System.err.println("PROBE sleeping state " + rt.model() + " " + s.state() + " " + s.status());
            assertThat(s.state()).isEqualTo(Goroutine.State.WAITING);
        }
    }

    @Test
    void p6SetPriorityOneToOne() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            rt.run(() -> {
                Goroutine me = Go.current();
                me.setPriority(31);
                System.err.println("PROBE prio " + rt.model() + " thread prio " + Thread.currentThread().getPriority() + " level " + me.priority());
                Goroutine c = Go.go(() -> System.err.println("PROBE child prio " + Go.current().priority() + " thread " + Thread.currentThread().getPriority()));
                c.join();
            });
        }
    }

    @Test
    void p7JoinTimedInterrupted() throws Exception {
        try (Weft rt = Weft.builder().procs(2).build()) {
            rt.run(() -> {
                CountDownLatch l = new CountDownLatch(1);
                Goroutine g = Go.go(() -> { try { l.await(); } catch (InterruptedException e) { } });
                Thread.currentThread().interrupt();
                assertThatThrownBy(() -> g.join(Duration.ofSeconds(5))).isInstanceOf(InterruptedException.class);
                assertThat(Thread.currentThread().isInterrupted()).isFalse();
                l.countDown();
                try { assertThat(g.join(Duration.ofSeconds(5))).isTrue(); } catch (InterruptedException e) { throw new AssertionError(e); }
                // join(Duration) of self
            });
        }
    }

    @Test
    void p8RunAfterCloseAndDuringClose() {
        Weft rt = Weft.builder().procs(2).build();
        rt.close();
        assertThatThrownBy(() -> rt.run(() -> {})).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> rt.go(() -> {})).isInstanceOf(RejectedExecutionException.class);
        System.err.println("PROBE setProcs after close");
        if (rt.model() == ThreadingModel.M_N) {
            rt.setProcs(4);
            System.err.println("PROBE stats after close " + rt.stats().threads());
        }
        rt.close();
        assertThat(rt.close(Duration.ZERO)).isTrue();
    }

    @Test
    void p9DeadlockDetectedUnderEachModel() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            assertThatThrownBy(() -> rt.run(() -> {
                Chan<Integer> ch = Chan.make();
                Go.go(() -> ch.recv());
                ch.recv();
            })).isInstanceOf(DeadlockException.class);
        }
    }

    @Test
    void p10SelfJoinIsDeadlock() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            assertThatThrownBy(() -> rt.run(() -> Go.current().join())).isInstanceOf(DeadlockException.class);
        }
    }

    @Test
    void p11SelfJoinTimed() throws Exception {
        try (Weft rt = Weft.builder().procs(2).build()) {
            rt.run(() -> {
                try { assertThat(Go.current().join(Duration.ofMillis(50))).isFalse(); } catch (InterruptedException e) { throw new AssertionError(e); }
            });
        }
    }

    @Test
    void p12CloseTimedThenClose() throws Exception {
        Weft rt = Weft.builder().procs(2).build();
        CountDownLatch l = new CountDownLatch(1);
        Goroutine g = rt.go(() -> { try { l.await(); } catch (InterruptedException e) { } Go.go(() -> {}); });
        assertThat(rt.close(Duration.ofMillis(20))).isFalse();
        l.countDown();
        assertThat(rt.close(Duration.ofSeconds(10))).isTrue();
        assertThat(rt.goroutineCount()).isZero();
    }

    @Test
    void p13CloseInterrupted() throws Exception {
        Weft rt = Weft.builder().procs(2).build();
        CountDownLatch l = new CountDownLatch(1);
        rt.go(() -> { try { l.await(); } catch (InterruptedException e) { } });
        Thread.currentThread().interrupt();
        assertThat(rt.close(Duration.ofMillis(20))).isFalse();
        assertThat(Thread.interrupted()).isTrue();
        l.countDown();
        Thread.currentThread().interrupt();
        rt.close();
        assertThat(Thread.interrupted()).isTrue();
    }
}
