package dev.nitelog.pipeline;

import dev.nitelog.bytenite.JobPhase;
import dev.nitelog.bytenite.JobStatus;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.cursor.Spool;
import dev.nitelog.jobs.Drain;
import dev.nitelog.jobs.JobTracker;
import dev.nitelog.record.JobRef;
import dev.nitelog.sink.SinkWorker;
import dev.nitelog.sink.SinkWorkerTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One running job polled as the daemon polls it: {@link JobPoller} reading a {@link BodyServingApi}
 * body with the real parser, cursors and spool, and one recording sink behind a real worker whose
 * writes are committed. Close it to stop the worker and delete the spool.
 */
final class PolledJob implements AutoCloseable {
    static final JobRef JOB = new JobRef("job-1", "my job");

    final Cursors cursors;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final SinkWorkerTest.RecordingSink sink = new SinkWorkerTest.RecordingSink();
    private final SinkWorker worker;
    private final JobTracker tracker = new JobTracker(Duration.ofSeconds(5), Duration.ofSeconds(40), Drain.polls(1),
            id -> false, new Random(3));
    private final Spool spool;
    private final JobPoller poller;
    private final Instant now;

    /**
     * @param body       the job's {@code /logs} body as it stands at each fetch
     * @param spoolBytes the spool's {@code max-bytes}; the reorder buffer is 256 KiB
     * @param now        the poller's clock, fixed
     */
    PolledJob(Supplier<String> body, Duration lateness, Path state, long spoolBytes, Instant now) {
        this.cursors = new Cursors(lateness);
        this.worker = new SinkWorker(sink, SinkWorkerTest.config(100_000, 1000, List.of()), (r, why) -> { },
                new CommittingListener(cursors), Clock.systemUTC(), Duration.ofMillis(10)).start();
        this.spool = Spool.open(state, spoolBytes);
        this.poller = new JobPoller(new BodyServingApi(body), tracker, cursors, spool, List.of(worker),
                new PipelineMetrics(meters), Clock.fixed(now, ZoneOffset.UTC), 256 * 1024);
        this.now = now;
    }

    /** One poll of the job; returns once the sink has written everything it was handed. */
    void poll() throws InterruptedException {
        tracker.observe(new JobStatus(JOB, "JOB_STATE_RUNNING", JobPhase.ACTIVE, null), now);
        assertEquals(List.of(JOB), tracker.takeDue(now.plus(Duration.ofHours(1)), 10));
        poller.poll(JOB);
        assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
    }

    @Override
    public void close() {
        worker.close();
        spool.close();
    }
}
