// Probe (not part of the build): weft Chan ping-pong, 1M round trips x3, printing per OS thread
// (grouped by name) voluntary/involuntary context switches per round trip and CPU time, from /proc.
//   java --add-opens java.base/java.lang=ALL-UNNAMED -cp weft-core/target/weft-core-*.jar weft-bench/tools/PP.java <procs>
import dev.weft.*;
import dev.weft.chan.Chan;
import java.nio.file.*;
import java.util.*;

public class PP {
    static Map<String,long[]> ctx() throws Exception {
        Map<String,long[]> m = new TreeMap<>();
        try (var ds = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : ds) {
                String comm = Files.readString(t.resolve("comm")).trim();
                long vol = 0, inv = 0;
                String st = Files.readString(t.resolve("stat"));
                String[] f = st.substring(st.lastIndexOf(')') + 2).split(" ");
                long cpu = Long.parseLong(f[11]) + Long.parseLong(f[12]);
                for (String l : Files.readAllLines(t.resolve("status"))) {
                    if (l.startsWith("voluntary_ctxt_switches")) vol = Long.parseLong(l.split("\\s+")[1]);
                    if (l.startsWith("nonvoluntary_ctxt_switches")) inv = Long.parseLong(l.split("\\s+")[1]);
                }
                m.merge(comm.replaceAll("[0-9]+$", "#"), new long[]{vol, inv, cpu}, (a, b) -> new long[]{a[0]+b[0], a[1]+b[1], a[2]+b[2]});
            }
        }
        return m;
    }
    public static void main(String[] a) throws Exception {
        int procs = Integer.parseInt(a[0]);
        int rounds = 1_000_000;
        try (Weft rt = Weft.builder().procs(procs).name("pp").build()) {
            for (int rep = 0; rep < 3; rep++) {
                Map<String,long[]> before = ctx();
                long t0 = System.nanoTime();
                rt.run(() -> {
                    Chan<Integer> ping = Chan.make(), pong = Chan.make();
                    Goroutine g = Go.go(() -> { for (int i = 0; i < rounds; i++) pong.send(ping.recv()); });
                    for (int i = 0; i < rounds; i++) { ping.send(1); pong.recv(); }
                    g.join();
                });
                long ns = System.nanoTime() - t0;
                Map<String,long[]> after = ctx();
                StringBuilder sb = new StringBuilder();
                for (var e : after.entrySet()) {
                    long[] b = before.getOrDefault(e.getKey(), new long[3]);
                    long dv = e.getValue()[0]-b[0], di = e.getValue()[1]-b[1];
                    long dc = e.getValue()[2]-b[2];
                    if (dv + di > 1000 || dc > 5) sb.append(String.format(" %s vol=%.3f/rt inv=%.3f/rt cpu=%dms;", e.getKey(), dv/(double)rounds, di/(double)rounds, dc*10));
                }
                System.out.printf("procs=%d %.0f ns/round trip (wall %d ms); OS thread context switches:%s%n", procs, ns/(double)rounds, ns/1000000, sb);
            }
        }
    }
}
