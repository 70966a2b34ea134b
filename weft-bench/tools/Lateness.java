// Timer lateness of 100,000 sleepers x 10 ms, weft (Go.sleep) beside virtual threads (Thread.sleep),
// both at parallelism 2, in one JVM. Outside the build; run after ./weft jmh has built the jars:
//   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin; $JAVA/javac -cp weft-core/target/classes -d /tmp/lat weft-bench/tools/Lateness.java
//   $JAVA/java -Djdk.virtualThreadScheduler.parallelism=2 --add-opens java.base/java.lang=ALL-UNNAMED -cp weft-core/target/classes:/tmp/lat Lateness
import dev.weft.*;
import java.time.Duration;
import java.util.Arrays;
public class Lateness {
  static String pct(long[] l) { long[] c = l.clone(); Arrays.sort(c); return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms", c[c.length/2]/1e6, c[(int)(c.length*0.99)]/1e6, c[c.length-1]/1e6); }
  public static void main(String[] a) throws Exception {
    int n = 100_000; long sleep = 10_000_000L;
    try (Weft rt = Weft.builder().procs(2).build()) {
      for (int rep = 0; rep < 6; rep++) {
        long[] lw = new long[n];
        rt.run(() -> { Goroutine[] gs = new Goroutine[n]; for (int i = 0; i < n; i++) { int k = i; gs[i] = Go.go(() -> { long t0 = System.nanoTime(); Go.sleep(Duration.ofNanos(sleep)); lw[k] = System.nanoTime() - t0 - sleep; }); } for (Goroutine g : gs) g.join(); });
        long[] lv = new long[n];
        Thread m = Thread.ofVirtual().start(() -> { Thread[] ts = new Thread[n]; for (int i = 0; i < n; i++) { int k = i; ts[i] = Thread.ofVirtual().start(() -> { long t0 = System.nanoTime(); try { Thread.sleep(Duration.ofNanos(sleep)); } catch (InterruptedException e) {} lv[k] = System.nanoTime() - t0 - sleep; }); } try { for (Thread t : ts) t.join(); } catch (InterruptedException e) {} });
        m.join();
        if (rep >= 2) System.out.println("weft " + pct(lw) + " | vthread " + pct(lv));
      }
    }
  }
}
