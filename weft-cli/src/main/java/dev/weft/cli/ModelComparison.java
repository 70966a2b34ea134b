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
 * <p>Memory per parked thread is the growth, while the threads are parked, of the live heap
 * after a full GC plus (Linux) the resident memory outside the committed heap, which is where
 * kernel-thread stacks live; divided by the number of threads.
 */
final class ModelComparison {
    private ModelComparison() {}

    /** One model's figures; NaN where a figure could not be measured. */
    record Row(ThreadingModel model, double createNanos, int created, double parkedBytes, int parked,
               double roundTripNanos, int roundTrips, double speedup) {}

    /** Sizes: {@code parked} and {@code spawn} are used as given for M_N and N_1, capped for ONE_TO_ONE. */
    record Sizes(int spawn, int parked, int roundTrips, int kernelCap, long cpuWorkMillis) {}

    /** {@code loopsPerMilli}: loops of the CPU workload's 1,000-step inner loop per millisecond of CPU. */
    static List<Row> run(int procs, Sizes sizes, long loopsPerMilli) {
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
                double speedup = speedup(rt, procs, Math.max(1, sizes.cpuWorkMillis() * loopsPerMilli));
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

    /**
     * Live heap after a full GC (a virtual thread's stack lives there), plus, on Linux, the
     * resident memory outside the committed heap (a kernel thread's stack and its native state).
     * The second term is the resident set minus the committed heap, so the heap growing or
     * shrinking its commitment does not count.
     */
    private static long footprint() {
        System.gc();
        java.lang.management.MemoryUsage heap = java.lang.management.ManagementFactory.getMemoryMXBean()
                .getHeapMemoryUsage();
        long outsideHeap = 0;
        Path status = Path.of("/proc/self/status");
        if (Files.isReadable(status)) {
            try {
                for (String line : Files.readAllLines(status)) {
                    if (line.startsWith("VmRSS:")) {
                        outsideHeap = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024 - heap.getCommitted();
                    }
                }
            } catch (java.io.IOException | NumberFormatException e) {
                outsideHeap = 0; // the heap alone, as on other systems
            }
        }
        return heap.getUsed() + outsideHeap;
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

    /**
     * The table as a bar chart (PNG): each figure relative to M_N's, on a log scale, so "a
     * hundred times the memory" and "half the speedup" read on one axis.
     */
    static void writeChart(List<Row> rows, int procs, java.io.File file) throws java.io.IOException {
        System.setProperty("java.awt.headless", "true"); // before AWT loads: no display needed
        Row base = rows.get(0);
        org.jfree.data.category.DefaultCategoryDataset data = new org.jfree.data.category.DefaultCategoryDataset();
        for (Row r : rows) {
            data.addValue(r.createNanos() / base.createNanos(), r.model().name(), "create + join (time)");
            data.addValue(r.parkedBytes() / base.parkedBytes(), r.model().name(), "memory per parked thread");
            data.addValue(r.roundTripNanos() / base.roundTripNanos(), r.model().name(), "channel round trip (time)");
            data.addValue(r.speedup() / base.speedup(), r.model().name(), "CPU-bound speedup");
        }
        org.jfree.chart.JFreeChart chart = org.jfree.chart.ChartFactory.createBarChart(
                "Threading models: each figure relative to M_N (log scale)", null, "relative to M_N", data);
        chart.addSubtitle(new org.jfree.chart.title.TextTitle("weft demo, procs=" + procs + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, JDK " + Runtime.version()));
        chart.setBackgroundPaint(java.awt.Color.WHITE);
        org.jfree.chart.plot.CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(java.awt.Color.WHITE);
        plot.setRangeGridlinePaint(java.awt.Color.LIGHT_GRAY);
        org.jfree.chart.axis.LogAxis axis = new org.jfree.chart.axis.LogAxis("relative to M_N (log scale)");
        axis.setBase(10);
        axis.setNumberFormatOverride(new java.text.DecimalFormat("0.###"));
        plot.setRangeAxis(axis);
        org.jfree.chart.renderer.category.BarRenderer bars =
                (org.jfree.chart.renderer.category.BarRenderer) plot.getRenderer();
        bars.setBarPainter(new org.jfree.chart.renderer.category.StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setBase(1.0);
        java.awt.Color[] colours = {new java.awt.Color(0x1f77b4), new java.awt.Color(0x2ca02c),
                new java.awt.Color(0xd62728)};
        for (int i = 0; i < data.getRowCount(); i++) {
            bars.setSeriesPaint(i, colours[i % colours.length]);
        }
        java.io.File dir = file.getAbsoluteFile().getParentFile();
        if (dir != null) {
            java.nio.file.Files.createDirectories(dir.toPath());
        }
        org.jfree.chart.ChartUtils.saveChartAsPNG(file, chart, 1000, 560);
    }
}
