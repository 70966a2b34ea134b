package dev.weft.cli.bench;

import dev.weft.workloads.JvmPeer;
import dev.weft.workloads.Peer;
import dev.weft.workloads.Workload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a bench run found, in the shape {@code --json} prints it: the machine, the settings, one
 * row per workload and peer with every sample, its median and the ratios.
 *
 * @param command    the options the bench ran with, to reproduce it
 * @param notes      what the reader must know to read the rows (skipped peers, capped sizes)
 */
record Report(Machine machine, String command, int warmups, int iterations, List<Row> rows, List<String> notes) {

    /**
     * One workload on one peer.
     *
     * @param weftOverPeer the median of weft M:N FIFO over this peer's: below 1, weft is faster;
     *                     null on weft M:N FIFO's own row or when it did not run
     * @param overVthread  for the other weft configurations, their median over virtual threads'
     */
    record Row(String workload, String unit, String peer, String peerLabel, String size, List<Double> samples,
               double median, double min, double max, Double weftOverPeer, Double overVthread) {}

    /** The samples of one workload on one peer, as the harness collected them. */
    record Samples(Workload workload, Peer peer, String size, List<Double> values) {}

    static Report of(Machine machine, String command, int warmups, int iterations, List<Samples> all,
                     List<String> notes) {
        List<Row> rows = new ArrayList<>();
        for (Samples s : all) {
            double median = median(s.values());
            Double weft = medianOf(all, s.workload(), JvmPeer.WEFT.id());
            Double vthread = medianOf(all, s.workload(), JvmPeer.VTHREAD.id());
            boolean isWeft = s.peer() instanceof JvmPeer p && p.isWeft();
            Double weftOverPeer = s.peer() != JvmPeer.WEFT && weft != null ? weft / median : null;
            Double overVthread = isWeft && s.peer() != JvmPeer.WEFT && vthread != null ? median / vthread : null;
            rows.add(new Row(s.workload().id(), s.workload().unit(), s.peer().id(), s.peer().label(), s.size(),
                    List.copyOf(s.values()), median, s.values().stream().mapToDouble(d -> d).min().orElseThrow(),
                    s.values().stream().mapToDouble(d -> d).max().orElseThrow(), weftOverPeer, overVthread));
        }
        return new Report(machine, command, warmups, iterations, rows, List.copyOf(notes));
    }

    private static Double medianOf(List<Samples> all, Workload w, String peer) {
        return all.stream().filter(s -> s.workload() == w && s.peer().id().equals(peer)).findFirst()
                .map(s -> median(s.values())).orElse(null);
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(d -> d).toArray();
        Arrays.sort(a);
        int m = a.length / 2;
        return a.length % 2 == 1 ? a[m] : (a[m - 1] + a[m]) / 2;
    }
}
