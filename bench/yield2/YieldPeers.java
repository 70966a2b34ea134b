import dev.weft.SchedulingPolicy;
import dev.weft.ThreadingModel;
import dev.weft.Weft;
import dev.weft.SchedulerStats;
import dev.weft.workloads.JdkEngine;
import dev.weft.workloads.WeftEngine;
import dev.weft.workloads.Workloads;
import java.lang.management.ManagementFactory;

/**
 * yield-2 on weft M:N FIFO procs 2, before and after another configuration ran in the JVM.
 * args: phases, e.g. "mn:8 n1:3 mn:8"; each phase "peer:iterations" (peers mn, n1, prio, vt);
 * -Dtasks (2), -Dyields (1000000).
 */
public class YieldPeers {
    static final int TASKS = Integer.getInteger("tasks", 2);
    static final int YIELDS = Integer.getInteger("yields", 1_000_000);

    public static void main(String[] args) {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (String phase : args) {
            String[] pv = phase.split(":");
            int n = Integer.parseInt(pv[1]);
            for (int i = 0; i < n; i++) {
                long cpu0 = os.getProcessCpuTime();
                long tStart = System.nanoTime();
                System.out.println("BEGIN " + pv[0] + " " + i);
                System.out.flush();
                double ns;
                String extra = "";
                if (pv[0].equals("2n1")) {
                    // two independent N:1 runtimes, each with its own two yielders, at once
                    var e1 = new WeftEngine(Weft.builder().model(ThreadingModel.N_1).name("a" + i));
                    var e2 = new WeftEngine(Weft.builder().model(ThreadingModel.N_1).name("b" + i));
                    long c0 = carrierCpu("a" + i) + carrierCpu("b" + i);
                    long[] r = new long[2];
                    Thread t1 = new Thread(() -> r[0] = Workloads.yields(e1, TASKS, YIELDS).nanos());
                    Thread t2 = new Thread(() -> r[1] = Workloads.yields(e2, TASKS, YIELDS).nanos());
                    t1.start(); t2.start();
                    try { t1.join(); t2.join(); } catch (InterruptedException x) { throw new RuntimeException(x); }
                    long c = carrierCpu("a" + i) + carrierCpu("b" + i) - c0;
                    ns = (double) Math.max(r[0], r[1]) / Workloads.yieldsDone(TASKS, YIELDS);
                    extra = String.format(" each %.1f / %.1f ns, Mcpu %.1f ns per yield", (double) r[0] / 1e6, (double) r[1] / 1e6, c / 2e6);
                    e1.close(); e2.close();
                } else if (pv[0].equals("vt")) {
                    try (var e = JdkEngine.virtualThreads()) {
                        ns = (double) Workloads.yields(e, TASKS, YIELDS).nanos() / Workloads.yieldsDone(TASKS, YIELDS);
                    }
                } else {
                    Weft.Builder b = Weft.builder().procs(pv[0].equals("n1") ? 1 : 2).name("y-" + pv[0]);
                    b = switch (pv[0]) {
                        case "mn" -> b.model(ThreadingModel.M_N).policy(SchedulingPolicy.FIFO);
                        case "n1" -> b.model(ThreadingModel.N_1).policy(SchedulingPolicy.FIFO);
                        case "prio" -> b.model(ThreadingModel.M_N).policy(SchedulingPolicy.PRIORITY);
                        default -> throw new IllegalArgumentException(pv[0]);
                    };
                    var e = new WeftEngine(b);
                    String rtName = e.runtime().name();
                    long mcpu0 = carrierCpu(rtName);
                    ns = (double) Workloads.yields(e, TASKS, YIELDS).nanos() / Workloads.yieldsDone(TASKS, YIELDS);
                    long mcpu = carrierCpu(rtName) - mcpu0;
                    SchedulerStats s = e.runtime().stats();
                    extra = String.format(" Mcpu %.1f ns/yield", (double) mcpu / Workloads.yieldsDone(TASKS, YIELDS)) + " steals=" + s.steals() + " switches=" + s.contextSwitches() + " threads=" + s.threads()
                            + " hog=" + s.hogRetakes() + " blk=" + s.blockedRetakes() + " perP=" + s.switchesByReasonPerProc().stream().map(c -> c.yields()).toList();
                    e.close();
                }
                long cpu = os.getProcessCpuTime() - cpu0;
                System.out.printf("[%d %d] ", tStart, System.nanoTime());
                System.out.printf("%s %d: %.1f ns/yield  cpu %.1f ns/yield%s%n", pv[0], i, ns,
                        (double) cpu / Workloads.yieldsDone(TASKS, YIELDS), extra);
            }
        }
    }

    static long carrierCpu(String rt) {
        var mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(rt + "-M")) {
                sum += mx.getThreadCpuTime(t.threadId());
            }
        }
        return sum;
    }
}
