package dev.weft.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.Go;
import dev.weft.chan.Chan;
import dev.weft.sync.Mutex;
import dev.weft.sync.WaitGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The cost of a schedule: a small test (two goroutines, a mutex, a channel, a WaitGroup) run
 * under 2,000 seeds, the rate printed (BENCHMARKS: schedules per second). Asserts only that
 * every schedule passed and took steps: timings are reported, never asserted.
 */
@Timeout(300)
class ScheduleRateTest {
    static void small() {
        Mutex mu = new Mutex();
        Chan<Integer> c = Chan.make(2);
        WaitGroup wg = new WaitGroup();
        int[] n = {0};
        for (int i = 0; i < 2; i++) {
            wg.add(1);
            Go.go(() -> {
                mu.lock();
                n[0]++;
                mu.unlock();
                c.send(1);
                wg.done();
            });
        }
        c.recv();
        c.recv();
        wg.await();
        if (n[0] != 2) {
            throw new AssertionError("n = " + n[0]);
        }
    }

    @Test
    void schedulesPerSecond() {
        int warmup = 500;
        int measured = 2_000;
        long steps = 0;
        for (int seed = 1; seed <= warmup; seed++) {
            assertThat(Synctest.attempt(-seed, ScheduleRateTest::small).failed()).isFalse();
        }
        long t0 = System.nanoTime();
        for (int seed = 1; seed <= measured; seed++) {
            Schedule s = Synctest.attempt(seed, ScheduleRateTest::small);
            assertThat(s.failed()).as("seed %d: %s", seed, s.failure()).isFalse();
            steps += s.steps();
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        assertThat(steps).isGreaterThan(measured);
        System.out.printf("weft: %d schedules of a small test in %.2f s: %.0f schedules/s, %.1f steps each%n",
                measured, secs, measured / secs, (double) steps / measured);
    }
}
