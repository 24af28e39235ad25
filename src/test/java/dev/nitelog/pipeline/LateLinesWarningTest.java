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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;

import static dev.nitelog.metrics.MetricNames.RECORDS_LATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lines later than the lateness are counted as late, not shipped, and the operator is told once per job. */
class LateLinesWarningTest {
    private static final JobRef JOB = new JobRef("job-1", "my job");
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private final List<String> entries = new ArrayList<>();
    private final ByteNiteApi api = new BodyServingApi(
            () -> "{\"taskrunner\":{\"t\":{\"logs\":[" + String.join(",", entries) + "]}}}");
    private final Cursors cursors = new Cursors(Duration.ofMinutes(2));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SinkWorkerTest.RecordingSink sink = new SinkWorkerTest.RecordingSink();
    private final SinkWorker worker = new SinkWorker(sink, SinkWorkerTest.config(10_000, 100, List.of()),
            (r, why) -> { }, new CommittingListener(cursors), Clock.systemUTC(), Duration.ofMillis(10)).start();
    private final JobTracker tracker = new JobTracker(Duration.ofSeconds(5), Duration.ofSeconds(40), Drain.polls(1),
            id -> false, new Random(3));
    private final Logger log = Logger.getLogger(JobPoller.class.getName());
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(java.util.logging.LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(String.format(record.getMessage().replace("%d", "%s"), record.getParameters()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @AfterEach
    void stop() {
        worker.close();
        log.removeHandler(capture);
    }

    @Test
    void linesTenMinutesLateAreCountedAndTheOperatorIsWarnedOncePerJob(@TempDir Path state) throws Exception {
        log.addHandler(capture);
        for (int i = 0; i < 100; i++) {
            entries.add(entry("on time " + i, T0.plusSeconds(i)));
        }
        try (Spool spool = Spool.open(state, 1L << 30)) {
            JobPoller poller = new JobPoller(api, tracker, cursors, spool, List.of(worker), new PipelineMetrics(meters),
                    Clock.fixed(T0, ZoneOffset.UTC), 256 * 1024);
            poll(poller);
            assertEquals(100, sink.written.size());

            entries.add(entry("late 1", T0.minus(Duration.ofMinutes(10))));
            poll(poller);
            entries.add(entry("late 2", T0.minus(Duration.ofMinutes(9))));
            poll(poller);

            assertEquals(100, sink.written.size(), "neither late line can be told from one shipped");
            assertEquals(2.0, meters.counter(RECORDS_LATE).count());
            List<String> late = warnings.stream().filter(w -> w.contains("nitelog.dedup.lateness")).toList();
            assertEquals(1, late.size(), "once per job: " + warnings);
            assertTrue(late.get(0).contains("job-1") && late.get(0).contains("NITELOG_DEDUP_LATENESS"), late.get(0));
        }
    }

    private void poll(JobPoller poller) throws InterruptedException {
        tracker.observe(new JobStatus(JOB, "JOB_STATE_RUNNING", JobPhase.ACTIVE, null), T0);
        assertEquals(List.of(JOB), tracker.takeDue(T0.plus(Duration.ofHours(1)), 10));
        poller.poll(JOB);
        assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
    }

    private static String entry(String message, Instant t) {
        return "{\"log\":\"" + message + "\",\"timestamp\":\"" + t + "\",\"level\":\"INFO\",\"container\":\"main\"}";
    }
}
