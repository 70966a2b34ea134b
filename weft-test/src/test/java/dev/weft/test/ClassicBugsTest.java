package dev.weft.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.chan.Chan;
import dev.weft.sync.Cond;
import dev.weft.sync.Mutex;
import dev.weft.sync.WaitGroup;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Five classic concurrency bugs, each written twice: with the bug, where a search of the default
 * schedules ({@link WeftTest#DEFAULT_SCHEDULES} seeds) must find a failing schedule, print its
 * seed, and fail again identically (same failure, same step list) when that seed is replayed;
 * and fixed, where every default schedule passes (run by {@link WeftTest} itself).
 *
 * <p>Interleavings change only at safe points (weft calls): in each bug a weft call sits inside
 * the window (a channel send to a log, {@code Go.checkpoint()} where a real program would do
 * anything that lets another goroutine in), as it does in real code between a read and a write.
 */
@Timeout(120)
class ClassicBugsTest {

    /** Searches the default schedules for a failure, then replays its seed and compares. */
    private static Schedule assertFoundAndReplayed(String bug, Runnable buggy) {
        Optional<Schedule> found = Synctest.search(1, WeftTest.DEFAULT_SCHEDULES, buggy);
        assertThat(found).as(bug + " found within the default schedules").isPresent();
        Schedule s = found.get();
        System.out.println("weft: " + bug + " found: seed=" + s.seed() + ", " + s.steps() + " steps, failure: "
                + s.failureText().lines().findFirst().orElse(""));
        Schedule replay = Synctest.attempt(s.seed(), buggy);
        assertThat(replay.failed()).as("the replay of seed " + s.seed() + " fails too").isTrue();
        assertThat(replay.failureText()).isEqualTo(s.failureText());
        assertThat(replay.steps()).isEqualTo(s.steps());
        assertThat(replay.trace()).isEqualTo(s.trace());
        return s;
    }

    // --- Lost update: read-modify-write without the mutex -------------------------------------

    private static void lostUpdate(boolean fixed) {
        int[] counter = {0};
        Mutex mu = new Mutex();
        WaitGroup wg = new WaitGroup();
        for (int i = 0; i < 2; i++) {
            wg.add(1);
            Go.go(() -> {
                if (fixed) {
                    mu.lock();
                }
                int v = counter[0];
                Go.checkpoint(); // anything here may let the other goroutine in
                counter[0] = v + 1;
                if (fixed) {
                    mu.unlock();
                }
                wg.done();
            });
        }
        wg.await();
        if (counter[0] != 2) {
            throw new AssertionError("lost update: counter = " + counter[0] + ", want 2");
        }
    }

    @Test
    void lostUpdateIsFound() {
        Schedule s = assertFoundAndReplayed("lost update", () -> lostUpdate(false));
        assertThat(s.failureText()).contains("lost update: counter = 1");
    }

    @WeftTest
    void lostUpdateFixed() {
        lostUpdate(true);
    }

    // --- ABBA deadlock on two mutexes -----------------------------------------------------------

    private static void abba(boolean fixed) {
        Mutex a = new Mutex();
        Mutex b = new Mutex();
        WaitGroup wg = new WaitGroup();
        wg.add(2);
        Go.go(() -> {
            a.lock();
            b.lock();
            b.unlock();
            a.unlock();
            wg.done();
        });
        Go.go(() -> {
            Mutex first = fixed ? a : b; // the fix: one lock order everywhere
            Mutex second = fixed ? b : a;
            first.lock();
            second.lock();
            second.unlock();
            first.unlock();
            wg.done();
        });
        wg.await();
    }

    @Test
    void abbaDeadlockIsFound() {
        Schedule s = assertFoundAndReplayed("ABBA deadlock", () -> abba(false));
        assertThat(s.failureText()).contains("deadlock: all goroutines in bubble are blocked")
                .contains("[sync.Mutex.Lock]");
    }

    @WeftTest
    void abbaFixed() {
        abba(true);
    }

    // --- Order violation: a worker uses state before its initialisation is published ----------

    static final class Config {
        final String name;

        Config(String name) {
            this.name = name;
        }
    }

    private static void orderViolation(boolean fixed) {
        Config[] config = {null};
        Chan<String> log = Chan.make(16);
        WaitGroup wg = new WaitGroup();
        if (fixed) {
            config[0] = new Config("db"); // the fix: publish before starting the user
        }
        wg.add(1);
        Go.go(() -> {
            try {
                log.send("worker uses " + config[0].name);
            } finally {
                wg.done();
            }
        });
        log.send("worker started");
        if (!fixed) {
            config[0] = new Config("db");
        }
        wg.await();
    }

    @Test
    void orderViolationIsFound() {
        Schedule s = assertFoundAndReplayed("order violation", () -> orderViolation(false));
        assertThat(s.failure()).isInstanceOf(NullPointerException.class);
    }

    @WeftTest
    void orderViolationFixed() {
        orderViolation(true);
    }

    // --- Missed signal: a Cond waited on without a loop over its predicate --------------------

    private static void missedSignal(boolean fixed) {
        Mutex mu = new Mutex();
        Cond cond = new Cond(mu);
        boolean[] ready = {false};
        WaitGroup wg = new WaitGroup();
        wg.add(2);
        Go.go(() -> {
            mu.lock();
            if (fixed) {
                while (!ready[0]) { // the fix: wait in a loop on the predicate
                    cond.await();
                }
            } else {
                cond.await(); // assumes the signal is still to come
            }
            mu.unlock();
            wg.done();
        });
        Go.go(() -> {
            mu.lock();
            ready[0] = true;
            cond.signal();
            mu.unlock();
            wg.done();
        });
        wg.await();
    }

    @Test
    void missedSignalIsFound() {
        Schedule s = assertFoundAndReplayed("missed signal", () -> missedSignal(false));
        assertThat(s.failureText()).contains("deadlock").contains("[sync.Cond.Wait]");
    }

    @WeftTest
    void missedSignalFixed() {
        missedSignal(true);
    }

    // --- Check-then-act on a map: two goroutines both load a missing entry -------------------

    private static void checkThenAct(boolean fixed) {
        Map<String, String> cache = new ConcurrentHashMap<>();
        AtomicInteger loads = new AtomicInteger();
        Chan<String> audit = Chan.make(16);
        Mutex mu = new Mutex();
        WaitGroup wg = new WaitGroup();
        for (int i = 0; i < 2; i++) {
            wg.add(1);
            Go.go(() -> {
                if (fixed) {
                    mu.lock(); // the fix: check and act under one lock
                }
                if (!cache.containsKey("user:1")) {
                    audit.send("cache miss user:1");
                    loads.incrementAndGet();
                    cache.put("user:1", "alice");
                }
                if (fixed) {
                    mu.unlock();
                }
                wg.done();
            });
        }
        wg.await();
        if (loads.get() != 1) {
            throw new AssertionError("check-then-act: user:1 loaded " + loads.get() + " times, want 1");
        }
    }

    @Test
    void checkThenActIsFound() {
        Schedule s = assertFoundAndReplayed("check-then-act", () -> checkThenAct(false));
        assertThat(s.failureText()).contains("loaded 2 times");
    }

    @WeftTest
    void checkThenActFixed() {
        checkThenAct(true);
    }
}
