package dev.weft.internal.sched;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Conditions;
import dev.weft.internal.util.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Part of the hostile tier ({@code dev.weft.hostile}): errors thrown into the runtime's own
 * threads. The clock is the injection point: sysmon, the carriers' loops and timer delivery all
 * read it, so a clock that throws on a chosen thread throws there, at a real call site.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultInjectionTest {

    /** An OutOfMemoryError whose message itself fails: an error thrown while handling an error. */
    static final class NastyError extends OutOfMemoryError {
        @Override
        public String getMessage() {
            throw new OutOfMemoryError("while formatting");
        }
    }

    /** A real clock that throws {@code times} times on threads whose name contains {@code where}. */
    static Clock throwingOn(String where, int times) {
        AtomicInteger left = new AtomicInteger(times);
        return () -> {
            if (Thread.currentThread().getName().contains(where) && left.getAndDecrement() > 0) {
                throw new NastyError();
            }
            return System.nanoTime();
        };
    }

    static Sched runtime(Clock clock, int procs) {
        SchedConfig d = SchedConfig.defaults("fault", (g, t) -> {});
        return new Sched(new SchedConfig(d.name(), procs, 64, d.uncaughtHandler(), clock, d.timesliceNanos(),
                d.detectDeadlocks(), false, Model.M_N, d.starvationBoostNanos()));
    }

    /**
     * A failure that repeats for ever (here a clock that always throws on sysmon; in the wild, a
     * class whose loader was closed) is logged at its 1st, 2nd, 4th, 8th... occurrence, not every
     * round, and sysmon keeps going.
     */
    @Test
    void aRepeatingSysmonFailureIsLoggedAtPowersOfTwo() throws Exception {
        Sched s = runtime(throwingOn("fault-sysmon", Integer.MAX_VALUE), 1);
        try {
            Conditions.awaitTrue(() -> s.sysmon.failures >= 20);
        } finally {
            s.close();
            s.sysmon.join(30_000); // every failure counted before the counts are read
        }
        assertThat(s.sysmon.isAlive()).isFalse();
        long failures = s.sysmon.failures;
        int powersOfTwo = 64 - Long.numberOfLeadingZeros(failures); // 1, 2, 4, ... up to failures
        assertThat(s.sysmon.failuresReported).as("warnings for %d failures", failures).isEqualTo(powersOfTwo);
    }

    /** Guards against: sysmon dying on a transient OutOfMemoryError (issue 12, defect 2). */
    @Test
    void sysmonSurvivesErrorsAndStillWakesSleepers() throws Exception {
        Sched s = runtime(throwingOn("sysmon", 50), 1);
        try {
            Conditions.awaitTrue(() -> s.sysmon.failures >= 1);
            // An idle runtime: only sysmon can notice the sleep's timer and wake an M for it.
            CountDownLatch woke = new CountDownLatch(1);
            s.go(() -> {
                Sched.sleep(20_000_000);
                woke.countDown();
            }, true);
            assertThat(woke.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(s.sysmon.isAlive()).isTrue();
        } finally {
            s.close();
        }
    }

    /** Guards against: a carrier's scheduling loop dying on an error and taking its P with it. */
    @Test
    void aCarrierSurvivesErrorsInItsSchedulingLoop() throws Exception {
        Sched s = runtime(throwingOn("-M", 5), 1);
        try {
            AtomicInteger done = new AtomicInteger();
            for (int i = 0; i < 20; i++) {
                // Each sleep arms a timer, so the carrier reads the clock in its loop.
                s.go(() -> {
                    Sched.sleep(1_000_000);
                    done.incrementAndGet();
                }, true);
            }
            Conditions.awaitTrue(() -> done.get() == 20);
            long failures = 0;
            s.lock.lock();
            try {
                for (M m : s.idle.allMs()) {
                    failures += m.failures;
                }
            } finally {
                s.lock.unlock();
            }
            assertThat(failures).as("errors the carriers caught and survived").isPositive();
            assertThat(s.liveGoroutines()).isZero();
        } finally {
            s.close();
        }
    }

    /** Guards against: a throwing uncaught-exception handler taking the runtime down. */
    @Test
    void aThrowingUncaughtExceptionHandlerIsSurvived() throws Exception {
        SchedConfig d = SchedConfig.defaults("handler", (g, t) -> {
            throw new NastyError();
        });
        Sched s = new Sched(d);
        try {
            CountDownLatch after = new CountDownLatch(1);
            s.go(() -> {
                throw new IllegalStateException("boom");
            }, true).thread().join();
            s.go(after::countDown, true);
            assertThat(after.await(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            s.close();
        }
    }
}
