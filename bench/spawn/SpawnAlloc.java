import dev.weft.Weft;
import dev.weft.workloads.*;
import java.lang.management.*;
import javax.management.*;
import java.util.*;

/**
 * Every object one run of a workload allocates, per task (docs/notes/issue-11-spawn.md, fourth
 * session): runs it three times on weft or on the JDK's virtual threads, then once between two
 * class histograms of all objects, live or not ({@code GC.class_histogram -all} through the
 * DiagnosticCommand MBean), and prints the difference per task by class, with the threads'
 * allocation counters beside it. Give it a young generation no run fills (it says how many
 * collections happened: they would drop objects from the second histogram). Source-launched:
 * <pre>
 *   java --add-opens java.base/java.lang=ALL-UNNAMED -Xms6g -Xmx6g -Xmn5g \
 *     -cp weft-core/target/classes:weft-workloads/target/classes \
 *     bench/spawn/SpawnAlloc.java weft|vthread spawn|pspawn|skynet|sleepers N PROCS
 * </pre>
 */
public class SpawnAlloc {
    static Map<String,long[]> histo() throws Exception {
        MBeanServer s = ManagementFactory.getPlatformMBeanServer();
        ObjectName on = new ObjectName("com.sun.management:type=DiagnosticCommand");
        String out = (String) s.invoke(on, "gcClassHistogram", new Object[]{new String[]{"-all"}}, new String[]{String[].class.getName()});
        Map<String,long[]> m = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) m.put(f[3], new long[]{Long.parseLong(f[1]), Long.parseLong(f[2])});
        }
        return m;
    }
    static long gcs() { long c=0; for (var b: ManagementFactory.getGarbageCollectorMXBeans()) c+=b.getCollectionCount(); return c; }
    public static void main(String[] a) throws Exception {
        String peer = a[0]; String w = a[1]; int n = Integer.parseInt(a[2]); int procs = Integer.parseInt(a[3]);
        Engine e = peer.equals("weft") ? new WeftEngine(Weft.builder().procs(procs)) : JdkEngine.virtualThreads();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 3; i++) run(e, w, n);
        System.gc();
        Map<String,long[]> h0 = histo();
        long g0 = gcs(); long b0 = threads.getTotalThreadAllocatedBytes();
        run(e, w, n);
        long b1 = threads.getTotalThreadAllocatedBytes(); long g1 = gcs();
        Map<String,long[]> h1 = histo();
        System.out.printf("%s %s n=%d procs=%d: allocated %.1f B/task (thread counters), gcs during %d%n", peer, w, n, procs, (b1-b0)/(double)n, g1-g0);
        List<String[]> rows = new ArrayList<>(); long tot=0;
        for (var en : h1.entrySet()) {
            long[] v0 = h0.getOrDefault(en.getKey(), new long[2]);
            long dc = en.getValue()[0]-v0[0], db = en.getValue()[1]-v0[1];
            if (Math.abs(db) >= n/100) { rows.add(new String[]{en.getKey(), ""+dc, ""+db}); }
            tot += db;
        }
        rows.sort((x,y)->Long.compare(Long.parseLong(y[2]), Long.parseLong(x[2])));
        for (String[] r : rows) System.out.printf("  %8.3f obj %8.1f B  %s%n", Long.parseLong(r[1])/(double)n, Long.parseLong(r[2])/(double)n, r[0]);
        System.out.printf("  histogram total %.1f B/task%n", tot/(double)n);
        e.close();
    }
    static void run(Engine e, String w, int n) {
        switch (w) {
            case "spawn" -> Workloads.spawn(e, n);
            case "pspawn" -> Workloads.spawnFromPlatformThread(e, n);
            case "skynet" -> Workloads.skynet(e, n);
            case "sleepers" -> Workloads.sleepers(e, n);
        }
    }
}
