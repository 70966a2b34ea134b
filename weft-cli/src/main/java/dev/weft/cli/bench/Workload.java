package dev.weft.cli.bench;

import java.util.Arrays;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * The catalogue of workloads: each one's command-line name, unit, processor count, size and
 * what one run counts as operations. What each does is in {@link Workloads}.
 *
 * <p>Every timed workload is reported per operation (ns per task, round trip, hop, message,
 * ...), not per run, so a peer that ran a capped size ({@link Sizes#cappedAt}) still
 * compares with the others; the mixed workload reports a latency percentile instead.
 */
enum Workload {
    SPAWN("spawn", "ns/task", 0, s -> n(s.spawn()) + " tasks", Sizes::spawn,
            (e, s) -> Workloads.spawn(e, s.spawn())),
    SKYNET("skynet", "ns/leaf", 0, s -> n(s.skynetLeaves()) + " leaves, 10-ary", Sizes::skynetLeaves,
            (e, s) -> Workloads.skynet(e, s.skynetLeaves())),
    PING_PONG_1("ping-pong-1", "ns/round trip", 1, s -> n(s.rounds()) + " round trips, procs 1", Sizes::rounds,
            (e, s) -> Workloads.pingPong(e, s.rounds())),
    PING_PONG_2("ping-pong-2", "ns/round trip", 2, s -> n(s.rounds()) + " round trips, procs 2", Sizes::rounds,
            (e, s) -> Workloads.pingPong(e, s.rounds())),
    RING("ring", "ns/hop", 0, s -> Sizes.RING + " tasks, " + n(s.hops()) + " hops", Sizes::hops,
            (e, s) -> Workloads.ring(e, s.hops())),
    FAN_IN("fan-in", "ns/message", 0,
            s -> n(s.producers()) + " producers x " + Sizes.PER_PRODUCER + ", capacity " + n(Sizes.FAN_IN_CAPACITY)
                    + ", " + Sizes.CONSUMERS + " consumers",
            s -> (long) s.producers() * Sizes.PER_PRODUCER, (e, s) -> Workloads.fanIn(e, s.producers())),
    FIB("fib", "ns/task", 0,
            s -> "fib(" + s.fib() + "), cutoff " + Sizes.FIB_CUTOFF + ", " + n(Workloads.fibTasks(s.fib())) + " tasks",
            s -> Workloads.fibTasks(s.fib()), (e, s) -> Workloads.fib(e, s.fib())),
    SLEEPERS("sleepers", "ns/sleeper", 0, s -> n(s.sleepers()) + " x " + Sizes.SLEEP_MILLIS + " ms", Sizes::sleepers,
            (e, s) -> Workloads.sleepers(e, s.sleepers())),
    YIELD_2("yield-2", "ns/yield", 0, s -> "2 tasks, " + n(Workloads.yieldsDone(2, s.yields())) + " yields",
            s -> Workloads.yieldsDone(2, s.yields()), (e, s) -> Workloads.yields(e, 2, s.yields())),
    YIELD_1000("yield-1000", "ns/yield", 0,
            s -> "1,000 tasks, " + n(Workloads.yieldsDone(1000, s.yields())) + " yields",
            s -> Workloads.yieldsDone(1000, s.yields()), (e, s) -> Workloads.yields(e, 1000, s.yields())),
    /** Not per operation: the run returns the p99 round-trip latency itself. */
    MIXED("mixed", "µs p99", 0,
            s -> Workloads.hogs() + " CPU hogs (priority 0), " + n(s.mixedRounds())
                    + " round trips (priority 31) 1 ms apart",
            s -> 1, (e, s) -> Workloads.mixed(e, s.mixedRounds())) {
        @Override
        double value(long nanos, Sizes s) {
            return nanos / 1e3;
        }
    };

    /** One run of a workload: checks its own result (throws if wrong) and returns the measured nanoseconds. */
    @FunctionalInterface
    interface Body {
        long run(Engine e, Sizes s);
    }

    final String id;
    final String unit;
    /** Logical processors (weft procs, GOMAXPROCS) the workload is defined for; 0: all the machine has. */
    final int procs;
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

    /** The size of one run, for the table: "1,000,000 tasks". */
    String size(Sizes s) {
        return size.apply(s);
    }

    /** Runs the workload once on {@code e} and returns its reported value (see {@link #value}). */
    double measure(Engine e, Sizes s) {
        return value(body.run(e, s), s);
    }

    /** The reported value of a run that took {@code nanos}: nanoseconds per operation. */
    double value(long nanos, Sizes s) {
        return (double) nanos / ops.applyAsLong(s);
    }

    /** The processors this workload runs on here. */
    int procsHere() {
        return procs > 0 ? procs : Runtime.getRuntime().availableProcessors();
    }

    static Workload byId(String id) {
        for (Workload w : values()) {
            if (w.id.equals(id)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + id + "' (known: " + ids() + ")");
    }

    static String ids() {
        return Arrays.stream(values()).map(w -> w.id).collect(Collectors.joining(", "));
    }

    private static String n(long v) {
        return String.format("%,d", v);
    }
}
