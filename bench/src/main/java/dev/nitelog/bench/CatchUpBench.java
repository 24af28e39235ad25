package dev.nitelog.bench;

import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.Route;
import dev.nitelog.simulator.ScriptedLine;
import dev.nitelog.simulator.SimulatorOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Catch-up: a backlog visible at once, taken by a nitelog process that starts fresh, under the
 * container image's JVM flags in a 256 MiB budget. Two parts:
 *
 * <ul>
 *   <li>four jobs of 125,000 lines each: end-to-end lines/s, fetches of each job's log, CPU per
 *       100k lines and peak RSS, for this build and for a baseline build ({@code -Dcatchup.baseline-jar},
 *       {@code bench/run --baseline REV} builds it) in alternating order, each run a fresh process and
 *       state; the ratio is taken per run pair;</li>
 *   <li>one job of each size in {@code catchup.big-lines} (default 1,000,000 and 10,000,000 lines,
 *       {@code catchup.big-runs} runs each, default 3 and 1): whether every line is shipped without an
 *       OutOfMemoryError, the time and peak RSS, and then what re-polling the shipped job costs in the
 *       running daemon (its CPU over 20 s of polls that find nothing new, per 100k lines).</li>
 * </ul>
 */
final class CatchUpBench implements Scenario {
    private static final Duration POLL = Duration.ofMillis(500);

    /** One run's outcome; {@code seconds} is NaN when nitelog died or timed out. */
    private record Run(double seconds, double cpuSeconds, double fetchesPerJob, double peakRssMb, long lines) {
    }

    @Override
    public Result run(boolean quick) throws Exception {
        int jobs = Params.integer("catchup.jobs", 4);
        int linesPerJob = Params.integer("catchup.lines", quick ? 25_000 : 125_000);
        int runs = Params.runs(quick);
        int[] bigLines = Params.ints("catchup.big-lines", quick ? "100000" : "1000000,10000000");
        int[] bigRuns = Params.ints("catchup.big-runs", quick ? "1" : Math.min(3, runs) + ",1");
        String jvm = NitelogRun.jvmOptions(System.getProperty("catchup.maxram", "256m"));
        Path current = Path.of(System.getProperty("nitelog.jar", "target/quarkus-app/quarkus-run.jar"));
        String baselineProperty = System.getProperty("catchup.baseline-jar", "");
        Path baseline = baselineProperty.isEmpty() ? null : Path.of(baselineProperty);

        List<Double> rate = new ArrayList<>();
        List<Double> baseRate = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        List<Double> fetches = new ArrayList<>();
        List<Double> baseFetches = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<Double> baseCpu = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        List<Double> baseRss = new ArrayList<>();
        int baseDied = 0;
        int died = 0;
        for (int run = 0; run <= runs; run++) {
            boolean baseFirst = run % 2 == 1;
            Run b = null;
            if (baseline != null && baseFirst) {
                b = backlog(baseline, jvm, jobs, linesPerJob);
            }
            Run c = backlog(current, jvm, jobs, linesPerJob);
            if (baseline != null && !baseFirst) {
                b = backlog(baseline, jvm, jobs, linesPerJob);
            }
            System.err.printf("catchup run %d: current %s, baseline %s%n", run, c, b);
            if (run == 0) {
                continue; // warm-up
            }
            long n = (long) jobs * linesPerJob;
            if (Double.isNaN(c.seconds)) {
                died++; // out of memory (the image's -XX:+ExitOnOutOfMemoryError) or too slow: counted, not timed
                continue;
            }
            rate.add(n / c.seconds);
            fetches.add(c.fetchesPerJob);
            cpu.add(c.cpuSeconds / (n / 100_000.0));
            rss.add(c.peakRssMb);
            if (b != null && Double.isNaN(b.seconds)) {
                baseDied++;
            } else if (b != null) {
                baseRate.add(n / b.seconds);
                baseFetches.add(b.fetchesPerJob);
                baseCpu.add(b.cpuSeconds / (n / 100_000.0));
                baseRss.add(b.peakRssMb);
                ratio.add(b.seconds / c.seconds);
            }
        }
        Result.Builder out = new Result.Builder()
                .figure(Figure.of("backlog lines/s, this build", "lines/s", rate, Figure.Target.atLeast(200_000)))
                .figure(Figure.of("fetches of each job's log, this build", "fetches", fetches))
                .figure(Figure.of("nitelog CPU per 100k lines, this build", "CPU s", cpu))
                .figure(Figure.of("nitelog peak RSS, this build", "MB", rss));
        if (died > 0) {
            out.note("this build: " + died + " of " + runs + " runs did not ship the backlog (died or timed out)");
        }
        if (rate.isEmpty()) {
            throw new IllegalStateException("this build shipped the backlog in none of " + runs + " runs");
        }
        if (baseline != null && baseDied > 0) {
            out.note("baseline: " + baseDied + " of " + runs + " runs did not ship the backlog (died or timed out)");
        }
        if (baseline != null && !baseRate.isEmpty()) {
            out.figure(Figure.of("backlog lines/s, baseline", "lines/s", baseRate))
                    .figure(Figure.of("speed-up over the baseline (same run pair)", "x", ratio))
                    .figure(Figure.of("fetches of each job's log, baseline", "fetches", baseFetches))
                    .figure(Figure.of("nitelog CPU per 100k lines, baseline", "CPU s", baseCpu))
                    .figure(Figure.of("nitelog peak RSS, baseline", "MB", baseRss))
                    .note("baseline: " + baseline);
        }
        for (int i = 0; i < bigLines.length; i++) {
            bigJob(out, current, jvm, bigLines[i], bigRuns[Math.min(i, bigRuns.length - 1)]);
        }
        return out.note(jobs + " jobs x " + linesPerJob + " lines, 1 ms apart, made visible at once 3 s after a"
                        + " fresh nitelog started (empty state); timed until the file sink's files hold every line."
                        + " Poll interval " + POLL.toMillis() + " ms, never stretched (poll-interval-max). nitelog JVM: " + jvm + " (-Dcatchup.maxram).")
                .build("catchup", "Catch-up: a backlog visible at once", new Result.Method(1, runs));
    }

    private static int recordings;

    /** With {@code -Dcatchup.jfr=DIR}, each nitelog process records a JFR profile there. */
    private static String profiled(String jvm) {
        String dir = System.getProperty("catchup.jfr", "");
        return dir.isEmpty() ? jvm : jvm + " -XX:StartFlightRecording=filename=" + dir + "/catchup-"
                + (++recordings) + ".jfr,settings=profile";
    }

    /** One fresh nitelog taking {@code jobs} backlogs of {@code lines} lines. */
    private static Run backlog(Path jar, String jvm, int jobs, int lines) throws Exception {
        jvm = profiled(jvm);
        Path dir = Files.createTempDirectory("nitelog-bench-catchup");
        SimulatorOptions options = SimulatorOptions.builder().jobs(0).seed(3).cacheRenderedLogs(true).build();
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(options)) {
            List<String> ids = new ArrayList<>();
            for (int j = 0; j < jobs; j++) {
                ids.add(sim.addJob("catchup-" + j, List.of()));
            }
            // every job polled each interval: an empty job's stretched interval would delay the first fetch
            try (NitelogRun nitelog = NitelogRun.start(sim, dir, POLL, jvm, jar,
                    java.util.Map.of("NITELOG_JOBS_POLL_INTERVAL_MAX", POLL.toMillis() + "ms"))) {
                Thread.sleep(3000); // discovery (interval 1s)
                List<List<ScriptedLine>> batches = new ArrayList<>();
                for (int j = 0; j < jobs; j++) {
                    batches.add(Lines.make(lines, Instant.now().minusSeconds(200), 1_000_000, (long) j * lines));
                }
                FileTail tail = new FileTail(nitelog.sinkDir);
                long fetched0 = sim.stats().requests(Route.LOGS);
                double cpu0 = nitelog.cpuSeconds();
                long t0 = System.nanoTime();
                for (int j = 0; j < jobs; j++) {
                    sim.appendLines(ids.get(j), batches.get(j));
                }
                long expected = (long) jobs * lines;
                if (!await(nitelog, tail, expected, t0 + Duration.ofMinutes(5).toNanos())) {
                    return new Run(Double.NaN, nitelog.cpuSeconds() - cpu0, Double.NaN, nitelog.peakRssMb(), tail.lines());
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                return new Run(seconds, nitelog.cpuSeconds() - cpu0,
                        (sim.stats().requests(Route.LOGS) - fetched0) / (double) jobs, nitelog.peakRssMb(), tail.lines());
            }
        }
    }

    /** Waits for the file tail to see {@code expected} lines; false when nitelog died or time ran out. */
    private static boolean await(NitelogRun nitelog, FileTail tail, long expected, long deadline) throws Exception {
        while (tail.lines() < expected) {
            if (tail.poll(null) == 0) {
                Thread.sleep(5);
            }
            if (!nitelog.alive() || System.nanoTime() > deadline) {
                return false;
            }
        }
        return true;
    }

    /**
     * One job of {@code lines} lines visible at once, then re-polled with nothing new. The simulator
     * caches the rendered body (in segments: 2.5 GB for 10M lines, beside the lines themselves), so the
     * bench JVM needs a larger heap for 10M lines ({@code bench/run} gives catchup 8g).
     */
    private static void bigJob(Result.Builder out, Path jar, String jvm, int lines, int runs) throws Exception {
        List<Double> seconds = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        List<Double> repollCpu = new ArrayList<>();
        int shipped = 0;
        for (int run = 0; run < runs; run++) {
            Path dir = Files.createTempDirectory("nitelog-bench-bigjob");
            SimulatorOptions options = SimulatorOptions.builder().jobs(0).seed(4).cacheRenderedLogs(true).build();
            try (ByteNiteSimulator sim = ByteNiteSimulator.start(options)) {
                String id = sim.addJob("big", List.of());
                // polled every second throughout: an idle job's interval would otherwise stretch, and the
                // re-poll figure divide the idle daemon's CPU by fewer polls
                try (NitelogRun nitelog = NitelogRun.start(sim, dir, Duration.ofSeconds(1), profiled(jvm), jar,
                        java.util.Map.of("NITELOG_JOBS_POLL_INTERVAL_MAX", "1s"))) {
                    Thread.sleep(3000);
                    FileTail tail = new FileTail(nitelog.sinkDir);
                    long t0 = System.nanoTime();
                    sim.appendLines(id, Lines.make(lines, Instant.now().minusSeconds(lines / 1000 + 60), 1_000_000, 0));
                    // about 100k lines/s at least, never less than 10 minutes
                    Duration timeout = Duration.ofSeconds(Math.max(600, lines / 10_000));
                    boolean all = await(nitelog, tail, lines, t0 + timeout.toNanos());
                    System.err.printf("catchup big job run %d: %d of %d lines, alive %s, peak RSS %.0f MB%n", run,
                            tail.lines(), lines, nitelog.alive(), nitelog.alive() ? nitelog.peakRssMb() : Double.NaN);
                    if (!all) {
                        continue;
                    }
                    shipped++;
                    seconds.add((System.nanoTime() - t0) / 1e9);
                    rss.add(nitelog.peakRssMb());
                    Thread.sleep(3000); // the last commits and the poll that settles the backlog
                    long fetched0 = sim.stats().requests(Route.LOGS);
                    double cpu0 = nitelog.cpuSeconds();
                    Thread.sleep(20_000);
                    long polls = sim.stats().requests(Route.LOGS) - fetched0;
                    double cpu = nitelog.cpuSeconds() - cpu0;
                    repollCpu.add(cpu / Math.max(1, polls) / (lines / 100_000.0));
                }
            }
        }
        String size = " @ lines=" + lines;
        out.figure(Figure.of("big job: runs with every line shipped, no OutOfMemoryError" + size, "runs",
                List.of((double) shipped), Figure.Target.atLeast(runs)));
        if (shipped < runs) {
            out.note("big job of " + lines + " lines: " + (runs - shipped) + " of " + runs
                    + " runs did not ship every line (out of memory, died or timed out)");
        }
        if (shipped > 0) {
            out.figure(Figure.of("big job: seconds to ship every line" + size, "s", seconds))
                    .figure(Figure.of("big job: nitelog peak RSS" + size, "MB", rss))
                    .figure(Figure.of("re-poll of the shipped big job: nitelog CPU per 100k lines" + size, "CPU s",
                            repollCpu, Figure.Target.atMost(0.1)));
        }
        out.note("big job: " + lines + " lines in " + runs + " runs, 1 ms apart, visible at once; poll interval 1 s; re-poll CPU is"
                        + " the process's CPU over 20 s divided by the polls in that time (nothing new), per 100k lines"
                        + " (it includes the idle daemon's own ticks).");
    }
}
