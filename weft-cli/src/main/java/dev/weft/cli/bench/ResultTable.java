package dev.weft.cli.bench;

import java.util.Locale;

/**
 * The report as a Markdown table (the terminal output and bench.md): one row per workload and
 * peer with the median and spread, the ratio of weft M:N FIFO to the peer, and for the other
 * weft configurations their ratio to virtual threads. Markdown so that the same text reads on a
 * terminal and pastes into docs/BENCHMARKS.md.
 */
final class ResultTable {
    private ResultTable() {}

    static String render(Report r) {
        StringBuilder sb = new StringBuilder();
        Machine m = r.machine();
        sb.append(String.format(Locale.ROOT, "Median of %d iterations after %d warm-up(s), peers alternating within each round.%n",
                r.iterations(), r.warmups()));
        sb.append(String.format(Locale.ROOT, "Command: `%s`%n", r.command()));
        sb.append(String.format(Locale.ROOT, "Machine: %s, %d CPUs (%s), %,d MiB; JDK: %s; Go: %s%n",
                m.os(), m.cpus(), m.cpu(), m.memoryMiB(), m.jdk(), m.go()));
        sb.append(String.format(Locale.ROOT,
                "JDK virtual threads run on the default scheduler, parallelism %d for every workload.%n%n",
                m.vthreadParallelism()));
        sb.append("| workload | size | peer | median | min | max | weft/peer | peer/vthread |\n");
        sb.append("|---|---|---|---:|---:|---:|---:|---:|\n");
        String lastWorkload = null;
        String lastSize = null;
        for (Report.Row row : r.rows()) {
            boolean first = !row.workload().equals(lastWorkload);
            // Each workload's size once, and again only where a peer ran another (capped) size.
            String size = first || !row.size().equals(lastSize) ? row.size() : "";
            String w = first ? row.workload() + " (" + row.unit() + ")" : "";
            lastWorkload = row.workload();
            lastSize = row.size();
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", w, size,
                    row.peerLabel(), value(row.median()), value(row.min()), value(row.max()),
                    ratio(row.weftOverPeer(), true), ratio(row.overVthread(), false)));
        }
        sb.append("\nweft/peer: weft M:N FIFO's median over the peer's (below 1: weft is faster). "
                + "peer/vthread: another weft configuration's median over JDK virtual threads'. "
                + "A size shown again is the capped size that peer ran.\n");
        for (String note : r.notes()) {
            sb.append("Note: ").append(note).append('\n');
        }
        return sb.toString();
    }

    private static String value(double v) {
        return v >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String ratio(Double v, boolean bold) {
        if (v == null) {
            return "";
        }
        String s = String.format(Locale.ROOT, "%.2f", v);
        return bold ? "**" + s + "**" : s;
    }
}
