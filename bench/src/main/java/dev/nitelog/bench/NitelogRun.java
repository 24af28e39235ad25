package dev.nitelog.bench;

import dev.nitelog.simulator.ByteNiteSimulator;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nitelog as a process (the packaged {@code quarkus-run.jar}, {@code -Dnitelog.jar}) following a
 * simulator into a file sink, with readings of its CPU time, RSS and heap after a full GC.
 *
 * <p>The JVM runs as in the container image with a memory limit of {@code -Dnitelog.maxram}
 * (default 256m): {@code -XX:MaxRAM=<limit> -XX:MaxRAMPercentage=75}, and below 1792m the serial
 * collector the JVM would pick in such a container; override all options with
 * {@code -Dnitelog.jvm}.
 */
final class NitelogRun implements AutoCloseable {
    /** The last line of {@code jcmd GC.class_histogram}: instances and bytes of every live object. */
    private static final Pattern LIVE_BYTES = Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)\\s*$");
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    final Path dir;
    final Path sinkDir;
    private final Process process;

    private NitelogRun(Path dir, Process process) {
        this.dir = dir;
        this.sinkDir = dir.resolve("sink");
        this.process = process;
    }

    static String jvmOptions() {
        return jvmOptions(System.getProperty("nitelog.maxram", "256m"));
    }

    /**
     * The JVM options of the container image under a memory limit of {@code maxRam} (unless
     * {@code -Dnitelog.jvm} overrides all). {@code MaxRAM} sizes the heap as the limit would, but
     * the JVM still sees this machine's 24 GiB and picks G1; in a container below 1792 MB the JVM
     * is no "server-class machine" and picks the serial collector, so that is named here too. (Under
     * G1 a 1M-line backlog at 256m ran out of heap allocating a 50 MB table while the dump taken at
     * the error held 82 MB of a 192 MB heap: the collectors differ where it matters.)
     */
    static String jvmOptions(String maxRam) {
        String gc = megabytes(maxRam) < 1792 ? " -XX:+UseSerialGC" : "";
        return System.getProperty("nitelog.jvm", "-XX:MaxRAM=" + maxRam
                + " -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" + gc);
    }

    private static long megabytes(String size) {
        String s = size.trim().toLowerCase(java.util.Locale.ROOT);
        long n = Long.parseLong(s.replaceAll("[kmg]$", ""));
        return s.endsWith("g") ? n * 1024 : s.endsWith("m") ? n : s.endsWith("k") ? n / 1024 : n >> 20;
    }

    /** Starts nitelog following {@code sim} with a file sink under {@code dir}; waits until it has started. */
    static NitelogRun start(ByteNiteSimulator sim, Path dir, Duration pollInterval) throws IOException,
            InterruptedException {
        return start(sim, dir, pollInterval, jvmOptions());
    }

    /** As {@link #start(ByteNiteSimulator, Path, Duration)}, with these JVM options. */
    static NitelogRun start(ByteNiteSimulator sim, Path dir, Duration pollInterval, String jvmOptions)
            throws IOException, InterruptedException {
        return start(sim, dir, pollInterval, jvmOptions,
                Path.of(System.getProperty("nitelog.jar", "target/quarkus-app/quarkus-run.jar")));
    }

    /** As {@link #start(ByteNiteSimulator, Path, Duration, String)}, running this nitelog jar (a baseline build). */
    static NitelogRun start(ByteNiteSimulator sim, Path dir, Duration pollInterval, String jvmOptions, Path jar)
            throws IOException, InterruptedException {
        return start(sim, dir, pollInterval, jvmOptions, jar, java.util.Map.of());
    }

    /** As above, with these environment variables set for nitelog ({@code NITELOG_...} overrides). */
    static NitelogRun start(ByteNiteSimulator sim, Path dir, Duration pollInterval, String jvmOptions, Path jar,
                            java.util.Map<String, String> env) throws IOException, InterruptedException {
        String fileSink = """
                    file:
                      type: file
                      path: %s/{job}.log
                      max-size: 100G
                """.formatted(dir.resolve("sink"));
        return start(sim, dir, pollInterval, jvmOptions, jar, env, fileSink);
    }

    /**
     * As above, with these sinks instead of the file sink: YAML of the entries under {@code sinks:},
     * indented four spaces (a sink's name) and six (its keys).
     */
    static NitelogRun start(ByteNiteSimulator sim, Path dir, Duration pollInterval, String jvmOptions, Path jar,
                            java.util.Map<String, String> env, String sinks) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("sink"));
        String yaml = """
                nitelog:
                  bytenite:
                    api-url: %s
                    auth-url: %s
                    max-requests-per-second: 1000 # a local simulator; the default 20 is for the real API
                  jobs:
                    poll-interval: %dms
                    discovery-interval: 1s
                    drain-polls: 1
                  state:
                    dir: %s
                  sinks:
                %s""".formatted(sim.apiUrl(), sim.authUrl(), pollInterval.toMillis(), dir.resolve("state"),
                sinks.stripTrailing()) + "\n";
        Path config = dir.resolve("nitelog.yaml");
        Files.writeString(config, yaml);
        List<String> cmd = new ArrayList<>();
        cmd.add(javaTool("java"));
        cmd.addAll(List.of(jvmOptions.trim().split("\\s+")));
        cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.log").toFile()).redirectError(dir.resolve("stderr.log").toFile());
        pb.environment().put("NITELOG_CONFIG", config.toString());
        pb.environment().put("NITELOG_HTTP_PORT", String.valueOf(freePort()));
        pb.environment().put("NITELOG_BYTENITE_API_KEY", sim.apiKey());
        pb.environment().putAll(env);
        NitelogRun run = new NitelogRun(dir, pb.start());
        run.awaitStarted(Duration.ofSeconds(60));
        return run;
    }

    private void awaitStarted(Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        Path err = dir.resolve("stderr.log");
        while (!Files.readString(err).contains(" started in ")) {
            if (!process.isAlive() || System.nanoTime() > end) {
                throw new IllegalStateException("nitelog did not start: " + Files.readString(err));
            }
            Thread.sleep(50);
        }
    }

    long pid() {
        return process.pid();
    }

    /** User plus system CPU time of the process so far, in seconds. */
    double cpuSeconds() throws IOException {
        return cpuSecondsOf(pid());
    }

    /** As {@link #cpuSeconds()}; NaN once the process is gone (it died, e.g. out of memory). */
    static double cpuSecondsOf(long pid) throws IOException {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (java.nio.file.NoSuchFileException gone) {
            return Double.NaN;
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) TICKS_PER_SECOND; // fields 14, 15
    }

    /** Resident set size in MB (VmRSS). */
    /** Peak resident set size so far ({@code VmHWM}), MB. */
    double peakRssMb() throws IOException {
        Path status = Path.of("/proc/" + pid() + "/status");
        if (!Files.exists(status)) {
            return Double.NaN; // the process is gone
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    /** True while the process runs (an OutOfMemoryError ends it: the image's -XX:+ExitOnOutOfMemoryError). */
    boolean alive() {
        return process.isAlive();
    }

    double rssMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        throw new IOException("no VmRSS for " + pid());
    }

    /**
     * Bytes of the objects live after a full GC, in MB: the total of {@code jcmd GC.class_histogram},
     * which collects fully and counts what survived in the same safepoint. Reading {@code GC.heap_info}
     * after {@code GC.run} instead counted what the process allocated between the two commands (the
     * attach takes some 100 ms; a 1M-line re-poll allocates tens of MB in that time).
     */
    double heapAfterGcMb() throws IOException, InterruptedException {
        String histogram = jcmd("GC.class_histogram");
        Matcher m = LIVE_BYTES.matcher(histogram);
        if (!m.find()) {
            throw new IOException("no Total line in the class histogram: "
                    + histogram.substring(Math.max(0, histogram.length() - 300)));
        }
        return Long.parseLong(m.group(1)) / (1024.0 * 1024.0);
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(javaTool("jcmd"), String.valueOf(pid()), command).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    @Override
    /**
     * Stops nitelog and deletes its directory (sink files, state, spool, logs: gigabytes for the big
     * catch-up jobs, which filled the disk over a day of runs), unless {@code -Dbench.keep-dirs=true}.
     */
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        if (!Boolean.getBoolean("bench.keep-dirs")) {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path root) {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("bench: could not delete " + root + ": " + e);
        }
    }

    private static String javaTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
