package dev.nitelog.bench.report;

import dev.nitelog.bench.Figure;
import dev.nitelog.bench.Result;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PNG plots of one result, rendered headless. Figures named {@code "<metric> @ <param>=<number>"}
 * become curves (median with a min-max bar) of each metric over the parameter, one chart per
 * (unit, parameter); other figures of the same unit, when there are several, become a bar chart.
 */
final class Plots {
    private static final Pattern SWEEP = Pattern.compile("^(.*) @ (\\w+)=([0-9.]+)$");
    private static final int WIDTH = 800;
    private static final int HEIGHT = 450;

    private Plots() {
    }

    static List<Path> write(Result r, Path dir) throws IOException {
        Map<String, YIntervalSeriesCollection> curves = new LinkedHashMap<>();
        Map<String, DefaultCategoryDataset> bars = new LinkedHashMap<>();
        Map<String, Integer> barCounts = new LinkedHashMap<>();
        for (Figure f : r.figures()) {
            Matcher m = SWEEP.matcher(f.name());
            if (m.matches()) {
                String key = f.unit() + "|" + m.group(2);
                YIntervalSeriesCollection c = curves.computeIfAbsent(key, k -> new YIntervalSeriesCollection());
                series(c, m.group(1)).add(Double.parseDouble(m.group(3)), f.median(), f.min(), f.max());
            } else {
                bars.computeIfAbsent(f.unit(), u -> new DefaultCategoryDataset()).addValue(f.median(), "median", f.name());
                barCounts.merge(f.unit(), 1, Integer::sum);
            }
        }
        List<Path> out = new ArrayList<>();
        for (Map.Entry<String, YIntervalSeriesCollection> e : curves.entrySet()) {
            String[] unitParam = e.getKey().split("\\|", 2);
            Path png = dir.resolve(r.scenario() + "-" + slug(unitParam[0]) + "-vs-" + slug(unitParam[1]) + ".png");
            ChartUtils.saveChartAsPNG(png.toFile(), curve(r.title(), unitParam[1], unitParam[0], e.getValue()),
                    WIDTH, HEIGHT);
            out.add(png);
        }
        for (Map.Entry<String, DefaultCategoryDataset> e : bars.entrySet()) {
            if (barCounts.get(e.getKey()) < 2 || e.getKey().equals("ratio") && !curves.isEmpty()) {
                continue;
            }
            Path png = dir.resolve(r.scenario() + "-" + slug(e.getKey()) + ".png");
            JFreeChart chart = ChartFactory.createBarChart(r.title(), null, e.getKey(), e.getValue(),
                    PlotOrientation.HORIZONTAL, false, false, false);
            chart.setBackgroundPaint(Color.WHITE);
            ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, Math.max(250, 60 + 40 * barCounts.get(e.getKey())));
            out.add(png);
        }
        return out;
    }

    private static YIntervalSeries series(YIntervalSeriesCollection c, String name) {
        for (int i = 0; i < c.getSeriesCount(); i++) {
            if (c.getSeries(i).getKey().equals(name)) {
                return c.getSeries(i);
            }
        }
        YIntervalSeries s = new YIntervalSeries(name);
        c.addSeries(s);
        return s;
    }

    private static JFreeChart curve(String title, String param, String unit, YIntervalSeriesCollection data) {
        JFreeChart chart = ChartFactory.createXYLineChart(title, param, unit, data, PlotOrientation.VERTICAL,
                true, false, false);
        chart.setBackgroundPaint(Color.WHITE);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setDefaultLinesVisible(true);
        renderer.setDefaultShapesVisible(true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (int i = 0; i < data.getSeriesCount(); i++) {
            for (int j = 0; j < data.getItemCount(i); j++) {
                lo = Math.min(lo, data.getXValue(i, j));
                hi = Math.max(hi, data.getXValue(i, j));
            }
        }
        if (lo > 0 && hi / lo >= 50) {
            LogAxis axis = new LogAxis(param);
            axis.setBase(10);
            axis.setSmallestValue(lo / 2);
            plot.setDomainAxis(axis);
        }
        return chart;
    }

    private static String slug(String s) {
        return s.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
