import dev.weft.Weft;
import dev.weft.Goroutine;
import java.lang.management.*;
import javax.management.*;
import java.util.*;

/**
 * Bytes retained per ended goroutine whose handle is kept (docs/notes/issue-11-spawn.md, fourth
 * session): starts N no-op goroutines with {@code Weft.go} (or N virtual threads), keeps the
 * handles in an array, joins them, and diffs the live class histograms (each a full GC) taken
 * before and after; the second of two rounds is printed, by class. Source-launched:
 * <pre>
 *   java --add-opens java.base/java.lang=ALL-UNNAMED -Xmx4g -cp weft-core/target/classes \
 *     bench/spawn/Retained.java N [vthread]
 * </pre>
 */
public class Retained {
    static Map<String,long[]> histo() throws Exception {
        MBeanServer s = ManagementFactory.getPlatformMBeanServer();
        ObjectName on = new ObjectName("com.sun.management:type=DiagnosticCommand");
        String out = (String) s.invoke(on, "gcClassHistogram", new Object[]{new String[0]}, new String[]{String[].class.getName()});
        Map<String,long[]> m = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) m.put(f[3], new long[]{Long.parseLong(f[1]), Long.parseLong(f[2])});
        }
        return m;
    }
    public static void main(String[] a) throws Exception {
        int n = Integer.parseInt(a[0]);
        boolean vt = a.length > 1 && a[1].equals("vthread");
        Weft rt = Weft.builder().procs(2).build();
        for (int round = 0; round < 2; round++) {
            Map<String,long[]> h0 = histo();
            Object[] keep = new Object[n];
            for (int i = 0; i < n; i++) {
                keep[i] = vt ? Thread.ofVirtual().start(() -> {}) : rt.go(() -> {});
            }
            for (Object o : keep) { if (o instanceof Goroutine g) g.join(); else ((Thread) o).join(); }
            Map<String,long[]> h1 = histo();
            java.lang.ref.Reference.reachabilityFence(keep);
            long tot = 0; List<String> rows = new ArrayList<>();
            for (var en : h1.entrySet()) {
                long[] v0 = h0.getOrDefault(en.getKey(), new long[2]);
                long db = en.getValue()[1] - v0[1];
                tot += db;
                if (round == 1 && Math.abs(db) >= n / 10) rows.add(String.format("  %7.1f B  %s", db / (double) n, en.getKey()));
            }
            if (round == 1) {
                System.out.printf("%s: retained %.1f B per ended goroutine (handle kept, keep[] array included)%n", vt ? "vthread" : "weft", tot / (double) n);
                rows.forEach(System.out::println);
            }
            keep = null;
        }
        rt.close();
    }
}
