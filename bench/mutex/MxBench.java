import dev.weft.Weft;
import dev.weft.sync.Mutex;
import java.util.concurrent.CountDownLatch;

/** Contended Mutex: G goroutines (and P platform threads) each lock/unlock N times; ns per lock. */
public class MxBench {
    static long counter;
    public static void main(String[] a) throws Exception {
        int gor = Integer.parseInt(a[0]), plat = Integer.parseInt(a[1]), n = Integer.parseInt(a[2]);
        for (int round = 0; round < 7; round++) {
            System.gc();
            try (Weft rt = Weft.builder().procs(2).build()) {
                Mutex m = new Mutex();
                CountDownLatch done = new CountDownLatch(gor + plat);
                Runnable body = () -> {
                    for (int i = 0; i < n; i++) {
                        m.lock();
                        counter++;
                        if ((i & 15) == 0) Thread.yield();
                        m.unlock();
                    }
                    done.countDown();
                };
                long t0 = System.nanoTime();
                for (int i = 0; i < gor; i++) rt.go(body);
                for (int i = 0; i < plat; i++) Thread.ofPlatform().start(body);
                done.await();
                long t1 = System.nanoTime();
                System.out.printf("%.1f%n", (t1 - t0) / (double) ((gor + plat) * (long) n));
            }
        }
    }
}
