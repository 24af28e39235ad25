package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ByteNiteApi;
import dev.nitelog.bytenite.JobPhase;
import dev.nitelog.bytenite.JobStatus;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.cursor.Spool;
import dev.nitelog.jobs.Drain;
import dev.nitelog.jobs.JobTracker;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.SinkWorker;
import dev.nitelog.sink.SinkWorkerTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.nitelog.metrics.MetricNames.RECORDS_LATE;
import static dev.nitelog.metrics.MetricNames.SPOOL_FULL;
import static dev.nitelog.metrics.MetricNames.SPOOL_SORTED_RECORDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API's order is unspecified: a task's log listed newest first (as Loki may list it) spanning
 * far more than the lateness ships every line once, oldest first, and none is taken for late.
 */
class ResponseOrderTest {
    private static final JobRef JOB = new JobRef("job-1", "my job");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LATENESS = Duration.ofMinutes(2);

    private final List<String> newestFirst = new ArrayList<>(); // the task's entries as the API lists them
    private final ByteNiteApi api = new BodyServingApi(
            () -> "{\"taskrunner\":{\"t\":{\"logs\":[" + String.join(",", newestFirst) + "]}}}");
    private final Cursors cursors = new Cursors(LATENESS);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SinkWorkerTest.RecordingSink sink = new SinkWorkerTest.RecordingSink();
    private final SinkWorker worker = new SinkWorker(sink, SinkWorkerTest.config(100_000, 1000, List.of()),
            (r, why) -> { }, new CommittingListener(cursors), Clock.systemUTC(), Duration.ofMillis(10)).start();
    private final JobTracker tracker = new JobTracker(Duration.ofSeconds(5), Duration.ofSeconds(40), Drain.polls(1),
            id -> false, new Random(3));

    @AfterEach
    void stop() {
        worker.close();
    }

    @Test
    void aTaskListedNewestFirstShipsEveryLineOnceOldestFirst(@TempDir Path state) throws Exception {
        for (int i = 0; i < 10_000; i++) { // ten minutes, 60 ms apart, five times the lateness
            newestFirst.add(0, entry(i));
        }
        try (Spool spool = Spool.open(state, 1L << 30)) {
            JobPoller poller = new JobPoller(api, tracker, cursors, spool, List.of(worker), new PipelineMetrics(meters),
                    Clock.fixed(T0, ZoneOffset.UTC), 256 * 1024);
            poll(poller);
            assertEquals(messages(0, 10_000), messages(sink.written), "every line once, oldest first");
            assertEquals(0.0, meters.counter(RECORDS_LATE).count(), "none taken for late");
            assertTrue(meters.counter(SPOOL_SORTED_RECORDS).count() > 0, "sorted on disk: the buffer holds a fraction");

            newestFirst.add(0, entry(10_000)); // a new line, listed first
            poll(poller);
            assertEquals(messages(0, 10_001), messages(sink.written), "the new line once, nothing again");
        }
    }

    @Test
    void aNewestFirstTaskLargerThanTheSpoolStillShipsEveryLineOnceOldestFirst(@TempDir Path state) throws Exception {
        for (int i = 0; i < 10_000; i++) {
            newestFirst.add(0, entry(i));
        }
        try (Spool spool = Spool.open(state, 64 * 1024)) { // room for a fraction of the sort runs
            JobPoller poller = new JobPoller(api, tracker, cursors, spool, List.of(worker), new PipelineMetrics(meters),
                    Clock.fixed(T0, ZoneOffset.UTC), 256 * 1024);
            for (int polls = 0; polls < 20 && sink.written.size() < 10_000; polls++) {
                poll(poller); // each poll hands on the oldest lines the reorder buffer holds
            }
            assertEquals(messages(0, 10_000), messages(sink.written), "every line once, oldest first");
            assertEquals(0.0, meters.counter(RECORDS_LATE).count(), "none taken for late");
            assertTrue(meters.counter(SPOOL_FULL).count() > 0, "the spool's want of room is counted");
        }
    }

    private void poll(JobPoller poller) throws InterruptedException {
        tracker.observe(new JobStatus(JOB, "JOB_STATE_RUNNING", JobPhase.ACTIVE, null), T0);
        assertEquals(List.of(JOB), tracker.takeDue(T0.plus(Duration.ofHours(1)), 10));
        poller.poll(JOB);
        assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
    }

    private static String entry(int i) {
        return "{\"log\":\"line " + i + "\",\"timestamp\":\"" + T0.plusMillis(60L * i)
                + "\",\"level\":\"INFO\",\"container\":\"main\"}";
    }

    private static List<String> messages(int from, int to) {
        List<String> messages = new ArrayList<>();
        for (int i = from; i < to; i++) {
            messages.add("line " + i);
        }
        return messages;
    }

    private static List<String> messages(List<LogRecord> records) {
        return records.stream().map(LogRecord::message).toList();
    }
}
