package dev.weft.bench;

import dev.weft.workloads.Engine;
import dev.weft.workloads.JdkEngine;
import dev.weft.workloads.JvmPeer;

/**
 * The engine a benchmark's {@code peer} parameter names: one of the catalogue's
 * {@link JvmPeer}s under its id ({@code weft}, {@code weft-priority}, {@code weft-n1},
 * {@code vthread}, {@code platform}, ...), the same configurations {@code weft bench} runs, or
 * {@code floor}, the minimal custom scheduler only the benchmarks have. Each JMH fork uses one
 * peer only, so the workloads' call sites stay monomorphic.
 */
final class Engines {
    private Engines() {}

    /** @throws IllegalArgumentException for an unknown peer, naming the known ones */
    static Engine of(String peer, int procs) {
        if (peer.equals("floor")) {
            MinimalScheduler floor = new MinimalScheduler();
            return new JdkEngine(floor, floor);
        }
        return JvmPeer.byId(peer).engine(procs);
    }
}
