import dev.weft.Weft;
import dev.weft.workloads.Engine;
import dev.weft.workloads.JdkEngine;
import dev.weft.workloads.Outcome;
import dev.weft.workloads.WeftEngine;
import dev.weft.workloads.Workloads;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What spawn and skynet cost beside the scheduler (docs/notes/issue-11-spawn.md): runs one
 * workload of the catalogue on weft and on the JDK's virtual threads, alternating, a full GC
 * before each run as {@code weft bench} does, and prints per task the elapsed time, the process's
 * CPU time, the collector's pause time, the bytes allocated and the young collections per run.
 * Source-launched (no build step of its own):
 * <pre>
 *   java --add-opens java.base/java.lang=ALL-UNNAMED -Xms4g -Xmx4g \
 *     -cp weft-core/target/classes:weft-workloads/target/classes \
 *     bench/spawn/SpawnGc.java spawn|pspawn|skynet N ROUNDS [PROCS]
 * </pre>
 * The heap flags are {@code weft bench}'s; add {@code -Xmn700m} to keep the collector out of a
 * 1,000,000-task run.
 */
public class SpawnGc {
    public static void main(String[] a) {
        String w = a[0];
        int n = Integer.parseInt(a[1]);
        int rounds = Integer.parseInt(a[2]);
        int procs = a.length > 3 ? Integer.parseInt(a[3]) : Runtime.getRuntime().availableProcessors();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<String, List<long[]>> res = new TreeMap<>();
        for (int r = -1; r < rounds; r++) { // round -1 warms up
            for (String peer : new String[] {"weft", "vthread"}) {
                Engine e = peer.equals("weft") ? new WeftEngine(Weft.builder().procs(procs)) : JdkEngine.virtualThreads();
                System.gc();
                long[] gc0 = gc();
                long cpu0 = os.getProcessCpuTime();
                long bytes0 = threads.getTotalThreadAllocatedBytes();
                Outcome o = switch (w) {
                    case "spawn" -> Workloads.spawn(e, n);
                    case "pspawn" -> Workloads.spawnFromPlatformThread(e, n);
                    case "skynet" -> Workloads.skynet(e, n);
                    default -> throw new IllegalArgumentException("workload: spawn, pspawn or skynet, not " + w);
                };
                long bytes1 = threads.getTotalThreadAllocatedBytes();
                long cpu1 = os.getProcessCpuTime();
                long[] gc1 = gc();
                e.close();
                if (r >= 0) {
                    res.computeIfAbsent(peer, k -> new ArrayList<>()).add(new long[] {
                            o.nanos() / n, (cpu1 - cpu0) / n, (gc1[0] - gc0[0]) * 1_000_000 / n, (bytes1 - bytes0) / n, gc1[1] - gc0[1]});
                }
            }
        }
        System.out.printf("%s %,d, procs %d, medians of %d rounds (ns or bytes per task)%n", w, n, procs, rounds);
        for (var en : res.entrySet()) {
            System.out.printf("  %-8s elapsed %5d  cpu %5d  gc pause %5d  allocated %4d B  collections per run %d   elapsed of each run %s, collections %s%n",
                    en.getKey(), med(en.getValue(), 0), med(en.getValue(), 1), med(en.getValue(), 2), med(en.getValue(), 3),
                    med(en.getValue(), 4), Arrays.toString(en.getValue().stream().mapToLong(x -> x[0]).toArray()),
                    Arrays.toString(en.getValue().stream().mapToLong(x -> x[4]).toArray()));
        }
        System.out.printf("  weft/vthread elapsed %.2f, cpu %.2f%n", (double) med(res.get("weft"), 0) / med(res.get("vthread"), 0),
                (double) med(res.get("weft"), 1) / med(res.get("vthread"), 1));
    }

    private static long[] gc() {
        long ms = 0, count = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (!b.getName().contains("Concurrent")) { // G1's pauses and counts, not its concurrent cycles
                ms += b.getCollectionTime();
                count += b.getCollectionCount();
            }
        }
        return new long[] {ms, count};
    }

    private static long med(List<long[]> rows, int col) {
        long[] v = rows.stream().mapToLong(x -> x[col]).sorted().toArray();
        return v[v.length / 2];
    }
}
