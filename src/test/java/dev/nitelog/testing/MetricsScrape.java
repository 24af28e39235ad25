package dev.nitelog.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One scrape of a Prometheus text endpoint ({@code /q/metrics}), for tests that compare a running
 * nitelog's counters with what they expect.
 */
public final class MetricsScrape {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A sample: its metric name, labels and value. */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    private final List<Sample> samples;

    private MetricsScrape(List<Sample> samples) {
        this.samples = samples;
    }

    /** Scrapes {@code http://127.0.0.1:<port>/q/metrics}. */
    public static MetricsScrape of(int port) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("/q/metrics answered " + response.statusCode());
        }
        return parse(response.body());
    }

    /** Parses the text format: {@code name{a="x",b="y"} value}, comments skipped. */
    public static MetricsScrape parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name = brace < 0 ? line.substring(0, space) : line.substring(0, brace);
            Map<String, String> labels = brace < 0 ? Map.of() : labels(line.substring(brace + 1, line.lastIndexOf('}')));
            out.add(new Sample(name.trim(), labels, Double.parseDouble(line.substring(space + 1).trim())));
        }
        return new MetricsScrape(out);
    }

    private static Map<String, String> labels(String body) {
        Map<String, String> labels = new HashMap<>();
        int i = 0;
        while (i < body.length()) {
            int eq = body.indexOf('=', i);
            int open = body.indexOf('"', eq);
            int close = open + 1;
            while (body.charAt(close) != '"' || body.charAt(close - 1) == '\\') {
                close++;
            }
            labels.put(body.substring(i, eq).trim(), body.substring(open + 1, close));
            i = close + 1;
            while (i < body.length() && (body.charAt(i) == ',' || body.charAt(i) == ' ')) {
                i++;
            }
        }
        return labels;
    }

    /**
     * The sum of the samples named {@code name} whose labels include these pairs
     * ({@code "endpoint", "logs", "outcome", "429"}); 0 when none exists yet.
     */
    public double sum(String name, String... labelPairs) {
        double total = 0;
        for (Sample s : samples) {
            if (s.name().equals(name) && matches(s.labels(), labelPairs)) {
                total += s.value();
            }
        }
        return total;
    }

    /**
     * Every sample of this scrape less the same sample (name and labels) in {@code baseline}: what
     * counters counted since then. Gauges come out as differences too; read those from a full scrape.
     */
    public MetricsScrape since(MetricsScrape baseline) {
        Map<String, Double> before = new HashMap<>();
        for (Sample s : baseline.samples) {
            before.put(s.name() + s.labels(), s.value());
        }
        List<Sample> delta = new ArrayList<>();
        for (Sample s : samples) {
            delta.add(new Sample(s.name(), s.labels(), s.value() - before.getOrDefault(s.name() + s.labels(), 0.0)));
        }
        return new MetricsScrape(delta);
    }

    /** True when a sample named {@code name} with these label pairs exists, whatever its value. */
    public boolean has(String name, String... labelPairs) {
        return samples.stream().anyMatch(s -> s.name().equals(name) && matches(s.labels(), labelPairs));
    }

    /** {@link #sum} as a whole count. */
    public long count(String name, String... labelPairs) {
        return Math.round(sum(name, labelPairs));
    }

    private static boolean matches(Map<String, String> labels, String[] pairs) {
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (!pairs[i + 1].equals(labels.get(pairs[i]))) {
                return false;
            }
        }
        return true;
    }
}
