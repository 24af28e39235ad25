package dev.nitelog.bench.sinks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scenario's results in the shared {@code bench/results/*.json} format: machine, method,
 * figures (median, min, max and every sample) with an optional target, and notes.
 */
final class BenchResult {
    private final String scenario;
    private final String title;
    private final int warmups;
    private final int runs;
    private final List<Map<String, Object>> figures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    BenchResult(String scenario, String title, int warmups, int runs) {
        this.scenario = scenario;
        this.title = title;
        this.warmups = warmups;
        this.runs = runs;
    }

    /** Adds a figure; {@code op} and {@code target} may be null for a figure without a target. */
    BenchResult figure(String name, String unit, List<Double> samples, String op, Double target) {
        List<Double> sorted = samples.stream().sorted().toList();
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", name);
        f.put("unit", unit);
        double median = median(sorted);
        f.put("median", round(median));
        f.put("min", round(sorted.get(0)));
        f.put("max", round(sorted.get(sorted.size() - 1)));
        f.put("samples", samples.stream().map(BenchResult::round).toList());
        if (op != null) {
            f.put("target", Map.of("op", op, "value", target));
            f.put("met", op.equals(">=") ? median >= target : median <= target);
        }
        figures.add(f);
        return this;
    }

    BenchResult note(String note) {
        notes.add(note);
        return this;
    }

    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double round(double v) {
        double scale = Math.abs(v) >= 100 ? 1 : 1000;
        return Math.round(v * scale) / scale;
    }

    void write(Path file, String commit) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("scenario", scenario);
        root.put("title", title);
        root.put("date", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)));
        root.put("commit", commit);
        root.put("machine", Machine.describe());
        root.put("method", Map.of("warmups", warmups, "runs", runs));
        root.put("figures", figures);
        if (!notes.isEmpty()) {
            root.put("notes", notes);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }

    /** A one-line-per-figure table for the console. */
    String table() {
        StringBuilder out = new StringBuilder(String.format("%-44s %-10s %12s %12s %12s%n", "figure", "unit", "median", "min", "max"));
        for (Map<String, Object> f : figures) {
            out.append(String.format("%-44s %-10s %12s %12s %12s%s%n", f.get("name"), f.get("unit"), f.get("median"),
                    f.get("min"), f.get("max"), f.containsKey("met") ? "  target " + ((Map<?, ?>) f.get("target")).get("op")
                            + " " + ((Map<?, ?>) f.get("target")).get("value") + (Boolean.TRUE.equals(f.get("met")) ? " met" : " NOT met") : ""));
        }
        return out.toString();
    }
}
