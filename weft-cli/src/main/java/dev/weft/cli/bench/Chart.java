package dev.weft.cli.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.File;
import java.text.DecimalFormat;
import java.io.IOException;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The report at a glance: for each workload, a bar per peer of weft M:N FIFO's median over the
 * peer's (the table's weft/peer column). The axis is logarithmic and the bars grow from 1, so
 * "weft twice as fast" (0.5) and "twice as slow" (2) are bars of the same length, down and up.
 */
final class Chart {
    private static final Color[] PALETTE = {new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x17becf), new Color(0x8c564b), new Color(0x7f7f7f)};

    private Chart() {}

    static void writePng(Report r, File file) throws IOException {
        // Before any AWT class loads: no display is needed, nor wanted, to draw a PNG.
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        double lo = 1;
        double hi = 1;
        for (Report.Row row : r.rows()) {
            if (row.weftOverPeer() != null) {
                data.addValue(row.weftOverPeer(), row.peerLabel(), row.workload());
                lo = Math.min(lo, row.weftOverPeer());
                hi = Math.max(hi, row.weftOverPeer());
            }
        }
        JFreeChart chart = ChartFactory.createBarChart("weft M:N FIFO time / peer time (below 1: weft is faster)",
                null, "ratio (log scale)", data);
        chart.addSubtitle(new TextTitle(String.format(Locale.ROOT,
                "median of %d iterations; %d CPUs, %s", r.iterations(), r.machine().cpus(), r.machine().jdk())));
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        LogAxis axis = new LogAxis("ratio (log scale)");
        // Base 2, a tick per power: 0.25, 0.5, 1, 2, 4 read as "twice as fast", "twice as slow".
        axis.setBase(2);
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setNumberFormatOverride(new DecimalFormat("0.###"));
        axis.setRange(lo / 1.5, hi * 1.5);
        plot.setRangeAxis(axis);
        plot.addRangeMarker(new ValueMarker(1.0, Color.BLACK, new BasicStroke(1.5f)));
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        BarRenderer bars = (BarRenderer) plot.getRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setBase(1.0);
        // JFreeChart's default palette has a pale yellow that vanishes on white: dark colours instead.
        for (int i = 0; i < data.getRowCount(); i++) {
            bars.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        ChartUtils.saveChartAsPNG(file, chart, 1200, 600);
    }
}
