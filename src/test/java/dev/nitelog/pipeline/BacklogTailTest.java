package dev.nitelog.pipeline;

import dev.nitelog.bytenite.JobPhase;
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
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkHealth;
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
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job whose lines the sinks have not confirmed yet in bulk is not fetched again meanwhile: the
 * fetch would re-read (and hash) the whole log to find those lines unconfirmed.
 */
class BacklogTailTest {
    private static final JobRef JOB = new JobRef("job-1", "my job");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final List<LogRecord> log = SinkWorkerTest.records(0, 60, Level.INFO);
    private final AtomicInteger fetches = new AtomicInteger();
    private final LogsOnlyApi api = new LogsOnlyApi() {
        @Override
        public LogFetch fetchLogs(JobRef job, LineFilter filter) {
            fetches.incrementAndGet();
            return new LogFetch(log, 0, 0, 100L * log.size());
        }
    };
    private final Cursors cursors = new Cursors(Duration.ofMinutes(2));
    private final CountDownLatch writesMayReturn = new CountDownLatch(1);
    private final List<LogRecord> written = new CopyOnWriteArrayList<>();
    private final Sink slow = new Sink() {
        public String name() { return "slow"; }
        public SinkHealth check() { return SinkHealth.up("ok"); }
        public void write(SinkBatch batch) {
            try {
                writesMayReturn.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.addAll(batch.records());
        }
        public void flush() { }
        public void close() { }
    };
    private final SinkWorker worker = new SinkWorker(slow, SinkWorkerTest.config(100, 10, List.of()), (r, why) -> { },
            new CommittingListener(cursors), Clock.systemUTC(), Duration.ofMillis(10)).start();
    private final JobTracker tracker = new JobTracker(Duration.ofSeconds(5), Duration.ofSeconds(40), Drain.polls(1),
            id -> false, new Random(3));

    @AfterEach
    void stop() {
        writesMayReturn.countDown();
        worker.close();
    }

    @Test
    void aJobIsNotFetchedAgainWhileHalfAQueueOfItsLinesAwaitsConfirmation(@TempDir Path state) throws Exception {
        try (Spool spool = Spool.open(state, 1L << 20)) {
            JobPoller poller = new JobPoller(api, tracker, cursors, spool, List.of(worker),
                    new PipelineMetrics(new SimpleMeterRegistry()), Clock.fixed(T0, ZoneOffset.UTC));
            poll(poller);
            assertEquals(60, cursors.forJob(JOB.id()).awaitingConfirmation("slow"));
            poll(poller);
            assertEquals(1, fetches.get(), "60 lines of a queue of 100 await confirmation: no second fetch");

            writesMayReturn.countDown();
            assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(0, cursors.forJob(JOB.id()).awaitingConfirmation("slow"));
            poll(poller);
            assertEquals(2, fetches.get(), "confirmed: the job is fetched again");
            assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(log, written, "each line once");
        }
    }

    private void poll(JobPoller poller) {
        tracker.observe(new JobStatus(JOB, "JOB_STATE_RUNNING", JobPhase.ACTIVE, null), T0);
        assertEquals(List.of(JOB), tracker.takeDue(T0.plus(Duration.ofHours(1)), 10));
        poller.poll(JOB);
    }
}
