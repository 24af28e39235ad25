package dev.nitelog.bench;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Arrays;
import java.util.List;

/**
 * One measured quantity: the median of its samples (one per measured run) with min and max, and
 * optionally a target and whether the median meets it. A name of the form
 * {@code "<metric> @ <param>=<number>"} is plotted as a curve of the metric over the parameter.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Figure(String name, String unit, double median, double min, double max, List<Double> samples,
                     Target target, Boolean met) {

    /** A bound the median must satisfy: {@code op} is ">=" or "<=". */
    public record Target(String op, double value) {
        public static Target atLeast(double v) {
            return new Target(">=", v);
        }

        public static Target atMost(double v) {
            return new Target("<=", v);
        }

        boolean metBy(double x) {
            return ">=".equals(op) ? x >= value : x <= value;
        }
    }

    /** A figure without a target. */
    public static Figure of(String name, String unit, List<Double> samples) {
        return of(name, unit, samples, null);
    }

    /** A figure from its samples; median, min and max are computed, and met when there is a target. */
    public static Figure of(String name, String unit, List<Double> samples, Target target) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("figure " + name + " has no samples");
        }
        double[] s = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = median(s);
        return new Figure(name, unit, round(median), round(s[0]), round(s[s.length - 1]),
                samples.stream().map(Figure::round).toList(), target, target == null ? null : target.metBy(median));
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Four significant digits: these machines are noisier than that anyway. */
    static double round(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double scale = Math.pow(10, 3 - Math.floor(Math.log10(Math.abs(v))));
        return Math.round(v * scale) / scale;
    }

    @Override
    public String toString() {
        return name + ": " + median + " " + unit + " [" + min + ", " + max + "]"
                + (met == null ? "" : met ? " met" : " MISSED") + " samples=" + Arrays.toString(samples.toArray());
    }
}
