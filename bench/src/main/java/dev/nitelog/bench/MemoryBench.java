package dev.nitelog.bench;

import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.SimulatorOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 4, memory of the nitelog process: RSS and heap after a full GC (the live bytes of jcmd
 * GC.class_histogram) at J active jobs after a short freshness-style run (lines trickling in, 5 s poll
 * interval); and one job with 10k versus 1M lines already shipped, re-polled at 1 s. Samples of one
 * state are taken one after another in the same process (five full GCs); the 10k and 1M processes
 * run one after the other in the same bench run, and their ratio is per sample pair.
 */
final class MemoryBench implements Scenario {
    private static final long SPACING_NANOS = 10_000_000L;
    private static final String ONE_JOB_JVM = NitelogRun.jvmOptions(System.getProperty("memory.one-job-maxram", "1g"));

    @Override
    public Result run(boolean quick) throws Exception {
        int[] jobCounts = Params.ints("memory.jobs", quick ? "1,10,100" : "1,100,1000");
        int[] sizes = Params.ints("memory.lines", quick ? "10000,100000" : "10000,1000000");
        int samples = Params.runs(quick);
        Result.Builder out = new Result.Builder();
        for (int jobs : jobCounts) {
            FreshnessBench f = new FreshnessBench();
            f.measure(jobs, 1, samples, Duration.ofSeconds(quick ? 8 : 20), 100, new ArrayList<>(),
                    new ArrayList<>(), new ArrayList<>());
            FreshnessBench.Memory m = f.memory.get(jobs);
            out.figure(Figure.of("RSS @ jobs=" + jobs, "MB", m.rss(), jobs >= 1000 ? Figure.Target.atMost(256) : null));
            out.figure(Figure.of("heap after GC @ jobs=" + jobs, "MB", m.heap()));
        }
        List<List<Double>> heaps = new ArrayList<>();
        for (int h : sizes) {
            List<Double> rss = new ArrayList<>();
            List<Double> heap = new ArrayList<>();
            oneJob(h, samples, rss, heap);
            heaps.add(heap);
            out.figure(Figure.of("one job, RSS @ lines=" + h, "MB", rss));
            out.figure(Figure.of("one job, heap after GC @ lines=" + h, "MB", heap));
        }
        List<Double> ratio = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            ratio.add(heaps.get(heaps.size() - 1).get(i) / heaps.get(0).get(i));
        }
        out.figure(Figure.of("heap after GC, " + sizes[sizes.length - 1] + " / " + sizes[0] + " lines", "ratio",
                ratio, Figure.Target.atMost(1.10)));
        out.note("nitelog JVM: " + NitelogRun.jvmOptions() + " (the container image's options under a memory limit);"
                + " the one-job runs: " + ONE_JOB_JVM + " (-Dmemory.one-job-maxram): at 256m nitelog ran out of heap"
                + " taking the 1M-line backlog.");
        out.note("Jobs: each run first ships one line per job, then " + (quick ? 8 : 20) + " s of 100 new lines/s in "
                + "total; then " + samples + " samples. One job: lines 10 ms apart, all shipped, then re-polled every "
                + "1 s (default lateness 2m keeps the newest 12,000 ids).");
        return out.build("memory", "Memory of the nitelog process", new Result.Method(0, samples));
    }

    private static void oneJob(int lines, int samples, List<Double> rss, List<Double> heap) throws Exception {
        Path dir = Files.createTempDirectory("nitelog-bench-memory-" + lines);
        SimulatorOptions options = SimulatorOptions.builder().jobs(0).seed(4).cacheRenderedLogs(true).build();
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(options)) {
            sim.addJob("memory-" + lines,
                    Lines.make(lines, Instant.now().minusNanos(lines * SPACING_NANOS), SPACING_NANOS, 0));
            // 1M lines visible at once ran nitelog out of a 256m heap while taking the backlog (see README);
            // the heap compared here is the one after it was shipped, so these runs get more room
            try (NitelogRun nitelog = NitelogRun.start(sim, dir, Duration.ofSeconds(1), ONE_JOB_JVM)) {
                FileTail tail = new FileTail(nitelog.sinkDir);
                FreshnessBench.awaitLines(tail, lines, Duration.ofMinutes(10));
                Thread.sleep(3000); // a few re-polls of the whole log
                for (int i = 0; i < samples; i++) {
                    Thread.sleep(1000);
                    heap.add(nitelog.heapAfterGcMb());
                    rss.add(nitelog.rssMb());
                }
            }
        }
    }
}
