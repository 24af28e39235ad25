package dev.nitelog.pipeline;

import dev.nitelog.bytenite.ByteNiteApi;
import dev.nitelog.bytenite.JobPhase;
import dev.nitelog.bytenite.JobStatus;
import dev.nitelog.bytenite.LineFilter;
import dev.nitelog.bytenite.LogFetch;
import dev.nitelog.bytenite.LogLayout;
import dev.nitelog.bytenite.LogPart;
import dev.nitelog.bytenite.RecordChunks;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.cursor.Spool;
import dev.nitelog.jobs.Drain;
import dev.nitelog.jobs.JobLifecycle;
import dev.nitelog.jobs.JobTracker;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import dev.nitelog.sink.SinkWorker;
import dev.nitelog.sink.SinkWorkerTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.nitelog.metrics.MetricNames.LINES_UNFETCHED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job whose whole {@code /logs} response is larger than the response limit is fetched in parts
 * (by service, then by task): every line that fits ships once, a task too large alone is shipped
 * up to its cut and counted, the job backs off while cut and is retired once terminal.
 */
class SplitFetchTest {
    private static final JobRef JOB = new JobRef("j", "job j");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final int LINE_BYTES = 100;
    private static final long LIMIT = 10 * LINE_BYTES;

    private final ScriptedLogs api = new ScriptedLogs();
    private final JobTracker tracker = new JobTracker(Duration.ofSeconds(5), Duration.ofSeconds(40), Drain.polls(1),
            id -> false, new Random(3));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Cursors cursors = new Cursors(Duration.ofMinutes(2));
    private final SinkWorkerTest.RecordingSink sink = new SinkWorkerTest.RecordingSink();
    private final SinkWorker worker = new SinkWorker(sink, SinkWorkerTest.config(1000, 100, List.of()),
            (r, why) -> { }, new CommittingListener(cursors), Clock.systemUTC(), Duration.ofMillis(10));
    private final JobPoller poller = new JobPoller(api, tracker, cursors, spool(), List.of(worker),
            new PipelineMetrics(meters), Clock.fixed(T0, ZoneOffset.UTC));

    @AfterEach
    void stop() {
        worker.close();
    }

    @Test
    void shipsEveryLineOnceWhenOnlyTheWholeLogIsLargerThanTheLimit() throws InterruptedException {
        long seed = Long.getLong("split.seed", System.nanoTime());
        System.out.println("SplitFetchTest seed: " + seed + " (re-run with -Dsplit.seed=" + seed + ")");
        Random random = new Random(seed);
        api.add(Service.PARTITIONER, null, 2, random);
        for (int t = 0; t < 20; t++) { // small tasks: each alone fits and several fit together; all over twice the limit
            api.add(Service.TASKRUNNER, "task-" + t, 1 + random.nextInt(2), random);
        }
        assertTrue(api.bytes() > 2 * LIMIT, "the whole log must not fit: " + api.bytes());
        worker.start();
        tracker.observe(new JobStatus(JOB, "JOB_STATE_COMPLETE", JobPhase.TERMINAL, T0), T0);

        poll();
        assertFalse(cursors.forJob(JOB.id()).holdsAnyArray(), "every array was read whole by its part: no cursor is held");
        int polls = 1 + pollUntilDone();

        assertEquals(JobLifecycle.DONE, tracker.lifecycle(JOB.id()), "seed " + seed + ": not retired after " + polls);
        assertExactlyOnce(api.all(), sink.written, "seed " + seed);
        assertTrue(api.requests.stream().anyMatch(p -> p.taskIds().size() > 1), "tasks are fetched in groups: "
                + api.requests);
        assertEquals(0.0, meters.counter(LINES_UNFETCHED).count());
    }

    @Test
    void aTaskTooLargeAloneLeavesTheOthersShippedBacksOffAndIsCountedWhenTheJobRetires() throws InterruptedException {
        Random random = new Random(11);
        api.add(Service.PARTITIONER, null, 2, random);
        api.add(Service.TASKRUNNER, "small-1", 3, random);
        api.add(Service.TASKRUNNER, "huge", 15, random); // 1500 bytes: never fits a 1000-byte response
        api.add(Service.TASKRUNNER, "small-2", 4, random);
        worker.start();
        tracker.observe(new JobStatus(JOB, "JOB_STATE_RUNNING", JobPhase.ACTIVE, null), T0);

        List<Duration> intervals = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            poll();
            intervals.add(tracker.interval(JOB.id()));
        }
        assertEquals(List.of(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40),
                Duration.ofSeconds(40)), intervals, "polled at a growing interval while a part is cut");
        assertTrue(cursors.forJob(JOB.id()).holdsAnyArray(), "the huge task's cursors are held: its unread part may hold older lines");

        tracker.observe(new JobStatus(JOB, "JOB_STATE_COMPLETE", JobPhase.TERMINAL, T0), T0);
        int polls = pollUntilDone();

        assertEquals(JobLifecycle.DONE, tracker.lifecycle(JOB.id()), "retired although cut, after " + polls);
        List<LogRecord> huge = api.arrays.get("huge");
        List<LogRecord> expected = new ArrayList<>(api.all());
        expected.removeAll(huge.subList(9, 15)); // 10 lines fit; the last read one may have twins past the cut
        assertExactlyOnce(expected, sink.written, "every line that fits, once");
        assertEquals(6.0, meters.counter(LINES_UNFETCHED).count(), "the lines beyond the cut are counted");
    }

    /** Polls (each as soon as due, sinks idle in between) until the job is done; returns the polls made. */
    private int pollUntilDone() throws InterruptedException {
        int polls = 0;
        while (tracker.lifecycle(JOB.id()) != JobLifecycle.DONE && polls < 20) {
            poll();
            polls++;
        }
        return polls;
    }

    private void poll() throws InterruptedException {
        assertEquals(List.of(JOB), tracker.takeDue(T0.plus(Duration.ofHours(1)), 10));
        poller.poll(JOB);
        assertTrue(worker.awaitIdle(Duration.ofSeconds(10)));
    }

    private static void assertExactlyOnce(List<LogRecord> expected, List<LogRecord> shipped, String context) {
        Map<RecordId, Integer> counts = new HashMap<>();
        shipped.forEach(r -> counts.merge(r.id(), 1, Integer::sum));
        counts.forEach((id, n) -> assertEquals(1, n, context + ": shipped twice: " + id));
        assertEquals(expected.stream().map(LogRecord::id).collect(java.util.stream.Collectors.toSet()),
                counts.keySet(), context + ": lost or invented lines");
    }

    private static Spool spool() {
        try {
            return Spool.open(Files.createTempDirectory("nitelog-spool"), 1L << 20);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code POST /logs} as the client parses it, each line {@value #LINE_BYTES} bytes: a response
     * over the limit is cut after the lines that fit, the cut array's line at the last timestamp
     * read is dropped, and the rest of the body is listed, lines unread.
     */
    private static final class ScriptedLogs implements ByteNiteApi {
        final Map<String, List<LogRecord>> arrays = new LinkedHashMap<>(); // "" for the partitioner
        final List<LogPart> requests = new CopyOnWriteArrayList<>();

        void add(Service service, String taskId, int lines, Random random) {
            List<LogRecord> array = new ArrayList<>();
            for (int i = 0; i < lines; i++) {
                Instant t = T0.plusMillis(i * 1000L + random.nextInt(1000)); // interleaved across arrays
                String message = (taskId == null ? service : taskId) + " line " + i;
                RecordId id = RecordId.of(JOB.id(), service, taskId, "main", t, message, Level.INFO, 0);
                array.add(new LogRecord(id, t, JOB.id(), JOB.name(), service, taskId, "main", Level.INFO, message));
            }
            arrays.put(taskId == null ? "" : taskId, array);
        }

        List<LogRecord> all() {
            return arrays.values().stream().flatMap(List::stream).toList();
        }

        long bytes() {
            return (long) all().size() * LINE_BYTES;
        }

        @Override
        public List<JobStatus> listJobs() {
            return List.of();
        }

        @Override
        public JobStatus getJob(String jobId) {
            return new JobStatus(JOB, "JOB_STATE_RUNNING", JobPhase.ACTIVE, null);
        }

        @Override
        public LogFetch fetchLogs(JobRef job, LineFilter filter) {
            throw new UnsupportedOperationException("polls fetch with chunks");
        }

        @Override
        public LogFetch fetchLogs(JobRef job, LineFilter filter, RecordChunks chunks) {
            return fetchLogs(job, LogPart.WHOLE, filter, chunks);
        }

        @Override
        public LogFetch fetchLogs(JobRef job, LogPart part, LineFilter filter, RecordChunks chunks) {
            requests.add(part);
            List<LogRecord> read = new ArrayList<>();
            List<LogLayout.Array> listed = new ArrayList<>();
            LogLayout.Array cutIn = null;
            long bytes = 0;
            long beyond = 0;
            boolean cut = false;
            for (Map.Entry<String, List<LogRecord>> entry : arrays.entrySet()) {
                Service service = entry.getKey().isEmpty() ? Service.PARTITIONER : Service.TASKRUNNER;
                String taskId = entry.getKey().isEmpty() ? null : entry.getKey();
                boolean asked = (part.services().isEmpty() || part.services().contains(service))
                        && (taskId == null || part.taskIds().isEmpty() || part.taskIds().contains(taskId));
                if (!asked) {
                    continue;
                }
                boolean whole = !cut;
                LogRecord last = null;
                for (LogRecord line : entry.getValue()) {
                    if (!cut && bytes + LINE_BYTES > LIMIT) {
                        cut = true;
                        whole = false;
                        if (last != null) { // its timestamp may have twins past the cut
                            read.remove(last);
                            beyond++;
                        }
                    }
                    if (cut) {
                        beyond++;
                    } else {
                        bytes += LINE_BYTES;
                        read.add(line);
                        last = line;
                    }
                }
                LogLayout.Array array = new LogLayout.Array(service, taskId,
                        (long) entry.getValue().size() * LINE_BYTES, whole);
                if (!whole && cutIn == null && last != null) {
                    cutIn = array;
                }
                listed.add(array);
            }
            read.sort(Comparator.comparing(LogRecord::timestamp));
            if (!read.isEmpty()) {
                assertTrue(chunks.accept(read), "the sinks took the chunk");
            }
            return new LogFetch(List.of(), 0, 0, cut ? LIMIT : bytes, cut, 0, 0, read.size(), 0,
                    new LogLayout(listed, cutIn, beyond, beyond * LINE_BYTES, true));
        }
    }
}
