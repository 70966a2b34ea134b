package dev.weft.cli.bench;

/**
 * How big each workload is. {@link #FULL} is the set, {@link #QUICK} a tenth of it or
 * so for a run under a minute; command-line options override single sizes (the tests run
 * tiny ones). Peers that give every task its own OS thread (platform threads, weft
 * ONE_TO_ONE) run them {@link #cappedAt capped}: the same workloads, capped where a million OS threads
 * (or ten million futex hand-offs) would exhaust the machine or the run's time (a platform
 * thread costs ~0.2 ms to start on this project's 2-core machines, a hand-off ~15 µs); the
 * table prints those sizes. A quick run caps lower, for the same reason.
 *
 * @param spawn        trivial tasks created and joined
 * @param skynetLeaves leaves of the 10-ary skynet tree (a power of 10)
 * @param rounds       ping-pong round trips
 * @param hops         hops of the token round the 503-task ring
 * @param producers    fan-in producers, 100 messages each
 * @param fib          n of fork-join fib(n), one task per call of n >= {@value #FIB_CUTOFF}
 * @param sleepers     tasks each sleeping {@value #SLEEP_MILLIS} ms once
 * @param yields       yields per run of the yield workloads, shared among their tasks
 * @param mixedRounds  timed high-priority round trips in the mixed latency workload
 */
record Sizes(int spawn, int skynetLeaves, int rounds, int hops, int producers, int fib, int sleepers,
             int yields, int mixedRounds) {

    static final int RING = 503;
    static final int PER_PRODUCER = 100;
    static final int FAN_IN_CAPACITY = 1024;
    static final int CONSUMERS = 4;
    static final int FIB_CUTOFF = 12;
    static final int SLEEP_MILLIS = 10;

    static final Sizes FULL = new Sizes(1_000_000, 1_000_000, 1_000_000, 10_000_000, 10_000, 32, 100_000,
            1_000_000, 200);
    static final Sizes QUICK = new Sizes(100_000, 100_000, 100_000, 300_000, 1_000, 27, 10_000, 100_000, 50);
    /** The most an OS-thread peer runs of each size in a full run, and in a quick one. */
    /** Beyond this fib's sum would still fit a long, but the run would take hours. */
    static final int MAX_FIB = 40;
    /** producers x 100 messages must fit an int. */
    static final int MAX_PRODUCERS = 1_000_000;

    static final Sizes OS_THREAD_CAPS = new Sizes(2_000, 1_000, 20_000, 20_000, 200, 22, 2_000, 20_000,
            Integer.MAX_VALUE);
    static final Sizes QUICK_OS_THREAD_CAPS = new Sizes(500, 100, 5_000, 5_000, 50, 20, 500, 5_000,
            Integer.MAX_VALUE);

    Sizes {
        if (spawn < 1 || skynetLeaves < 1 || rounds < 1 || hops < 1 || producers < 1 || sleepers < 1
                || yields < 1 || mixedRounds < 1) {
            throw new IllegalArgumentException("every size must be positive");
        }
        if (!isPowerOf10(skynetLeaves)) {
            throw new IllegalArgumentException("the skynet size must be a power of 10 (1, 10, 100, ...), not " + skynetLeaves);
        }
        if (fib < FIB_CUTOFF) {
            throw new IllegalArgumentException("fib n must be at least the cutoff " + FIB_CUTOFF + ", not " + fib);
        }
        if (fib > MAX_FIB) {
            throw new IllegalArgumentException("fib n must be at most " + MAX_FIB + " (fib(" + MAX_FIB + ") already forks "
                    + "over 500,000 tasks), not " + fib);
        }
        if (producers > MAX_PRODUCERS) {
            throw new IllegalArgumentException("fan-in producers must be at most " + MAX_PRODUCERS
                    + " (x 100 messages each), not " + producers);
        }
    }

    /** These sizes capped at {@code c}, for peers that run each task on its own OS thread. */
    Sizes cappedAt(Sizes c) {
        return new Sizes(Math.min(spawn, c.spawn), Math.min(skynetLeaves, c.skynetLeaves), Math.min(rounds, c.rounds),
                Math.min(hops, c.hops), Math.min(producers, c.producers), Math.min(fib, c.fib),
                Math.min(sleepers, c.sleepers), Math.min(yields, c.yields), mixedRounds);
    }

    static boolean isPowerOf10(int n) {
        if (n < 1) {
            return false;
        }
        while (n % 10 == 0) {
            n /= 10;
        }
        return n == 1;
    }
}
