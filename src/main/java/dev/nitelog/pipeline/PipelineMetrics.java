package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ByteNiteException;
import dev.nitelog.bytenite.CircuitOpenException;
import dev.nitelog.bytenite.LogFetch;
import dev.nitelog.bytenite.MalformedResponseException;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.jobs.JobLifecycle;
import dev.nitelog.jobs.JobTracker;
import dev.nitelog.metrics.BuildInfo;
import dev.nitelog.sink.SinkWorker;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import java.util.concurrent.TimeUnit;

import static dev.nitelog.metrics.MetricNames.*;

/** The pipeline's meters; labels are bounded sets (outcome, sink name), never job or task ids. */
final class PipelineMetrics {
    /*
     * Histograms have a few fixed buckets, never Micrometer's percentile histogram (about 70 buckets
     * a timer, 276 a size): with per-sink series that alone made hundreds of bucket series. The
     * bounds bracket what an operator alerts on; the sum and count still give exact means.
     */
    private static final Duration[] POLL_SECONDS = seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);
    private static final Duration[] BATCH_SECONDS = seconds(0.005, 0.025, 0.1, 0.5, 1, 5, 15, 60);
    private static final double[] RESPONSE_SIZES = {1 << 10, 16 << 10, 128 << 10, 1 << 20, 8 << 20, 64 << 20, 256 << 20};
    /** Every outcome {@link #outcome} can name, for counters at 0. */
    static final List<String> POLL_OUTCOMES = List.of("ok", "429", "5xx", "4xx", "timeout", "connection", "parse_error",
            "auth", "circuit_open", "error");

    private final MeterRegistry registry;

    PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.pollDuration = Timer.builder(POLL_DURATION).description("Duration of one /logs poll, parse included")
                .serviceLevelObjectives(POLL_SECONDS).publishPercentileHistogram(false).register(registry);
        this.responseBytes = DistributionSummary.builder(RESPONSE_BYTES).baseUnit("bytes")
                .description("Size of one /logs response body")
                .serviceLevelObjectives(RESPONSE_SIZES).publishPercentileHistogram(false).register(registry);
        // counters exist at 0 from the start: increase() in an alert cannot see a series' first sample
        for (String outcome : POLL_OUTCOMES) {
            registry.counter(POLLS, "outcome", outcome);
        }
        for (String name : List.of(RECORDS_FETCHED, RECORDS_SKIPPED, RECORDS_MALFORMED, RECORDS_LATE, RECORDS_FUTURE,
                LINES_CUT, SPOOL_RECORDS, SPOOL_SORTED_RECORDS, SPOOL_FULL, CHECKPOINT_WRITES, CHECKPOINT_FAILURES,
                RESPONSES_TRUNCATED,
                LINES_UNFETCHED)) {
            registry.counter(name);
        }
        BuildInfo.current().register(registry);
    }

    /** Gauges read from the running pipeline at scrape time, and each sink's meters at 0. */
    void watch(JobTracker tracker, List<SinkWorker> workers, Cursors cursors, Clock clock) {
        for (JobLifecycle state : JobLifecycle.values()) {
            Gauge.builder(JOBS, tracker, t -> t.countsByLifecycle().get(state)).tag("state", state.name().toLowerCase())
                    .description("Followed jobs by lifecycle state").register(registry);
        }
        for (SinkWorker worker : workers) {
            String sink = worker.name();
            Gauge.builder(SINK_QUEUE_DEPTH, worker, SinkWorker::queuedRecords).tag("sink", sink)
                    .description("Records waiting for the sink").register(registry);
            Gauge.builder(SINK_QUEUE_CAPACITY, worker, SinkWorker::capacity).tag("sink", sink)
                    .description("Most records that may wait for the sink").register(registry);
            Gauge.builder(SINK_UP, worker, w -> w.failing() ? 0 : 1).tag("sink", sink)
                    .description("1 while the sink's writes succeed, 0 while its worker is failing and backing off")
                    .register(registry);
            List<SinkWorker> one = List.of(worker);
            Gauge.builder(SINK_LAG, () -> lagSeconds(tracker, one, cursors, clock)).tag("sink", sink).baseUnit("seconds")
                    .description("Now minus the newest timestamp the sink confirmed, for its worst polled job")
                    .register(registry);
            for (String name : List.of(SINK_RECORDS_QUEUED, SINK_RECORDS_SENT, SINK_RECORDS_FILTERED, SINK_FAILURES,
                    SINK_RECORDS_RETRIED, SINK_RECORDS_DEAD_LETTERED)) {
                registry.counter(name, "sink", sink);
            }
            batchDuration(sink);
        }
        Gauge.builder(LAG, () -> lagSeconds(tracker, workers, cursors, clock)).baseUnit("seconds")
                .description("Now minus the newest committed timestamp, for the worst polled job and sink").register(registry);
    }

    /** Worst (largest) delay between now and what a sink confirmed, over the jobs being polled. */
    static double lagSeconds(JobTracker tracker, List<SinkWorker> workers, Cursors cursors, Clock clock) {
        Instant now = clock.instant();
        double worst = 0;
        for (String job : tracker.polledJobIds()) {
            for (SinkWorker worker : workers) {
                Instant committed = worker.acceptsJob(job) ? cursors.committedHighWater(job, worker.name()) : null;
                if (committed != null) {
                    worst = Math.max(worst, Duration.between(committed, now).toNanos() / 1e9);
                }
            }
        }
        return worst;
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
        }
        return out;
    }

    void checkpointed(boolean ok) {
        registry.counter(ok ? CHECKPOINT_WRITES : CHECKPOINT_FAILURES).increment();
    }

    void deadLettered(String sink) {
        registry.counter(SINK_RECORDS_DEAD_LETTERED, "sink", sink).increment();
    }

    void batchWritten(String sink, long nanos) {
        batchDuration(sink).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Timer batchDuration(String sink) {
        return Timer.builder(SINK_BATCH_DURATION).tag("sink", sink).description("Duration of one sink write")
                .serviceLevelObjectives(BATCH_SECONDS).publishPercentileHistogram(false).register(registry);
    }

    private final Timer pollDuration;
    private final DistributionSummary responseBytes;

    void fetched(LogFetch fetch, long nanos) {
        registry.counter(POLLS, "outcome", "ok").increment();
        pollDuration.record(nanos, TimeUnit.NANOSECONDS);
        responseBytes.record(fetch.responseBytes());
        registry.counter(RECORDS_FETCHED).increment(fetch.records().size() + fetch.chunked());
        registry.counter(RECORDS_SKIPPED).increment(fetch.skipped());
        registry.counter(RECORDS_MALFORMED).increment(fetch.malformedEntries());
        registry.counter(LINES_CUT).increment(fetch.cutLines());
    }

    void truncated() {
        registry.counter(RESPONSES_TRUNCATED).increment();
    }

    /** Lines of a retired job that lay beyond the cut of a part too large to fetch, never shipped. */
    void unfetched(long lines) {
        registry.counter(LINES_UNFETCHED).increment(lines);
    }

    void pollFailed(ByteNiteException e) {
        registry.counter(POLLS, "outcome", outcome(e)).increment();
    }

    static String outcome(ByteNiteException e) {
        if (e == null) {
            return "error";
        }
        if (e instanceof MalformedResponseException) {
            return "parse_error";
        }
        if (e instanceof CircuitOpenException) {
            return "circuit_open";
        }
        int status = e.httpStatus();
        if (status == 429) {
            return "429";
        }
        if (status == 401 || status == 403) {
            return "auth";
        }
        if (status >= 500) {
            return "5xx";
        }
        return status == 0 ? (timedOut(e) ? "timeout" : "connection") : "4xx";
    }

    private static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String name = t.getClass().getSimpleName();
            if (name.contains("Timeout") || (t.getMessage() != null && t.getMessage().toLowerCase().contains("timed out"))) {
                return true;
            }
        }
        return false;
    }

    void late(int count) {
        if (count > 0) {
            registry.counter(RECORDS_LATE).increment(count);
        }
    }

    void future(int count) {
        if (count > 0) {
            registry.counter(RECORDS_FUTURE).increment(count);
        }
    }

    void spooled(int count) {
        if (count > 0) {
            registry.counter(SPOOL_RECORDS).increment(count);
        }
    }

    void sortedOnDisk(long count) {
        if (count > 0) {
            registry.counter(SPOOL_SORTED_RECORDS).increment(count);
        }
    }

    void spoolFull() {
        registry.counter(SPOOL_FULL).increment();
    }

    void watchSpool(dev.nitelog.cursor.Spool spool) {
        registry.gauge(SPOOL_BYTES, spool, s -> s.usedBytes());
    }

    void offered(String sink, int count) {
        if (count > 0) {
            registry.counter(SINK_RECORDS_QUEUED, "sink", sink).increment(count);
        }
    }

    void filtered(String sink, int count) {
        if (count > 0) {
            registry.counter(SINK_RECORDS_FILTERED, "sink", sink).increment(count);
        }
    }

    void delivered(String sink, int count) {
        registry.counter(SINK_RECORDS_SENT, "sink", sink).increment(count);
    }

    void retrying(String sink, int records) {
        registry.counter(SINK_RECORDS_RETRIED, "sink", sink).increment(records);
    }

    void sinkFailed(String sink) {
        registry.counter(SINK_FAILURES, "sink", sink).increment();
    }
}
