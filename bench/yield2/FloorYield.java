import dev.weft.internal.vm.VirtualThreads;
import java.lang.management.ManagementFactory;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

/**
 * Control: k independent one-carrier minimal schedulers (no weft), each with two virtual threads
 * yielding, all at once. args: k iterations yieldsPerThread.
 */
public class FloorYield {
    static final class Floor implements Executor {
        final ConcurrentLinkedQueue<Runnable> q = new ConcurrentLinkedQueue<>();
        volatile boolean stop;
        volatile boolean sleeping;
        final Thread carrier = Thread.ofPlatform().daemon().start(this::loop);
        void loop() {
            while (!stop) {
                Runnable r = q.poll();
                if (r != null) { r.run(); continue; }
                sleeping = true;
                if (q.isEmpty() && !stop) LockSupport.parkNanos(1_000_000);
                sleeping = false;
            }
        }
        public void execute(Runnable t) { q.offer(t); if (sleeping) LockSupport.unpark(carrier); }
    }

    static volatile Object sink;
    public static void main(String[] a) throws Exception {
        int k = Integer.parseInt(a[0]), iters = Integer.parseInt(a[1]), n = Integer.parseInt(a[2]);
        var mx = ManagementFactory.getThreadMXBean();
        for (int it = 0; it < iters; it++) {
            Floor[] fs = new Floor[k];
            // -Dspacers: a parked platform thread started before, between and after the carriers, so
            // that no two carriers' JVM thread handles (4 OopStorage slots each, 2 threads per line)
            // can share a cache line.
            int perSide = Integer.getInteger("spacers", 0); // guard threads on each side of a carrier
            boolean spacers = perSide > 0;
            java.util.List<Thread> sp = new java.util.ArrayList<>();
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            Runnable park = () -> { try { release.await(); } catch (InterruptedException e) { } };
            for (int j = 0; j < perSide; j++) sp.add(Thread.ofPlatform().start(park));
            for (int i = 0; i < k; i++) {
                fs[i] = new Floor();
                for (int j = 0; j < perSide; j++) sp.add(Thread.ofPlatform().start(park));
            }
            Thread[] vs = new Thread[2 * k];
            long[] c0 = new long[k];
            for (int i = 0; i < k; i++) c0[i] = mx.getThreadCpuTime(fs[i].carrier.threadId());
            long t0 = System.nanoTime();
            boolean pad = Boolean.getBoolean("pad");
            for (int i = 0; i < 2 * k; i++) {
                if (pad) sink = new byte[1024];
                vs[i] = VirtualThreads.newThread(fs[i / 2], "v" + i, () -> { for (int y = 0; y < n; y++) Thread.yield(); });
                vs[i].start();
            }
            for (Thread v : vs) v.join();
            long el = System.nanoTime() - t0;
            StringBuilder sb = new StringBuilder();
            long sum = 0;
            for (int i = 0; i < k; i++) {
                long c = mx.getThreadCpuTime(fs[i].carrier.threadId()) - c0[i];
                sum += c;
                sb.append(String.format(" %.1f", (double) c / (2.0 * n)));
                fs[i].stop = true; LockSupport.unpark(fs[i].carrier);
            }
            release.countDown();
            for (Thread t : sp) t.join();
            System.out.printf((spacers ? "spacers=" + perSide + " " : "spacers=0 ") + "k=%d it=%d elapsed/yield-per-carrier %.1f ns; carrier cpu per yield:%s  overlap %.2f%n", k, it, (double) el / (2.0 * n), sb, (double) sum / el);
        }
    }
}
