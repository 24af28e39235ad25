package dev.nitelog.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.nitelog.bytenite.LogFetch;
import dev.nitelog.bytenite.LineFilter;
import dev.nitelog.bytenite.LogsBodies;
import dev.nitelog.bytenite.MalformedResponseException;
import dev.nitelog.record.KnownIds;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.cursor.Unsent;
import dev.nitelog.record.JobRef;
import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.SimulatorOptions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 1, re-poll cost: one job with H lines already shipped and committed, no new ones. A
 * poll is what {@code JobPoller} does with the response body in hand: the skip floor from the
 * cursors, {@code LogsParser} over the body, then {@code takeUnsent} and {@code allCommitted} for
 * one sink. The body is the simulator's own {@code POST /logs} answer, fetched once over HTTP and
 * replayed from memory, so neither the network nor the simulator is measured. The baseline, in the
 * same run, is Jackson's streaming parser reading the same bytes token by token and nothing else.
 *
 * <p>Lines are 10 ms apart (100 lines/s); with the default 2 m lateness the last 12,000 lines lie
 * inside the window: each is hashed from the parser's buffers and looked up in the cursors, and
 * materialised only if the sink lacks it (none here); the rest are skipped by timestamp alone. A
 * second series with lateness 0 isolates the skip path.
 */
final class RepollBench implements Scenario {
    private static final long SPACING_NANOS = 10_000_000L;
    private static final String SINK = "file";
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private record Sample(double cpuNanos, double wallNanos, double allocated) {
    }

    @Override
    public Result run(boolean quick) throws Exception {
        int[] sizes = Params.ints("repoll.sizes", quick ? "10000,100000" : "10000,100000,1000000");
        int runs = Params.runs(quick);
        Result.Builder out = new Result.Builder();
        for (int h : sizes) {
            measure(h, runs, quick, out);
        }
        out.note("A poll: skip floor and known-id view, LogsParser over the response body (replayed from memory), "
                + "Cursors.takeUnsent and allCommitted for one sink; network and simulator excluded.");
        out.note("lines/s = lines in the body / CPU time of the polling thread. Lines are 10 ms apart, so with "
                + "the default lateness (2m) the newest 12,000 lines are inside the window: hashed and looked up "
                + "on every poll, materialised only when the sink lacks them; lateness 0 looks up only the newest line.");
        out.note("Baseline: Jackson's JsonParser.nextToken() over the same bytes (no values read), same JVM, "
                + "interleaved with the nitelog polls in every run; ratio = nitelog rate / baseline rate per run.");
        return out.build("repoll", "Re-poll cost of an already shipped job", new Result.Method(1, runs));
    }

    private void measure(int h, int runs, boolean quick, Result.Builder out) throws Exception {
        byte[] body = body(h);
        JobRef job = new JobRef("repoll-job", "repoll");
        Cursors defaultWindow = shippedCursors(job, body, Duration.ofMinutes(2));
        Cursors noWindow = shippedCursors(job, body, Duration.ZERO);
        int polls = Math.max(3, (quick ? 1_000_000 : 3_000_000) / h);
        System.err.printf("repoll: H=%d body=%d bytes, %d polls per run%n", h, body.length, polls);

        List<Double> rate = new ArrayList<>();
        List<Double> rate0 = new ArrayList<>();
        List<Double> base = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        List<Double> ratio0 = new ArrayList<>();
        List<Double> cpuMs = new ArrayList<>();
        List<Double> allocMb = new ArrayList<>();
        List<Double> alloc0 = new ArrayList<>();
        List<Double> kept = new ArrayList<>();
        for (int run = -1; run < runs; run++) { // run -1 is the warm-up
            Sample jackson = repeat(polls, () -> jacksonPass(body));
            Sample nitelog = repeat(polls, () -> poll(job, defaultWindow, body));
            Sample nitelog0 = repeat(polls, () -> poll(job, noWindow, body));
            if (run < 0) {
                continue;
            }
            double jr = h / (jackson.cpuNanos / 1e9);
            double nr = h / (nitelog.cpuNanos / 1e9);
            double nr0 = h / (nitelog0.cpuNanos / 1e9);
            rate.add(nr);
            rate0.add(nr0);
            base.add(jr);
            ratio.add(nr / jr);
            ratio0.add(nr0 / jr);
            cpuMs.add(nitelog.cpuNanos / 1e6);
            allocMb.add(nitelog.allocated / 1e6);
            alloc0.add(nitelog0.allocated / 1e6);
            kept.add((double) keptLines(job, defaultWindow, body));
        }
        String at = " @ H=" + h;
        Figure.Target oneMillion = Figure.Target.atLeast(1_000_000);
        Figure.Target half = Figure.Target.atLeast(0.5);
        out.figure(Figure.of("nitelog lines/s (lateness 2m)" + at, "lines/s", rate, oneMillion));
        out.figure(Figure.of("nitelog lines/s (lateness 0)" + at, "lines/s", rate0, oneMillion));
        out.figure(Figure.of("Jackson baseline lines/s" + at, "lines/s", base));
        out.figure(Figure.of("nitelog/Jackson (lateness 2m)" + at, "ratio", ratio, half));
        out.figure(Figure.of("nitelog/Jackson (lateness 0)" + at, "ratio", ratio0, half));
        out.figure(Figure.of("CPU per poll (lateness 2m)" + at, "ms", cpuMs));
        out.figure(Figure.of("allocated per poll (lateness 2m)" + at, "MB", allocMb));
        out.figure(Figure.of("allocated per poll (lateness 0)" + at, "MB", alloc0));
        out.figure(Figure.of("lines materialised per poll (lateness 2m)" + at, "lines", kept));
    }

    /** The simulator's {@code /logs} body for a job of {@code h} lines ending now. */
    static byte[] body(int h) throws IOException, InterruptedException {
        SimulatorOptions options = SimulatorOptions.builder().jobs(0).seed(8).cacheRenderedLogs(false).build();
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(options)) {
            Instant start = Instant.now().minusNanos(h * SPACING_NANOS);
            String id = sim.addJob("repoll", Lines.make(h, start, SPACING_NANOS, 0));
            return SimHttp.logsBody(sim, id);
        }
    }

    /** Cursors in the state after every line of the body was shipped and confirmed. */
    private static Cursors shippedCursors(JobRef job, byte[] body, Duration lateness) throws IOException {
        Cursors cursors = new Cursors(lateness);
        LogFetch all = parse(job, LineFilter.KEEP_ALL, body);
        Unsent unsent = cursors.forJob(job.id()).offer(SINK, all.records());
        cursors.commit(SINK, unsent.records());
        return cursors;
    }

    private static void poll(JobRef job, Cursors cursors, byte[] body) throws IOException {
        List<String> sinks = List.of(SINK);
        LogFetch fetch = parse(job, knownTo(cursors, job, sinks), body);
        Unsent unsent = cursors.forJob(job.id()).offer(SINK, fetch.records());
        if (!unsent.records().isEmpty() || !cursors.forJob(job.id()).confirmed(SINK, fetch.records())) {
            throw new IllegalStateException("a re-poll found " + unsent.records().size() + " new lines");
        }
    }

    private static int keptLines(JobRef job, Cursors cursors, byte[] body) throws IOException {
        List<String> sinks = List.of(SINK);
        return parse(job, knownTo(cursors, job, sinks), body).records().size();
    }

    private static LogFetch parse(JobRef job, LineFilter filter, byte[] body) throws IOException {
        try {
            return LogsBodies.read(job, filter, new ByteArrayInputStream(body));
        } catch (MalformedResponseException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** What a poll that knows no streams asks: the sinks' one floor (none before a commit) and the ids they hold. */
    private static LineFilter knownTo(Cursors cursors, JobRef job, List<String> sinks) {
        KnownIds known = cursors.forJob(job.id()).knownIds(sinks);
        return LineFilter.of(cursors.forJob(job.id()).skipFloor(sinks), known);
    }

    private static int jacksonPass(byte[] body) throws IOException {
        JsonFactory f = LogsBodies.jsonFactory();
        int tokens = 0;
        try (JsonParser p = f.createParser(new ByteArrayInputStream(body))) {
            while (p.nextToken() != null) {
                tokens++;
            }
        }
        return tokens;
    }

    interface Pass {
        void run() throws IOException;
    }

    /** Per-pass CPU (this thread), wall time and bytes allocated (this thread), averaged over n passes. */
    private static Sample repeat(int n, Pass pass) throws IOException {
        long tid = Thread.currentThread().getId();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long alloc0 = THREADS.getThreadAllocatedBytes(tid);
        long wall0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            pass.run();
        }
        long wall = System.nanoTime() - wall0;
        long alloc = THREADS.getThreadAllocatedBytes(tid) - alloc0;
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        return new Sample((double) cpu / n, (double) wall / n, (double) alloc / n);
    }
}
