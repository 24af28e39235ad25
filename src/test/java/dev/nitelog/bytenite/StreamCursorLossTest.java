package dev.nitelog.bytenite;

import dev.nitelog.cursor.Cursors;
import dev.nitelog.pipeline.CursorLineFilter;
import dev.nitelog.cursor.ResponseRead;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The two ways the one-high-water-per-job model lost lines, replayed with the real parser and
 * cursors the way {@code JobPoller} drives them: polls begin a cursor view, parse the whole body
 * with it, offer what is unsent, and a sink confirms (or fails) later.
 */
class StreamCursorLossTest {
    private static final JobRef JOB = new JobRef("job-1", "loss");
    private static final String SINK = "s";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private static String entry(String message, Instant t) {
        return "{\"log\":\"" + message + "\",\"timestamp\":\"" + t + "\",\"level\":\"INFO\",\"container\":\"main\"}";
    }

    /** One poll as the pipeline makes it; returns what the sink was handed. */
    private static List<LogRecord> poll(Cursors cursors, String body, int maxRecords, boolean[] partial)
            throws Exception {
        Cursors.PollView view = cursors.forJob(JOB.id()).beginPoll(List.of(SINK));
        LogFetch fetch = new LogsParser(JOB, new CursorLineFilter(view), ParseLimits.NONE.withMaxRecords(maxRecords), RecordChunks.KEEP)
                .parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        cursors.forJob(JOB.id()).endPoll(view, ResponseRead.WHOLE);
        cursors.forJob(JOB.id()).endRound(!fetch.partial(), false);
        partial[0] = fetch.partial();
        return cursors.forJob(JOB.id()).offer(SINK, fetch.records()).records();
    }

    private static Set<RecordId> ids(List<LogRecord> records) {
        Set<RecordId> ids = new HashSet<>();
        records.forEach(r -> ids.add(r.id()));
        return ids;
    }

    /**
     * Loss 1: a backlog larger than the queue is taken in slices while the high water is held; the
     * last slice's poll fits and clears the hold although the earlier slices are still queued.
     * The sink confirms the first slice (the newest task's lines) and then fails a batch: before
     * per-stream cursors, the job's one committed high water stood past the older task's lines,
     * which the rollback then left below the window for good.
     */
    @Test
    void aFailedBatchAfterASlicedBacklogLosesNoLineOfAnOlderTask() throws Exception {
        StringBuilder newer = new StringBuilder();
        StringBuilder older = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            newer.append(i == 0 ? "" : ",").append(entry("newer " + i, T0.plus(Duration.ofMinutes(10)).plusMillis(i)));
            older.append(i == 0 ? "" : ",").append(entry("older " + i, T0.plus(Duration.ofMinutes(1)).plusMillis(i)));
        }
        String body = "{\"partitioner\":[" + entry("partitioned", T0) + "],\"taskrunner\":{"
                + "\"task-1\":{\"logs\":[" + newer + "]},\"task-2\":{\"logs\":[" + older + "]}}}";
        Cursors cursors = new Cursors(Duration.ofMinutes(2));
        Deque<LogRecord> queue = new ArrayDeque<>();
        boolean[] partial = {true};
        for (int polls = 0; partial[0] && polls < 50; polls++) {
            queue.addAll(poll(cursors, body, 7, partial)); // slices queued; the sink confirms nothing yet
        }
        assertEquals(61, queue.size(), "every line queued once");
        List<LogRecord> firstBatch = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            firstBatch.add(queue.removeFirst());
        }
        cursors.commit(SINK, firstBatch); // the newest task's lines confirmed
        cursors.rollback(SINK);           // the next batch failed: everything else is offered again
        queue.clear();

        Set<RecordId> confirmed = ids(firstBatch);
        for (int polls = 0; polls < 5; polls++) {
            List<LogRecord> offered = poll(cursors, body, Integer.MAX_VALUE, partial);
            cursors.commit(SINK, offered);
            confirmed.addAll(ids(offered));
        }
        assertEquals(ids(new LogsParser(JOB, LineFilter.KEEP_ALL, ParseLimits.NONE, RecordChunks.KEEP)
                .parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))).records()), confirmed);
    }

    /**
     * Loss 2: one task's clock runs 10 minutes ahead, and one partitioner line is stamped in 2286.
     * With one high water per job either would hide every line of the other task more than the
     * lateness below it; with one per stream each line ships exactly once, and the 2286 line is
     * shipped once without moving any high water.
     */
    @Test
    void aTaskWithAFastClockAndALineFromTheFarFutureHideNoOtherLine() throws Exception {
        MutableClock clock = new MutableClock(T0);
        Cursors cursors = new Cursors(Duration.ofMinutes(2), Duration.ofMinutes(5), clock);
        TreeMap<Integer, String> fast = new TreeMap<>();
        TreeMap<Integer, String> normal = new TreeMap<>();
        List<LogRecord> shipped = new ArrayList<>();
        boolean[] partial = {false};
        String body = null;
        int future = 0;
        for (int second = 0; second < 120; second++) { // two minutes of one line a second per task, a poll each
            Instant now = clock.instant();
            fast.put(second, entry("fast " + second, now.plus(Duration.ofMinutes(10))));
            normal.put(second, entry("normal " + second, now));
            String partitioner = second < 5 ? "" : entry("bogus year", Instant.parse("2286-11-20T17:46:40Z"));
            body = "{\"partitioner\":[" + partitioner + "],\"taskrunner\":{"
                    + "\"fast\":{\"logs\":[" + String.join(",", fast.values()) + "]},"
                    + "\"normal\":{\"logs\":[" + String.join(",", normal.values()) + "]}}}";
            List<LogRecord> offered = poll(cursors, body, Integer.MAX_VALUE, partial);
            cursors.commit(SINK, offered);
            shipped.addAll(offered);
            clock.advance(Duration.ofSeconds(1));
        }
        List<LogRecord> all = new LogsParser(JOB, LineFilter.KEEP_ALL, ParseLimits.NONE, RecordChunks.KEEP)
                .parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))).records();
        assertEquals(241, all.size());
        assertEquals(all.size(), shipped.size(), "each line shipped once");
        assertEquals(ids(all), ids(shipped));
        // the 2286 line moved no high water: the normal task's floor is its own last two minutes
        Instant normalNewest = T0.plusSeconds(119);
        assertEquals(normalNewest.minus(Duration.ofMinutes(2)).getEpochSecond(), Math.floorDiv(
                cursors.forJob(JOB.id()).beginPoll(List.of(SINK)).stream(Service.TASKRUNNER, "normal", "main").floorNanos(),
                1_000_000_000L));
        assertFalse(cursors.forJob(JOB.id()).offer(SINK, all).records().size() > 0, "nothing ships twice");
    }

    /**
     * Lines ingested ten minutes late (lateness two minutes) lie below their stream's window, where
     * the cursor keeps no ids to tell them from shipped ones; they are counted as late, once,
     * instead of silently skipped.
     */
    @Test
    void linesIngestedLaterThanTheLatenessAreCountedAsLateOnce() throws Exception {
        Cursors cursors = new Cursors(Duration.ofMinutes(2));
        List<String> lines = new ArrayList<>();
        boolean[] partial = {false};
        for (int minute = 0; minute < 15; minute++) {
            lines.add(entry("line " + minute, T0.plus(Duration.ofMinutes(minute))));
        }
        String body = "{\"taskrunner\":{\"t\":{\"logs\":[" + String.join(",", lines) + "]}}}";
        cursors.commit(SINK, poll(cursors, body, Integer.MAX_VALUE, partial));
        assertEquals(0, poll(cursors, body, Integer.MAX_VALUE, partial).size());

        List<String> withLate = new ArrayList<>(lines);
        withLate.add(4, entry("ingested ten minutes late", T0.plus(Duration.ofMinutes(4)).plusSeconds(30)));
        withLate.add(5, entry("another one", T0.plus(Duration.ofMinutes(4)).plusSeconds(31)));
        String late = "{\"taskrunner\":{\"t\":{\"logs\":[" + String.join(",", withLate) + "]}}}";
        Cursors.PollView view = cursors.forJob(JOB.id()).beginPoll(List.of(SINK));
        assertEquals(17, skipped(view, late), "12 lines below the stream's floor, 2 late ones and 3 known, none made");
        assertEquals(2, cursors.forJob(JOB.id()).endPoll(view, ResponseRead.WHOLE), "the two late lines are counted");
        Cursors.PollView again = cursors.forJob(JOB.id()).beginPoll(List.of(SINK));
        skipped(again, late);
        assertEquals(0, cursors.forJob(JOB.id()).endPoll(again, ResponseRead.WHOLE), "and counted only once");
    }

    private static int skipped(Cursors.PollView view, String body) throws Exception {
        return new LogsParser(JOB, new CursorLineFilter(view), ParseLimits.NONE, RecordChunks.KEEP)
                .parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))).skipped();
    }
}
