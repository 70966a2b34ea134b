package dev.weft.workloads;

/**
 * How big each workload of {@code weft bench} is. {@link #FULL} is the issues' set, {@link #QUICK}
 * a tenth of it or so for a run of about a minute; {@link #toBuilder} overrides single sizes
 * (the command line's options, the tests' tiny sizes). Every instance is valid: the constructor
 * refuses what a workload cannot run, with the reason.
 *
 * <p>Peers that give every task its own OS thread (platform threads, weft ONE_TO_ONE) run the
 * sizes {@link #cappedAt capped}: the same workloads, capped where a million OS threads (or ten
 * million futex hand-offs) would exhaust the machine or the run's time (a platform thread costs
 * ~0.2 ms to start on this project's 2-core machines, a hand-off ~15 µs); the bench's table
 * prints those sizes. A quick run caps lower, for the same reason.
 *
 * @param spawn        trivial tasks created and joined (from a task, and from a platform thread)
 * @param skynetLeaves leaves of the 10-ary skynet tree (a power of 10)
 * @param rounds       round trips of the ping-pongs over pipes and over park/unpark
 * @param jdkRounds    round trips of the ping-pongs through JDK classes (SynchronousQueue,
 *                     LinkedTransferQueue, Exchanger), fewer: on a carrier that is not a
 *                     ForkJoinWorkerThread those spin before each park, tens of µs per round
 *                     trip at one processor
 * @param hops         hops of the token round the 503-task ring
 * @param producers    fan-in producers, 100 messages each
 * @param fib          n of fork-join fib(n), one task per call of n >= the cutoff (12)
 * @param sleepers     tasks each sleeping 10 ms once
 * @param yields       yields per run of the yield workloads, shared among their tasks
 * @param mixedRounds  timed high-priority round trips in the mixed latency workload
 */
public record Sizes(int spawn, int skynetLeaves, int rounds, int jdkRounds, int hops, int producers, int fib,
                    int sleepers, int yields, int mixedRounds) {

    /** Beyond this fib's sum would still fit a long, but the run would take hours. */
    public static final int MAX_FIB = 40;
    /** producers x 100 messages must fit an int. */
    public static final int MAX_PRODUCERS = 1_000_000;

    public static final Sizes FULL = new Sizes(1_000_000, 1_000_000, 1_000_000, 50_000, 10_000_000, 10_000, 32,
            100_000, 1_000_000, 200);
    public static final Sizes QUICK = new Sizes(100_000, 100_000, 100_000, 5_000, 300_000, 1_000, 27, 10_000,
            100_000, 50);
    /** The most an OS-thread peer runs of each size in a full run. */
    public static final Sizes OS_THREAD_CAPS = new Sizes(2_000, 1_000, 20_000, 20_000, 20_000, 200, 22, 2_000,
            20_000, Integer.MAX_VALUE);
    /** The most an OS-thread peer runs of each size in a quick run. */
    public static final Sizes QUICK_OS_THREAD_CAPS = new Sizes(500, 100, 5_000, 5_000, 5_000, 50, 20, 500, 5_000,
            Integer.MAX_VALUE);

    public Sizes {
        positive("spawn", spawn);
        positive("skynetLeaves", skynetLeaves);
        positive("rounds", rounds);
        positive("jdkRounds", jdkRounds);
        positive("hops", hops);
        positive("producers", producers);
        positive("sleepers", sleepers);
        positive("yields", yields);
        positive("mixedRounds", mixedRounds);
        Workloads.checkSkynetLeaves(skynetLeaves);
        if (fib < Workloads.FIB_CUTOFF) {
            throw new IllegalArgumentException("fib n must be at least the cutoff " + Workloads.FIB_CUTOFF + ", not " + fib);
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

    private static void positive(String size, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(size + " must be positive, not " + value);
        }
    }

    /** These sizes capped at {@code c}, for peers that run each task on its own OS thread. */
    public Sizes cappedAt(Sizes c) {
        return new Sizes(Math.min(spawn, c.spawn), Math.min(skynetLeaves, c.skynetLeaves), Math.min(rounds, c.rounds),
                Math.min(jdkRounds, c.jdkRounds), Math.min(hops, c.hops), Math.min(producers, c.producers),
                Math.min(fib, c.fib), Math.min(sleepers, c.sleepers), Math.min(yields, c.yields), mixedRounds);
    }

    /** A builder that starts from these sizes. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Sizes that differ from a base in a few fields; {@link #build} validates the whole. */
    public static final class Builder {
        private int spawn;
        private int skynetLeaves;
        private int rounds;
        private int jdkRounds;
        private int hops;
        private int producers;
        private int fib;
        private int sleepers;
        private int yields;
        private int mixedRounds;

        private Builder(Sizes s) {
            spawn = s.spawn;
            skynetLeaves = s.skynetLeaves;
            rounds = s.rounds;
            jdkRounds = s.jdkRounds;
            hops = s.hops;
            producers = s.producers;
            fib = s.fib;
            sleepers = s.sleepers;
            yields = s.yields;
            mixedRounds = s.mixedRounds;
        }

        public Builder spawn(int v) {
            spawn = v;
            return this;
        }

        public Builder skynetLeaves(int v) {
            skynetLeaves = v;
            return this;
        }

        public Builder rounds(int v) {
            rounds = v;
            return this;
        }

        public Builder jdkRounds(int v) {
            jdkRounds = v;
            return this;
        }

        public Builder hops(int v) {
            hops = v;
            return this;
        }

        public Builder producers(int v) {
            producers = v;
            return this;
        }

        public Builder fib(int v) {
            fib = v;
            return this;
        }

        public Builder sleepers(int v) {
            sleepers = v;
            return this;
        }

        public Builder yields(int v) {
            yields = v;
            return this;
        }

        public Builder mixedRounds(int v) {
            mixedRounds = v;
            return this;
        }

        /** @throws IllegalArgumentException naming the first size no workload can run */
        public Sizes build() {
            return new Sizes(spawn, skynetLeaves, rounds, jdkRounds, hops, producers, fib, sleepers, yields,
                    mixedRounds);
        }
    }
}
