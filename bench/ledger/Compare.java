import java.lang.reflect.Method;
import java.net.*;
import java.nio.file.*;
import java.util.*;

/**
 * Runs one Ledger workload on several builds of weft-core in one JVM (one class loader each),
 * alternating their order, with a full GC before each run, and prints each build's median and
 * minimum. Usage: {@code Compare PROCS ROUNDS WORKLOAD CLASSES-DIR...}; Ledger's classes are read
 * from the directory in the system property {@code ledger.classes}.
 */
public class Compare {
    public static void main(String[] a) throws Exception {
        int procs = Integer.parseInt(a[0]), n = Integer.parseInt(a[1]);
        String what = a[2];
        List<String> dirs = Arrays.asList(a).subList(3, a.length);
        Method[] run = new Method[dirs.size()];
        for (int i = 0; i < dirs.size(); i++) {
            URLClassLoader l = new URLClassLoader(new URL[]{Path.of(dirs.get(i)).toUri().toURL(), Path.of(System.getProperty("ledger.classes")).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> c = l.loadClass("Ledger");
            c.getMethod("init", int.class).invoke(null, procs);
            run[i] = c.getMethod("run", String.class);
        }
        long[][] r = new long[dirs.size()][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dirs.size(); k++) {
                int v = (k + i) % dirs.size();
                System.gc();
                r[v][i] = (long) run[v].invoke(null, what);
            }
        }
        for (int k = 0; k < dirs.size(); k++) {
            long[] s = r[k].clone(); Arrays.sort(s);
            System.out.printf("%-40s median %d  min %d  %s%n", dirs.get(k), s[n/2], s[0], Arrays.toString(r[k]));
        }
        System.exit(0);
    }
}
