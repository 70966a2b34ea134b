package dev.weft.cli;

import dev.weft.Go;
import dev.weft.Goroutine;
import dev.weft.ThreadingModel;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.sync.WaitGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The classic comparison of threading models, measured on one workload set: what a thread costs
 * to create, what a parked one costs in memory, what a switch costs, and how CPU-bound work
 * scales over the processors. Each figure comes from the same weft program run under
 * {@link ThreadingModel#M_N}, {@link ThreadingModel#N_1} and {@link ThreadingModel#ONE_TO_ONE};
 * every workload checks its own result.
 *
 * <p>Memory per parked thread is the growth of the process's resident set (Linux
 * {@code /proc/self/status}, which counts kernel-thread stacks as well as the heap) while the
 * threads are parked, divided by their number; elsewhere only the heap is seen.
 */
final class ModelComparison {
    private ModelComparison() {}

    /** One model's figures; NaN where a figure could not be measured. */
    record Row(ThreadingModel model, double createNanos, int created, double parkedBytes, int parked,
               double roundTripNanos, int roundTrips, double speedup) {}

    /** Sizes: {@code parked} and {@code spawn} are used as given for M_N and N_1, capped for ONE_TO_ONE. */
    record Sizes(int spawn, int parked, int roundTrips, int kernelCap, long cpuWorkMillis) {}

    static List<Row> run(int procs, Sizes sizes, long itersPerMilli) {
        List<Row> rows = new ArrayList<>();
        for (ThreadingModel model : ThreadingModel.values()) {
            boolean kernel = model == ThreadingModel.ONE_TO_ONE;
            int spawn = kernel ? Math.min(sizes.spawn(), sizes.kernelCap()) : sizes.spawn();
            int parked = kernel ? Math.min(sizes.parked(), sizes.kernelCap()) : sizes.parked();
            int trips = kernel ? Math.max(1, sizes.roundTrips() / 10) : sizes.roundTrips();
            try (Weft rt = Weft.builder().model(model).procs(procs).name("models-" + model).build()) {
                double create = createNanos(rt, spawn);
                double bytes = parkedBytes(rt, parked);
                double trip = roundTripNanos(rt, trips);
                double speedup = speedup(rt, procs, sizes.cpuWorkMillis() * itersPerMilli);
                rows.add(new Row(model, create, spawn, bytes, parked, trip, trips, speedup));
            }
        }
        return rows;
    }

    private static double createNanos(Weft rt, int n) {
        long[] sum = new long[1];
        long t0 = System.nanoTime();
        rt.run(() -> {
            Goroutine[] gs = new Goroutine[n];
            long[] parts = new long[n];
            for (int i = 0; i < n; i++) {
                int k = i;
                gs[i] = Go.go(() -> parts[k] = k);
            }
            for (Goroutine g : gs) {
                g.join();
            }
            for (long p : parts) {
                sum[0] += p;
            }
        });
        long elapsed = System.nanoTime() - t0;
        DemoCommand.check(sum[0] == (long) n * (n - 1) / 2, "create: sum " + sum[0]);
        return (double) elapsed / n;
    }

    /** Parks n goroutines on a channel, measures the growth of the process, releases them. */
    private static double parkedBytes(Weft rt, int n) {
        long[] grown = new long[1];
        int[] released = new int[1];
        rt.run(() -> {
            Chan<Integer> gate = Chan.make();
            WaitGroup started = new WaitGroup();
            WaitGroup finished = new WaitGroup();
            started.add(n);
            finished.add(n);
            long before = footprint();
            for (int i = 0; i < n; i++) {
                Go.go(() -> {
                    started.done();
                    gate.recv();
                    finished.done();
                });
            }
            started.await();
            grown[0] = footprint() - before;
            gate.close();
            finished.await();
            released[0] = n;
        });
        DemoCommand.check(released[0] == n, "parked: released " + released[0]);
        return (double) grown[0] / n;
    }

    /** Resident set size on Linux, else used heap, after a GC. */
    private static long footprint() {
        System.gc();
        Path status = Path.of("/proc/self/status");
        if (Files.isReadable(status)) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (java.io.IOException | NumberFormatException e) {
                // fall through to the heap
            }
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    private static double roundTripNanos(Weft rt, int trips) {
        long[] sum = new long[1];
        long t0 = System.nanoTime();
        rt.run(() -> {
            Chan<Integer> ping = Chan.make();
            Chan<Integer> pong = Chan.make();
            Goroutine echo = Go.go(() -> {
                for (Integer v : ping) {
                    pong.send(v);
                }
            });
            for (int i = 0; i < trips; i++) {
                ping.send(i);
                sum[0] += pong.recv();
            }
            ping.close();
            echo.join();
        });
        long elapsed = System.nanoTime() - t0;
        DemoCommand.check(sum[0] == (long) trips * (trips - 1) / 2, "ping-pong: sum " + sum[0]);
        return (double) elapsed / trips;
    }

    /** Time of one goroutine doing all the work over the time of 2 x procs goroutines sharing it. */
    private static double speedup(Weft rt, int procs, long iterations) {
        long serial = timeCpuWork(rt, 1, iterations);
        long parallel = timeCpuWork(rt, 2 * procs, iterations);
        return (double) serial / parallel;
    }

    private static long timeCpuWork(Weft rt, int workers, long iterations) {
        long[] results = new long[workers];
        long t0 = System.nanoTime();
        rt.run(() -> {
            CountDownLatch done = new CountDownLatch(workers);
            for (int w = 0; w < workers; w++) {
                int id = w;
                Go.go(() -> {
                    long x = 0;
                    for (long k = id; k < iterations; k += workers) {
                        for (int j = 0; j < 1000; j++) {
                            x += Long.numberOfTrailingZeros(x + j) + 1;
                        }
                        Go.checkpoint();
                    }
                    results[id] = x;
                    done.countDown();
                });
            }
            try {
                done.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long elapsed = System.nanoTime() - t0;
        for (long r : results) {
            DemoCommand.check(r > 0, "cpu work");
        }
        return elapsed;
    }

    static void print(List<Row> rows, int procs) {
        System.out.printf("%-11s %16s %20s %18s %14s%n", "model", "create+join", "memory per parked",
                "chan round trip", "CPU speedup");
        for (Row r : rows) {
            System.out.printf("%-11s %10.0f ns/th %13.0f B/th %15.0f ns %13.2fx   (%,d created, %,d parked, %,d trips)%n",
                    r.model(), r.createNanos(), r.parkedBytes(), r.roundTripNanos(), r.speedup(), r.created(),
                    r.parked(), r.roundTrips());
        }
        System.out.printf("CPU speedup: one goroutine doing all the work over %d sharing it, procs=%d.%n", 2 * procs, procs);
        System.out.println("ONE_TO_ONE pays a kernel thread per goroutine (creation, a stack, a kernel switch);");
        System.out.println("N_1 switches cheaply but cannot use a second core, and one blocking call stops all;");
        System.out.println("M_N keeps N_1's costs and the cores, at the price of a user-space scheduler.");
    }
}
