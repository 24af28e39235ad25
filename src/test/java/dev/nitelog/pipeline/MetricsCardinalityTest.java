package dev.nitelog.pipeline;

import dev.nitelog.bytenite.LineFilter;
import dev.nitelog.bytenite.ApiEndpoint;
import dev.nitelog.bytenite.ByteNiteApi;
import dev.nitelog.bytenite.ByteNiteException;
import dev.nitelog.bytenite.CallOutcome;
import dev.nitelog.bytenite.CircuitState;
import dev.nitelog.bytenite.JobPhase;
import dev.nitelog.bytenite.JobStatus;
import dev.nitelog.bytenite.LogFetch;
import dev.nitelog.bytenite.MalformedResponseException;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.cursor.Spool;
import dev.nitelog.jobs.JobTracker;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import dev.nitelog.sink.DeliveryListener;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkWorker;
import dev.nitelog.sink.SinkWorkerTest;
import dev.nitelog.sink.SinkWorkerTest.RecordingSink;
import dev.nitelog.testing.MetricsScrape;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Prometheus scrape of a pipeline following 1,000 jobs through the real poller and sink workers:
 * the series count must not grow with the jobs, failure counters are there before any failure, and
 * lag is told per sink.
 */
class MetricsCardinalityTest {
    private static final int JOBS = 1000;
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    /** Every record is this old when the lag is read. */
    private static final Duration AGE = Duration.ofSeconds(60);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<SinkWorker> workers = new ArrayList<>();

    @AfterEach
    void stopWorkers() {
        workers.forEach(SinkWorker::close);
    }

    @Test
    void aThousandJobsMakeAtMostAHundredBucketSeriesAndNoJobLabel() throws Exception {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        Cursors cursors = new Cursors(Duration.ofMinutes(2));
        PipelineMetrics metrics = new PipelineMetrics(registry);
        ClientMetrics client = new ClientMetrics(registry);
        DeliveryListener daemonLike = new DeliveryListener() { // what NitelogDaemon does with a delivery
            public void delivered(String sink, List<LogRecord> records) {
                cursors.commit(sink, records);
                metrics.delivered(sink, records.size());
            }
            public void failed(String sink, SinkException error) {
                cursors.rollback(sink);
                metrics.sinkFailed(sink);
            }
            public void written(String sink, int records, long nanos) {
                metrics.batchWritten(sink, nanos);
            }
        };
        for (Sink sink : List.of(new RecordingSink("archive", false), new RecordingSink("search", false),
                new RecordingSink("down", true))) {
            workers.add(new SinkWorker(sink, SinkWorkerTest.config(100_000, 500, List.of(Level.INFO)), (r, why) -> { },
                    daemonLike, clock, Duration.ofMillis(10)).start());
        }
        JobTracker tracker = new JobTracker(Duration.ofSeconds(5), Duration.ofSeconds(40), dev.nitelog.jobs.Drain.polls(1), id -> false, new Random(1));
        metrics.watch(tracker, workers, cursors, clock);
        String first = registry.scrape();

        Random random = new Random(7);
        ByteNiteApi api = new ByteNiteApi() {
            public List<JobStatus> listJobs() { return List.of(); }
            public JobStatus getJob(String jobId) { return null; }
            public LogFetch fetchLogs(JobRef job, LineFilter filter) throws ByteNiteException {
                if (job.id().endsWith("7")) {
                    throw new MalformedResponseException("not JSON for the test");
                }
                return new LogFetch(records(job), 0, 0, 100 + random.nextInt(50_000_000));
            }
        };
        Spool spool = Spool.open(Files.createTempDirectory("nitelog-spool"), 1L << 20);
        JobPoller poller = new JobPoller(api, tracker, cursors, spool, workers, metrics, clock);
        for (int i = 0; i < JOBS; i++) {
            tracker.observe(new JobStatus(job(i), "JOB_STATE_RUNNING", JobPhase.ACTIVE, null), NOW);
        }
        for (JobRef due : tracker.takeDue(NOW.plus(Duration.ofHours(1)), JOBS)) {
            poller.poll(due);
        }
        for (ApiEndpoint endpoint : ApiEndpoint.values()) {
            for (CallOutcome outcome : CallOutcome.values()) {
                client.onAttempt(endpoint, outcome);
            }
        }
        client.onCircuitState(ApiEndpoint.LOGS, CircuitState.OPEN);
        // 900 jobs' lines (the 100 ending in 7 failed to poll), two records each, confirmed by both sinks that work
        double sent = 2 * (JOBS - JOBS / 10);
        await().atMost(Duration.ofSeconds(30)).until(() -> MetricsScrape.parse(registry.scrape())
                .sum("nitelog_sink_records_sent_total", "sink", "search") == sent
                && MetricsScrape.parse(registry.scrape()).sum("nitelog_sink_records_sent_total", "sink", "archive") == sent);

        String text = registry.scrape();
        long buckets = text.lines().filter(l -> !l.startsWith("#") && l.contains("_bucket{")).count();
        assertTrue(buckets <= 100, buckets + " bucket series with " + JOBS + " jobs and 3 sinks:\n" + text);
        assertTrue(buckets > 0, "the histograms are exported");
        assertFalse(text.contains("job-"), "no job id in any label");

        MetricsScrape scrape = MetricsScrape.parse(text);
        assertEquals(AGE.toSeconds(), scrape.sum("nitelog_sink_lag_seconds", "sink", "archive"), 0.001);
        assertEquals(AGE.toSeconds(), scrape.sum("nitelog_lag_seconds"), 0.001, "the worst sink's lag");
        assertEquals(0, scrape.sum("nitelog_sink_lag_seconds", "sink", "down"),
                "a sink that confirmed nothing has no committed timestamp to be behind (nitelog_sink_up says it is down)");
        assertEquals(JOBS / 10, scrape.sum("nitelog_polls_total", "outcome", "parse_error"));
        assertEquals(1, scrape.sum("nitelog_api_circuit_state", "endpoint", "logs", "state", "open"));
        assertEquals(0, scrape.sum("nitelog_api_circuit_state", "endpoint", "logs", "state", "closed"));
        assertEquals(1, scrape.sum("nitelog_api_circuit_state", "endpoint", "jobs", "state", "closed"));
        assertTrue(MetricsScrape.parse(first).has("nitelog_build_info"), first);
        assertFalse(first.contains("revision=\"unknown\""), "the build wrote the git revision: " + first);
    }

    @Test
    void failureCountersAreZeroInTheFirstScrape() {
        PipelineMetrics metrics = new PipelineMetrics(registry);
        new ClientMetrics(registry);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        workers.add(new SinkWorker(new RecordingSink("archive", false), SinkWorkerTest.config(10, 10, List.of(Level.INFO)),
                (r, why) -> { }, new SinkWorkerTest.Listener(), clock, Duration.ofMillis(10)).start());
        metrics.watch(new JobTracker(Duration.ofSeconds(5), Duration.ofSeconds(40), dev.nitelog.jobs.Drain.polls(1), id -> false, new Random(1)),
                workers, new Cursors(Duration.ofMinutes(2)), clock);

        MetricsScrape scrape = MetricsScrape.parse(registry.scrape());
        for (String[] series : List.of(new String[]{"nitelog_sink_failures_total", "sink", "archive"},
                new String[]{"nitelog_sink_records_dead_lettered_total", "sink", "archive"},
                new String[]{"nitelog_sink_records_retried_total", "sink", "archive"},
                new String[]{"nitelog_checkpoint_failures_total"},
                new String[]{"nitelog_responses_truncated_total"},
                new String[]{"nitelog_records_malformed_total"},
                new String[]{"nitelog_spool_full_total"},
                new String[]{"nitelog_polls_total", "outcome", "5xx"},
                new String[]{"nitelog_polls_total", "outcome", "parse_error"},
                new String[]{"nitelog_api_requests_total", "endpoint", "token", "outcome", "auth"},
                new String[]{"nitelog_api_circuit_state", "endpoint", "logs", "state", "open"},
                new String[]{"nitelog_sink_lag_seconds", "sink", "archive"})) {
            String name = series[0];
            String[] labels = java.util.Arrays.copyOfRange(series, 1, series.length);
            assertTrue(scrape.has(name, labels), name + java.util.Arrays.toString(labels) + " is in the first scrape");
            assertEquals(0, scrape.sum(name, labels), name + java.util.Arrays.toString(labels));
        }
        assertEquals(1, scrape.sum("nitelog_api_circuit_state", "endpoint", "logs", "state", "closed"));
    }

    @Test
    void everyPollOutcomeHasACounterFromTheStart() {
        for (ByteNiteException e : List.of(new MalformedResponseException("x"), new ByteNiteException("x", 429, -1),
                new ByteNiteException("x", 503, -1), new ByteNiteException("x", 401, -1),
                new ByteNiteException("x", 400, -1), new ByteNiteException("x", 0, -1),
                new ByteNiteException("timed out", 0, -1), new dev.nitelog.bytenite.CircuitOpenException("x"))) {
            assertTrue(PipelineMetrics.POLL_OUTCOMES.contains(PipelineMetrics.outcome(e)), PipelineMetrics.outcome(e));
        }
        assertTrue(PipelineMetrics.POLL_OUTCOMES.contains(PipelineMetrics.outcome(null)));
    }

    private static JobRef job(int i) {
        return new JobRef("job-" + i, "job number " + i);
    }

    private static List<LogRecord> records(JobRef job) {
        List<LogRecord> out = new ArrayList<>();
        for (int line = 0; line < 2; line++) {
            Instant ts = NOW.minus(AGE).minusMillis(line);
            String message = "line " + line;
            out.add(new LogRecord(RecordId.of(job.id(), Service.TASKRUNNER, "t", "main", ts, message, Level.INFO, 0), ts, job.id(),
                    job.name(), Service.TASKRUNNER, "t", "main", Level.INFO, message));
        }
        return out;
    }
}
