package dev.weft.workloads;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * The rows of {@code weft bench}: each one a workload of {@link Workloads} at a size drawn from
 * {@link Sizes}, with its command-line name, unit, processor count and what one run counts as
 * operations.
 *
 * <p>Every timed workload is reported per operation (ns per task, round trip, hop, message,
 * ...), not per run, so a peer that ran a capped size ({@link Sizes#cappedAt}) still compares
 * with the others; the mixed workload reports a latency percentile instead.
 */
public enum Workload {
    SPAWN("spawn", "ns/task", 0, s -> n(s.spawn()) + " tasks from a task", Sizes::spawn,
            (e, s) -> Workloads.spawn(e, s.spawn()).nanos()),
    SPAWN_PLATFORM("spawn-platform", "ns/task", 0, s -> n(s.spawn()) + " tasks from a platform thread", Sizes::spawn,
            (e, s) -> Workloads.spawnFromPlatformThread(e, s.spawn()).nanos()),
    SKYNET("skynet", "ns/leaf", 0, s -> n(s.skynetLeaves()) + " leaves, 10-ary", Sizes::skynetLeaves,
            (e, s) -> Workloads.skynet(e, s.skynetLeaves()).nanos()),
    PING_PONG_1("ping-pong-1", "ns/round trip", 1, s -> n(s.rounds()) + " round trips, procs 1", Sizes::rounds,
            (e, s) -> Workloads.pingPong(e, s.rounds()).nanos()),
    PING_PONG_2("ping-pong-2", "ns/round trip", 2, s -> n(s.rounds()) + " round trips, procs 2", Sizes::rounds,
            (e, s) -> Workloads.pingPong(e, s.rounds()).nanos()),
    PARK_PING_PONG("park-ping-pong", "ns/round trip", 1, s -> n(s.rounds()) + " round trips, park/unpark, procs 1",
            Sizes::rounds, (e, s) -> Workloads.parkPingPong(e, s.rounds()).nanos()),
    SYNCHRONOUS_QUEUE("sq-ping-pong", "ns/round trip", 1,
            s -> n(s.jdkRounds()) + " round trips, SynchronousQueue, procs 1", Sizes::jdkRounds,
            (e, s) -> Workloads.synchronousQueuePingPong(e, s.jdkRounds()).nanos()),
    TRANSFER_QUEUE("ltq-ping-pong", "ns/round trip", 1,
            s -> n(s.jdkRounds()) + " round trips, LinkedTransferQueue, procs 1", Sizes::jdkRounds,
            (e, s) -> Workloads.transferQueuePingPong(e, s.jdkRounds()).nanos()),
    EXCHANGER("exchanger-ping-pong", "ns/round trip", 1,
            s -> n(s.jdkRounds()) + " round trips, Exchanger, procs 1", Sizes::jdkRounds,
            (e, s) -> Workloads.exchangerPingPong(e, s.jdkRounds()).nanos()),
    RING("ring", "ns/hop", 0, s -> Workloads.RING + " tasks, " + n(s.hops()) + " hops", Sizes::hops,
            (e, s) -> Workloads.ring(e, s.hops()).nanos()),
    FAN_IN("fan-in", "ns/message", 0,
            s -> n(s.producers()) + " producers x " + Workloads.PER_PRODUCER + ", capacity "
                    + n(Workloads.FAN_IN_CAPACITY) + ", " + Workloads.CONSUMERS + " consumers",
            s -> (long) s.producers() * Workloads.PER_PRODUCER, (e, s) -> Workloads.fanIn(e, s.producers()).nanos()),
    FIB("fib", "ns/task", 0,
            s -> "fib(" + s.fib() + "), cutoff " + Workloads.FIB_CUTOFF + ", " + n(Workloads.fibTasks(s.fib())) + " tasks",
            s -> Workloads.fibTasks(s.fib()), (e, s) -> Workloads.fib(e, s.fib()).nanos()),
    SLEEPERS("sleepers", "ns/sleeper", 0, s -> n(s.sleepers()) + " x " + Workloads.SLEEP.toMillis() + " ms",
            Sizes::sleepers, (e, s) -> Workloads.sleepers(e, s.sleepers()).nanos()),
    YIELD_2("yield-2", "ns/yield", 0, s -> "2 tasks, " + n(Workloads.yieldsDone(2, s.yields())) + " yields",
            s -> Workloads.yieldsDone(2, s.yields()), (e, s) -> Workloads.yields(e, 2, s.yields()).nanos()),
    YIELD_1000("yield-1000", "ns/yield", 0,
            s -> "1,000 tasks, " + n(Workloads.yieldsDone(1000, s.yields())) + " yields",
            s -> Workloads.yieldsDone(1000, s.yields()), (e, s) -> Workloads.yields(e, 1000, s.yields()).nanos()),
    /** Not per operation: the run returns the p99 round-trip latency itself. */
    MIXED("mixed", "µs p99", 0,
            s -> mixedHogs() + " CPU hogs (priority 0), " + n(s.mixedRounds()) + " round trips (priority 31) 1 ms apart",
            s -> 1, (e, s) -> Workloads.mixed(e, s.mixedRounds(), mixedHogs(), mixedHogLimit(s.mixedRounds())).p99()) {
        @Override
        public double value(long nanos, Sizes s) {
            return nanos / 1e3;
        }
    };

    /** One run of a workload: checks its own result (throws if wrong) and returns the measured nanoseconds. */
    @FunctionalInterface
    private interface Body {
        long run(Engine e, Sizes s);
    }

    private final String id;
    private final String unit;
    private final int procs;
    private final Function<Sizes, String> size;
    private final ToLongFunction<Sizes> ops;
    private final Body body;

    Workload(String id, String unit, int procs, Function<Sizes, String> size, ToLongFunction<Sizes> ops, Body body) {
        this.id = id;
        this.unit = unit;
        this.procs = procs;
        this.size = size;
        this.ops = ops;
        this.body = body;
    }

    /** The command-line name: {@code spawn}, {@code ping-pong-1}, ... */
    public String id() {
        return id;
    }

    /** What the reported value counts: {@code ns/task}, {@code µs p99}, ... */
    public String unit() {
        return unit;
    }

    /** Logical processors (weft procs, GOMAXPROCS) the workload is defined for; 0: all the machine has. */
    public int procs() {
        return procs;
    }

    /** The processors this workload runs on here. */
    public int procsHere() {
        return procs > 0 ? procs : Runtime.getRuntime().availableProcessors();
    }

    /** The size of one run, for the table: "1,000,000 tasks from a task". */
    public String size(Sizes s) {
        return size.apply(s);
    }

    /** Runs the workload once on {@code e} and returns its reported value (see {@link #value}). */
    public double measure(Engine e, Sizes s) {
        return value(body.run(e, s), s);
    }

    /** The reported value of a run that measured {@code nanos}: nanoseconds per operation. */
    public double value(long nanos, Sizes s) {
        return (double) nanos / ops.applyAsLong(s);
    }

    /** CPU hogs in the mixed row: two per processor, so every processor has one waiting. */
    public static int mixedHogs() {
        return 2 * Runtime.getRuntime().availableProcessors();
    }

    /** How long the mixed row's hogs run at most: 2 ms per round plus 100 ms, twice what the rounds need. */
    public static Duration mixedHogLimit(int rounds) {
        return Duration.ofMillis(100L + 2L * rounds);
    }

    /** @throws IllegalArgumentException naming the known ids */
    public static Workload byId(String id) {
        for (Workload w : values()) {
            if (w.id.equals(id)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + id + "' (known: " + ids() + ")");
    }

    /** Every id, comma-separated, in table order. */
    public static String ids() {
        return Arrays.stream(values()).map(w -> w.id).collect(Collectors.joining(", "));
    }

    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
