package dev.nitelog.bench.sinks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.nitelog.config.SinkConfig;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.elasticsearch.ElasticsearchSinkFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue #5's benchmark: documents/s of the Elasticsearch sink against curl posting the same
 * NDJSON in the same batches to the same engine, as a ratio per run.
 *
 * <p>The NDJSON is what the sink itself sends: before the runs the sink writes every batch to a
 * local capture server that stores each {@code _bulk} body in a file and answers
 * {@code "errors":false}. Each run then indexes the records twice into a freshly created index
 * (one shard, no replica): once by the sink, driven through the SPI as {@code SinkWorker} drives it
 * (batches of the configured batch size, flush every flush interval and at the end, timed from the
 * first write until the last write returned), once by one curl process posting the files one after
 * another over one kept-alive connection, as the sink's HTTP client does (timed from process start
 * to exit). After each side the index is refreshed and must hold exactly as many documents as
 * records, or the run is invalid. Which side goes first alternates.
 */
public final class ElasticsearchSinkBench {
    private static final String SINK = "bench";
    private static final String INDEX = "nitelog-bench";

    private final URI engine;
    private final Path work;
    private final List<LogRecord> records;
    private final int batchSize;
    private final Duration flushInterval = SinkConfigs.defaultFlushInterval();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    private Path curlConfig;
    private int batches;

    private ElasticsearchSinkBench(Args args) {
        engine = URI.create(args.require("url") + "/");
        work = Path.of(args.get("work", "bench/work/sinks"));
        long seed = Long.parseLong(args.get("seed", "20261128"));
        records = BenchRecords.generate(args.getInt("records", 200_000), args.getInt("jobs", 40), seed);
        batchSize = sinkConfig(engine).batchSize();
    }

    public static void main(String[] argv) throws Exception {
        BenchLogging.likeProduction();
        Args args = new Args(argv);
        int warmups = args.getInt("warmups", 1);
        int runs = args.getInt("runs", 5);
        ElasticsearchSinkBench bench = new ElasticsearchSinkBench(args);
        long bytes = bench.capture();
        System.out.printf("elasticsearch bench: %d records in %d bulk requests of %d (%d MB of NDJSON), %d warm-up + %d runs,"
                + " engine %s%n", bench.records.size(), bench.batches, bench.batchSize, bytes >> 20, warmups, runs,
                bench.engineVersion());
        List<Double> nitelog = new ArrayList<>();
        List<Double> curl = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        List<Double> nitelogCpu = new ArrayList<>();
        List<Double> curlCpu = new ArrayList<>();
        for (int i = 0; i < warmups + runs; i++) {
            boolean warmup = i < warmups;
            Timed sink = null;
            Timed baseline = null;
            for (int k = 0; k < 2; k++) {
                bench.freshIndex();
                if ((i + k) % 2 == 0) {
                    sink = bench.runNitelog();
                } else {
                    baseline = bench.runCurl();
                }
                bench.verifyCount();
            }
            System.out.printf("%s %d: nitelog %.0f docs/s, curl %.0f docs/s, ratio %.3f; CPU ms per 1000: nitelog %.1f,"
                    + " curl %.1f%n", warmup ? "warm-up" : "run", warmup ? i + 1 : i - warmups + 1, sink.perSecond(),
                    baseline.perSecond(), sink.perSecond() / baseline.perSecond(), sink.cpuMillisPerThousand(),
                    baseline.cpuMillisPerThousand());
            if (!warmup) {
                nitelog.add(sink.perSecond());
                curl.add(baseline.perSecond());
                ratio.add(sink.perSecond() / baseline.perSecond());
                nitelogCpu.add(sink.cpuMillisPerThousand());
                curlCpu.add(baseline.cpuMillisPerThousand());
            }
        }
        BenchResult result = new BenchResult("elasticsearch",
                "Elasticsearch sink vs curl bulk loader: documents/s into the same local engine", warmups, runs)
                .figure("nitelog ElasticsearchSink", "docs/s", nitelog, null, null)
                .figure("curl _bulk (same NDJSON, same batches)", "docs/s", curl, null, null)
                .figure("nitelog / curl", "ratio", ratio, ">=", 0.8)
                .figure("nitelog CPU per 1000 docs (bench JVM)", "ms", nitelogCpu, null, null)
                .figure("curl CPU per 1000 docs", "ms", curlCpu, null, null);
        bench.notes(result, bench.engineVersion());
        System.out.print(result.table());
        result.write(Path.of(args.get("out", "bench/results/elasticsearch.json")), args.get("commit", "unknown"));
    }

    private static SinkConfig sinkConfig(URI url) {
        return SinkConfigs.sink(SINK, "elasticsearch", keys(url));
    }

    private static Map<String, String> keys(URI url) {
        return Map.of("urls", url.toString(), "index", INDEX);
    }

    /** Lets the sink write every batch to a local capture server; one file per bulk request. */
    private long capture() throws Exception {
        Path dir = work.resolve("es-batches");
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
        }
        Files.createDirectories(dir);
        AtomicInteger count = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                if (exchange.getRequestMethod().equals("POST") && exchange.getRequestURI().getPath().equals("/_bulk")) {
                    Files.write(dir.resolve(String.format("batch-%06d.ndjson", count.getAndIncrement())), body);
                }
                answer(exchange, "{\"took\":0,\"errors\":false,\"items\":[]}");
            }
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
            try (Sink sink = SinkConfigs.create(new ElasticsearchSinkFactory(), SINK, keys(url))) {
                SinkDriver.writeAll(sink, records, batchSize, flushInterval);
            }
        } finally {
            server.stop(0);
        }
        batches = count.get();
        if (batches != (records.size() + batchSize - 1) / batchSize) {
            throw new IllegalStateException("the sink sent " + batches + " bulk requests for " + records.size()
                    + " records in batches of " + batchSize);
        }
        long bytes = 0;
        StringBuilder config = new StringBuilder();
        for (int i = 0; i < batches; i++) {
            Path file = dir.resolve(String.format("batch-%06d.ndjson", i)).toAbsolutePath();
            bytes += Files.size(file);
            config.append("url = \"").append(engine.resolve("_bulk")).append("\"\n")
                    .append("header = \"Content-Type: application/x-ndjson\"\n")
                    .append("data-binary = \"@").append(file).append("\"\n")
                    .append("output = \"/dev/null\"\n")
                    .append("silent\nshow-error\n");
            if (i + 1 < batches) {
                config.append("next\n");
            }
        }
        curlConfig = work.resolve("es-curl.config");
        Files.writeString(curlConfig, config);
        return bytes;
    }

    private static void answer(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Timed runNitelog() throws SinkException {
        try (Sink sink = SinkConfigs.create(new ElasticsearchSinkFactory(), SINK, keys(engine))) {
            long cpu = Client.jvmCpuNanos();
            long nanos = SinkDriver.writeAll(sink, records, batchSize, flushInterval);
            return new Timed(records.size(), nanos, Client.jvmCpuNanos() - cpu);
        }
    }

    private Timed runCurl() throws IOException, InterruptedException {
        return Client.run(List.of("curl", "-K", curlConfig.toString()), records.size(), work.resolve("curl.log"));
    }

    /** Deletes and re-creates the index, one shard and no replica, so each side starts empty. */
    private void freshIndex() throws IOException, InterruptedException {
        int deleted = send("DELETE", INDEX, null).statusCode();
        if (deleted != 200 && deleted != 404) {
            throw new IllegalStateException("DELETE " + INDEX + " answered " + deleted);
        }
        HttpResponse<String> created = send("PUT", INDEX,
                "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}");
        if (created.statusCode() != 200) {
            throw new IllegalStateException("PUT " + INDEX + " answered " + created.statusCode() + ": " + created.body());
        }
        send("GET", "_cluster/health/" + INDEX + "?wait_for_status=green&timeout=60s", null);
    }

    private void verifyCount() throws IOException, InterruptedException {
        send("POST", INDEX + "/_refresh", null);
        HttpResponse<String> r = send("GET", INDEX + "/_count", null);
        long count = json.readTree(r.body()).path("count").asLong(-1);
        if (count != records.size()) {
            throw new IllegalStateException("invalid run: " + INDEX + " holds " + count + " documents, expected "
                    + records.size() + " (" + r.body() + ")");
        }
    }

    private String engineVersion() throws IOException, InterruptedException {
        var root = json.readTree(send("GET", "", null).body());
        return root.path("version").path("distribution").asText("elasticsearch") + " "
                + root.path("version").path("number").asText("?");
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(engine.resolve(path)).timeout(Duration.ofSeconds(120));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void notes(BenchResult result, String engineVersion) {
        result.note("Engine: " + engineVersion + " as its own single-node process on 127.0.0.1 (Maven Central jars,"
                + " netty4 transport only, no security), 1 GiB heap; index " + INDEX + " re-created before each side"
                + " with 1 shard, 0 replicas, dynamic mapping.");
        result.note("Same bytes both sides: " + records.size() + " generated LogRecords; the NDJSON curl posts was"
                + " captured from ElasticsearchSink itself (BulkEncoder's create actions and documents), "
                + batches + " bulk requests of " + batchSize + " (the default batch-size).");
        result.note("curl: one process posting every batch file in turn (curl -K config with 'next' between"
                + " requests), so it reuses one keep-alive connection as the sink's HttpClient does; one process per"
                + " batch would charge the baseline a process start and TCP connect per request and flatter nitelog."
                + " curl reads each file into memory before sending it and discards the response; the sink encodes"
                + " the records and parses every bulk response.");
        result.note("nitelog is timed from the first write to the return of the last (each write returns once the"
                + " engine acknowledged the bulk request; flush is a no-op); curl from process start to exit. After"
                + " every side the index is refreshed and must count exactly " + records.size() + " documents.");
    }
}
