package dev.nitelog.pipeline;

import dev.nitelog.bytenite.LineFilter;
import dev.nitelog.bytenite.ByteNiteApi;
import dev.nitelog.bytenite.ByteNiteException;
import dev.nitelog.bytenite.JobNotFoundException;
import dev.nitelog.bytenite.JobPhase;
import dev.nitelog.bytenite.JobStatus;
import dev.nitelog.bytenite.LogFetch;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.cursor.Spool;
import dev.nitelog.jobs.JobLifecycle;
import dev.nitelog.jobs.JobTracker;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.SinkWorker;
import dev.nitelog.sink.SinkWorkerTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.nitelog.metrics.MetricNames.RESPONSES_TRUNCATED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What one poll tells the tracker and the metrics, with a scripted API and no sinks. */
class JobPollerTest {
    private static final JobRef JOB = new JobRef("j", "job j");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final Deque<LogFetch> responses = new ArrayDeque<>();
    private final AtomicInteger fetches = new AtomicInteger();
    private DuringFetch duringFetch = () -> { };
    private boolean jobStillListed; // what GET /jobs/{id} answers: the job, or 404

    /** What the scripted API does before it answers; may fail the fetch as the client would. */
    private interface DuringFetch {
        void run() throws ByteNiteException;
    }

    private final ByteNiteApi api = new ByteNiteApi() {
        @Override
        public List<JobStatus> listJobs() {
            return List.of();
        }

        @Override
        public JobStatus getJob(String jobId) throws ByteNiteException {
            if (jobStillListed) {
                return new JobStatus(JOB, "JOB_STATE_RUNNING", JobPhase.ACTIVE, null);
            }
            throw new JobNotFoundException(jobId, 5, "not found");
        }

        @Override
        public LogFetch fetchLogs(JobRef job, LineFilter filter) throws ByteNiteException {
            fetches.incrementAndGet();
            duringFetch.run();
            return responses.removeFirst();
        }
    };
    private final JobTracker tracker = new JobTracker(Duration.ofSeconds(5), Duration.ofSeconds(40), dev.nitelog.jobs.Drain.polls(1), id -> false,
            new Random(3));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final JobPoller poller = new JobPoller(api, tracker, new Cursors(Duration.ofMinutes(2)), spool(), List.of(),
            new PipelineMetrics(meters), Clock.fixed(T0, ZoneOffset.UTC));

    private static Spool spool() {
        return spool(1L << 20);
    }

    private static Spool spool(long maxBytes) {
        try {
            return Spool.open(java.nio.file.Files.createTempDirectory("nitelog-spool"), maxBytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void poll(LogFetch response) {
        responses.add(response);
        assertEquals(List.of(JOB), tracker.takeDue(T0.plus(Duration.ofHours(1)), 10));
        poller.poll(JOB);
    }

    @Test
    void aTruncatedPollNeverFinishesADrainingJobAndIsCounted() {
        tracker.observe(new JobStatus(JOB, "JOB_STATE_COMPLETE", JobPhase.TERMINAL, T0), T0);
        poll(new LogFetch(List.of(), 0, 0, 65536, true));
        assertEquals(JobLifecycle.DRAINING, tracker.lifecycle(JOB.id()), "the tail of the log was not seen");
        assertEquals(1.0, meters.counter(RESPONSES_TRUNCATED).count());
        poll(new LogFetch(List.of(), 3, 0, 1000));
        assertEquals(JobLifecycle.DONE, tracker.lifecycle(JOB.id()));
    }

    @Test
    void aJobThatIsGoneLeavesNothingBehindEvenWhenItsLastResponseWasCutAndItsLastPollFailed() {
        tracker.observe(new JobStatus(JOB, "JOB_STATE_RUNNING", JobPhase.ACTIVE, null), T0);
        poll(new LogFetch(List.of(), 0, 0, 65536, true));
        duringFetch = () -> {
            throw new IllegalStateException("a broken poll");
        };
        poll(new LogFetch(List.of(), 0, 0, 0));
        assertEquals(1, poller.jobsRemembered(), "a cut response and a failure are remembered for their log lines");
        duringFetch = () -> {
            throw new JobNotFoundException(JOB.id(), 5, "not found");
        };
        poll(new LogFetch(List.of(), 0, 0, 0));
        assertEquals(JobLifecycle.DONE, tracker.lifecycle(JOB.id()));
        assertEquals(0, poller.jobsRemembered());
    }

    @Test
    void pollsThatFindNothingNewStretchTheJobsInterval() {
        tracker.observe(new JobStatus(JOB, "JOB_STATE_RUNNING", JobPhase.ACTIVE, null), T0);
        poll(new LogFetch(List.of(), 7, 0, 1000));
        assertEquals(Duration.ofSeconds(5), tracker.interval(JOB.id()));
        poll(new LogFetch(List.of(), 7, 0, 1000));
        assertEquals(Duration.ofSeconds(10), tracker.interval(JOB.id()));
        poll(new LogFetch(List.of(), 8, 0, 1100));
        assertEquals(Duration.ofSeconds(5), tracker.interval(JOB.id()));
    }

    @Test
    void linesHandedToEverySinkButNotConfirmedKeepADrainingJobOpen() {
        tracker.observe(new JobStatus(JOB, "JOB_STATE_COMPLETE", JobPhase.TERMINAL, T0), T0);
        poll(new LogFetch(List.of(), 5, 0, 1000, false, 0, 2));
        assertEquals(JobLifecycle.DRAINING, tracker.lifecycle(JOB.id()), "two lines are not confirmed yet");
        poll(new LogFetch(List.of(), 5, 0, 1000));
        assertEquals(JobLifecycle.DONE, tracker.lifecycle(JOB.id()));
    }

    @Test
    void aBacklogBringsAStretchedJobBackToTheBaseInterval() {
        tracker.observe(new JobStatus(JOB, "JOB_STATE_RUNNING", JobPhase.ACTIVE, null), T0);
        poll(new LogFetch(List.of(), 7, 0, 1000));
        poll(new LogFetch(List.of(), 7, 0, 1000));
        assertEquals(Duration.ofSeconds(10), tracker.interval(JOB.id()));
        poll(new LogFetch(List.of(), 7, 0, 1000, false, 500, 0));
        assertEquals(Duration.ofSeconds(5), tracker.interval(JOB.id()), "500 lines wait for the next poll");
    }

    @Test
    void aBackloggedJobIsNotFetchedAgainUntilHalfAQueueIsFree() throws Exception {
        SinkWorkerTest.RecordingSink sink = new SinkWorkerTest.RecordingSink();
        Cursors cursors = new Cursors(Duration.ofMinutes(2));
        SinkWorker worker = new SinkWorker(sink, SinkWorkerTest.config(10, 10, List.of()), (r, why) -> { },
                new CommittingListener(cursors), Clock.systemUTC(), Duration.ofMillis(10)); // started later
        JobPoller withSink = new JobPoller(api, tracker, cursors, spool(), List.of(worker),
                new PipelineMetrics(meters), Clock.fixed(T0, ZoneOffset.UTC));
        tracker.observe(new JobStatus(JOB, "JOB_STATE_RUNNING", JobPhase.ACTIVE, null), T0);
        List<LogRecord> lines = SinkWorkerTest.records(0, 15, Level.INFO).stream()
                .map(r -> new LogRecord(r.id(), r.timestamp(), JOB.id(), JOB.name(), r.service(), r.taskId(),
                        r.container(), r.level(), r.message())).toList();
        responses.add(new LogFetch(lines.subList(0, 10), 0, 0, 1000, false, 5, 0));
        responses.add(new LogFetch(lines.subList(10, 15), 10, 0, 1000));
        List<Integer> roomDuringFetch = new java.util.ArrayList<>();
        duringFetch = () -> roomDuringFetch.add(worker.room());
        try (worker) {
            assertEquals(List.of(JOB), tracker.takeDue(T0.plus(Duration.ofHours(1)), 10));
            withSink.poll(JOB);
            assertEquals(0, worker.room(), "the first slice filled the queue");

            assertEquals(List.of(JOB), tracker.takeDue(T0.plus(Duration.ofHours(2)), 10));
            withSink.poll(JOB);
            assertEquals(1, fetches.get(), "no request while the slice would find no room");
            assertEquals(Duration.ofSeconds(5), tracker.interval(JOB.id()), "the backlog keeps the base interval");

            worker.start();
            assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(List.of(JOB), tracker.takeDue(T0.plus(Duration.ofHours(3)), 10));
            withSink.poll(JOB);
            assertEquals(2, fetches.get());
            // polls reserve no queue room: what does not fit a queue goes to the spool, not to waste
            assertEquals(List.of(10, 10), roomDuringFetch);
            assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(lines, sink.written);
        }
    }

    @Test
    void aFullSpoolLeavesTheRestOfABacklogToLaterPollsAndLosesNothing() throws Exception {
        SinkWorkerTest.RecordingSink sink = new SinkWorkerTest.RecordingSink();
        Cursors cursors = new Cursors(Duration.ofMinutes(2));
        SinkWorker worker = new SinkWorker(sink, SinkWorkerTest.config(10, 10, List.of()), (r, why) -> { },
                new CommittingListener(cursors), Clock.systemUTC(), Duration.ofMillis(10)); // started later
        JobPoller withSink = new JobPoller(api, tracker, cursors, spool(4096),
                List.of(worker), new PipelineMetrics(meters), Clock.fixed(T0, ZoneOffset.UTC));
        tracker.observe(new JobStatus(JOB, "JOB_STATE_RUNNING", JobPhase.ACTIVE, null), T0);
        List<LogRecord> lines = SinkWorkerTest.records(0, 100, Level.INFO).stream()
                .map(r -> new LogRecord(r.id(), r.timestamp(), JOB.id(), JOB.name(), r.service(), r.taskId(),
                        r.container(), r.level(), r.message())).toList();
        try (worker) {
            responses.add(new LogFetch(lines, 0, 0, 1000));
            assertEquals(List.of(JOB), tracker.takeDue(T0.plus(Duration.ofHours(1)), 10));
            withSink.poll(JOB); // 10 queued, the spool (4 KB) takes a few, the rest is left unsent
            assertEquals(1.0, meters.counter(dev.nitelog.metrics.MetricNames.SPOOL_FULL).count());
            worker.start();
            for (int poll = 2; sink.written.size() < lines.size() && poll < 60; poll++) {
                assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
                withSink.drainSpool();
                assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
                responses.add(new LogFetch(lines, 0, 0, 1000));
                assertEquals(List.of(JOB), tracker.takeDue(T0.plus(Duration.ofHours(poll)), 10));
                withSink.poll(JOB);
            }
            assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
            assertEquals(lines, sink.written, "every line once, in order");
        }
    }

    @Test
    void aLogs404ThatTheJobsApiDoesNotConfirmRetiresNothing() {
        tracker.observe(new JobStatus(JOB, "JOB_STATE_RUNNING", JobPhase.ACTIVE, null), T0);
        jobStillListed = true; // a proxy's 404 on /logs; the job itself is there
        duringFetch = () -> {
            throw new JobNotFoundException(JOB.id(), 5, "not found");
        };
        poll(new LogFetch(List.of(), 0, 0, 0));
        assertEquals(JobLifecycle.ACTIVE, tracker.lifecycle(JOB.id()), "still followed");

        jobStillListed = false; // now GET /jobs/{id} says 404 too
        poll(new LogFetch(List.of(), 0, 0, 0));
        assertEquals(JobLifecycle.DONE, tracker.lifecycle(JOB.id()));
    }
}
