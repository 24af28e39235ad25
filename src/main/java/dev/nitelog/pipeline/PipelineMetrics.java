package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ByteNiteException;
import dev.nitelog.bytenite.CircuitOpenException;
import dev.nitelog.bytenite.LogFetch;
import dev.nitelog.bytenite.MalformedResponseException;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.jobs.JobLifecycle;
import dev.nitelog.jobs.JobTracker;
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
    private final MeterRegistry registry;

    PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.pollDuration = Timer.builder(POLL_DURATION).description("Duration of one /logs poll, parse included")
                .publishPercentileHistogram().register(registry);
        this.responseBytes = DistributionSummary.builder(RESPONSE_BYTES).baseUnit("bytes")
                .description("Size of one /logs response body").publishPercentileHistogram().register(registry);
    }

    /** Gauges read from the running pipeline at scrape time. */
    void watch(JobTracker tracker, List<SinkWorker> workers, Cursors cursors, Clock clock) {
        for (JobLifecycle state : JobLifecycle.values()) {
            Gauge.builder(JOBS, tracker, t -> t.countsByLifecycle().get(state)).tag("state", state.name().toLowerCase())
                    .description("Followed jobs by lifecycle state").register(registry);
        }
        for (SinkWorker worker : workers) {
            Gauge.builder(SINK_QUEUE_DEPTH, worker, SinkWorker::queuedRecords).tag("sink", worker.name())
                    .description("Records waiting for the sink").register(registry);
            Gauge.builder(SINK_QUEUE_CAPACITY, worker, SinkWorker::capacity).tag("sink", worker.name())
                    .description("Most records that may wait for the sink").register(registry);
            Gauge.builder(SINK_UP, worker, w -> w.failing() ? 0 : 1).tag("sink", worker.name())
                    .description("1 while the sink's writes succeed, 0 while its worker is failing and backing off")
                    .register(registry);
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

    void checkpointed(boolean ok) {
        registry.counter(ok ? CHECKPOINT_WRITES : CHECKPOINT_FAILURES).increment();
    }

    void deadLettered(String sink) {
        registry.counter(SINK_RECORDS_DEAD_LETTERED, "sink", sink).increment();
    }

    void batchWritten(String sink, long nanos) {
        Timer.builder(SINK_BATCH_DURATION).tag("sink", sink).description("Duration of one sink write")
                .publishPercentileHistogram().register(registry).record(nanos, TimeUnit.NANOSECONDS);
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
