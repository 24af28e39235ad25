package dev.nitelog.bytenite;

import dev.nitelog.record.KnownIds;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.Service;
import dev.nitelog.record.RecordId;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A body longer than {@code max-response-bytes} is cut; what the parser keeps of it must never move
 * a cursor past a line it did not see. Proven end to end with the real {@link Cursors}: a truncated
 * poll then a complete one ship every line exactly once, wherever the cut falls, identical lines
 * at the cut's timestamp included.
 */
class TruncatedResponseTest {
    private static final JobRef JOB = new JobRef("job-1", "truncation");
    private static final String SINK = "s";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    /** The identical lines sit here, between distinct ones of the same and of other timestamps. */
    private static final Instant CUT_TIME = T0.plusMillis(5);

    /** A body in time order: a partitioner line, then one task whose lines include a run of identical ones. */
    static String body(int lines) {
        StringBuilder task = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            Instant t = T0.plusMillis(1 + i / 3); // three lines per millisecond
            boolean identical = t.equals(CUT_TIME) || (t.equals(CUT_TIME.plusMillis(1)) && i % 3 == 0);
            String message = identical ? "progress 50%" : "line " + i;
            task.append(task.isEmpty() ? "" : ",").append(entry(message, t));
        }
        return "{\"partitioner\":[" + entry("partitioned", T0) + "],\"assembler\":[],"
                + "\"taskrunner\":{\"task-1\":{\"logs\":[" + task + "]}}}";
    }

    private static String entry(String message, Instant t) {
        return "{\"log\":\"" + message + "\",\"timestamp\":\"" + t + "\",\"level\":\"INFO\",\"container\":\"main\"}";
    }

    private static LogFetch parse(String body, Instant floor, long limit) throws Exception {
        return new LogsParser(JOB, floor == null ? LineFilter.KEEP_ALL : LineFilter.below(floor),
                ParseLimits.NONE.withMaxBytes(limit), RecordChunks.KEEP).parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** One poll as the pipeline makes it: skip floor from the cursors, unsent records shipped and committed. */
    private static List<LogRecord> poll(Cursors cursors, String body, long limit) throws Exception {
        LogFetch fetch = parse(body, cursors.forJob(JOB.id()).skipFloor(List.of(SINK)).orElse(null), limit);
        cursors.forJob(JOB.id()).endRound(!fetch.truncated(), false);
        List<LogRecord> fresh = cursors.forJob(JOB.id()).offer(SINK, fetch.records()).records();
        cursors.commit(SINK, fresh);
        return fresh;
    }

    private static void assertExactlyOnce(List<LogRecord> shipped, List<LogRecord> all, String context) {
        Map<RecordId, Integer> counts = new HashMap<>();
        shipped.forEach(r -> counts.merge(r.id(), 1, Integer::sum));
        counts.forEach((id, n) -> assertEquals(1, n, context + ": shipped twice: " + id));
        Set<RecordId> expected = new HashSet<>();
        all.forEach(r -> expected.add(r.id()));
        assertEquals(expected, counts.keySet(), context + ": lost or invented lines");
    }

    @Test
    void aBodyOfExactlyTheLimitIsNotTruncated() throws Exception {
        String body = body(12);
        LogFetch fetch = parse(body, null, body.length());
        assertFalse(fetch.truncated());
        assertEquals(13, fetch.records().size());
        assertTrue(parse(body, null, body.length() - 1).truncated());
    }

    @Test
    void keepsOnlyLinesBeforeTheLastTimestampReadAndDropsTheIdenticalLinesAtTheCut() throws Exception {
        String body = body(30);
        // cut inside the second of the three identical "progress 50%" lines at CUT_TIME
        int second = body.indexOf("progress 50%", body.indexOf("progress 50%") + 1);
        LogFetch fetch = parse(body, null, second + 5);
        assertTrue(fetch.truncated());
        assertEquals(second + 5, fetch.responseBytes());
        assertFalse(fetch.records().isEmpty());
        assertTrue(fetch.records().stream().allMatch(r -> r.timestamp().isBefore(CUT_TIME)),
                "a line at the cut's timestamp was kept: " + fetch.records());
        assertEquals(1 + 3 * 4, fetch.records().size(), "the partitioner line and the 12 task lines before the cut");
    }

    @Test
    void identicalLinesAtTheCutAreShippedOnceEachByTheNextCompletePoll() throws Exception {
        String body = body(30);
        List<LogRecord> all = parse(body, null, Long.MAX_VALUE).records();
        int second = body.indexOf("progress 50%", body.indexOf("progress 50%") + 1);
        Cursors cursors = new Cursors(Duration.ofMinutes(2));
        List<LogRecord> shipped = new ArrayList<>(poll(cursors, body, second + 5));
        assertTrue(shipped.stream().noneMatch(r -> r.message().equals("progress 50%")));
        shipped.addAll(poll(cursors, body, Long.MAX_VALUE));
        assertExactlyOnce(shipped, all, "cut between identical lines");
        assertEquals(4, shipped.stream().filter(r -> r.message().equals("progress 50%")).count(),
                "three identical lines at the cut's timestamp and one a millisecond later, each once");
    }

    @Test
    void aTruncatedPollThenACompleteOneShipEveryLineOnceWhereverTheCutFalls() throws Exception {
        String body = body(20);
        List<LogRecord> all = parse(body, null, Long.MAX_VALUE).records();
        int shippedEarly = 0;
        for (int cut = 1; cut <= body.length(); cut++) {
            Cursors cursors = new Cursors(Duration.ofMinutes(2));
            List<LogRecord> shipped = new ArrayList<>(poll(cursors, body, cut));
            shippedEarly += shipped.size();
            shipped.addAll(poll(cursors, body, Long.MAX_VALUE));
            assertExactlyOnce(shipped, all, "cut at byte " + cut);
        }
        assertTrue(shippedEarly > 0, "truncated polls shipped nothing at all: the test proves nothing");
    }

    /**
     * The API does not order a response: here task-1's newer lines come before task-2's older ones.
     * A cut inside task-1 must not let the cursor rise to task-1's times, or task-2's lines, more
     * than the lateness below them, would later pass for lines already shipped.
     */
    @Test
    void aCutBeforeAnOlderTaskArrayLosesNoneOfItsLines() throws Exception {
        StringBuilder newer = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            newer.append(i == 0 ? "" : ",").append(entry("newer " + i, T0.plus(Duration.ofMinutes(10)).plusMillis(i)));
        }
        StringBuilder older = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            older.append(i == 0 ? "" : ",").append(entry("older " + i, T0.plus(Duration.ofMinutes(1)).plusMillis(i)));
        }
        String first = "{\"partitioner\":[" + entry("partitioned", T0) + "]}";
        String body = "{\"partitioner\":[" + entry("partitioned", T0) + "],\"taskrunner\":{"
                + "\"task-1\":{\"logs\":[" + newer + "]},\"task-2\":{\"logs\":[" + older + "]}}}";
        List<LogRecord> all = parse(body, null, Long.MAX_VALUE).records();
        Cursors cursors = new Cursors(Duration.ofMinutes(2));

        List<LogRecord> shipped = new ArrayList<>(poll(cursors, first, Long.MAX_VALUE));
        List<LogRecord> fromCut = poll(cursors, body, body.indexOf("newer 10"));
        assertTrue(fromCut.size() >= 5, "the cut poll shipped what it read: " + fromCut);
        shipped.addAll(fromCut);
        shipped.addAll(poll(cursors, body, Long.MAX_VALUE));

        assertExactlyOnce(shipped, all, "cut inside the newer task, before the older one");
    }

    /**
     * A backlog larger than the sinks can queue is made into records a slice per poll (the rest
     * deferred): in whatever order the API returns it, every line ships exactly once.
     */
    @Test
    void aBacklogLargerThanTheQueuesShipsInSlicesEveryLineOnce() throws Exception {
        StringBuilder newer = new StringBuilder();
        StringBuilder older = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            newer.append(i == 0 ? "" : ",").append(entry("newer " + i, T0.plus(Duration.ofMinutes(10)).plusMillis(i)));
            older.append(i == 0 ? "" : ",").append(entry(i % 3 == 0 ? "same" : "older " + i,
                    T0.plus(Duration.ofMinutes(1)).plusMillis(i / 3)));
        }
        String body = "{\"partitioner\":[" + entry("partitioned", T0) + "],\"taskrunner\":{"
                + "\"task-1\":{\"logs\":[" + newer + "]},\"task-2\":{\"logs\":[" + older + "]}}}";
        List<LogRecord> all = parse(body, null, Long.MAX_VALUE).records();
        Cursors cursors = new Cursors(Duration.ofMinutes(2));
        List<LogRecord> shipped = new ArrayList<>();
        int polls = 0;
        LogFetch fetch;
        do {
            fetch = new LogsParser(JOB, knownTo(cursors,
                    cursors.forJob(JOB.id()).knownIds(List.of(SINK))), ParseLimits.NONE.withMaxRecords(7), RecordChunks.KEEP).parse(
                    new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
            assertTrue(fetch.records().size() <= 7, "more records made than asked for");
            cursors.forJob(JOB.id()).endRound(!fetch.partial(), false);
            List<LogRecord> fresh = cursors.forJob(JOB.id()).offer(SINK, fetch.records()).records();
            cursors.commit(SINK, fresh);
            shipped.addAll(fresh);
        } while (fetch.partial() && ++polls < 50);

        assertFalse(fetch.partial(), "the backlog never cleared");
        assertTrue(polls >= 8, "61 lines at 7 a poll take at least 9 polls, took " + (polls + 1));
        assertExactlyOnce(shipped, all, "a backlog shipped 7 lines a poll");

        // taken with the high water held, the backlog leaves it below the newest line until the first
        // settled poll lets it rise (JobPoller calls settled): then the skip floor and pruning work again
        Instant newest = all.stream().map(LogRecord::timestamp).max(Instant::compareTo).orElseThrow();
        cursors.forJob(JOB.id()).endRound(true, true);
        assertEquals(newest, cursors.committedHighWater(JOB.id(), SINK));
        // the floor is per stream now: the newest task's stream skips all but its last two minutes
        assertEquals(epochNanos(newest.minus(Duration.ofMinutes(2))), cursors.forJob(JOB.id()).beginPoll(List.of(SINK))
                .stream(Service.TASKRUNNER, "task-1", "main").floorNanos());
        LogFetch again = new LogsParser(JOB, knownTo(cursors,
                cursors.forJob(JOB.id()).knownIds(List.of(SINK))), ParseLimits.NONE.withMaxRecords(7), RecordChunks.KEEP).parse(
                new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        assertFalse(again.partial());
        assertTrue(cursors.forJob(JOB.id()).offer(SINK, again.records()).records().isEmpty(), "nothing ships twice");
    }

    /**
     * Past the cut the body is passed over to its end, lines unread, to list its arrays: the job
     * can then be fetched in parts that fit. Arrays read to their end keep every line; of the
     * array the cut fell in, the lines before the last timestamp read.
     */
    @Test
    void aCutBodyIsListedToItsEndWithEachArraysSizeAndTheLinesBeyondTheCut() throws Exception {
        StringBuilder tasks = new StringBuilder();
        for (int t = 1; t <= 3; t++) {
            StringBuilder lines = new StringBuilder();
            for (int i = 0; i < 20; i++) {
                lines.append(i == 0 ? "" : ",").append(entry("task " + t + " line " + i, T0.plusMillis(i)));
            }
            tasks.append(t == 1 ? "" : ",").append("\"task-").append(t).append("\":{\"logs\":[").append(lines).append("]}");
        }
        String body = "{\"partitioner\":[" + entry("partitioned", T0) + "],\"taskrunner\":{" + tasks + "}}";
        long limit = body.indexOf("task 2 line 10");

        LogFetch fetch = new LogsParser(JOB, LineFilter.KEEP_ALL, ParseLimits.NONE.withMaxBytes(limit).withListBytes(Long.MAX_VALUE),
                RecordChunks.KEEP).parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));

        assertTrue(fetch.truncated());
        LogLayout layout = fetch.layout();
        assertTrue(layout.complete());
        assertEquals(List.of("null:true", "task-1:true", "task-2:false", "task-3:false"), layout.arrays().stream()
                .map(a -> a.taskId() + ":" + a.whole()).toList());
        assertEquals("task-2", layout.cutIn().taskId());
        assertEquals(20, fetch.records().stream().filter(r -> "task-1".equals(r.taskId())).count(),
                "an array read whole keeps every line, even at the cut's timestamp");
        long task2 = fetch.records().stream().filter(r -> "task-2".equals(r.taskId())).count();
        assertEquals(10, task2, "task-2's lines up to the entry the limit falls in, less the last timestamp read");
        assertEquals(60 + 1, fetch.records().size() + layout.linesBeyond(),
                "every line is read or counted beyond the cut");
        long task3Bytes = body.indexOf("]}}}") + 1 - body.indexOf("[", body.indexOf("\"task-3\""));
        assertEquals(task3Bytes, layout.arrays().get(3).bytes(), "each array's size in the body");
        assertEquals(body.length() - fetch.responseBytes(), layout.bytesBeyond());
    }

    private static long epochNanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    @Test
    void aGrowingLogCutAtRandomPointsOverSeveralPollsShipsEveryLineOnce() throws Exception {
        long seed = Long.getLong("truncation.seed", System.nanoTime());
        System.out.println("TruncatedResponseTest seed: " + seed + " (re-run with -Dtruncation.seed=" + seed + ")");
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            Cursors cursors = new Cursors(Duration.ofMinutes(2));
            List<LogRecord> shipped = new ArrayList<>();
            int lines = 5;
            for (int poll = 0; poll < 4; poll++) { // the job writes more between polls; each poll may be cut
                lines += random.nextInt(10);
                String body = body(lines);
                shipped.addAll(poll(cursors, body, 1 + random.nextInt(body.length() + 40)));
            }
            String last = body(lines);
            List<LogRecord> all = parse(last, null, Long.MAX_VALUE).records();
            shipped.addAll(poll(cursors, last, Long.MAX_VALUE));
            assertExactlyOnce(shipped, all, "seed " + seed + ", round " + round);
        }
    }

    /** What the cursors tell a poll that knows no streams: one floor (none before any commit) and the known ids. */
    private static LineFilter knownTo(Cursors cursors, KnownIds known) {
        return LineFilter.of(cursors.forJob(JOB.id()).skipFloor(List.of(SINK)), known);
    }
}
