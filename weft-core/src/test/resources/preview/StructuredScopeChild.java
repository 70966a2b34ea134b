import dev.weft.Go;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.sync.WaitGroup;
import java.util.concurrent.StructuredTaskScope;

/**
 * Run by StructuredTaskScopeTest with the single-file source launcher and --enable-preview (JDK 25's
 * StructuredTaskScope is a preview API), so that no other test needs preview features. Inside a
 * goroutine, a scope's forks are virtual threads started from that goroutine: weft adopts them, so
 * they are goroutines of the same runtime and talk over weft channels. Under ONE_TO_ONE a goroutine
 * is a kernel thread and no user-space scheduler exists to adopt them: the forks are the JDK's own
 * virtual threads, and the scope and weft's channels still work between them. Prints "OK ..." or
 * "FAILED ..." and exits 0 or 1.
 */
public class StructuredScopeChild {
    public static void main(String[] args) throws Exception {
        String[] outcome = {"FAILED: the root goroutine did not finish"};
        try (Weft rt = Weft.builder().procs(2).name("sts").build()) {
            rt.run(() -> {
                Chan<Integer> numbers = Chan.make();
                WaitGroup allForked = new WaitGroup();
                allForked.add(3);
                WaitGroup counted = new WaitGroup(); // keeps the other forks alive until the count
                counted.add(1);
                long[] seenGoroutines = new long[1];
                try (var scope = StructuredTaskScope.open()) {
                    var producer = scope.fork(() -> {
                        allForked.done();
                        for (int i = 1; i <= 100; i++) {
                            numbers.send(i);
                        }
                        counted.await();
                        numbers.close();
                        return Go.current() != null;
                    });
                    var consumer = scope.fork(() -> {
                        allForked.done();
                        long sum = 0;
                        for (int v : numbers) {
                            sum += v;
                        }
                        return sum;
                    });
                    var observer = scope.fork(() -> {
                        allForked.done();
                        allForked.await();
                        seenGoroutines[0] = rt.goroutineCount();
                        counted.done();
                        return Go.current() != null;
                    });
                    scope.join();
                    boolean forksAreGoroutines = producer.get() && observer.get();
                    boolean adopted = rt.model() != dev.weft.ThreadingModel.ONE_TO_ONE;
                    if (!adopted && consumer.get() == 5050 && !forksAreGoroutines) {
                        outcome[0] = "OK: sum 5050, forks are the JDK's virtual threads under ONE_TO_ONE";
                    } else if (adopted && consumer.get() == 5050 && forksAreGoroutines && seenGoroutines[0] >= 4) {
                        outcome[0] = "OK: sum " + consumer.get() + ", forks are goroutines of '" + rt.name()
                                + "', " + seenGoroutines[0] + " alive at once";
                    } else {
                        outcome[0] = "FAILED: sum " + consumer.get() + ", forks are goroutines: "
                                + forksAreGoroutines + ", goroutines alive: " + seenGoroutines[0];
                    }
                } catch (InterruptedException e) {
                    outcome[0] = "FAILED: interrupted";
                }
            });
        }
        System.out.println(outcome[0]);
        System.exit(outcome[0].startsWith("OK") ? 0 : 1);
    }
}
