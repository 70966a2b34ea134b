package dev.weft.proc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import dev.weft.sync.Mutex;
import dev.weft.sync.Semaphore;
import dev.weft.sync.WaitGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/**
 * Terminating a process while its threads hammer primitives shared with threads outside it: a
 * withdrawn wait must leave each primitive exactly as if the waiter had never come. Values on
 * channels are conserved (each received once, by the process or by the outside drainer), and a
 * mutex and a semaphore keep working for the outsiders, with no lost wake-up, after waiters of
 * theirs were withdrawn at arbitrary points of the mutex's state machine.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessCancellationStressTest {

    private static final int WORKERS = dev.weft.Conditions.scaledForTheModel(400) + 8;

    @RepeatedTest(3)
    void valuesAreConservedAndLocksKeepWorkingAcrossATerminate() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            Chan<Long> toProcess = Chan.make();
            Chan<Long> toProcessBuffered = Chan.make(4);
            Chan<Long> fromProcess = Chan.make();
            Mutex mu = new Mutex();
            Semaphore sem = new Semaphore(2);
            long[] guarded = new long[1];
            Set<Long> receivedInside = ConcurrentHashMap.newKeySet();
            Set<Long> sentInside = ConcurrentHashMap.newKeySet();
            AtomicLong nextInside = new AtomicLong(1L << 40);
            AtomicInteger running = new AtomicInteger();
            CountDownLatch busy = new CountDownLatch(WORKERS);
            WeftProcess p = WeftProcess.builder("hammer").start(rt, () -> {
                for (int i = 0; i < WORKERS; i++) {
                    int kind = i % 4;
                    Go.go(() -> {
                        running.incrementAndGet();
                        busy.countDown();
                        for (;;) {
                            switch (kind) {
                                case 0 -> {
                                    Long v = toProcess.recv(); // recorded with no safe point between
                                    receivedInside.add(v);
                                }
                                case 1 -> new Select().recv(toProcess, receivedInside::add)
                                        .recv(toProcessBuffered, receivedInside::add).run();
                                case 2 -> {
                                    long v = nextInside.getAndIncrement();
                                    fromProcess.send(v);
                                    sentInside.add(v);
                                }
                                default -> {
                                    mu.lock();
                                    guarded[0]++;
                                    mu.unlock();
                                    sem.acquire(1);
                                    sem.release(1);
                                }
                            }
                        }
                    });
                }
            });
            // Outsiders: producers into the process, a consumer of its sends, mutex users.
            AtomicLong nextOutside = new AtomicLong();
            AtomicInteger sentOutside = new AtomicInteger();
            List<Goroutine> outsiders = new ArrayList<>();
            CountDownLatch stop = new CountDownLatch(1);
            Set<Long> receivedOutside = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 4; i++) {
                boolean buffered = i % 2 == 1;
                outsiders.add(rt.go(() -> {
                    while (stop.getCount() > 0) {
                        long v = nextOutside.getAndIncrement();
                        (buffered ? toProcessBuffered : toProcess).send(v);
                        sentOutside.incrementAndGet();
                    }
                }));
            }
            outsiders.add(rt.go(() -> {
                while (stop.getCount() > 0) {
                    new Select().recv(fromProcess, receivedOutside::add).after(Duration.ofMillis(1), () -> { }).run();
                }
            }));
            for (int i = 0; i < 2; i++) {
                outsiders.add(rt.go(() -> {
                    while (stop.getCount() > 0) {
                        mu.lock();
                        guarded[0]++;
                        mu.unlock();
                        sem.acquire(2);
                        sem.release(2);
                    }
                }));
            }
            busy.await();
            Go.sleep(Duration.ofMillis(20)); // not synchronisation: lets the hammering go on a while
            p.terminate(1);
            assertThat(p.waitFor()).isEqualTo(1);
            assertThat(rt.processes()).isEmpty();
            // The producers' sends now meet nobody inside: drain them outside until they stop.
            stop.countDown();
            Set<Long> drained = ConcurrentHashMap.newKeySet();
            Goroutine drainer = rt.go(() -> {
                boolean[] more = {true};
                while (more[0]) {
                    new Select().recv(toProcess, drained::add).recv(toProcessBuffered, drained::add)
                            .after(Duration.ofMillis(50), () -> more[0] = false).run();
                }
            });
            for (Goroutine g : outsiders) {
                assertThat(g.join(Duration.ofSeconds(60))).as("an outsider finished: no lost wake-up").isTrue();
            }
            assertThat(drainer.join(Duration.ofSeconds(60))).isTrue();
            // Conservation: every value sent from outside was received exactly once, inside or out.
            assertThat(receivedInside.size() + drained.size()).isEqualTo(sentOutside.get());
            assertThat(receivedInside).doesNotContainAnyElementsOf(drained);
            // Every value the process sent (send returned) reached the outside consumer, and
            // nothing else did.
            assertThat(receivedOutside).isEqualTo(sentInside);
            // The mutex and semaphore still work under contention.
            long before = guarded[0];
            List<Goroutine> users = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                users.add(rt.go(() -> {
                    for (int k = 0; k < 1_000; k++) {
                        mu.lock();
                        guarded[0]++;
                        mu.unlock();
                        sem.acquire(1);
                        sem.release(1);
                    }
                }));
            }
            for (Goroutine g : users) {
                g.join(); // joined, not counted down: the count below must see them ended
            }
            assertThat(guarded[0]).isEqualTo(before + 8_000);
            assertThat(sem.tryAcquire(2)).isTrue();
            assertThat(rt.goroutineCount()).isZero();
            assertThat(running.get()).isEqualTo(WORKERS);
        }
    }

    /**
     * A WaitGroup reaching zero while its waiters' process is terminated: each waiter either
     * returns (its unit came first) or unwinds, and no unit is left over to wake a later wait.
     */
    @RepeatedTest(5)
    void aWaitGroupReachingZeroDuringATerminateLeavesNoUnitBehind() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            WaitGroup wg = new WaitGroup();
            wg.add(1);
            int waiters = dev.weft.Conditions.scaledForTheModel(200) + 4;
            AtomicInteger returned = new AtomicInteger();
            AtomicInteger unwound = new AtomicInteger();
            CountDownLatch parked = new CountDownLatch(waiters);
            WeftProcess p = WeftProcess.builder("waiters").start(rt, () -> {
                for (int i = 0; i < waiters; i++) {
                    Go.go(() -> {
                        parked.countDown();
                        try {
                            wg.await();
                            returned.incrementAndGet();
                        } catch (ProcessExitException e) {
                            unwound.incrementAndGet();
                            throw e;
                        }
                    });
                }
                wg.await(); // the primary waits too
            });
            parked.await();
            dev.weft.Conditions.awaitTrue(() -> p.threads().stream().allMatch(g -> g.state() == Goroutine.State.WAITING));
            CountDownLatch go = new CountDownLatch(1);
            Goroutine doner = rt.go(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                wg.done();
            });
            go.countDown();
            int expected = 2;
            try {
                p.terminate(2);
            } catch (IllegalStateException lost) {
                expected = 0; // every waiter returned before the terminate: the process ended by itself
            }
            doner.join();
            assertThat(p.waitFor()).isEqualTo(expected);
            assertThat(returned.get() + unwound.get()).isEqualTo(waiters);
            wg.add(1);
            Goroutine later = rt.go(wg::await);
            dev.weft.Conditions.awaitTrue(() -> later.state() == Goroutine.State.WAITING);
            assertThat(later.state()).isEqualTo(Goroutine.State.WAITING);
            wg.done();
            later.join();
        }
    }
}
