// 1M goroutines (or, with the argument jdk, virtual threads) spawned and joined from a platform thread, 12 rounds:
// the harness of the sixth session's perf profile (java --add-opens java.base/java.lang=ALL-UNNAMED -Xms4g -Xmx4g
// -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer -cp WEFT_CORE_CLASSES:. SpawnW [jdk],
// under perf record -F 2999 -g).
import dev.weft.Weft;
import dev.weft.Goroutine;
import java.util.concurrent.atomic.LongAdder;

public class SpawnW {
    public static void main(String[] a) throws Exception {
        int n = 1_000_000;
        boolean jdk = a.length > 0 && a[0].equals("jdk");
        LongAdder sum = new LongAdder();
        try (Weft rt = Weft.builder().procs(2).build()) {
            for (int round = 0; round < 12; round++) {
                System.gc();
                long t0 = System.nanoTime();
                if (jdk) {
                    Thread[] ts = new Thread[n];
                    for (int i = 0; i < n; i++) { int k = i; ts[i] = Thread.ofVirtual().start(() -> sum.add(k)); }
                    for (Thread t : ts) t.join();
                } else {
                    Goroutine[] gs = new Goroutine[n];
                    for (int i = 0; i < n; i++) { int k = i; gs[i] = rt.go(() -> sum.add(k)); }
                    for (Goroutine g : gs) g.join();
                }
                long t2 = System.nanoTime();
                System.out.printf("%s total %.0f ns/task%n", jdk ? "jdk" : "weft", (t2 - t0) / (double) n);
            }
        }
    }
}
