import dev.weft.SchedulingPolicy;
import dev.weft.Weft;
import dev.weft.workloads.Engine;
import dev.weft.workloads.JdkEngine;
import dev.weft.workloads.Outcome;
import dev.weft.workloads.WeftEngine;
import dev.weft.workloads.Workloads;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Spawn, spawn from a platform thread or skynet on weft alone, round after round in one JVM (a
 * full GC before each), on one runtime for every round ({@code reuse}) or a new runtime per round
 * ({@code fresh}, as {@code weft bench} does). Prints each round's time per task, the steals
 * between carriers and the CPU time per task of the calling thread ({@code main}), the carriers
 * and sysmon, then the rounds' median. Run it under {@code perf record} with
 * {@code bench/perf/hot_instructions.py} to see which instructions a row's time goes to
 * (docs/BENCHMARKS.md, "Issue 11, seventh session"). Source-launched:
 * <pre>
 *   java --add-opens java.base/java.lang=ALL-UNNAMED -Xms4g -Xmx4g \
 *     -cp weft-core/target/classes:weft-workloads/target/classes \
 *     [-Dpolicy=PRIORITY] bench/spawn/SpawnRounds.java reuse|fresh|vt spawn|pspawn|skynet N ROUNDS [PROCS]
 * </pre>
 */
public class SpawnRounds {
    public static void main(String[] a) {
        String mode = a[0];
        String w = a[1];
        int n = Integer.parseInt(a[2]);
        int rounds = Integer.parseInt(a[3]);
        int procs = a.length > 4 ? Integer.parseInt(a[4]) : 2;
        SchedulingPolicy policy = SchedulingPolicy.valueOf(System.getProperty("policy", "FIFO"));
        if (!mode.equals("reuse") && !mode.equals("fresh") && !mode.equals("vt")) {
            throw new IllegalArgumentException("mode: reuse, fresh or vt, not " + mode);
        }
        long[] perTask = new long[rounds];
        boolean vt = mode.equals("vt"); // the JDK's virtual threads (parallelism: -Djdk.virtualThreadScheduler.parallelism)
        Engine e = vt ? JdkEngine.virtualThreads() : new WeftEngine(Weft.builder().procs(procs).policy(policy));
        for (int r = -3; r < rounds; r++) { // three warm-up rounds
            if (mode.equals("fresh")) {
                e.close();
                e = new WeftEngine(Weft.builder().procs(procs).policy(policy));
            }
            System.gc();
            long steals0 = steals(e);
            Map<String, Long> cpu0 = cpuByRole();
            Outcome o = switch (w) {
                case "spawn" -> Workloads.spawn(e, n);
                case "pspawn" -> Workloads.spawnFromPlatformThread(e, n);
                case "skynet" -> Workloads.skynet(e, n);
                default -> throw new IllegalArgumentException("workload: spawn, pspawn or skynet, not " + w);
            };
            Map<String, Long> cpu1 = cpuByRole();
            long steals = steals(e) - steals0;
            if (r >= 0) {
                perTask[r] = o.nanos() / n;
                StringBuilder cpu = new StringBuilder();
                for (String role : cpu1.keySet()) {
                    cpu.append(' ').append(role).append(' ').append((cpu1.get(role) - cpu0.getOrDefault(role, 0L)) / n);
                }
                System.out.println("round " + r + ": " + perTask[r] + " ns per task, " + steals + " steals, CPU ns per task:" + cpu);
            }
        }
        e.close();
        Arrays.sort(perTask);
        System.out.println(mode + " " + w + " " + n + ", procs " + procs + ": ns per task, sorted " + Arrays.toString(perTask)
                + ", median " + perTask[rounds / 2]);
    }

    private static long steals(Engine e) {
        return e instanceof WeftEngine w ? w.runtime().stats().steals() : 0;
    }

    /** CPU time so far of the live threads, summed by role: main, carriers, sysmon. */
    private static Map<String, Long> cpuByRole() {
        ThreadMXBean b = ManagementFactory.getThreadMXBean();
        Map<String, Long> byRole = new TreeMap<>();
        for (ThreadInfo t : b.getThreadInfo(b.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            String name = t.getThreadName();
            String role = name.equals("main") ? "main" : name.matches(".*-M\\d+|ForkJoinPool-\\d+-worker-\\d+") ? "carriers"
                    : name.endsWith("-sysmon") ? "sysmon" : null;
            long ns = b.getThreadCpuTime(t.getThreadId());
            if (role != null && ns > 0) {
                byRole.merge(role, ns, Long::sum);
            }
        }
        return byRole;
    }
}
