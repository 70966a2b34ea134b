import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.ThreadingModel;
import dev.weft.Weft;
import java.lang.management.ManagementFactory;

/**
 * yield-2 on weft M:N procs 2, with or without padding allocations that keep the two yielders'
 * objects (G, virtual thread, continuation; and the stack chunk each gets at its first yield)
 * off each other's cache lines. args: rounds yieldsPerGoroutine; each round runs plain then padded.
 */
public class YieldPad {
    static volatile Object sink;

    public static void main(String[] a) {
        int rounds = Integer.parseInt(a[0]);
        int n = Integer.parseInt(a[1]);
        String modes = a.length > 2 ? a[2] : "plain,pad";
        for (int r = 0; r < rounds; r++) {
            for (String mode : modes.split(",")) {
                run(mode, n);
            }
        }
    }

    static void run(String mode, int n) {
        if (mode.equals("wl")) {
            var mx = ManagementFactory.getThreadMXBean();
            var e = new dev.weft.workloads.WeftEngine(Weft.builder().model(ThreadingModel.M_N).procs(2).name("yp"));
            long c0 = carrierCpu(mx);
            long t = dev.weft.workloads.Workloads.yields(e, 2, 2 * n).nanos();
            long cpu = carrierCpu(mx) - c0;
            e.close();
            System.out.printf("%-5s elapsed %.1f ns/yield, carriers' cpu %.1f ns/yield, overlap %.2f%n", mode,
                    (double) t / (2.0 * n), (double) cpu / (2.0 * n), (double) cpu / t);
            return;
        }
        boolean pad = mode.equals("pad");
        var mx = ManagementFactory.getThreadMXBean();
        try (Weft rt = Weft.builder().model(ThreadingModel.M_N).procs(2).name("yp").build()) {
            long[] el = new long[1];
            long[] cpu0 = new long[1];
            rt.run(() -> {
                cpu0[0] = carrierCpu(mx);
                long t0 = System.nanoTime();
                Runnable body = () -> {
                    if (pad) {
                        sink = new byte[512];
                    }
                    for (int k = 0; k < n; k++) {
                        Thread.yield();
                    }
                };
                Goroutine g1 = Go.go(body);
                if (pad) {
                    sink = new byte[512];
                }
                Goroutine g2 = Go.go(body);
                if (pad) {
                    sink = new byte[512];
                }
                g1.join();
                g2.join();
                el[0] = System.nanoTime() - t0;
            });
            long cpu = carrierCpu(mx) - cpu0[0];
            System.out.printf("%-5s elapsed %.1f ns/yield, carriers' cpu %.1f ns/yield, overlap %.2f%n", mode,
                    (double) el[0] / (2.0 * n), (double) cpu / (2.0 * n), (double) cpu / el[0]);
        }
    }

    static long carrierCpu(java.lang.management.ThreadMXBean mx) {
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("yp-M")) {
                sum += mx.getThreadCpuTime(t.threadId());
            }
        }
        return sum;
    }
}
