package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ByteNiteApi;
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
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backlog larger than the queue and the spool is taken in slices, each a fetch of the whole log.
 * What a slice leaves for later waits only for room and is newer than what each stream was handed,
 * so the streams' high waters rise slice by slice and their id windows keep to the lateness. (Held
 * high waters let the windows keep every id the slices offered: a 10M-line job ran out of heap.)
 */
class SlicedBacklogWindowTest {
    private static final JobRef JOB = new JobRef("job-1", "my job");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LATENESS = Duration.ofMinutes(2);
    private static final int LINES = 20_000; // 60 ms apart: 20 minutes, ten times the lateness
    private static final int PER_LATENESS = (int) (LATENESS.toMillis() / 60);

    private String body;
    private final ByteNiteApi api = new BodyServingApi(() -> body);
    private final Cursors cursors = new Cursors(LATENESS);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SinkWorkerTest.RecordingSink sink = new SinkWorkerTest.RecordingSink();
    private final JobTracker tracker = new JobTracker(Duration.ofSeconds(5), Duration.ofSeconds(40), Drain.polls(1),
            id -> false, new Random(3));

    private void listed(boolean newestFirst) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < LINES; i++) {
            entries.add(newestFirst ? 0 : i, "{\"log\":\"line " + i + "\",\"timestamp\":\"" + T0.plusMillis(60L * i)
                    + "\",\"level\":\"INFO\",\"container\":\"main\"}");
        }
        body = "{\"taskrunner\":{\"t\":{\"logs\":[" + String.join(",", entries) + "]}}}";
    }

    @Test
    void slicesKeepTheIdWindowToTheLatenessAndShipEveryLineOnce(@TempDir Path state) throws Exception {
        listed(false);
        int largestWindow = slices(state, 64 * 1024);
        // the sent window keeps two lateness windows of ids, and a slice's chunk before it is pruned
        assertTrue(largestWindow <= 2 * PER_LATENESS + 1024 + 1000,
                "the id window held " + largestWindow + " ids of " + LINES);
    }

    /**
     * Listed newest first, each slice's response is sorted on disk (in runs that take most of the
     * spool): what a slice leaves is still the newer part.
     */
    @Test
    void slicesOfALogListedNewestFirstShipEveryLineOnceOldestFirst(@TempDir Path state) throws Exception {
        listed(true);
        slices(state, 3 << 20);
    }

    /** Polls until every line is shipped, checking each arrives once, oldest first; the largest id window seen. */
    private int slices(Path state, long spoolBytes) throws Exception {
        SinkWorker worker = new SinkWorker(sink, SinkWorkerTest.config(1000, 100, List.of()), (r, why) -> { },
                new CommittingListener(cursors), Clock.systemUTC(), Duration.ofMillis(10)); // started after the first poll
        int largestWindow = 0;
        int polls = 0;
        try (worker; Spool spool = Spool.open(state, spoolBytes)) {
            JobPoller poller = new JobPoller(api, tracker, cursors, spool, List.of(worker), new PipelineMetrics(meters),
                    Clock.fixed(T0, ZoneOffset.UTC), 64 * 1024); // a small reorder buffer: records stream on as parsed
            poll(poller, ++polls); // the queue and the spool take a slice; the rest waits
            worker.start();
            while (sink.written.size() < LINES && polls < 100) {
                assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
                poller.drainSpool();
                assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
                poll(poller, ++polls);
                largestWindow = Math.max(largestWindow, cursors.windowSize(JOB.id(), sink.name()));
            }
            assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
        }
        assertTrue(meters.counter(SPOOL_FULL).count() > 0 && polls > 2, "taken in slices: " + polls + " polls");
        assertEquals(LINES, sink.written.size());
        for (int i = 0; i < LINES; i++) {
            assertEquals("line " + i, sink.written.get(i).message(), "every line once, in order");
        }
        assertEquals(0.0, meters.counter(RECORDS_LATE).count(), "none taken for late");
        return largestWindow;
    }

    private void poll(JobPoller poller, int n) {
        tracker.observe(new JobStatus(JOB, "JOB_STATE_RUNNING", JobPhase.ACTIVE, null), T0);
        assertEquals(List.of(JOB), tracker.takeDue(T0.plus(Duration.ofHours(n)), 10));
        poller.poll(JOB);
    }
}
