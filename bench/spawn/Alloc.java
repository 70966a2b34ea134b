// Bytes allocated per task, 1M goroutines against 1M virtual threads spawned and joined from a platform thread
// (ThreadMXBean.getTotalThreadAllocatedBytes around each round).
import dev.weft.Weft;
import dev.weft.Goroutine;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.LongAdder;

public class Alloc {
    static long total() { return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes(); }
    public static void main(String[] a) throws Exception {
        int n = 1_000_000;
        LongAdder sum = new LongAdder();
        try (Weft rt = Weft.builder().procs(2).build()) {
            for (int round = 0; round < 4; round++) {
                System.gc();
                long b0 = total();
                Goroutine[] gs = new Goroutine[n];
                for (int i = 0; i < n; i++) { int k = i; gs[i] = rt.go(() -> sum.add(k)); }
                for (Goroutine g : gs) g.join();
                long b1 = total();
                System.out.printf("weft from platform: %.1f bytes/goroutine%n", (b1 - b0) / (double) n);
                System.gc();
                b0 = total();
                Thread[] ts = new Thread[n];
                for (int i = 0; i < n; i++) { int k = i; ts[i] = Thread.ofVirtual().start(() -> sum.add(k)); }
                for (Thread t : ts) t.join();
                b1 = total();
                System.out.printf("jdk vt from platform: %.1f bytes/thread%n", (b1 - b0) / (double) n);
            }
        }
    }
}
