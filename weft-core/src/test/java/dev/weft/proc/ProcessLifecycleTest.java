package dev.weft.proc;

import static dev.weft.Conditions.awaitTrue;
import static dev.weft.Conditions.scaledForTheModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.PriorityClass;
import dev.weft.ThreadPriority;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import dev.weft.sync.Cond;
import dev.weft.sync.Mutex;
import dev.weft.sync.Semaphore;
import dev.weft.sync.WaitGroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A process's life: its primary and other threads, the ways it ends (last thread, exit,
 * terminate, a failing primary), the cancellation of threads parked in every kind of wait, its
 * handles and its thread limit. Runs under each threading model (the suite's executions).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessLifecycleTest {

    @Test
    void theCallerOfAnyThreadIsItsProcessAndTheLastThreadEndsIt() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            Chan<Integer> release = Chan.make();
            List<WeftProcess> seen = new CopyOnWriteArrayList<>();
            CountDownLatch childrenStarted = new CountDownLatch(3);
            WeftProcess p = WeftProcess.builder("worker").env(Map.of("MODE", "fast")).start(rt, () -> {
                seen.add(WeftProcess.current());
                Runnable child = () -> {
                    seen.add(WeftProcess.current());
                    childrenStarted.countDown();
                    release.recv();
                };
                Go.go(child);
                // A grandchild too. Its parent is joined: a goroutine leaves its process at the
                // end of its body, which may come after the grandchild has started and after the
                // primary has returned, and then threads() below would still list it.
                Go.go(() -> Go.go(child)).join();
                if (Thread.currentThread().isVirtual()) {
                    Thread.ofVirtual().start(child); // adopted by weft: a goroutine of the process
                } else {
                    Go.go(child); // ONE_TO_ONE: a JDK virtual thread is not a goroutine there
                }
            });
            try {
                childrenStarted.await();
                p.primary().join();
                // The primary returned, but three threads live: the process goes on.
                assertThat(p.isAlive()).isTrue();
                assertThat(p.threads()).hasSize(3).doesNotContain(p.primary());
                assertThat(rt.processes()).containsExactly(p);
                assertThat(p.waitFor(Duration.ZERO)).isEmpty();
                for (int i = 0; i < 3; i++) {
                    release.send(i);
                }
            } finally {
                // On a failed assertion the children still wait: release them, or the runtime's
                // close would wait for them for ever and the failure would show as a timeout.
                release.close();
            }
            assertThat(p.waitFor()).isZero();
            assertThat(seen).hasSize(4).allMatch(x -> x == p);
            assertThat(p.isAlive()).isFalse();
            assertThat(p.exitRecord()).get().satisfies(r -> {
                assertThat(r.reason()).isEqualTo(ExitRecord.Reason.LAST_THREAD_ENDED);
                assertThat(r.code()).isZero();
            });
            assertThat(p.failure()).isEmpty();
            assertThat(p.threads()).isEmpty();
            assertThat(rt.processes()).isEmpty();
            assertThat(rt.goroutineCount()).isZero();
            assertThat(p.env()).containsExactly(Map.entry("MODE", "fast"));
        }
    }

    @Test
    void goroutinesOutsideAnyProcessBelongToTheRootProcess() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            AtomicReference<WeftProcess> inRoot = new AtomicReference<>();
            AtomicReference<List<Goroutine>> rootThreads = new AtomicReference<>();
            rt.go(() -> {
                inRoot.set(WeftProcess.current());
                rootThreads.set(WeftProcess.root().threads());
            }).join();
            assertThat(inRoot.get()).isSameAs(WeftProcess.root());
            assertThat(rootThreads.get()).isNotEmpty();
            assertThat(WeftProcess.current()).isSameAs(WeftProcess.root()); // a platform thread
            assertThat(WeftProcess.root().pid()).isZero();
            assertThat(WeftProcess.root().security()).isEqualTo(SecurityContext.SYSTEM);
        }
    }

    @Test
    void exitEndsTheProcessWithItsCodeAndUnwindsTheOtherThreads() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            AtomicInteger finallies = new AtomicInteger();
            AtomicInteger unwound = new AtomicInteger();
            CountDownLatch parked = new CountDownLatch(2);
            WeftProcess p = WeftProcess.builder("exiter").start(rt, () -> {
                Chan<Integer> never = Chan.make();
                for (int i = 0; i < 2; i++) {
                    Go.go(() -> {
                        try {
                            parked.countDown();
                            never.recv();
                        } catch (ProcessExitException e) {
                            unwound.incrementAndGet();
                            throw e;
                        } finally {
                            finallies.incrementAndGet();
                        }
                    });
                }
                try {
                    parked.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                try {
                    WeftProcess.exit(7);
                } finally {
                    finallies.incrementAndGet();
                }
            });
            assertThat(p.waitFor()).isEqualTo(7);
            assertThat(finallies).hasValue(3);
            assertThat(unwound).hasValue(2);
            assertThat(p.exitRecord().orElseThrow().reason()).isEqualTo(ExitRecord.Reason.EXIT);
            assertThat(p.failure()).isEmpty();
            assertThat(rt.goroutineCount()).isZero();
        }
    }

    /**
     * The stress case: terminate a process with threads parked in every kind of weft wait
     * (channel receive and send, select, sleep, mutex, cond, semaphore) and in a JDK wait; every
     * thread unwinds through its finally, and every primitive is left as if the waiters had never
     * come: no waiter is left queued and no value or unit was taken.
     */
    @Test
    void terminateUnwindsThousandsOfThreadsParkedInEveryKindOfWait() throws Exception {
        int perKind = scaledForTheModel(10_000) / 9 + 1;
        try (Weft rt = Weft.builder().build()) {
            Chan<Integer> recvOn = Chan.make();
            Chan<Integer> sendOn = Chan.make();
            Chan<Integer> selectA = Chan.make();
            Chan<Integer> selectB = Chan.make(1);
            selectB.send(0); // full: the select's send case cannot proceed
            Mutex mu = new Mutex();
            Mutex condMu = new Mutex();
            Cond cond = new Cond(condMu);
            Semaphore sem = new Semaphore(3);
            WaitGroup group = new WaitGroup();
            group.add(1); // done by the test, after the process has ended
            CountDownLatch jdkLatch = new CountDownLatch(1);
            AtomicInteger started = new AtomicInteger();
            AtomicInteger finallies = new AtomicInteger();
            AtomicInteger exits = new AtomicInteger();
            AtomicInteger interrupts = new AtomicInteger();
            AtomicInteger completed = new AtomicInteger(); // a wait that returned: must stay 0
            List<Throwable> unexpected = new CopyOnWriteArrayList<>();
            Runnable[] bodies = {
                () -> recvOn.recv(),
                () -> sendOn.send(1),
                () -> new Select().recv(selectA, v -> { }).send(selectB, 1, () -> { }).run(),
                () -> Go.sleep(Duration.ofHours(1)),
                () -> {
                    mu.lock();
                    mu.unlock();
                },
                () -> {
                    condMu.lock();
                    try {
                        cond.await();
                    } finally {
                        condMu.unlock();
                    }
                },
                () -> sem.acquire(1),
                () -> group.await(),
                () -> {
                    try {
                        jdkLatch.await();
                    } catch (InterruptedException e) {
                        interrupts.incrementAndGet(); // a JDK wait is interrupted
                        throw new IllegalStateException("interrupted", e);
                    }
                },
            };
            int kinds = bodies.length;
            int total = perKind * kinds;
            CountDownLatch holderParked = new CountDownLatch(1);
            // Held by the test, outside the process: only cancellation can free the waiters.
            mu.lock();
            sem.acquire(3);
            WeftProcess p = WeftProcess.builder("victim").start(rt, () -> {
                try {
                    for (int i = 0; i < total; i++) {
                        Runnable body = bodies[i % kinds];
                        Go.go(() -> {
                            started.incrementAndGet();
                            try {
                                body.run();
                                completed.incrementAndGet();
                                unexpected.add(new AssertionError("completed: kind " + java.util.Arrays.asList(bodies).indexOf(body)));
                            } catch (ProcessExitException e) {
                                exits.incrementAndGet();
                                throw e;
                            } catch (RuntimeException | Error e) {
                                if (!"interrupted".equals(e.getMessage())) { // the JDK-wait body's way out
                                    unexpected.add(e);
                                }
                            } finally {
                                finallies.incrementAndGet();
                            }
                        });
                    }
                    holderParked.countDown();
                    recvOn.recv();
                    completed.incrementAndGet();
                } finally {
                    finallies.incrementAndGet();
                }
            });
            holderParked.await();
            awaitTrue(() -> started.get() == total
                    && p.threads().stream().allMatch(g -> g.state() == Goroutine.State.WAITING));
            p.terminate(3);
            assertThat(p.waitFor()).isEqualTo(3);
            assertThat(unexpected).isEmpty();
            assertThat(finallies).hasValue(total + 1);
            assertThat(jdkLatch.getCount()).isOne();
            assertThat(interrupts).hasValue(perKind);
            assertThat(exits).hasValue(total - perKind);
            assertThat(completed).hasValue(0);
            assertThat(rt.goroutineCount()).isZero();
            assertThat(p.exitRecord().orElseThrow().reason()).isEqualTo(ExitRecord.Reason.TERMINATED);
            // Every waiter was withdrawn and nothing taken: the primitives work as new.
            assertThat(recvOn.trySend(1)).isFalse(); // no receiver left queued
            assertThat(sendOn.tryRecv()).isNull(); // no sender left queued
            assertThat(selectA.trySend(1)).isFalse();
            assertThat(selectB.tryRecv()).isZero();
            mu.unlock();
            assertThat(mu.tryLock()).isTrue();
            mu.unlock();
            sem.release(3);
            assertThat(sem.tryAcquire(3)).isTrue();
            sem.release(3);
            assertThat(condMu.tryLock()).isTrue();
            condMu.unlock();
            // No unit meant for a withdrawn waiter was left behind: a new wait really waits.
            Goroutine waiter = rt.go(group::await);
            awaitTrue(() -> waiter.state() == Goroutine.State.WAITING);
            group.done();
            waiter.join();
        }
    }

    /**
     * Threads that never wait in a weft primitive still unwind: at a checkpoint in a CPU loop, at
     * a yield, when a blocking call returns, and in a join of a goroutine outside the process.
     */
    @Test
    void threadsUnwindAtSafePointsBlockingReturnsAndJoins() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            CountDownLatch outsiderRelease = new CountDownLatch(1);
            Goroutine outsider = rt.go(() -> {
                try {
                    outsiderRelease.await();
                } catch (InterruptedException e) {
                    throw new AssertionError("the outsider belongs to no process: nobody interrupts it", e);
                }
            });
            CountDownLatch inBlocking = new CountDownLatch(1);
            CountDownLatch blockingMayReturn = new CountDownLatch(1);
            AtomicInteger running = new AtomicInteger();
            List<String> unwound = new CopyOnWriteArrayList<>();
            WeftProcess p = WeftProcess.builder("busy").start(rt, () -> {
                Go.go(named("checkpoint", unwound, () -> {
                    running.incrementAndGet();
                    for (;;) {
                        Go.checkpoint();
                    }
                }));
                Go.go(named("yield", unwound, () -> {
                    running.incrementAndGet();
                    for (;;) {
                        Go.yield();
                    }
                }));
                Go.go(named("blocking", unwound, () -> {
                    running.incrementAndGet();
                    Go.blocking(() -> {
                        inBlocking.countDown();
                        try {
                            blockingMayReturn.await(); // a JDK wait inside the call: interrupted
                        } catch (InterruptedException e) {
                            unwound.add("blocking call interrupted");
                        }
                    });
                }));
                named("join", unwound, outsider::join).run();
            });
            inBlocking.await();
            awaitTrue(() -> running.get() == 3 && p.primary().state() == Goroutine.State.WAITING);
            p.terminate(5);
            assertThat(p.waitFor()).isEqualTo(5);
            assertThat(unwound).containsExactlyInAnyOrder("checkpoint", "yield", "blocking call interrupted",
                    "blocking", "join");
            assertThat(outsider.state()).isNotEqualTo(Goroutine.State.DEAD);
            outsiderRelease.countDown();
            outsider.join();
        }
    }

    private static Runnable named(String name, List<String> unwound, Runnable body) {
        return () -> {
            try {
                body.run();
            } catch (ProcessExitException e) {
                unwound.add(name);
                throw e;
            }
        };
    }

    @Test
    void anExceptionEscapingThePrimaryEndsTheProcessWithCodeOne() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            AtomicInteger unwound = new AtomicInteger();
            CountDownLatch parked = new CountDownLatch(1);
            IllegalStateException boom = new IllegalStateException("boom");
            WeftProcess p = WeftProcess.builder("failing").start(rt, () -> {
                Go.go(() -> {
                    try {
                        parked.countDown();
                        Go.sleep(Duration.ofHours(1));
                    } finally {
                        unwound.incrementAndGet();
                    }
                });
                WeftProcess.current().handles().open(() -> {
                    throw new java.io.IOException("close failed");
                });
                try {
                    parked.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                throw boom;
            });
            assertThat(p.waitFor()).isEqualTo(1);
            assertThat(p.failure()).containsSame(boom);
            assertThat(unwound).hasValue(1);
            ExitRecord r = p.exitRecord().orElseThrow();
            assertThat(r.reason()).isEqualTo(ExitRecord.Reason.PRIMARY_FAILED);
            assertThat(r.closeFailures()).singleElement().satisfies(t -> assertThat(t).hasMessage("close failed"));
            assertThat(boom.getSuppressed()).containsExactlyElementsOf(r.closeFailures());
            assertThat(rt.goroutineCount()).isZero();
        }
    }

    @Test
    void handlesAreClosedExactlyOnceNewestFirstEvenWhenACloseThrows() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            List<String> closed = new CopyOnWriteArrayList<>();
            AtomicInteger[] closes = new AtomicInteger[5];
            Chan<Integer> go = Chan.make();
            WeftProcess p = WeftProcess.builder("files").start(rt, () -> go.recv());
            long[] hs = new long[5];
            for (int i = 0; i < 5; i++) {
                int n = i;
                closes[i] = new AtomicInteger();
                hs[i] = p.handles().open(() -> {
                    closes[n].incrementAndGet();
                    closed.add("r" + n);
                    if (n == 3) {
                        throw new IllegalStateException("r3 would not close");
                    }
                });
            }
            assertThat(hs).containsExactly(1, 2, 3, 4, 5);
            p.handles().close(hs[1]); // closed by its owner: not again at the end
            assertThat(p.handles().size()).isEqualTo(4);
            go.send(1);
            assertThat(p.waitFor()).isZero();
            assertThat(closed).containsExactly("r1", "r4", "r3", "r2", "r0");
            for (AtomicInteger c : closes) {
                assertThat(c).hasValue(1);
            }
            assertThat(p.exitRecord().orElseThrow().closeFailures()).singleElement()
                    .satisfies(t -> assertThat(t).hasMessage("r3 would not close"));
            assertThat(p.handles().size()).isZero();
            assertThatThrownBy(() -> p.handles().open(() -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("has ended");
        }
    }

    @Test
    void handlesFindTheirResourceByTypeAndRecordWhoOpenedThem() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            SecurityContext alice = SecurityContext.of("alice", Map.of("role", "reader"));
            SecurityContext bob = SecurityContext.of("bob", Map.of());
            AtomicReference<SecurityContext[]> openers = new AtomicReference<>();
            WeftProcess p = WeftProcess.builder("owner").security(alice).start(rt, () -> {
                Handles t = WeftProcess.current().handles();
                long own = t.open(new java.io.StringReader("x"));
                long[] asBob = new long[1];
                SecurityContext.impersonate(bob, () -> {
                    asBob[0] = t.open(new java.io.StringWriter());
                });
                openers.set(new SecurityContext[] {t.openedBy(own), t.openedBy(asBob[0])});
                assertThat(t.get(own, java.io.Reader.class)).isInstanceOf(java.io.StringReader.class);
                assertThatThrownBy(() -> t.get(own, java.io.Writer.class))
                        .isInstanceOf(ClassCastException.class).hasMessageContaining("java.io.StringReader");
            });
            assertThat(p.waitFor()).isZero();
            assertThat(openers.get()).containsExactly(alice, bob);
        }
    }

    @Test
    void aGoroutineBeyondMaxThreadsIsRefusedAndNothingIsStarted() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            Chan<Integer> first = Chan.make();
            Chan<Integer> second = Chan.make();
            AtomicReference<Throwable> refused = new AtomicReference<>();
            AtomicInteger ran = new AtomicInteger();
            CountDownLatch tried = new CountDownLatch(1);
            WeftProcess p = WeftProcess.builder("small").maxThreads(3).start(rt, () -> {
                Goroutine c1 = Go.go(first::recv);
                Go.go(second::recv);
                try {
                    Go.go(ran::incrementAndGet);
                } catch (RejectedExecutionException e) {
                    refused.set(e);
                }
                tried.countDown();
                c1.join(); // a slot comes free once a child ends
                Go.go(ran::incrementAndGet).join();
            });
            tried.await();
            assertThat(refused.get()).isInstanceOf(RejectedExecutionException.class)
                    .hasMessageContaining("limit of 3 threads");
            assertThat(p.threads()).hasSize(3);
            first.send(1);
            second.send(2);
            assertThat(p.waitFor()).isZero();
            assertThat(ran).hasValue(1);
            assertThat(rt.goroutineCount()).isZero();
        }
    }

    @Test
    void aThreadStartedFromOutsideBelongsToTheProcessAndCountsTowardsItsLimit() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            Chan<Integer> release = Chan.make();
            WeftProcess p = WeftProcess.builder("served").priorityClass(PriorityClass.ABOVE_NORMAL).maxThreads(2)
                    .start(rt, release::recv);
            AtomicReference<WeftProcess> seen = new AtomicReference<>();
            Goroutine t = p.startThread(ThreadPriority.HIGHEST, () -> {
                seen.set(WeftProcess.current());
                release.recv();
            });
            assertThat(t.priority()).isEqualTo(PriorityClass.ABOVE_NORMAL.level(ThreadPriority.HIGHEST));
            assertThatThrownBy(() -> p.startThread(ThreadPriority.NORMAL, () -> { }))
                    .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("limit of 2 threads");
            release.send(1);
            release.send(2);
            assertThat(p.waitFor()).isZero();
            assertThat(seen.get()).isSameAs(p);
            assertThatThrownBy(() -> p.startThread(ThreadPriority.NORMAL, () -> { }))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("has exited");
            assertThatThrownBy(() -> WeftProcess.root().startThread(ThreadPriority.NORMAL, () -> { }))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThat(rt.goroutineCount()).isZero();
        }
    }

    @Test
    void threadsRunAtTheClassLevelOfTheirRelativePriority() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            AtomicReference<int[]> levels = new AtomicReference<>();
            WeftProcess p = WeftProcess.builder("high").priorityClass(PriorityClass.HIGH).start(rt, () -> {
                int primary = Go.current().priority();
                int inherited = Go.go(() -> { }).priority();
                int lowest = WeftProcess.go(ThreadPriority.LOWEST, () -> { }).priority();
                levels.set(new int[] {primary, inherited, lowest});
            });
            p.waitFor();
            assertThat(levels.get()).containsExactly(13, 13, 11);
            assertThat(p.level(ThreadPriority.TIME_CRITICAL)).isEqualTo(15);
        }
    }

    @Test
    void dumpsGroupGoroutinesUnderTheirProcesses() throws Exception {
        try (Weft rt = Weft.builder().build()) {
            Chan<Integer> release = Chan.make();
            WeftProcess p = WeftProcess.builder("dumped").priorityClass(PriorityClass.ABOVE_NORMAL)
                    .start(rt, release::recv);
            awaitTrue(() -> p.primary().state() == Goroutine.State.WAITING);
            String dump = rt.dump();
            assertThat(dump).contains("== process " + p.pid() + " 'dumped' [ABOVE_NORMAL, running] ==")
                    .contains("goroutine " + p.primary().id() + " [chan receive");
            release.send(1);
            p.waitFor();
            assertThat(p.toString()).isEqualTo("process " + p.pid() + " 'dumped' [ABOVE_NORMAL, exited with code 0]");
        }
    }
}
