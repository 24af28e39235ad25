package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ByteNiteApi;
import dev.nitelog.bytenite.JobStatus;
import dev.nitelog.bytenite.LineFilter;
import dev.nitelog.bytenite.LogFetch;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.cursor.Spool;
import dev.nitelog.jobs.Drain;
import dev.nitelog.jobs.JobTracker;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.SinkWorker;
import dev.nitelog.sink.SinkWorkerTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.nitelog.metrics.MetricNames.SINK_RECORDS_FILTERED;
import static dev.nitelog.metrics.MetricNames.SINK_RECORDS_QUEUED;
import static dev.nitelog.metrics.MetricNames.SPOOL_RECORDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sink's level and service filters apply before its queue and the spool: what it leaves out
 * takes no room, is never queued or spooled, and never makes the job fetched again.
 */
class SinkFilterOfferTest {
    private static final JobRef JOB = new JobRef("job-1", "my job");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final List<LogRecord> log = new ArrayList<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private final ByteNiteApi api = new LogsOnlyApi() {
        @Override
        public LogFetch fetchLogs(JobRef job, LineFilter filter) {
            fetches.incrementAndGet();
            return new LogFetch(List.copyOf(log), 0, 0, 100L * log.size());
        }
    };
    private final Cursors cursors = new Cursors(Duration.ofMinutes(2));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SinkWorkerTest.RecordingSink errors = new SinkWorkerTest.RecordingSink("errors", false);
    private final SinkWorkerTest.RecordingSink everything = new SinkWorkerTest.RecordingSink("everything", false);
    private final List<SinkWorker> workers = List.of(
            worker(errors, SinkWorkerTest.config(10, 10, List.of(Level.ERROR))),
            worker(everything, SinkWorkerTest.config(5000, 500, List.of())));
    private final JobTracker tracker = new JobTracker(Duration.ofSeconds(5), Duration.ofSeconds(40), Drain.polls(1),
            id -> false, new Random(3));

    private SinkWorker worker(SinkWorkerTest.RecordingSink sink, dev.nitelog.config.SinkConfig config) {
        return new SinkWorker(sink, config, (r, why) -> { }, new CommittingListener(cursors), Clock.systemUTC(), Duration.ofMillis(10))
                .start();
    }

    @AfterEach
    void stop() {
        workers.forEach(SinkWorker::close);
    }

    @Test
    void recordsASinkLeavesOutTakeNoRoomInItsQueueOrTheSpool(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 2000; i++) {
            log.addAll(SinkWorkerTest.records(i, i + 1, i % 400 == 0 ? Level.ERROR : Level.INFO));
        }
        JobPoller poller = poller(dir);

        poll(poller);
        poll(poller); // nothing new: nothing is offered again

        List<LogRecord> wanted = log.stream().filter(r -> r.level() == Level.ERROR).toList();
        assertEquals(wanted, errors.written, "the errors sink got its five records, in order");
        assertEquals(log, everything.written, "the other sink got every record once");
        assertEquals(1995.0, meters.counter(SINK_RECORDS_FILTERED, "sink", "errors").count());
        assertEquals(5.0, meters.counter(SINK_RECORDS_QUEUED, "sink", "errors").count(),
                "a queue of ten held the five it wants; nothing it filters out was queued");
        assertEquals(0.0, meters.counter(SPOOL_RECORDS).count(), "nothing spooled: the filtered records took no room");
        assertEquals(2, fetches.get(), "one fetch per poll; the backlog needed no second one");
        assertTrue(cursors.forJob(JOB.id()).confirmed("errors", log), "every line counts as confirmed for the errors sink");
    }

    private JobPoller poller(Path dir) throws IOException {
        return new JobPoller(api, tracker, cursors, Spool.open(dir, 1L << 20), workers, new PipelineMetrics(meters),
                Clock.fixed(T0, ZoneOffset.UTC));
    }

    private void poll(JobPoller poller) throws InterruptedException {
        tracker.observe(new JobStatus(JOB, "JOB_STATE_RUNNING", dev.nitelog.bytenite.JobPhase.ACTIVE, null), T0);
        assertEquals(List.of(JOB), tracker.takeDue(T0.plus(Duration.ofHours(1)), 10));
        poller.poll(JOB);
        for (SinkWorker worker : workers) {
            assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
        }
    }
}
