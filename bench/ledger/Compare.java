import java.lang.reflect.Method;
import java.net.*;
import java.nio.file.*;
import java.util.*;

/**
 * Runs one Ledger workload on several builds of weft-core in one JVM (one class loader each),
 * alternating their order, with a full GC before each run, and prints each build's median and
 * minimum. Usage: {@code Compare PROCS ROUNDS WORKLOAD[,WORKLOAD...] CLASSES-DIR...}: with several
 * workloads (e.g. {@code cpu-chan,cpu-tchan}, untraced and traced) each build runs each of them,
 * all alternating; Ledger's classes are read from the directory in the system property
 * {@code ledger.classes}.
 */
public class Compare {
    public static void main(String[] a) throws Exception {
        int procs = Integer.parseInt(a[0]), n = Integer.parseInt(a[1]);
        String[] whats = a[2].split(",");
        List<String> builds = Arrays.asList(a).subList(3, a.length);
        List<String> dirs = new ArrayList<>(), work = new ArrayList<>();
        for (String d : builds) for (String w : whats) { dirs.add(d); work.add(w); }
        Method[] run = new Method[dirs.size()];
        for (int i = 0; i < dirs.size(); i++) {
            if (i % whats.length != 0) { run[i] = run[i - 1]; continue; }
            List<URL> urls = new ArrayList<>(List.of(Path.of(dirs.get(i)).toUri().toURL(), Path.of(System.getProperty("ledger.classes")).toUri().toURL()));
            for (String e : System.getProperty("ledger.extra", "").split(":")) if (!e.isEmpty()) urls.add(Path.of(e).toUri().toURL()); // the trace writer and its JSON library, for the "t" workloads
            URLClassLoader l = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            Class<?> c = l.loadClass("Ledger");
            c.getMethod("init", int.class).invoke(null, procs);
            run[i] = c.getMethod("run", String.class);
        }
        long[][] r = new long[dirs.size()][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dirs.size(); k++) {
                int v = (k + i) % dirs.size();
                System.gc();
                r[v][i] = (long) run[v].invoke(null, work.get(v));
            }
        }
        for (int k = 0; k < dirs.size(); k++) {
            long[] s = r[k].clone(); Arrays.sort(s);
            System.out.printf("%-40s median %d  min %d  %s%n", dirs.get(k) + (whats.length > 1 ? " " + work.get(k) : ""), s[n/2], s[0], Arrays.toString(r[k]));
        }
        // A traced workload beside its untraced one (cpu-tchan and cpu-chan): the recording's cost
        // as the median of each round's ratio. The two ran back to back in every round, so a slow
        // spell of the machine falls on both; the first (warm-up) round is left out.
        for (int k = 0; k < dirs.size(); k++) {
            String w = work.get(k);
            int t = w.startsWith("cpu-") ? work.indexOf("cpu-t" + w.substring(4)) : -1;
            if (t < 0 || n < 3) continue;
            int tk = k - k % whats.length + t % whats.length;
            double[] q = new double[n - 1];
            for (int i = 1; i < n; i++) q[i - 1] = (double) r[tk][i] / r[k][i];
            Arrays.sort(q);
            System.out.printf("%-40s trace cost: median ratio %.3f (quartiles %.3f-%.3f)%n", dirs.get(k) + " " + w.substring(4),
                    q[q.length / 2], q[q.length / 4], q[3 * q.length / 4]);
        }
        System.exit(0);
    }
}
