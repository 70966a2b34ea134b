import dev.weft.Weft;
import dev.weft.sync.Mutex;
import dev.weft.sync.RWMutex;

/**
 * Uncontended lock-unlock pairs on one goroutine, procs 1: an RWMutex for writing, for reading,
 * and a Mutex, in ns a pair (the last three of six rounds of 2M pairs). The figure behind
 * RWMutex.unlock's probe choice (ARCHITECTURE.md, "A stack probe on the slow paths").
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp weft-core/target/classes bench/sync/RWMutexLoop.java
 * </pre>
 */
public class RWMutexLoop {
    public static void main(String[] args) {
        try (Weft rt = Weft.builder().procs(1).build()) {
            rt.run(() -> {
                RWMutex rw = new RWMutex();
                Mutex m = new Mutex();
                for (int round = 0; round < 6; round++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < 2_000_000; i++) {
                        rw.lock();
                        rw.unlock();
                    }
                    long t1 = System.nanoTime();
                    for (int i = 0; i < 2_000_000; i++) {
                        rw.rLock();
                        rw.rUnlock();
                    }
                    long t2 = System.nanoTime();
                    for (int i = 0; i < 2_000_000; i++) {
                        m.lock();
                        m.unlock();
                    }
                    long t3 = System.nanoTime();
                    if (round >= 3) {
                        System.out.printf("write %.1f ns  read %.1f ns  mutex %.1f ns%n",
                                (t1 - t0) / 2e6, (t2 - t1) / 2e6, (t3 - t2) / 2e6);
                    }
                }
            });
        }
    }
}
