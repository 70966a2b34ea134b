package dev.weft;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Virtual threads that user code starts inside a goroutine with the JDK's own APIs inherit
 * weft's scheduler and become goroutines too.
 */
// Virtual threads adopted by weft's scheduler: not under ONE_TO_ONE, whose goroutines are platform threads.
@Tag("user-space-scheduler")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdoptionTest {

    @Test
    void threadOfVirtualInsideAGoroutineIsAGoroutine() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            AtomicReference<Goroutine> child = new AtomicReference<>();
            AtomicReference<Goroutine> parent = new AtomicReference<>();
            rt.run(() -> {
                parent.set(Go.current());
                Thread t = Thread.ofVirtual().start(() -> {
                    LockSupportHop.parkAndComeBack(); // parks and is readied again through weft
                    child.set(Go.current());
                });
                join(t);
            });
            assertThat(child.get()).isNotNull();
            assertThat(child.get().id()).isNotEqualTo(parent.get().id());
            assertThat(rt.stats().adopted()).isEqualTo(1);
            awaitNoGoroutines(rt);
        }
    }

    @Test
    void aVirtualThreadPerTaskExecutorInsideAGoroutineRunsOnWeft() {
        try (Weft rt = Weft.builder().procs(2).build()) {
            AtomicInteger onWeft = new AtomicInteger();
            rt.run(() -> {
                try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<?>> fs = new CopyOnWriteArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        fs.add(ex.submit(() -> {
                            if (Go.current() != null) {
                                onWeft.incrementAndGet();
                            }
                            Go.yield();
                        }));
                    }
                    for (Future<?> f : fs) {
                        f.get();
                    }
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(onWeft.get()).isEqualTo(100);
            assertThat(rt.stats().adopted()).isEqualTo(100);
            awaitNoGoroutines(rt);
        }
    }

    @Test
    void grandchildrenAndChildrenWithTheirOwnHandlersAreScheduledToo() {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        try (Weft rt = Weft.builder().procs(1).uncaughtExceptionHandler((g, t) -> reported.add(t)).build()) {
            AtomicBoolean grandchildOnWeft = new AtomicBoolean();
            AtomicReference<Throwable> ownHandler = new AtomicReference<>();
            rt.run(() -> {
                Thread child = Thread.ofVirtual()
                        .uncaughtExceptionHandler((t, e) -> ownHandler.set(e))
                        .start(() -> {
                            Thread grandchild = Thread.ofVirtual().start(() -> {
                                Go.yield();
                                grandchildOnWeft.set(Go.current() != null);
                            });
                            join(grandchild);
                            Go.yield();
                            throw new IllegalStateException("child fails");
                        });
                join(child);
                Thread failing = Thread.ofVirtual().start(() -> {
                    throw new IllegalArgumentException("adopted and failing");
                });
                join(failing);
            });
            assertThat(grandchildOnWeft).isTrue();
            assertThat(ownHandler.get()).hasMessage("child fails"); // the user's handler is kept
            assertThat(reported).singleElement().satisfies(t -> assertThat(t).hasMessage("adopted and failing"));
            awaitNoGoroutines(rt);
        }
    }

    @Test
    void anAdoptedThreadThatReplacesItsUncaughtHandlerKeepsItsG() {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                Thread child = Thread.ofVirtual().start(() -> {
                    Thread.currentThread().setUncaughtExceptionHandler((t, e) -> { });
                    Go.yield(); // comes back through execute: must find the same G
                    Go.yield();
                });
                join(child);
            });
            assertThat(rt.stats().adopted()).isEqualTo(1);
            awaitNoGoroutines(rt);
        }
    }

    /**
     * An adopted thread is counted out by its carrier just after the JDK ends it, which is also
     * when a joiner wakes; so the count may lag a join by a moment (the class timeout bounds it).
     */
    private static void awaitNoGoroutines(Weft rt) {
        Conditions.awaitTrue(() -> rt.goroutineCount() == 0);
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** Parks the caller and unparks it from a platform thread, so the JDK calls execute again. */
    private static final class LockSupportHop {
        static void parkAndComeBack() {
            Thread me = Thread.currentThread();
            Thread waker = Thread.ofPlatform().start(() -> java.util.concurrent.locks.LockSupport.unpark(me));
            java.util.concurrent.locks.LockSupport.park();
            join(waker);
        }
    }
}
