package dev.nitelog.bench;

import com.sun.net.httpserver.HttpServer;
import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.ScriptedLine;
import dev.nitelog.simulator.SimulatorOptions;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The http sink's throughput: nitelog (a process) ships N lines from the simulator to a receiver in
 * this JVM (a JDK {@link HttpServer} that reads each body and counts its lines), beside curl POSTing
 * the same records as NDJSON in the same batch size to the same receiver. nitelog's figure is end to
 * end (poll, parse, cursors, queue, encode, POST); curl's is the POSTs alone, the floor of what
 * shipping these bytes over HTTP costs. Each run uses fresh jobs (created empty before nitelog
 * starts, so discovery is not timed) whose lines become visible at once.
 */
final class HttpBench implements Scenario {
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s\\s+(\\d+)m([\\d.]+)s\\s*$");

    /** The receiver: counts the lines of every POST body, keeps the bodies while told to. */
    private static final class Receiver implements AutoCloseable {
        final HttpServer server;
        final AtomicLong lines = new AtomicLong();
        final AtomicLong posts = new AtomicLong();
        volatile List<byte[]> keep;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.createContext("/", exchange -> {
                try (exchange; InputStream in = exchange.getRequestBody()) {
                    byte[] body = in.readAllBytes();
                    long n = 0;
                    for (byte b : body) {
                        if (b == '\n') {
                            n++;
                        }
                    }
                    List<byte[]> k = keep;
                    if (k != null) {
                        k.add(body);
                    }
                    lines.addAndGet(n);
                    posts.incrementAndGet();
                    exchange.sendResponseHeaders(200, -1);
                }
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/push";
        }

        void await(long expected, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (lines.get() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + lines.get() + " of " + expected + " lines arrived");
                }
                Thread.sleep(2);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Override
    public Result run(boolean quick) throws Exception {
        int jobs = Params.integer("http.jobs", 4);
        int total = Params.integer("http.lines", quick ? 40_000 : 200_000);
        int linesPerJob = total / jobs;
        int batch = Params.integer("http.batch", 1000);
        int runs = Params.runs(quick);
        Duration poll = Duration.ofMillis(Params.integer("http.poll-ms", 200));
        String jvm = NitelogRun.jvmOptions(System.getProperty("http.maxram", "1g"));
        Path dir = Files.createTempDirectory("nitelog-bench-http");
        SimulatorOptions options = SimulatorOptions.builder().jobs(0).seed(3).cacheRenderedLogs(true).build();
        List<Double> rate = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<Double> curlRate = new ArrayList<>();
        List<Double> curlCpu = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        List<Double> cpuRatio = new ArrayList<>();
        List<Double> posts = new ArrayList<>();
        List<Double> perPost = new ArrayList<>();
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(options); Receiver receiver = new Receiver()) {
            List<List<String>> jobSets = new ArrayList<>();
            for (int run = 0; run <= runs; run++) {
                List<String> set = new ArrayList<>();
                for (int j = 0; j < jobs; j++) {
                    set.add(sim.addJob("http-" + run + "-" + j, List.of()));
                }
                jobSets.add(set);
            }
            String sinks = """
                        hook:
                          type: http
                          url: %s
                          format: ndjson
                          batch-size: %d
                    """.formatted(receiver.url(), batch);
            Path curlConfig = null;
            try (NitelogRun nitelog = NitelogRun.start(sim, dir, poll, jvm,
                    Path.of(System.getProperty("nitelog.jar", "target/quarkus-app/quarkus-run.jar")), Map.of(), sinks)) {
                Thread.sleep(3000); // discovery of every job (interval 1s)
                long seq = 0;
                for (int run = 0; run <= runs; run++) {
                    List<List<ScriptedLine>> batches = new ArrayList<>();
                    for (int j = 0; j < jobs; j++) {
                        batches.add(Lines.make(linesPerJob, Instant.now().minusSeconds(60), 1_000_000, seq));
                        seq += linesPerJob;
                    }
                    if (run == 0) {
                        receiver.keep = new java.util.concurrent.CopyOnWriteArrayList<>();
                    }
                    System.gc();
                    long expected = receiver.lines.get() + (long) jobs * linesPerJob;
                    long posts0 = receiver.posts.get();
                    double cpu0 = nitelog.cpuSeconds();
                    long t0 = System.nanoTime();
                    for (int j = 0; j < jobs; j++) {
                        sim.appendLines(jobSets.get(run).get(j), batches.get(j));
                    }
                    receiver.await(expected, Duration.ofMinutes(5));
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    long nitelogPosts = receiver.posts.get() - posts0;
                    double used = nitelog.cpuSeconds() - cpu0;
                    long n = (long) jobs * linesPerJob;
                    for (String id : jobSets.get(run)) {
                        sim.completeJob(id);
                    }
                    if (run == 0) { // the warm-up's bodies, as nitelog sent them, are what curl sends
                        curlConfig = curlFiles(dir, receiver.keep, receiver.url());
                        receiver.keep = null;
                    }
                    // curl: the same records in the same bodies (so the same batches), NDJSON, one connection
                    long curlExpected = receiver.lines.get() + n;
                    long c0 = System.nanoTime();
                    double curlUsed = curl(curlConfig);
                    receiver.await(curlExpected, Duration.ofMinutes(5));
                    double curlSeconds = (System.nanoTime() - c0) / 1e9;
                    System.err.printf("http run %d: nitelog %d lines in %.2f s (CPU %.2f s, %d POSTs);"
                                    + " curl %.2f s (CPU %.2f s)%n", run, n, seconds, used,
                            nitelogPosts, curlSeconds, curlUsed);
                    if (run == 0) {
                        continue; // warm-up
                    }
                    rate.add(n / seconds);
                    cpu.add(used / (n / 100_000.0));
                    curlRate.add(n / curlSeconds);
                    curlCpu.add(curlUsed / (n / 100_000.0));
                    ratio.add((n / seconds) / (n / curlSeconds));
                    cpuRatio.add(used / curlUsed);
                    posts.add((double) nitelogPosts);
                    perPost.add(n / (double) nitelogPosts);
                }
            }
        }
        Result.Builder out = new Result.Builder()
                .figure(Figure.of("nitelog end-to-end records/s", "records/s", rate))
                .figure(Figure.of("curl records/s (POSTs alone)", "records/s", curlRate))
                .figure(Figure.of("nitelog/curl records/s", "ratio", ratio))
                .figure(Figure.of("nitelog CPU per 100k records", "CPU s", cpu))
                .figure(Figure.of("curl CPU per 100k records", "CPU s", curlCpu))
                .figure(Figure.of("nitelog/curl CPU", "ratio (CPU)", cpuRatio))
                .figure(Figure.of("POSTs per run (nitelog; curl sends as many)", "POSTs", posts))
                .figure(Figure.of("records per POST (nitelog)", "records", perPost))
                .note(jobs + " jobs x " + linesPerJob + " lines per run, all visible at once; poll interval "
                        + poll.toMillis() + " ms; http sink batch-size " + batch + ", NDJSON, no gzip; timed from"
                        + " the first append until the receiver has counted every line.")
                .note("curl: one process (" + curlVersion() + ") POSTing the warm-up's bodies exactly as nitelog sent"
                        + " them (the same records in the same batches), one after another on one keep-alive"
                        + " connection (a curl config with one URL per body); CPU is its user+system time.")
                .note("Receiver: a JDK HttpServer in the bench JVM that reads each body and counts its lines;"
                        + " nitelog JVM: " + jvm + " (-Dhttp.maxram). nitelog's figure includes polling the"
                        + " simulator, parsing, cursors and queues; curl's is the POSTs alone.")
                .note("CPU from /proc/<pid>/stat (nitelog) and bash's times (curl), 10 ms resolution.");
        return out.build("http", "HTTP sink throughput beside curl", new Result.Method(1, runs));
    }

    /** Writes each body to a file and a curl config POSTing them in order, one URL per body. */
    private static Path curlFiles(Path dir, List<byte[]> bodies, String url) throws IOException {
        Path files = Files.createDirectories(dir.resolve("curl"));
        StringBuilder config = new StringBuilder();
        for (int i = 0; i < bodies.size(); i++) {
            Path body = Files.write(files.resolve("b" + i + ".ndjson"), bodies.get(i));
            if (i > 0) {
                config.append("next\n");
            }
            config.append("url = \"").append(url).append("\"\n")
                    .append("data-binary = \"@").append(body).append("\"\n")
                    .append("header = \"Content-Type: application/x-ndjson\"\n")
                    .append("output = \"/dev/null\"\n")
                    .append("silent\nfail\n");
        }
        return Files.writeString(dir.resolve("curl.conf"), config);
    }

    /** Runs curl over the config; returns its CPU seconds (user + system), read by bash's times. */
    private static double curl(Path config) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", "curl -K \"$0\" || exit 1; times", config.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("curl failed: " + out);
        }
        Matcher m = TIMES.matcher(out.strip()); // the last line: children's user and system time
        if (!m.find()) {
            throw new IOException("no times in: " + out);
        }
        return Long.parseLong(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                + Long.parseLong(m.group(3)) * 60 + Double.parseDouble(m.group(4));
    }

    private static String curlVersion() {
        try {
            Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
            String first = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst()
                    .orElse("curl");
            p.waitFor();
            return first.replaceAll(" \\(.*", "");
        } catch (IOException | InterruptedException e) {
            return "curl";
        }
    }
}
