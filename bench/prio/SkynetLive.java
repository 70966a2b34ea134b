import dev.weft.Go;
import dev.weft.SchedulingPolicy;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many goroutines a spawning program keeps alive at once under each run-queue policy
 * (docs/notes/issue-11-priority.md): skynet (a 10-ary tree, each inner node sums its ten
 * children's values from its own unbuffered channel) with a counter of live nodes, and per run
 * the elapsed time per leaf, the collector's time and its collections (a full GC before each
 * run). A breadth-first queue keeps a whole level of the tree alive; a depth-first one about one
 * path's siblings. Source-launched, against any build's classes:
 * <pre>
 *   java --add-opens java.base/java.lang=ALL-UNNAMED -Xms4g -Xmx4g \
 *     -cp weft-core/target/classes bench/prio/SkynetLive.java PROCS LEAVES fifo|priority [ROUNDS]
 * </pre>
 */
public class SkynetLive {
    static final AtomicInteger live = new AtomicInteger(), max = new AtomicInteger();

    static long node(long num, int size) {
        int l = live.incrementAndGet();
        if (l > max.get()) {
            max.accumulateAndGet(l, Math::max);
        }
        try {
            if (size == 1) {
                return num;
            }
            Chan<Long> c = Chan.make();
            int step = size / 10;
            for (int i = 0; i < 10; i++) {
                long sub = num + i * step;
                Go.go(() -> c.send(node(sub, step)));
            }
            long sum = 0;
            for (int i = 0; i < 10; i++) {
                sum += c.recv();
            }
            return sum;
        } finally {
            live.decrementAndGet();
        }
    }

    static long gcMillis() {
        long t = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            t += b.getCollectionTime();
        }
        return t;
    }

    static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += b.getCollectionCount();
        }
        return n;
    }

    public static void main(String[] a) {
        int procs = Integer.parseInt(a[0]), leaves = Integer.parseInt(a[1]);
        SchedulingPolicy policy = switch (a[2]) {
            case "fifo" -> SchedulingPolicy.FIFO;
            case "priority" -> SchedulingPolicy.PRIORITY;
            default -> throw new IllegalArgumentException("policy must be fifo or priority, got " + a[2]);
        };
        int rounds = a.length > 3 ? Integer.parseInt(a[3]) : 5;
        Weft rt = Weft.builder().procs(procs).policy(policy).build();
        long[] perLeaf = new long[rounds], gcMs = new long[rounds], gcs = new long[rounds];
        int mostLive = 0;
        for (int r = 0; r < rounds; r++) {
            max.set(0);
            long[] sum = new long[1];
            System.gc();
            long g0 = gcMillis(), n0 = gcCount(), t0 = System.nanoTime();
            rt.run(() -> sum[0] = node(0, leaves));
            perLeaf[r] = (System.nanoTime() - t0) / leaves;
            gcMs[r] = gcMillis() - g0;
            gcs[r] = gcCount() - n0;
            if (sum[0] != (long) leaves * (leaves - 1) / 2) {
                throw new AssertionError("skynet sum " + sum[0]);
            }
            mostLive = Math.max(mostLive, max.get());
        }
        System.out.printf("procs %d %s leaves %d: most live %d; ns/leaf %s; collector ms %s; collections %s%n",
                procs, a[2], leaves, mostLive, Arrays.toString(perLeaf), Arrays.toString(gcMs), Arrays.toString(gcs));
        System.exit(0);
    }
}
