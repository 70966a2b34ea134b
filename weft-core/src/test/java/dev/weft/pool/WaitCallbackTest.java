package dev.weft.pool;

import static dev.weft.Conditions.awaitTrue;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Conditions;
import dev.weft.Go;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.sync.WaitGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ThreadPool}'s wait callbacks: {@code onReceive} (until close, cancel) and {@code onDone}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WaitCallbackTest {
    private static final long LONG_DELAY_MS = 10_000;

    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private Weft rt;
    private ThreadPool p;

    @BeforeEach
    void start() {
        rt = Weft.builder().name("wait-test").procs(2).build();
        p = ThreadPool.builder("waits").minWorkers(1).maxWorkers(4)
                .uncaughtExceptionHandler((t, x) -> failures.add(x)).build(rt);
    }

    @AfterEach
    void stop() throws InterruptedException {
        p.shutdownNow();
        assertThat(p.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).as("terminated after the test").isTrue();
        rt.close();
    }

    /**
     * onReceive runs the callback once per value, one at a time, in the channel's order, on worker
     * goroutines, until the channel is closed; then the registration is over.
     */
    @Test
    void onReceiveDeliversEveryValueInOrderUntilClose() throws Exception {
        int n = Conditions.scaledForTheModel(10_000);
        Chan<Integer> ch = Chan.make(16);
        List<Integer> got = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger concurrent = new AtomicInteger();
        AtomicBoolean overlapped = new AtomicBoolean();
        AtomicBoolean offGoroutine = new AtomicBoolean();
        WaitRegistration r = p.onReceive(ch, v -> {
            if (concurrent.incrementAndGet() > 1) {
                overlapped.set(true);
            }
            if (Go.current() == null) {
                offGoroutine.set(true);
            }
            got.add(v);
            concurrent.decrementAndGet();
        });
        assertThat(r.isActive()).isTrue();
        rt.go(() -> {
            for (int i = 0; i < n; i++) {
                ch.send(i);
            }
            ch.close();
        });
        awaitTrue(() -> !r.isActive());
        awaitTrue(() -> got.size() == n);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(i);
        }
        assertThat(got).isEqualTo(expected);
        assertThat(overlapped).as("callbacks of one registration never overlap").isFalse();
        assertThat(offGoroutine).isFalse();
        assertThat(r.cancel()).as("already over").isFalse();
    }

    /** Many registrations on unbuffered channels, fed from platform threads: each gets all of its own values. */
    @Test
    void manyRegistrationsEachGetTheirOwnValues() throws Exception {
        int channels = 20;
        int perChannel = Conditions.scaledForTheModel(500);
        List<Chan<Integer>> chans = new ArrayList<>();
        AtomicInteger[] sums = new AtomicInteger[channels];
        List<WaitRegistration> regs = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            Chan<Integer> ch = Chan.make();
            chans.add(ch);
            AtomicInteger sum = sums[c] = new AtomicInteger();
            regs.add(p.onReceive(ch, sum::addAndGet));
        }
        List<Thread> feeders = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            Chan<Integer> ch = chans.get(c);
            feeders.add(Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= perChannel; i++) {
                    ch.send(i);
                }
                ch.close();
            }));
        }
        for (Thread t : feeders) {
            t.join();
        }
        for (WaitRegistration r : regs) {
            awaitTrue(() -> !r.isActive());
        }
        int expected = perChannel * (perChannel + 1) / 2;
        for (AtomicInteger sum : sums) {
            awaitTrue(() -> sum.get() == expected);
        }
    }

    /**
     * cancel ends the registration: once it returns, no value is taken from the channel for it,
     * so values sent afterwards stay in the channel; a second cancel returns false.
     */
    @Test
    void cancelStopsTakingValues() throws Exception {
        Chan<String> ch = Chan.make(4);
        Queue<String> got = new ConcurrentLinkedQueue<>();
        CountDownLatch first = new CountDownLatch(1);
        WaitRegistration r = p.onReceive(ch, v -> {
            got.add(v);
            first.countDown();
        });
        ch.send("before");
        assertThat(first.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        for (int round = 0; round < 2; round++) { // with the manager parked on the channel, and not
            assertThat(r.cancel()).isEqualTo(round == 0);
            assertThat(r.isActive()).isFalse();
        }
        ch.send("after-1");
        ch.send("after-2");
        // A fresh registration on another channel proves the manager has gone round since.
        Chan<String> probe = Chan.make(1);
        CountDownLatch probed = new CountDownLatch(1);
        p.onReceive(probe, v -> probed.countDown());
        probe.send("probe");
        assertThat(probed.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(got).containsExactly("before");
        assertThat(ch.len()).isEqualTo(2);
        assertThat(ch.tryRecv()).isEqualTo("after-1");
    }

    /** A throwing callback reaches the pool's handler; the registration and its worker go on. */
    @Test
    void aThrowingCallbackReachesTheHandlerAndTheRegistrationGoesOn() throws Exception {
        Chan<Integer> ch = Chan.make(8);
        Queue<Integer> got = new ConcurrentLinkedQueue<>();
        WaitRegistration r = p.onReceive(ch, v -> {
            if (v == 2) {
                throw new IllegalStateException("bad value " + v);
            }
            got.add(v);
        });
        for (int i = 1; i <= 4; i++) {
            ch.send(i);
        }
        ch.close();
        awaitTrue(() -> !r.isActive());
        awaitTrue(() -> got.size() == 3);
        assertThat(got).containsExactly(1, 3, 4);
        // A delivery hands the next value on (its finally) before its exception reaches the
        // worker's report, so 3 and 4 can be in before the report of 2 (once under ONE_TO_ONE).
        awaitTrue(() -> !failures.isEmpty());
        assertThat(failures).singleElement(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
                .hasMessage("bad value 2");
        awaitTrue(() -> p.stats().completed() == 4);
        assertThat(p.stats().failed()).isEqualTo(1);
    }

    /** onDone runs its callback exactly once, when the group reaches zero; at once for a group already at zero. */
    @Test
    void onDoneRunsOnceWhenTheGroupReachesZero() throws Exception {
        int n = Conditions.scaledForTheModel(100);
        WaitGroup wg = new WaitGroup();
        wg.add(n);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger doneAtCall = new AtomicInteger(-1);
        AtomicInteger finished = new AtomicInteger();
        CountDownLatch called = new CountDownLatch(1);
        WaitRegistration r = p.onDone(wg, () -> {
            doneAtCall.set(finished.get());
            calls.incrementAndGet();
            called.countDown();
        });
        assertThat(r.isActive()).isTrue();
        for (int i = 0; i < n; i++) {
            rt.go(() -> {
                finished.incrementAndGet();
                wg.done();
            });
        }
        assertThat(called.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(doneAtCall.get()).isEqualTo(n);
        assertThat(r.isActive()).isFalse();
        assertThat(r.cancel()).isFalse();

        CountDownLatch immediate = new CountDownLatch(1);
        p.onDone(new WaitGroup(), immediate::countDown);
        assertThat(immediate.await(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        p.shutdown();
        assertThat(p.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(calls.get()).isEqualTo(1);
    }

    /** A cancelled onDone never runs its callback; a throwing one reaches the handler. */
    @Test
    void onDoneCancelAndFailure() throws Exception {
        WaitGroup cancelled = new WaitGroup();
        cancelled.add(1);
        AtomicBoolean ran = new AtomicBoolean();
        WaitRegistration r = p.onDone(cancelled, () -> ran.set(true));
        assertThat(r.cancel()).isTrue();
        assertThat(r.cancel()).isFalse();
        cancelled.done(); // its waiter goroutine ended with the cancel: nothing is queued now

        WaitGroup failing = new WaitGroup();
        p.onDone(failing, () -> {
            throw new IllegalStateException("onDone failed");
        });
        awaitTrue(() -> !failures.isEmpty());
        assertThat(failures.peek()).hasMessage("onDone failed");
        p.shutdown();
        assertThat(p.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(ran).isFalse();
    }

    /** Shutdown ends every registration, and new ones are rejected. */
    @Test
    void shutdownEndsRegistrationsAndRejectsNewOnes() throws Exception {
        Chan<Integer> ch = Chan.make();
        WaitRegistration onValue = p.onReceive(ch, v -> {});
        WaitGroup wg = new WaitGroup();
        wg.add(1);
        WaitRegistration onZero = p.onDone(wg, () -> {});
        p.shutdown();
        assertThat(onValue.isActive()).isFalse();
        assertThat(onZero.isActive()).isFalse();
        assertThatThrownBy(() -> p.onReceive(ch, v -> {})).isInstanceOf(RejectedExecutionException.class);
        assertThatThrownBy(() -> p.onDone(wg, () -> {})).isInstanceOf(RejectedExecutionException.class);
        assertThat(p.awaitTermination(LONG_DELAY_MS, MILLISECONDS)).isTrue();
        assertThat(ch.trySend(1)).as("nobody receives for the pool any more").isFalse();
        wg.done(); // lets the onDone waiter goroutine end before the runtime closes
    }
}
