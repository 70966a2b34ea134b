package dev.weft.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every workload on every in-JVM peer at tiny sizes: each run checks its own result (sums,
 * counts, the ring's finisher) and throws if it is wrong, so a broken peer or a broken weft
 * fails here rather than producing a fast wrong number. And the checks do catch a broken
 * engine.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WorkloadsTest {
    static final Sizes TINY = new Sizes(200, 100, 200, 1_000, 20, 14, 50, 200, 5);

    static Stream<Arguments> applicablePairs() {
        return Arrays.stream(Workload.values()).flatMap(w -> Arrays.stream(JvmPeer.values())
                .filter(p -> p.applies(w)).map(p -> Arguments.of(w, p)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("applicablePairs")
    void everyWorkloadRunsAndChecksItselfOnEveryPeer(Workload w, JvmPeer p) {
        double v = p.measure(w, TINY);
        assertThat(v).isPositive().isFinite();
    }

    @Test
    void n1RunsEveryWorkloadButThoseDefinedForMoreThanOneProcessor() {
        assertThat(Arrays.stream(Workload.values()).filter(w -> !JvmPeer.WEFT_N1.applies(w)))
                .containsExactly(Workload.PING_PONG_2);
        assertThat(Arrays.stream(JvmPeer.values()).filter(p -> p != JvmPeer.WEFT_N1))
                .allMatch(p -> p.applies(Workload.PING_PONG_2));
    }

    @ParameterizedTest
    @EnumSource(names = {"SKYNET", "PING_PONG_1", "PING_PONG_2", "FAN_IN", "FIB"})
    void anEngineThatCorruptsValuesFailsTheSelfCheck(Workload w) {
        try (Engine broken = new OffByOne(JdkEngine.virtualThreads())) {
            assertThatThrownBy(() -> w.measure(broken, TINY))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("self-check failed");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"SPAWN", "SLEEPERS", "YIELD_2", "YIELD_1000"})
    void anEngineThatRunsTasksTwiceFailsTheSelfCheck(Workload w) {
        try (Engine broken = new Doubling(JdkEngine.virtualThreads())) {
            assertThatThrownBy(() -> w.measure(broken, TINY))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("self-check failed");
        }
    }

    @Test
    void anEngineThatDoesNotSleepFailsTheSleepersCheck() {
        try (Engine broken = new Insomniac(JdkEngine.virtualThreads())) {
            assertThatThrownBy(() -> Workload.SLEEPERS.measure(broken, TINY))
                    .hasMessageContaining("sleepers woken early");
        }
    }

    @Test
    void theOperationCountsAreWhatTheWorkloadsDo() {
        AtomicLong forks = new AtomicLong();
        AtomicLong yields = new AtomicLong();
        try (Engine counting = new Counting(JdkEngine.virtualThreads(), forks, yields)) {
            Workloads.fib(counting, 16);
            Workloads.yields(counting, 7, 100);
        }
        assertThat(forks.get()).isEqualTo(Workloads.fibTasks(16));
        assertThat(yields.get()).isEqualTo(Workloads.yieldsDone(7, 100)).isEqualTo(7 * 14);
        assertThat(Workloads.fibTasks(11)).isZero();
        assertThat(Workloads.fibTasks(12)).isEqualTo(1);
        assertThat(Workloads.fibTasks(14)).isEqualTo(4);
        // tasks(n) = 1 + tasks(n-1) + tasks(n-2) from tasks(12) = 1: Fibonacci(n - 9) - 1.
        assertThat(Workloads.fibTasks(32)).isEqualTo(28_657 - 1);
    }

    @Test
    void osThreadPeersRunCappedSizesAndOthersTheFullOnes() {
        Sizes os = Sizes.FULL.cappedAt(Sizes.OS_THREAD_CAPS);
        assertThat(os.spawn()).isLessThan(Sizes.FULL.spawn());
        assertThat(os.skynetLeaves()).isLessThan(Sizes.FULL.skynetLeaves());
        assertThat(Sizes.isPowerOf10(os.skynetLeaves())).isTrue();
        assertThat(os.mixedRounds()).isEqualTo(Sizes.FULL.mixedRounds());
        Sizes quick = Sizes.QUICK.cappedAt(Sizes.QUICK_OS_THREAD_CAPS);
        assertThat(quick.spawn()).isLessThan(os.spawn());
        assertThat(Sizes.isPowerOf10(quick.skynetLeaves())).isTrue();
        assertThat(TINY.cappedAt(Sizes.OS_THREAD_CAPS)).isEqualTo(TINY);
        assertThat(JvmPeer.PLATFORM.osThreads()).isTrue();
        assertThat(JvmPeer.WEFT_1TO1.osThreads()).isTrue();
        assertThat(JvmPeer.WEFT.osThreads()).isFalse();
        assertThat(JvmPeer.VTHREAD.osThreads()).isFalse();
    }

    @Test
    void badSizesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new Sizes(200, 150, 200, 1_000, 20, 14, 50, 200, 5))
                .hasMessageContaining("power of 10");
        assertThatThrownBy(() -> new Sizes(200, 100, 200, 1_000, 20, 11, 50, 200, 5))
                .hasMessageContaining("cutoff 12");
        assertThatThrownBy(() -> new Sizes(0, 100, 200, 1_000, 20, 14, 50, 200, 5))
                .hasMessageContaining("positive");
    }

    /** An engine that runs every task's body twice. */
    private static final class Doubling extends Delegating {
        Doubling(Engine e) {
            super(e);
        }

        @Override
        public Task start(Runnable body) {
            return super.start(() -> {
                body.run();
                body.run();
            });
        }
    }

    /** An engine whose sleep returns at once. */
    private static final class Insomniac extends Delegating {
        Insomniac(Engine e) {
            super(e);
        }

        @Override
        public void sleep(Duration d) {}
    }

    /** An engine whose pipes and forks deliver every number one too high. */
    private static final class OffByOne extends Delegating {
        OffByOne(Engine e) {
            super(e);
        }

        @Override
        public <T> Forked<T> fork(Supplier<T> body) {
            Forked<T> f = super.fork(body);
            return () -> {
                T v = f.join();
                @SuppressWarnings("unchecked")
                T wrong = v instanceof Long l ? (T) Long.valueOf(l + 1) : v;
                return wrong;
            };
        }

        @Override
        public Pipe unbuffered() {
            return skew(super.unbuffered());
        }

        @Override
        public Pipe buffered(int capacity) {
            return skew(super.buffered(capacity));
        }

        private static Pipe skew(Pipe p) {
            return new Pipe() {
                @Override
                public void put(Object v) {
                    p.put(v);
                }

                @Override
                public Object take() {
                    Object v = p.take();
                    return v instanceof Integer i ? Integer.valueOf(i + 1) : v instanceof Long l ? Long.valueOf(l + 1) : v;
                }

                @Override
                public void closeFor(int consumers) {
                    p.closeFor(consumers);
                }
            };
        }
    }

    /** Counts the forks and yields a workload does. */
    private static final class Counting extends Delegating {
        private final AtomicLong forks;
        private final AtomicLong yields;

        Counting(Engine e, AtomicLong forks, AtomicLong yields) {
            super(e);
            this.forks = forks;
            this.yields = yields;
        }

        @Override
        public <T> Forked<T> fork(Supplier<T> body) {
            forks.incrementAndGet();
            return super.fork(body);
        }

        @Override
        public void yieldNow() {
            yields.incrementAndGet();
            super.yieldNow();
        }
    }

    private abstract static class Delegating implements Engine {
        private final Engine e;

        Delegating(Engine e) {
            this.e = e;
        }

        @Override
        public void run(Runnable main) {
            e.run(main);
        }

        @Override
        public Task start(Runnable body) {
            return e.start(body);
        }

        @Override
        public <T> Forked<T> fork(Supplier<T> body) {
            return e.fork(body);
        }

        @Override
        public Pipe unbuffered() {
            return e.unbuffered();
        }

        @Override
        public Pipe buffered(int capacity) {
            return e.buffered(capacity);
        }

        @Override
        public void yieldNow() {
            e.yieldNow();
        }

        @Override
        public void sleep(Duration d) {
            e.sleep(d);
        }

        @Override
        public void safePoint() {
            e.safePoint();
        }

        @Override
        public void close() {
            e.close();
        }
    }
}
