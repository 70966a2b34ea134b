package dev.weft.cli;

import dev.weft.ThreadingModel;
import dev.weft.Weft;
import dev.weft.chan.Chan;
import dev.weft.sync.WaitGroup;
import dev.weft.workloads.Engine;
import dev.weft.workloads.WeftEngine;
import dev.weft.workloads.Workloads;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.management.JMException;
import javax.management.ObjectName;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The classic comparison of threading models, measured on one workload set: what a thread costs
 * to create, what a parked one costs in memory, what a switch costs, and how CPU-bound work
 * scales over the processors. Each figure comes from the same weft program run under
 * {@link ThreadingModel#M_N}, {@link ThreadingModel#N_1} and {@link ThreadingModel#ONE_TO_ONE}:
 * the catalogue's spawn, channel ping-pong and CPU work ({@link Workloads}, which check their
 * own results), and a parked-memory measure of its own.
 *
 * <p>Memory per parked thread is the growth, while the threads are parked, of the live heap
 * after a full GC plus the threads' native memory as the JVM's native memory tracking counts it
 * (kernel-thread stacks live there); divided by the number of threads.
 */
final class ModelComparison {
    private ModelComparison() {}

    /** One model's figures; NaN where a figure could not be measured. */
    record Row(ThreadingModel model, double createNanos, int created, double parkedBytes, int parked,
               double roundTripNanos, int roundTrips, double speedup) {}

    /** How much of each: {@code parked} and {@code spawn} are used as given for M_N and N_1, capped for ONE_TO_ONE. */
    record Counts(int spawn, int parked, int roundTrips, int kernelCap, long cpuWorkMillis) {}

    /**
     * Each model on a fresh runtime: the catalogue's CPU work, spawn and channel ping-pong, then
     * the parked-memory figure. {@code loopsPerMilli}: loops of the catalogue's CPU work per
     * millisecond ({@link Workloads#loopsPerMilli}).
     */
    static List<Row> run(int procs, Counts counts, long loopsPerMilli) {
        List<Row> rows = new ArrayList<>();
        for (ThreadingModel model : ThreadingModel.values()) {
            boolean kernel = model == ThreadingModel.ONE_TO_ONE;
            int spawn = kernel ? Math.min(counts.spawn(), counts.kernelCap()) : counts.spawn();
            int parked = kernel ? Math.min(counts.parked(), counts.kernelCap()) : counts.parked();
            int trips = kernel ? Math.max(1, counts.roundTrips() / 10) : counts.roundTrips();
            try (WeftEngine e = new WeftEngine(Weft.builder().model(model).procs(procs).name("models-" + model))) {
                // CPU work first, while no other thread of the comparison is still winding down.
                double speedup = speedup(e, procs, Math.max(1, counts.cpuWorkMillis() * loopsPerMilli));
                double create = (double) Workloads.spawn(e, spawn).nanos() / spawn;
                double trip = (double) Workloads.pingPong(e, trips).nanos() / trips;
                double bytes = parkedBytes(e, parked);
                rows.add(new Row(model, create, spawn, bytes, parked, trip, trips, speedup));
            }
        }
        return rows;
    }

    /** Parks n goroutines on a channel, measures the growth of the process, releases them. */
    private static double parkedBytes(WeftEngine e, int n) {
        long[] grown = new long[1];
        e.run(() -> {
            Chan<Integer> gate = Chan.make();
            WaitGroup started = new WaitGroup();
            WaitGroup finished = new WaitGroup();
            started.add(n);
            finished.add(n);
            long before = footprint();
            for (int i = 0; i < n; i++) {
                e.start(() -> {
                    started.done();
                    gate.recv();
                    finished.done();
                });
            }
            started.await();
            grown[0] = footprint() - before;
            gate.close();
            finished.await();
        });
        return (double) grown[0] / n;
    }

    /**
     * Live heap after a full GC (a virtual thread's stack lives there) plus the memory the JVM's
     * native memory tracking counts for threads (a kernel thread's stack and its native state),
     * when the JVM runs with {@code -XX:NativeMemoryTracking=summary} (the launcher's demo does).
     */
    private static long footprint() {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return heap + nativeThreadBytes();
    }

    private static final Pattern NMT_THREAD =
            Pattern.compile("Thread \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

    /** NMT's committed memory for threads, or 0 when tracking is off. */
    static long nativeThreadBytes() {
        try {
            ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(name, "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            Matcher m = NMT_THREAD.matcher(String.valueOf(out));
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : 0;
        } catch (JMException | RuntimeException e) {
            return 0;
        }
    }

    /** Whether the figures include native thread memory (NMT on). */
    static boolean nativeMemoryTracked() {
        return nativeThreadBytes() > 0;
    }

    /**
     * Time of one goroutine doing all the work over the time of 2 x procs goroutines sharing it,
     * each the best of three runs (a noisy machine only ever adds time).
     */
    private static double speedup(Engine e, int procs, long loops) {
        long serial = Long.MAX_VALUE;
        long parallel = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            serial = Math.min(serial, Workloads.cpuWork(e, 1, loops).nanos());
            parallel = Math.min(parallel, Workloads.cpuWork(e, 2 * procs, loops).nanos());
        }
        return (double) serial / parallel;
    }

    static void print(List<Row> rows, int procs) {
        System.out.printf("%-11s %16s %20s %18s %14s%n", "model", "create+join", "memory per parked",
                "chan round trip", "CPU speedup");
        for (Row r : rows) {
            System.out.printf("%-11s %10.0f ns/th %13.0f B/th %15.0f ns %13.2fx   (%,d created, %,d parked, %,d trips)%n",
                    r.model(), r.createNanos(), r.parkedBytes(), r.roundTripNanos(), r.speedup(), r.created(),
                    r.parked(), r.roundTrips());
        }
        System.out.printf("CPU speedup: one goroutine doing all the work over %d sharing it, procs=%d (best of 3).%n",
                2 * procs, procs);
        System.out.println(nativeMemoryTracked()
                ? "memory: live heap after a full GC plus thread memory by native memory tracking, per parked thread."
                : "memory: live heap only (run with -XX:NativeMemoryTracking=summary to count kernel-thread stacks).");
        try (Weft oneToOne = Weft.builder().model(ThreadingModel.ONE_TO_ONE).name("models-priorities").build()) {
            System.out.println("ONE_TO_ONE priorities become Java thread priorities: "
                    + (oneToOne.prioritiesHonoured() ? "this OS applies them."
                    : "this OS ignores them (Linux: only as root with -XX:ThreadPriorityPolicy=1)."));
        }
        System.out.println("ONE_TO_ONE pays a kernel thread per goroutine (creation, a stack, a kernel switch);");
        System.out.println("N_1 switches cheaply but cannot use a second core, and one blocking call stops all;");
        System.out.println("M_N keeps N_1's costs and the cores, at the price of a user-space scheduler.");
    }

    /**
     * The table as a chart (PNG): one panel per figure, a bar per model, absolute values; the
     * costs on log scales (they span two orders of magnitude), the speedup on a linear one.
     */
    static void writeChart(List<Row> rows, int procs, File file) throws IOException {
        System.setProperty("java.awt.headless", "true"); // before AWT loads: no display needed
        String[] titles = {"create + join, ns per thread", "memory per parked thread, bytes",
                "channel round trip, ns", "CPU-bound speedup on " + procs + " processors, x"};
        int width = 1100;
        int height = 760;
        BufferedImage image = new BufferedImage(width, height,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(g.getFont().deriveFont(Font.BOLD, 18f));
            g.drawString("weft: the three threading models, one program (procs=" + procs + ", "
                    + Runtime.getRuntime().availableProcessors() + " CPUs, JDK " + Runtime.version().feature() + ")", 20, 28);
            for (int panel = 0; panel < titles.length; panel++) {
                DefaultCategoryDataset data = new DefaultCategoryDataset();
                for (Row r : rows) {
                    double v = switch (panel) {
                        case 0 -> r.createNanos();
                        case 1 -> r.parkedBytes();
                        case 2 -> r.roundTripNanos();
                        default -> r.speedup();
                    };
                    data.addValue(v, "value", r.model().name());
                }
                JFreeChart chart = ChartFactory.createBarChart(titles[panel], null, null,
                        data, PlotOrientation.VERTICAL, false, false, false);
                chart.setBackgroundPaint(Color.WHITE);
                CategoryPlot plot = chart.getCategoryPlot();
                plot.setBackgroundPaint(Color.WHITE);
                plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
                BarRenderer bars =
                        (BarRenderer) plot.getRenderer();
                if (panel < 3) {
                    double lo = Double.MAX_VALUE;
                    double hi = 0;
                    for (int c = 0; c < data.getColumnCount(); c++) {
                        double v = data.getValue(0, c).doubleValue();
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                    lo = Math.max(1, lo / 4);
                    LogAxis axis = new LogAxis("log scale");
                    axis.setBase(10);
                    axis.setTickUnit(new NumberTickUnit(1));
                    axis.setNumberFormatOverride(new DecimalFormat("#,##0"));
                    axis.setRange(lo, Math.max(hi * 4, lo * 10));
                    plot.setRangeAxis(axis);
                    bars.setBase(lo); // bars grow from the bottom of the axis, not from 0
                }
                bars.setBarPainter(new StandardBarPainter());
                bars.setShadowVisible(false);
                bars.setSeriesPaint(0, new Color(0x1f77b4));
                bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator(
                        "{2}", new DecimalFormat(panel == 3 ? "0.00" : "#,##0")));
                bars.setDefaultItemLabelsVisible(true);
                int col = panel % 2;
                int row = panel / 2;
                int w = width / 2;
                int h = (height - 40) / 2;
                chart.draw(g, new Rectangle2D.Double(col * w, 40 + row * h, w, h));
            }
        } finally {
            g.dispose();
        }
        File dir = file.getAbsoluteFile().getParentFile();
        if (dir != null) {
            Files.createDirectories(dir.toPath());
        }
        ImageIO.write(image, "png", file);
    }
}
