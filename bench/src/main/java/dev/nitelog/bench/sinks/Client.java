package dev.nitelog.bench.sinks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs a baseline client process and measures it; reads this JVM's CPU time for nitelog's side. */
final class Client {
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s");

    private Client() {
    }

    /** CPU time of this JVM (every thread: the sink, the Kafka I/O thread, GC, JIT). */
    static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * Runs {@code command} to completion, timed from start to exit. It runs under bash, whose
     * {@code times} then reports the child's CPU time (a bash start, a millisecond or two, is
     * charged to the baseline's wall time).
     */
    static Timed run(List<String> command, long records, Path log) throws IOException, InterruptedException {
        List<String> wrapped = new ArrayList<>(List.of("bash", "-c", "\"$@\"; rc=$?; times; exit $rc", "bash"));
        wrapped.addAll(command);
        long start = System.nanoTime();
        Process p = new ProcessBuilder(wrapped).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(30, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " did not finish in 30 minutes");
        }
        long nanos = System.nanoTime() - start;
        List<String> lines = Files.readAllLines(log);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(command.get(0) + " exited with " + p.exitValue() + ": " + String.join("\n", lines));
        }
        Matcher m = TIMES.matcher(lines.isEmpty() ? "" : lines.get(lines.size() - 1));
        if (!m.matches()) {
            throw new IllegalStateException("no child CPU times from bash in " + log);
        }
        double seconds = Long.parseLong(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                + Long.parseLong(m.group(3)) * 60 + Double.parseDouble(m.group(4));
        return new Timed(records, nanos, Math.round(seconds * 1e9));
    }
}
