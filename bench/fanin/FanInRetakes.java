import dev.weft.Weft;
import dev.weft.workloads.WeftEngine;
import dev.weft.workloads.Workloads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The fan-in workload (4 consumers, PRODUCERS x 100 messages through one buffered Chan) at procs
 * 2, three runs on each of RUNTIMES fresh runtimes: ns a message (10th, 50th, 90th percentiles)
 * and the retakes sysmon made (docs/BENCHMARKS.md, "Issue 11, tenth session").
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
 *     -cp weft-core/target/classes:weft-workloads/target/classes bench/fanin/FanInRetakes.java 10000 12
 * </pre>
 */
public class FanInRetakes {
    public static void main(String[] args) throws Exception {
        int producers = Integer.parseInt(args[0]);
        int runtimes = Integer.parseInt(args[1]);
        long blocked = 0;
        long hog = 0;
        List<Double> perMessage = new ArrayList<>();
        for (int r = 0; r < runtimes; r++) {
            try (WeftEngine e = new WeftEngine(Weft.builder().procs(2))) {
                System.gc();
                for (int i = 0; i < 3; i++) {
                    long nanos = Workloads.fanIn(e, producers).nanos();
                    perMessage.add((double) nanos / ((long) producers * Workloads.PER_PRODUCER));
                }
                var s = e.runtime().stats();
                blocked += s.blockedRetakes();
                hog += s.hogRetakes();
            }
        }
        Collections.sort(perMessage);
        int n = perMessage.size();
        System.out.printf("runtimes %d blockedRetakes %d hogRetakes %d  ns/msg p10 %.0f median %.0f p90 %.0f%n",
                runtimes, blocked, hog, perMessage.get(n / 10), perMessage.get(n / 2), perMessage.get(n * 9 / 10));
    }
}
