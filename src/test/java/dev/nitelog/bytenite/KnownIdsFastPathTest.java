package dev.nitelog.bytenite;

import com.sun.management.ThreadMXBean;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.record.Level;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.KnownIds;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parser's known-id path: lines every sink holds are dropped before they become records. */
class KnownIdsFastPathTest {
    private static final JobRef JOB = new JobRef("538f009e-312c-48d4-b842-0b57f6034fde", "img-gen");
    private static final String TASK = "438a62c1-5b0e-4b8e-9b3c-0a4f4f1e2d11";
    private static final Instant START = Instant.parse("2025-07-11T16:29:20.125431870Z");
    private static final int LINES = 4000;

    /** Lines 10 ms apart over the partitioner and one task; every 7th line comes three times. */
    private static byte[] body() {
        List<String> partitioner = new ArrayList<>();
        List<String> task = new ArrayList<>();
        int made = 0;
        for (int i = 0; made < LINES; i++) {
            String entry = LogsParserTest.entry("step " + i + " loss=0." + (i * 7919 % 10000), START.plusMillis(10L * i).toString());
            List<String> into = i % 2 == 0 ? partitioner : task;
            int copies = i % 7 == 0 ? 3 : 1;
            for (int c = 0; c < copies && made < LINES; c++, made++) {
                into.add(entry);
            }
        }
        String json = "{\"partitioner\":[" + String.join(",", partitioner) + "],\"taskrunner\":{\"" + TASK
                + "\":{\"logs\":[" + String.join(",", task) + "]}}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static LogFetch parse(byte[] body, KnownIds known) throws Exception {
        return new LogsParser(JOB, LineFilter.uniform(Long.MIN_VALUE, known), ParseLimits.NONE, RecordChunks.KEEP).parse(new ByteArrayInputStream(body));
    }

    private static Cursors shippedTo(List<LogRecord> records, String... sinks) {
        Cursors cursors = new Cursors(Duration.ofDays(1));
        for (String sink : sinks) {
            cursors.commit(sink, cursors.forJob(JOB.id()).offer(sink, records).records());
        }
        return cursors;
    }

    @Test
    void numbersIdenticalLinesAsTheDocumentedIdDefinitionDoes() throws Exception {
        List<LogRecord> records = parse(body(), KnownIds.NONE).records();
        assertEquals(LINES, records.size());
        Map<List<Object>, Integer> seen = new HashMap<>();
        for (LogRecord r : records) {
            int occurrence = seen.merge(List.of(r.service(), String.valueOf(r.taskId()), r.container(),
                    r.timestamp(), r.message()), 1, Integer::sum) - 1;
            assertEquals(RecordId.of(JOB.id(), r.service(), r.taskId(), r.container(), r.timestamp(), r.message(), r.level(),
                    occurrence), r.id(), r.message());
        }
        assertTrue(seen.containsValue(3), "the body has lines that come three times");
    }

    @Test
    void skipsLinesEverySinkHoldsWithoutAllocatingPerLine() throws Exception {
        byte[] body = body();
        Cursors cursors = shippedTo(parse(body, KnownIds.NONE).records(), "file", "kafka");
        KnownIds known = cursors.forJob(JOB.id()).knownIds(List.of("file", "kafka"));
        for (int warm = 0; warm < 30; warm++) {
            parse(body, known);
        }
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        int passes = 20;
        long before = threads.getThreadAllocatedBytes(tid);
        LogFetch fetch = null;
        for (int i = 0; i < passes; i++) {
            fetch = parse(body, known);
        }
        long perLine = (threads.getThreadAllocatedBytes(tid) - before) / ((long) passes * LINES);
        assertEquals(List.of(), fetch.records());
        assertEquals(LINES, fetch.skipped());
        // materialising cost ~290 bytes a line; what is left is Jackson's per-parse buffers
        assertTrue(perLine < 24, "allocated " + perLine + " bytes per known line");
    }

    /**
     * Re-reading a long log costs no allocation that grows with it: the occurrence table's buckets
     * (one per second of the log) are reused from poll to poll, not made anew.
     */
    @Test
    void reReadingALongLogAllocatesLessThanAByteALine() throws Exception {
        int lines = 200_000; // 10 ms apart: 2,000 seconds, all but the last two minutes below the floor
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        StringBuilder body = new StringBuilder("{\"taskrunner\":{\"t\":{\"logs\":[");
        for (int i = 0; i < lines; i++) {
            body.append(i == 0 ? "" : ",").append("{\"log\":\"line ").append(i).append("\",\"timestamp\":\"")
                    .append(t0.plusMillis(10L * i)).append("\",\"level\":\"INFO\",\"container\":\"main\"}");
        }
        byte[] bytes = body.append("]}}}").toString().getBytes(StandardCharsets.UTF_8);
        LineFilter shipped = LineFilter.of(t0.plusMillis(10L * lines).minus(Duration.ofMinutes(2)),
                (high, low) -> KnownIds.State.DELIVERED);
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long least = Long.MAX_VALUE;
        for (int poll = 0; poll < 8; poll++) {
            long before = threads.getThreadAllocatedBytes(tid);
            LogFetch fetch = new LogsParser(JOB, shipped, ParseLimits.NONE, RecordChunks.KEEP)
                    .parse(new ByteArrayInputStream(bytes));
            least = Math.min(least, threads.getThreadAllocatedBytes(tid) - before);
            assertEquals(lines, fetch.skipped());
        }
        assertTrue(least < lines, "allocated " + least + " bytes to re-read " + lines + " lines");
    }

    @Test
    void materialisesALineOneSinkLacksAndOffersItToThatSinkOnly() throws Exception {
        byte[] body = body();
        List<LogRecord> all = parse(body, KnownIds.NONE).records();
        // the second copy of a repeated line, and an ordinary one, never reached kafka
        LogRecord secondCopy = all.get(1);
        LogRecord ordinary = all.get(LINES / 2);
        assertEquals(all.get(0).message(), secondCopy.message());
        List<LogRecord> mostly = new ArrayList<>(all);
        mostly.remove(secondCopy);
        mostly.remove(ordinary);
        Cursors cursors = shippedTo(all, "file");
        cursors.commit("kafka", cursors.forJob(JOB.id()).offer("kafka", mostly).records());

        LogFetch fetch = parse(body, cursors.forJob(JOB.id()).knownIds(List.of("file", "kafka")));

        assertEquals(List.of(secondCopy, ordinary), fetch.records());
        assertEquals(LINES - 2, fetch.skipped());
        assertEquals(List.of(), cursors.forJob(JOB.id()).offer("file", fetch.records()).records());
        assertEquals(List.of(secondCopy, ordinary), cursors.forJob(JOB.id()).offer("kafka", fetch.records()).records());
    }

    @Test
    void dropsLinesSentToEverySinkButCountsThemUnconfirmedUntilConfirmed() throws Exception {
        byte[] body = body();
        List<LogRecord> all = parse(body, KnownIds.NONE).records();
        Cursors cursors = new Cursors(Duration.ofDays(1));
        List<LogRecord> queued = cursors.forJob(JOB.id()).offer("file", all).records(); // in the queue, not confirmed

        LogFetch inFlight = parse(body, cursors.forJob(JOB.id()).knownIds(List.of("file")));
        assertEquals(List.of(), inFlight.records(), "a line already handed to the sink is not made again");
        assertEquals(LINES, inFlight.skipped());
        assertEquals(LINES, inFlight.unconfirmed(), "a draining job is settled only once these are confirmed");

        cursors.commit("file", queued.subList(0, 100));
        assertEquals(LINES - 100, parse(body, cursors.forJob(JOB.id()).knownIds(List.of("file"))).unconfirmed());
        cursors.commit("file", queued.subList(100, queued.size()));
        LogFetch confirmed = parse(body, cursors.forJob(JOB.id()).knownIds(List.of("file")));
        assertEquals(0, confirmed.unconfirmed());
        assertEquals(LINES, confirmed.skipped());
    }

    @Test
    void makesALineHandedToOneSinkButNotTheOther() throws Exception {
        byte[] body = body();
        List<LogRecord> all = parse(body, KnownIds.NONE).records();
        Cursors cursors = new Cursors(Duration.ofDays(1));
        cursors.forJob(JOB.id()).offer("file", all);
        cursors.forJob(JOB.id()).offer("kafka", all.subList(0, LINES - 1));

        LogFetch fetch = parse(body, cursors.forJob(JOB.id()).knownIds(List.of("file", "kafka")));

        assertEquals(List.of(all.get(LINES - 1)), fetch.records());
        assertEquals(LINES - 1, fetch.unconfirmed());
        assertEquals(List.of(all.get(LINES - 1)), cursors.forJob(JOB.id()).offer("kafka", fetch.records()).records());
    }
}
