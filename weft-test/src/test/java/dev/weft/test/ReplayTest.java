package dev.weft.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Go;
import dev.weft.chan.Chan;
import dev.weft.chan.Select;
import dev.weft.sync.Mutex;
import dev.weft.sync.WaitGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Seeded schedules: the same seed replays the same steps; different seeds explore. */
@Timeout(120)
class ReplayTest {

    /**
     * A workload with every kind of choice: goroutines picked from a run queue, safe points,
     * select over several ready channels, timers firing at the same instant, a contended mutex.
     * It records the order in which things happened, which the schedule alone decides.
     */
    private static Runnable workload(List<String> events) {
        return () -> {
            Chan<Integer> a = Chan.make(4);
            Chan<Integer> b = Chan.make(4);
            Mutex mu = new Mutex();
            WaitGroup wg = new WaitGroup();
            for (int g = 0; g < 4; g++) {
                int id = g;
                wg.add(1);
                Go.go(() -> {
                    for (int i = 0; i < 3; i++) {
                        mu.lock();
                        events.add("g" + id + " holds the mutex");
                        Go.checkpoint();
                        mu.unlock();
                        (id % 2 == 0 ? a : b).send(id * 10 + i);
                    }
                    Go.sleep(Duration.ofMillis(5)); // every sleeper wakes at the same instant
                    events.add("g" + id + " woke");
                    wg.done();
                });
            }
            for (int i = 0; i < 12; i++) {
                new Select().recv(a, v -> events.add("a:" + v)).recv(b, v -> events.add("b:" + v)).run();
            }
            wg.await();
        };
    }

    @Test
    void sameSeedSameStepsAndSameEvents() {
        for (long seed = 1; seed <= 50; seed++) {
            List<String> first = new ArrayList<>();
            List<String> second = new ArrayList<>();
            Schedule s1 = Synctest.attempt(seed, workload(first));
            Schedule s2 = Synctest.attempt(seed, workload(second));
            assertThat(s1.failed()).as("seed %d: %s", seed, s1.failure()).isFalse();
            assertThat(s2.trace()).as("seed %d: steps", seed).isEqualTo(s1.trace());
            assertThat(s2.steps()).isEqualTo(s1.steps()).isPositive();
            assertThat(second).as("seed %d: events", seed).isEqualTo(first);
        }
    }

    @Test
    void differentSeedsExploreDifferentSchedules() {
        Set<List<String>> orders = new HashSet<>();
        for (long seed = 1; seed <= 50; seed++) {
            List<String> events = new ArrayList<>();
            assertThat(Synctest.attempt(seed, workload(events)).failed()).isFalse();
            orders.add(events);
        }
        assertThat(orders).as("distinct event orders over 50 seeds").hasSizeGreaterThan(10);
    }

    @Test
    void selectOrderComesFromTheSeed() {
        List<Integer> first = new ArrayList<>();
        List<Integer> second = new ArrayList<>();
        for (List<Integer> picks : List.of(first, second)) {
            Synctest.run(7, () -> {
                Chan<Integer> x = Chan.make(100);
                Chan<Integer> y = Chan.make(100);
                for (int i = 0; i < 100; i++) {
                    x.send(0);
                    y.send(1);
                }
                for (int i = 0; i < 100; i++) {
                    picks.add(new Select().recv(x, v -> {}).recv(y, v -> {}).run());
                }
            });
        }
        assertThat(second).isEqualTo(first);
        assertThat(first).contains(0, 1); // both cases chosen: the order is still random
    }

    @Test
    void traceNamesTheSteps() {
        Schedule s = Synctest.attempt(3, () -> {
            Go.go(() -> {});
            Go.sleep(Duration.ofSeconds(2));
        });
        assertThat(s.failed()).isFalse();
        assertThat(s.trace()).anyMatch(l -> l.contains("run g1")).anyMatch(l -> l.contains("run g2"))
                .anyMatch(l -> l.contains("clock +2000000000ns -> 2000-01-01T00:00:02Z"));
        assertThat(s.trace().get(0)).startsWith("1: ");
    }

    @Test
    void searchRejectsAnEmptyRange() {
        assertThatThrownBy(() -> Synctest.search(1, 0, () -> {})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one schedule");
    }

    /** A range that ends at the largest seed: first + count overflows, and every seed must still run. */
    @Test
    void searchRunsEverySeedOfARangeEndingAtTheLargestSeed() {
        int[] attempts = {0};
        Optional<Schedule> found = Synctest.search(Long.MAX_VALUE - 1, 2, () -> {
            if (++attempts[0] == 2) { // the runner runs one bubble at a time: a plain counter will do
                throw new IllegalStateException("the second schedule fails");
            }
        });
        assertThat(attempts[0]).isEqualTo(2);
        assertThat(found).hasValueSatisfying(s -> assertThat(s.seed()).isEqualTo(Long.MAX_VALUE));
    }

    @Test
    void nestedBubblesAreIndependent() {
        Synctest.run(1, () -> {
            Go.sleep(Duration.ofSeconds(1));
            // A bubble run from inside another: its own clock, its own goroutines.
            Synctest.run(2, () -> {
                assertThat(dev.weft.time.Time.now()).isEqualTo(java.time.Instant.parse("2000-01-01T00:00:00Z"));
                Go.sleep(Duration.ofSeconds(5));
            });
            assertThat(dev.weft.time.Time.now()).isEqualTo(java.time.Instant.parse("2000-01-01T00:00:01Z"));
        });
    }

    // Stress: 500 goroutines sleeping, locking and sending in one bubble; the invariants hold
    // and a replay gives the same steps.
    @Test
    void manyGoroutinesReplayIdentically() {
        Runnable body = () -> {
            int n = 500;
            Chan<Integer> results = Chan.make(16);
            Mutex mu = new Mutex();
            int[] inside = {0};
            int[] maxInside = {0};
            for (int i = 0; i < n; i++) {
                int id = i;
                Go.go(() -> {
                    Go.sleep(Duration.ofMillis(id % 37));
                    mu.lock();
                    inside[0]++;
                    maxInside[0] = Math.max(maxInside[0], inside[0]);
                    Go.checkpoint();
                    inside[0]--;
                    mu.unlock();
                    results.send(id);
                });
            }
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sum += results.recv();
            }
            assertThat(sum).isEqualTo((long) n * (n - 1) / 2);
            assertThat(maxInside[0]).as("mutual exclusion").isEqualTo(1);
            assertThat(dev.weft.time.Time.now()).isEqualTo(java.time.Instant.parse("2000-01-01T00:00:00.036Z"));
        };
        for (long seed = 1; seed <= 5; seed++) {
            Schedule a = Synctest.attempt(seed, body);
            Schedule b = Synctest.attempt(seed, body);
            assertThat(a.failed()).as("seed %d: %s", seed, a.failure()).isFalse();
            assertThat(b.trace()).isEqualTo(a.trace());
            assertThat(a.steps()).isGreaterThan(2_000);
        }
    }
}
