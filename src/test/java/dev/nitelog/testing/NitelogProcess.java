package dev.nitelog.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * nitelog as a separate process: the packaged jar ({@code target/quarkus-app/quarkus-run.jar}),
 * run with a config file and environment, its stdout and stderr captured to files. Lets tests
 * kill -9 it, SIGTERM it and restart it, as an operator's platform would.
 */
public final class NitelogProcess implements AutoCloseable {
    private final Path workDir;
    private final Path runDir;
    private final Path config; // null: no config file at all
    private final Map<String, String> env;
    private final int httpPort;
    private Process process;
    private int starts;

    public NitelogProcess(Path workDir, String yaml, Map<String, String> env) throws IOException {
        this(workDir, workDir, workDir.resolve("nitelog.yaml"), env);
        Files.writeString(config, yaml);
    }

    private NitelogProcess(Path workDir, Path runDir, Path config, Map<String, String> env) throws IOException {
        this.workDir = workDir;
        this.runDir = runDir;
        this.config = config;
        Files.createDirectories(runDir);
        this.env = new HashMap<>(env);
        this.httpPort = freePort();
    }

    /**
     * nitelog as an operator first runs it: no config file, no {@code NITELOG_*} environment but
     * the HTTP port, started in an empty directory ({@code <workDir>/cwd}; the output files stay
     * in {@code workDir}).
     */
    public static NitelogProcess unconfigured(Path workDir) throws IOException {
        return new NitelogProcess(workDir, workDir.resolve("cwd"), null, Map.of());
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("nitelog.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw package (failsafe runs after it)");
        }
        return jar;
    }

    /** Starts (or restarts) the process; stdout and stderr of each start go to their own files. */
    public NitelogProcess start() throws IOException {
        launch("-Xmx512m");
        return this;
    }

    /** Runs the jar with this config and environment, its output in the next pair of files. */
    private void launch(String heap, String... args) throws IOException {
        starts++;
        List<String> command = new ArrayList<>(List.of(javaBin(), heap, "-jar", jar().toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(runDir.toFile())
                .redirectOutput(stdoutFile(starts).toFile())
                .redirectError(stderrFile(starts).toFile());
        // only what the test sets: an API key or config in the CI's environment must not leak in
        builder.environment().keySet().removeIf(name -> name.startsWith("NITELOG_"));
        if (config != null) {
            builder.environment().put("NITELOG_CONFIG", config.toAbsolutePath().toString());
        }
        builder.environment().put("NITELOG_HTTP_PORT", String.valueOf(httpPort));
        builder.environment().putAll(env);
        process = builder.start();
    }

    /** What a one-shot command printed and how it exited. */
    public record Result(int exit, String stdout, String stderr) {
    }

    /**
     * Runs a one-shot command ({@code validate}, {@code logs ...}, {@code version}) with this
     * config and environment and waits for it to exit.
     */
    public Result runCommand(Duration timeout, String... args) throws IOException, InterruptedException {
        launch("-Xmx256m", args);
        int exit = awaitExit(timeout);
        return new Result(exit, Files.readString(stdoutFile(starts)), Files.readString(stderrFile(starts)));
    }

    /**
     * Starts a one-shot command ({@code logs --follow ...}) without waiting for it: read its output
     * with {@link #stdoutLines()}, end it with {@link #awaitExit}.
     */
    public NitelogProcess startCommand(String... args) throws IOException {
        launch("-Xmx256m", args);
        return this;
    }

    /** The stdout lines of the current (last started) process so far. */
    public List<String> stdoutLines() throws IOException {
        Path out = stdoutFile(starts);
        return Files.exists(out) ? Files.readAllLines(out, StandardCharsets.UTF_8) : List.of();
    }

    /** Waits until the current process has printed at least {@code count} stdout lines. */
    public List<String> awaitStdoutLines(int count, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        List<String> lines = stdoutLines();
        while (lines.size() < count) {
            if (!alive() || System.nanoTime() > end) {
                throw new AssertionError("wanted " + count + " stdout lines, got " + lines + "; stderr: " + stderr());
            }
            Thread.sleep(50);
            lines = stdoutLines();
        }
        return lines;
    }

    public Path config() {
        return config;
    }

    public Path stdoutFile(int start) {
        return workDir.resolve("stdout-" + start + ".log");
    }

    public Path stderrFile(int start) {
        return workDir.resolve("stderr-" + start + ".log");
    }

    public int starts() {
        return starts;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The operating system's id of the current (last started) process. */
    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** All stdout lines of every start so far, in order. */
    public List<String> allStdoutLines() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= starts; i++) {
            if (Files.exists(stdoutFile(i))) {
                lines.addAll(Files.readAllLines(stdoutFile(i), StandardCharsets.UTF_8));
            }
        }
        return lines;
    }

    public String stderr() throws IOException {
        return Files.exists(stderrFile(starts)) ? Files.readString(stderrFile(starts)) : "";
    }

    /** Waits until Quarkus reports the application started (a SIGTERM before that kills a booting JVM). */
    public NitelogProcess awaitStarted(Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!stderr().contains(" started in ")) {
            if (!alive() || System.nanoTime() > end) {
                throw new AssertionError("nitelog did not start: " + stderr());
            }
            Thread.sleep(50);
        }
        return this;
    }

    /** SIGTERM, then waits for a clean exit; returns the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("nitelog did not exit within " + timeout + " of SIGTERM");
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook runs, like a crash or an OOM kill. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** Waits for the process to exit on its own (e.g. a config error) and returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("nitelog still runs after " + timeout);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (alive()) {
            kill();
        }
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
