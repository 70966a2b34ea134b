package example.hello;

import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.sync.WaitGroup;

/**
 * A user's first weft program: a pipeline of goroutines over channels. Run with the layout as its
 * argument ("class-path" or "module-path"); it checks that weft was loaded that way and exits
 * with status 1 if the pipeline's result or the layout is wrong. With "module-path-no-flag" it
 * checks instead that a JVM started without the flag gets weft's message naming the flag the
 * module path needs.
 */
public final class Hello {
    public static void main(String[] args) {
        String expectedLayout = args.length > 0 ? args[0] : "class-path";
        if (expectedLayout.equals("module-path-no-flag")) {
            checkMissingFlagMessage();
            return;
        }
        String module = Weft.class.getModule().getName();
        String layout = module == null ? "class-path" : "module-path (module " + module + ")";

        long sum;
        try (Weft rt = Weft.builder().procs(2).build()) {
            Chan<Integer> numbers = Chan.make(16);
            Chan<Long> squares = Chan.make(16);
            WaitGroup workers = new WaitGroup();
            rt.go(() -> {
                for (int i = 1; i <= 1_000; i++) {
                    numbers.send(i);
                }
                numbers.close();
            });
            for (int w = 0; w < 4; w++) {
                workers.add(1);
                rt.go(() -> {
                    try {
                        for (Integer n : numbers) {
                            squares.send((long) n * n);
                        }
                    } finally {
                        workers.done();
                    }
                });
            }
            rt.go(() -> {
                workers.await();
                squares.close();
            });
            long[] total = new long[1];
            rt.run(() -> {
                for (Long s : squares) {
                    total[0] += s;
                }
            });
            sum = total[0];
        }
        long expected = 1_000L * 1_001 * 2_001 / 6;
        System.out.println("hello-maven: weft " + Weft.version() + " on the " + layout
                + ": sum of squares 1..1000 = " + sum);
        if (sum != expected || !layout.startsWith(expectedLayout)) {
            System.err.println("hello-maven: expected sum " + expected + " on the " + expectedLayout);
            System.exit(1);
        }
    }

    private static void checkMissingFlagMessage() {
        String needed = "--add-opens java.base/java.lang=dev.weft";
        try (Weft rt = Weft.builder().procs(1).build()) {
            System.err.println("hello-maven: a runtime was built without the flag");
            System.exit(1);
        } catch (IllegalStateException e) {
            if (!e.getMessage().contains(needed)) {
                System.err.println("hello-maven: the message does not name '" + needed + "': " + e.getMessage());
                System.exit(1);
            }
            System.out.println("hello-maven: without the flag on the module path, weft says: "
                    + e.getMessage().substring(0, e.getMessage().indexOf(':')));
        }
    }
}
