package dev.nitelog.bench;

import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.ScriptedLine;
import dev.nitelog.simulator.SimulatorOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 2, new-line throughput: nitelog (a process) following J jobs whose lines all become
 * visible at once, into a file sink. The simulator runs in this JVM with rendered bodies cached
 * (each body is rendered once, on the first poll after it changed); its CPU (with the file tail's)
 * is this process's CPU and is reported separately. One nitelog process serves the warm-up and
 * every run; each run uses fresh jobs, created (empty) before nitelog starts so discovery is not
 * timed, and completed after the run.
 */
final class ThroughputBench implements Scenario {
    @Override
    public Result run(boolean quick) throws Exception {
        int jobs = Params.integer("throughput.jobs", 4);
        int linesPerJob = Params.integer("throughput.lines", quick ? 25_000 : 125_000);
        int runs = Params.runs(quick);
        Duration poll = Duration.ofMillis(Params.integer("throughput.poll-ms", 200));
        // speed, not footprint (the memory scenario's): at 256m the id windows of 4 jobs x 125k lines
        // inside the 2m lateness, plus the previous run's jobs until they retire, outgrow the heap
        String jvm = NitelogRun.jvmOptions(System.getProperty("throughput.maxram", "1g"));
        Path dir = Files.createTempDirectory("nitelog-bench-throughput");
        SimulatorOptions options = SimulatorOptions.builder().jobs(0).seed(2).cacheRenderedLogs(true).build();
        List<Double> rate = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        List<Double> simCpu = new ArrayList<>();
        List<Double> appendMs = new ArrayList<>();
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(options)) {
            List<List<String>> jobSets = new ArrayList<>();
            for (int run = 0; run <= runs; run++) {
                List<String> set = new ArrayList<>();
                for (int j = 0; j < jobs; j++) {
                    set.add(sim.addJob("throughput-" + run + "-" + j, List.of()));
                }
                jobSets.add(set);
            }
            try (NitelogRun nitelog = NitelogRun.start(sim, dir, poll, jvm)) {
                Thread.sleep(3000); // discovery of every job (interval 1s)
                FileTail tail = new FileTail(nitelog.sinkDir);
                long seq = 0;
                for (int run = 0; run <= runs; run++) {
                    List<List<ScriptedLine>> batches = new ArrayList<>();
                    for (int j = 0; j < jobs; j++) {
                        batches.add(Lines.make(linesPerJob, Instant.now().minusSeconds(60), 1_000_000, seq));
                        seq += linesPerJob;
                    }
                    System.gc();
                    long expected = tail.lines() + (long) jobs * linesPerJob;
                    double cpu0 = nitelog.cpuSeconds();
                    double self0 = NitelogRun.cpuSecondsOf(ProcessHandle.current().pid());
                    long t0 = System.nanoTime();
                    for (int j = 0; j < jobs; j++) {
                        sim.appendLines(jobSets.get(run).get(j), batches.get(j));
                    }
                    long appended = System.nanoTime();
                    long deadline = t0 + Duration.ofMinutes(5).toNanos();
                    while (tail.lines() < expected) {
                        if (tail.poll(null) == 0) {
                            Thread.sleep(5);
                        }
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("only " + tail.lines() + " of " + expected + " lines arrived");
                        }
                    }
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    double used = nitelog.cpuSeconds() - cpu0;
                    double self = NitelogRun.cpuSecondsOf(ProcessHandle.current().pid()) - self0;
                    long n = (long) jobs * linesPerJob;
                    System.err.printf("throughput run %d: %d lines in %.2f s, nitelog CPU %.2f s%n", run, n, seconds, used);
                    for (String id : jobSets.get(run)) {
                        sim.completeJob(id);
                    }
                    if (run == 0) {
                        continue; // warm-up
                    }
                    rate.add(n / seconds);
                    cpu.add(used / (n / 100_000.0));
                    simCpu.add(self / (n / 100_000.0));
                    appendMs.add((appended - t0) / 1e6);
                }
            }
        }
        Result.Builder out = new Result.Builder()
                .figure(Figure.of("end-to-end lines/s", "lines/s", rate, Figure.Target.atLeast(200_000)))
                .figure(Figure.of("nitelog CPU per 100k lines", "CPU s", cpu))
                .figure(Figure.of("simulator + file tail CPU per 100k lines", "CPU s", simCpu))
                .figure(Figure.of("simulator: making the lines visible", "ms", appendMs))
                .note(jobs + " jobs x " + linesPerJob + " lines per run, all visible at once; poll interval "
                        + poll.toMillis() + " ms; timed from the first append until the file tail has seen every line.")
                .note("nitelog JVM: " + jvm + " (-Dthroughput.maxram; 1g, not the 256m of the other scenarios: at"
                        + " 256m the id windows of these bursts outgrow the heap by the 6th run, see README)"
                        + "; file sink defaults (fsync interval, flush 1s).")
                .note("CPU from /proc/<pid>/stat (utime+stime), 10 ms resolution.");
        return out.build("throughput", "New-line throughput into the file sink", new Result.Method(1, runs));
    }
}
