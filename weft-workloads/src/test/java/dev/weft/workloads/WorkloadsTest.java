package dev.weft.workloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.Weft;
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
 * Every workload of the catalogue on every in-JVM peer at tiny sizes: each run checks its own
 * result (sums, counts, the ring's finisher) and throws if it is wrong, so a broken peer or a
 * broken weft fails here rather than producing a fast wrong number. And the checks do catch a
 * broken engine.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkloadsTest {
    /** Small enough for every peer, platform threads included, to run in well under a second each. */
    static final Sizes TINY = Sizes.QUICK.toBuilder().spawn(200).skynetLeaves(100).rounds(200).jdkRounds(200)
            .hops(1_000).producers(20).fib(14).sleepers(50).yields(200).mixedRounds(5).build();

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

    @ParameterizedTest(name = "{0}")
    @EnumSource(JvmPeer.class)
    void theResultsAreTheExpectedValuesOnEveryPeer(JvmPeer p) {
        try (Engine e = p.engine(2)) {
            assertThat(Workloads.spawn(e, 1000).result()).isEqualTo("sum 499500");
            assertThat(Workloads.spawnFromPlatformThread(e, 1000).result()).isEqualTo("sum 499500");
            assertThat(Workloads.skynet(e, 1).result()).isEqualTo("sum 0");
            assertThat(Workloads.skynet(e, 10).result()).isEqualTo("sum 45");
            assertThat(Workloads.skynet(e, 1000).result()).isEqualTo("sum 499500");
            assertThat(Workloads.fib(e, 15).result()).isEqualTo("fib = 610");
            assertThat(Workloads.ring(e, 1006).result()).isEqualTo("finisher 0");
            assertThat(Workloads.ring(e, 1000).result()).isEqualTo("finisher 497");
            assertThat(Workloads.fanIn(e, 3).result()).isEqualTo("300 messages, sum 44850");
            assertThat(Workloads.pingPong(e, 300).result()).isEqualTo("300 round trips");
            assertThat(Workloads.synchronousQueuePingPong(e, 300).result()).isEqualTo("300 round trips");
            assertThat(Workloads.transferQueuePingPong(e, 300).result()).isEqualTo("300 round trips");
            assertThat(Workloads.exchangerPingPong(e, 300).result()).isEqualTo("300 round trips");
            assertThat(Workloads.parkPingPong(e, 300).result()).isEqualTo("300 round trips");
            assertThat(Workloads.yields(e, 3, 10).result()).isEqualTo("9 yields");
            assertThat(Workloads.cpuWork(e, 3, 10).result()).isEqualTo("10 loops on 3 tasks");
            assertThat(Workloads.sleepers(e, 20).result()).startsWith("lateness p50 ");
        }
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
                    .isInstanceOf(SelfCheckFailedException.class)
                    .hasMessageContaining("self-check failed");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"SPAWN", "SPAWN_PLATFORM", "SLEEPERS", "YIELD_2", "YIELD_1000"})
    void anEngineThatRunsTasksTwiceFailsTheSelfCheck(Workload w) {
        try (Engine broken = new Doubling(JdkEngine.virtualThreads())) {
            assertThatThrownBy(() -> w.measure(broken, TINY))
                    .isInstanceOf(SelfCheckFailedException.class)
                    .hasMessageContaining("self-check failed");
        }
    }

    @Test
    void cpuWorkCountsTheLoopsItsTasksDid() {
        try (Engine broken = new Doubling(JdkEngine.virtualThreads())) {
            assertThatThrownBy(() -> Workloads.cpuWork(broken, 2, 10)).hasMessageContaining("cpu work loops = 20");
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
    void theMixedWorkloadRecordsEveryRoundAndEndsItsHogs() {
        try (Engine e = JvmPeer.WEFT_PRIORITY.engine(2)) {
            Latency l = Workloads.mixed(e, 5, 2, Duration.ofMillis(200));
            assertThat(l.p50()).isLessThanOrEqualTo(l.p99()).isLessThanOrEqualTo(l.max());
            // Five rounds each sleep 1 ms first: all of them take at least that.
            assertThat(l.totalNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(5).toNanos());
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(JvmPeer.class)
    void aTaskThatThrowsFailsTheRunWithItsException(JvmPeer p) {
        try (Engine e = p.engine(1)) {
            assertThatThrownBy(() -> e.run(() -> e.start(() -> {
                throw new ArithmeticException("boom");
            }).join())).isInstanceOf(IllegalStateException.class).hasRootCauseInstanceOf(ArithmeticException.class);
        }
        try (Engine e = p.engine(1)) {
            assertThatThrownBy(() -> e.runOnPlatformThread(() -> e.start(() -> {
                throw new ArithmeticException("boom");
            }).join())).isInstanceOf(IllegalStateException.class).hasRootCauseInstanceOf(ArithmeticException.class);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(JvmPeer.class)
    void runOnPlatformThreadRunsItsMainOnTheCallerAndRefusesATask(JvmPeer p) {
        Thread caller = Thread.currentThread();
        Thread[] ranOn = new Thread[1];
        try (Engine e = p.engine(1)) {
            e.runOnPlatformThread(() -> ranOn[0] = Thread.currentThread());
            assertThat(ranOn[0]).isSameAs(caller);
            if (p != JvmPeer.PLATFORM) {
                // A goroutine (even a kernel thread under 1:1) or a virtual thread is no outsider.
                assertThatThrownBy(() -> e.run(() -> e.runOnPlatformThread(() -> {})))
                        .hasStackTraceContaining("runOnPlatformThread called from a");
            }
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
        assertThat(os.jdkRounds()).isLessThan(Sizes.FULL.jdkRounds());
        assertThat(os.mixedRounds()).isEqualTo(Sizes.FULL.mixedRounds());
        Sizes quick = Sizes.QUICK.cappedAt(Sizes.QUICK_OS_THREAD_CAPS);
        assertThat(quick.spawn()).isLessThan(os.spawn());
        assertThat(TINY.cappedAt(Sizes.OS_THREAD_CAPS)).isEqualTo(TINY);
        assertThat(JvmPeer.PLATFORM.osThreads()).isTrue();
        assertThat(JvmPeer.WEFT_1TO1.osThreads()).isTrue();
        assertThat(JvmPeer.WEFT.osThreads()).isFalse();
        assertThat(JvmPeer.VTHREAD.osThreads()).isFalse();
    }

    @Test
    void quickSizesAreSmallerThanFullOnesEverywhere() {
        int[] quick = fields(Sizes.QUICK);
        int[] full = fields(Sizes.FULL);
        for (int i = 0; i < quick.length; i++) {
            assertThat(quick[i]).as("size %d of %s", i, Sizes.QUICK).isLessThan(full[i]);
        }
        assertThat(Sizes.FULL.spawn()).isEqualTo(1_000_000);
    }

    private static int[] fields(Sizes s) {
        return new int[] {s.spawn(), s.skynetLeaves(), s.rounds(), s.jdkRounds(), s.hops(), s.producers(), s.fib(),
            s.sleepers(), s.yields(), s.mixedRounds()};
    }

    @Test
    void badSizesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> TINY.toBuilder().skynetLeaves(150).build()).hasMessageContaining("power of 10 (1, 10, 100, ...), not 150");
        assertThatThrownBy(() -> TINY.toBuilder().skynetLeaves(0).build()).hasMessage("skynetLeaves must be positive, not 0");
        assertThatThrownBy(() -> TINY.toBuilder().fib(11).build()).hasMessageContaining("cutoff 12");
        assertThatThrownBy(() -> TINY.toBuilder().fib(41).build()).hasMessageContaining("at most 40");
        assertThatThrownBy(() -> TINY.toBuilder().spawn(0).build()).hasMessage("spawn must be positive, not 0");
        assertThatThrownBy(() -> TINY.toBuilder().jdkRounds(-1).build()).hasMessage("jdkRounds must be positive, not -1");
        assertThatThrownBy(() -> TINY.toBuilder().producers(Sizes.MAX_PRODUCERS + 1).build())
                .hasMessageContaining("at most 1000000");
        assertThat(TINY.toBuilder().skynetLeaves(1).build().skynetLeaves()).isEqualTo(1);
        assertThat(TINY.toBuilder().skynetLeaves(1_000_000_000).build().skynetLeaves()).isEqualTo(1_000_000_000);
        assertThatThrownBy(() -> TINY.toBuilder().skynetLeaves(110).build()).hasMessageContaining("power of 10");
    }

    @Test
    void theBuilderChangesOnlyWhatItIsTold() {
        Sizes s = Sizes.FULL.toBuilder().jdkRounds(7).build();
        assertThat(s).isEqualTo(new Sizes(1_000_000, 1_000_000, 1_000_000, 7, 10_000_000, 10_000, 32, 100_000,
                1_000_000, 200));
    }

    @Test
    void workloadsAndPeersAreFoundByIdOrRefusedNamingTheKnownOnes() {
        assertThat(Workload.byId("exchanger-ping-pong")).isEqualTo(Workload.EXCHANGER);
        assertThat(JvmPeer.byId("weft-n1")).isEqualTo(JvmPeer.WEFT_N1);
        assertThatThrownBy(() -> Workload.byId("nope")).hasMessageContaining("unknown workload 'nope' (known: spawn,");
        assertThatThrownBy(() -> JvmPeer.byId("java")).hasMessageContaining("unknown peer 'java' (known: weft,");
    }

    @Test
    void theWeftEngineStartsEveryTaskOnItsOwnRuntimeFromInsideAndFromOutside() {
        try (WeftEngine e = new WeftEngine(Weft.builder().procs(3).name("engine-test"))) {
            Workloads.spawn(e, 10);
            assertThat(e.runtime().procs()).isEqualTo(3);
            assertThat(e.runtime().stats().created()).isEqualTo(11); // main and ten
            // From a platform thread, Go.go would start on the JVM's default runtime instead.
            e.runOnPlatformThread(() -> {
                e.start(() -> {}).join();
                e.start(Workloads.HOG_PRIORITY, () -> {}).join();
            });
            assertThat(e.runtime().stats().created()).isEqualTo(13);
        }
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
        public void runOnPlatformThread(Runnable main) {
            e.runOnPlatformThread(main);
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
