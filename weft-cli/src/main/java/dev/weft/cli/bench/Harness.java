package dev.weft.cli.bench;

import dev.weft.workloads.Peer;
import dev.weft.workloads.Sizes;
import dev.weft.workloads.Workload;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the workloads on the peers, alternating: for each workload, round after round, every
 * applicable peer runs once (warm-up rounds first, their values dropped). A slow spell of the
 * machine (a neighbour's build, a GC) then falls on all peers of a round rather than on
 * whichever peer happened to run during it, which is what makes the ratios hold on a noisy
 * machine. The peers' order rotates from round to round and reverses every other round, so that
 * no peer always runs right after the same other one (and inherits its cache and JIT state), and
 * each run starts after a full GC so that no peer pays for another's garbage.
 *
 * <p>Each run has a time limit: it runs on a thread of its own, and one that is not done in
 * time stops the bench with an exception naming the peer and the workload (its threads are left
 * behind, daemons, for the process's exit to end), so a peer that hangs or crawls, such as a JDK
 * class spinning on a carrier it does not expect, costs at most that limit.
 *
 * <p>Progress goes to {@code progress} (stderr), so stdout stays clean for the table or JSON.
 */
final class Harness {
    private final List<Workload> workloads;
    private final List<Peer> peers;
    private final Sizes sizes;
    private final Sizes osThreadSizes;
    private final int warmups;
    private final int iterations;
    private final Duration runLimit;
    private final PrintStream progress;

    /**
     * {@code osThreadSizes}: what peers that give each task an OS thread run instead of
     * {@code sizes}; {@code runLimit}: the longest one peer's run of one workload may take.
     */
    Harness(List<Workload> workloads, List<Peer> peers, Sizes sizes, Sizes osThreadSizes, int warmups,
            int iterations, Duration runLimit, PrintStream progress) {
        this.workloads = List.copyOf(workloads);
        this.peers = List.copyOf(peers);
        this.sizes = sizes;
        this.osThreadSizes = osThreadSizes;
        this.warmups = warmups;
        this.iterations = iterations;
        this.runLimit = runLimit;
        this.progress = progress;
    }

    /** Every (workload, applicable peer) pair's measured samples, in workload then peer order. */
    List<Report.Samples> run() {
        List<Report.Samples> out = new ArrayList<>();
        for (int wi = 0; wi < workloads.size(); wi++) {
            Workload w = workloads.get(wi);
            List<Peer> here = peers.stream().filter(p -> p.applies(w)).toList();
            List<List<Double>> samples = new ArrayList<>();
            here.forEach(p -> samples.add(new ArrayList<>()));
            int rounds = warmups + iterations;
            for (int r = 0; r < rounds; r++) {
                for (int k = 0; k < here.size(); k++) {
                    // Start one further each round, and go backwards every other round: the
                    // order then changes which peer runs right before which.
                    int n = here.size();
                    int pi = r % 2 == 0 ? (r + k) % n : Math.floorMod(r - k, n);
                    Peer p = here.get(pi);
                    String phase = r < warmups ? "warm-up " + (r + 1) + "/" + warmups
                            : "iteration " + (r - warmups + 1) + "/" + iterations;
                    progress.printf("[%d/%d %s] %-22s %s ... ", wi + 1, workloads.size(), w.id(), p.label(), phase);
                    progress.flush();
                    System.gc();
                    double v = measureWithinLimit(p, w);
                    progress.printf("%.1f %s%n", v, w.unit());
                    if (r >= warmups) {
                        samples.get(pi).add(v);
                    }
                }
            }
            for (int pi = 0; pi < here.size(); pi++) {
                Peer p = here.get(pi);
                out.add(new Report.Samples(w, p, w.size(sizesFor(p)), samples.get(pi)));
            }
        }
        return out;
    }

    /** One run of {@code w} on {@code p}, on a daemon thread of its own, waited for at most {@link #runLimit}. */
    private double measureWithinLimit(Peer p, Workload w) {
        double[] value = new double[1];
        Throwable[] failure = new Throwable[1];
        Thread run = Thread.ofPlatform().daemon().name("bench-" + w.id() + "-" + p.id()).start(() -> {
            try {
                value[0] = p.measure(w, sizesFor(p));
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        boolean done;
        try {
            done = run.join(runLimit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(p.label() + " on " + w.id() + ": interrupted", e);
        }
        if (!done) {
            throw new IllegalStateException(p.label() + " on " + w.id() + " ran past the limit of "
                    + BigDecimal.valueOf(runLimit.toMillis(), 3).stripTrailingZeros().toPlainString()
                    + " s per run (--run-timeout); its threads are left behind and the bench stops");
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
        if (failure[0] != null) {
            throw new IllegalStateException(p.label() + " on " + w.id() + ": " + failure[0].getMessage(), failure[0]);
        }
        return value[0];
    }

    private Sizes sizesFor(Peer p) {
        return p.osThreads() ? osThreadSizes : sizes;
    }
}
