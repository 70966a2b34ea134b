import dev.weft.Weft;
import dev.weft.workloads.Engine;
import dev.weft.workloads.Outcome;
import dev.weft.workloads.WeftEngine;
import dev.weft.workloads.Workloads;
import java.util.Arrays;

/**
 * Spawn, spawn from a platform thread or skynet on weft alone, round after round in one JVM (a
 * full GC before each), on one runtime for every round ({@code reuse}) or a new runtime per round
 * ({@code fresh}, as {@code weft bench} does), and prints each round's time per task, sorted, and
 * the median. Run it under {@code perf record} with {@code bench/perf/hot_instructions.py} to see
 * which instructions a row's time goes to (docs/BENCHMARKS.md, "Issue 11, eighth session").
 * Source-launched:
 * <pre>
 *   java --add-opens java.base/java.lang=ALL-UNNAMED -Xms4g -Xmx4g \
 *     -cp weft-core/target/classes:weft-workloads/target/classes \
 *     bench/spawn/SpawnRounds.java reuse|fresh spawn|pspawn|skynet N ROUNDS [PROCS]
 * </pre>
 */
public class SpawnRounds {
    public static void main(String[] a) {
        String mode = a[0];
        String w = a[1];
        int n = Integer.parseInt(a[2]);
        int rounds = Integer.parseInt(a[3]);
        int procs = a.length > 4 ? Integer.parseInt(a[4]) : 2;
        if (!mode.equals("reuse") && !mode.equals("fresh")) {
            throw new IllegalArgumentException("mode: reuse or fresh, not " + mode);
        }
        long[] perTask = new long[rounds];
        Engine e = new WeftEngine(Weft.builder().procs(procs));
        for (int r = -3; r < rounds; r++) { // three warm-up rounds
            if (mode.equals("fresh")) {
                e.close();
                e = new WeftEngine(Weft.builder().procs(procs));
            }
            System.gc();
            Outcome o = switch (w) {
                case "spawn" -> Workloads.spawn(e, n);
                case "pspawn" -> Workloads.spawnFromPlatformThread(e, n);
                case "skynet" -> Workloads.skynet(e, n);
                default -> throw new IllegalArgumentException("workload: spawn, pspawn or skynet, not " + w);
            };
            if (r >= 0) {
                perTask[r] = o.nanos() / n;
            }
        }
        e.close();
        Arrays.sort(perTask);
        System.out.println(mode + " " + w + " " + n + ", procs " + procs + ": ns per task, sorted " + Arrays.toString(perTask)
                + ", median " + perTask[rounds / 2]);
    }
}
