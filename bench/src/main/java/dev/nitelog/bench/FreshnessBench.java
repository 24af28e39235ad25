package dev.nitelog.bench;

import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.ServedLine;
import dev.nitelog.simulator.ScriptedLine;
import dev.nitelog.simulator.SimulatorOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 3, freshness: J active jobs, a 5 s poll interval, new lines trickling in at a steady
 * total rate. The simulator stamps when each line became visible ({@code servedLines}' visible
 * time); the file tail stamps when the line is readable in the sink's file (polled every 10 ms).
 * Delay = seen - visible, both from this JVM's clock. Also scenario 4's first half: RSS and heap
 * after a full GC of nitelog at each J, once the runs are done.
 */
final class FreshnessBench implements Scenario {
    static final Duration INTERVAL = Duration.ofMillis(Params.integer("freshness.poll-ms", 5000));
    /** nitelog's CPU seconds per second of each measured run, of the last {@link #measure}. */
    final List<Double> cpuPerSecond = new ArrayList<>();

    /** RSS and heap samples per job count, filled for {@link MemoryBench}. */
    record Memory(List<Double> rss, List<Double> heap) {
    }

    final Map<Integer, Memory> memory = new HashMap<>();

    @Override
    public Result run(boolean quick) throws Exception {
        int[] jobCounts = Params.ints("freshness.jobs", quick ? "1,10,100" : "1,100,1000");
        Duration runLength = Duration.ofSeconds(Params.integer("freshness.seconds", quick ? 12 : 30));
        double linesPerSecond = Params.integer("freshness.rate", 200);
        int runs = Params.runs(quick);
        Result.Builder out = new Result.Builder();
        for (int jobs : jobCounts) {
            List<Double> p50 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            List<Double> max = new ArrayList<>();
            measure(jobs, runs, runs, runLength, linesPerSecond, p50, p99, max);
            String at = " @ jobs=" + jobs;
            out.figure(Figure.of("p50 delay" + at, "ms", p50));
            out.figure(Figure.of("p99 delay" + at, "ms", p99,
                    jobs >= 1000 ? Figure.Target.atMost(INTERVAL.toMillis() + 500) : null));
            out.figure(Figure.of("max delay" + at, "ms", max));
            out.figure(Figure.of("nitelog CPU-s per second" + at, "CPU s/s", new ArrayList<>(cpuPerSecond)));
        }
        out.note("Poll interval " + INTERVAL.toMillis() + " ms (-Dfreshness.poll-ms; jittered +-20% by nitelog), " + linesPerSecond + " new lines/s in total spread "
                + "round-robin over the jobs, runs of " + runLength.toSeconds() + " s, lines going on between runs "
                + "(not measured) so the jobs stay active; delay = time the line was "
                + "seen in the sink file (10 ms tail) - time the simulator made it visible.");
        out.note("Target (p99 <= interval + 500 ms) applies at 1,000 jobs. nitelog JVM: " + NitelogRun.jvmOptions()
                + "; file sink defaults (records reach the file at the sink's flush).");
        return out.build("freshness", "Freshness: delay from visible at ByteNite to in the file sink",
                new Result.Method(1, runs));
    }

    void measure(int jobs, int runs, int memorySamples, Duration runLength, double linesPerSecond, List<Double> p50, List<Double> p99,
                 List<Double> max) throws Exception {
        cpuPerSecond.clear();
        Path dir = Files.createTempDirectory("nitelog-bench-freshness-" + jobs);
        SimulatorOptions options = SimulatorOptions.builder().jobs(0).seed(3).maxPageSize(100)
                .cacheRenderedLogs(true).build();
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(options)) {
            List<String> ids = new ArrayList<>();
            long seq = 0;
            for (int j = 0; j < jobs; j++) {
                ids.add(sim.addJob("fresh-" + j, Lines.make(1, Instant.now(), 1, seq++)));
            }
            try (NitelogRun nitelog = NitelogRun.start(sim, dir, INTERVAL)) {
                FileTail tail = new FileTail(nitelog.sinkDir);
                awaitLines(tail, jobs, Duration.ofSeconds(60 + jobs / 10));
                for (int run = 0; run <= runs; run++) {
                    Map<Long, Long> seen = new HashMap<>();
                    long first = seq;
                    double cpu0 = nitelog.cpuSeconds();
                    long started = System.nanoTime();
                    seq = produce(sim, ids, tail, seen, seq, runLength, linesPerSecond);
                    long end = seq;
                    // a job idle before the first run has stretched to poll-interval-max (6 x interval by default)
                    long deadline = System.nanoTime() + INTERVAL.multipliedBy(7).plusSeconds(10).toNanos();
                    while (seenOf(seen, first, end) < end - first && System.nanoTime() < deadline) {
                        // lines keep coming while the run's last ones are awaited, so the jobs stay as active
                        // as in the run (an idle gap would stretch their intervals before the next run);
                        // these lines belong to no run
                        seq = produce(sim, ids, tail, seen, seq, Duration.ofMillis(100), linesPerSecond);
                    }
                    double[] delays = delays(sim, ids, seen, first, end);
                    long arrived = seenOf(seen, first, end);
                    System.err.printf("freshness jobs=%d run %d: %d lines, %d seen, p50 %.0f ms p99 %.0f ms%n",
                            jobs, run, end - first, arrived, pct(delays, 50), pct(delays, 99));
                    if (arrived < end - first) {
                        throw new IllegalStateException((end - first - arrived) + " lines never arrived");
                    }
                    if (run > 0) {
                        cpuPerSecond.add((nitelog.cpuSeconds() - cpu0) / ((System.nanoTime() - started) / 1e9));
                        p50.add(pct(delays, 50));
                        p99.add(pct(delays, 99));
                        max.add(delays[delays.length - 1]);
                    }
                }
                List<Double> rss = new ArrayList<>();
                List<Double> heap = new ArrayList<>();
                for (int i = 0; i < memorySamples; i++) {
                    heap.add(nitelog.heapAfterGcMb());
                    rss.add(nitelog.rssMb());
                }
                memory.put(jobs, new Memory(rss, heap));
            }
        }
    }

    /** Appends lines round-robin at a steady rate for the run's length; returns the next sequence number. */
    private static long produce(ByteNiteSimulator sim, List<String> ids, FileTail tail, Map<Long, Long> seen,
                                long seq, Duration length, double linesPerSecond) throws Exception {
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long produced = 0;
        while (System.nanoTime() < end) {
            long due = (long) ((System.nanoTime() - start) / 1e9 * linesPerSecond);
            for (; produced < due; produced++) {
                // round-robin by the global sequence, not from the first job on each call: the 100 ms calls
                // between runs gave lines to the first 20 jobs only, and the others' intervals stretched
                String job = ids.get((int) (seq % ids.size()));
                List<ScriptedLine> line = Lines.make(1, Instant.now(), 1, seq++);
                sim.appendLines(job, line);
            }
            tailInto(tail, seen);
            Thread.sleep(10);
        }
        return seq;
    }

    private static long seenOf(Map<Long, Long> seen, long first, long end) {
        return seen.keySet().stream().filter(s -> s >= first && s < end).count();
    }

    private static void tailInto(FileTail tail, Map<Long, Long> seen) throws java.io.IOException {
        tail.poll((buf, from, to, at) -> {
            long s = FileTail.seqOf(buf, from, to);
            if (s >= 0) {
                seen.putIfAbsent(s, at);
            }
        });
    }

    private static double[] delays(ByteNiteSimulator sim, List<String> ids, Map<Long, Long> seen, long first,
                                   long last) {
        List<Double> out = new ArrayList<>();
        for (String id : ids) {
            for (ServedLine l : sim.servedLines(id)) {
                long s = Lines.seqOf(l.message());
                Long at = seen.get(s);
                if (s >= first && s < last && at != null) {
                    out.add((double) (at - l.visibleAt().toEpochMilli()));
                }
            }
        }
        double[] d = out.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(d);
        return d;
    }

    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static void awaitLines(FileTail tail, long n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (tail.lines() < n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + tail.lines() + " of " + n + " lines arrived");
            }
            if (tail.poll(null) == 0) {
                Thread.sleep(20);
            }
        }
    }
}
