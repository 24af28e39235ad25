package dev.nitelog.bytenite;

import dev.nitelog.record.JobRef;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogsParserTest {
    private static final JobRef JOB = new JobRef("538f009e-312c-48d4-b842-0b57f6034fde", "img-gen");
    private static final String TASK = "438a62c1-5b0e-4b8e-9b3c-0a4f4f1e2d11";

    static LogFetch parse(String body, Instant skipBefore) throws Exception {
        return new LogsParser(JOB, skipBefore == null ? LineFilter.KEEP_ALL : LineFilter.below(skipBefore),
                ParseLimits.NONE, RecordChunks.KEEP).parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    static LogFetch parse(String body) throws Exception {
        return parse(body, null);
    }

    static String entry(String log, String timestamp) {
        return "{\"log\":" + quote(log) + ",\"timestamp\":\"" + timestamp + "\",\"level\":\"INFO\",\"container\":\"main\"}";
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    static String partitioner(String... entries) {
        return "{\"partitioner\":[" + String.join(",", entries) + "]}";
    }

    @Test
    void readsAllThreeServicesWithTaskIdsAndJobName() throws Exception {
        String body = """
                {"partitioner":[{"log":"Partitioner task started","timestamp":"2025-07-11T16:29:20.125431870Z","level":"UNKNOWN","container":""}],
                 "assembler":[{"log":"merged","timestamp":"2025-07-11T16:40:00Z","level":"INFO","container":"main"}],
                 "taskrunner":{"%s":{"logs":[
                   {"log":"task data downloaded","timestamp":"2025-07-11T16:29:35.101Z","level":"DEBUG","container":"main"},
                   {"log":"Python task started","timestamp":"2025-07-11T16:29:43.250Z","level":"UNKNOWN","container":""}]}}}
                """.formatted(TASK);
        LogFetch fetch = parse(body);
        List<LogRecord> records = fetch.records();
        assertEquals(4, records.size());
        LogRecord first = records.get(0);
        assertEquals(Service.PARTITIONER, first.service());
        assertNull(first.taskId());
        assertEquals(Instant.parse("2025-07-11T16:29:20.125431870Z"), first.timestamp());
        assertEquals(JOB.id(), first.jobId());
        assertEquals("img-gen", first.jobName());
        assertEquals(Level.UNKNOWN, first.level());
        assertEquals("", first.container());
        LogRecord task = records.get(1);
        assertEquals(Service.TASKRUNNER, task.service());
        assertEquals(TASK, task.taskId());
        assertEquals(Level.DEBUG, task.level());
        assertEquals("main", task.container());
        assertEquals("task data downloaded", task.message());
        assertEquals(Service.ASSEMBLER, records.get(3).service());
        assertNull(records.get(3).taskId());
        assertEquals(0, fetch.skipped());
        assertEquals(0, fetch.malformedEntries());
        assertEquals(body.getBytes(StandardCharsets.UTF_8).length, fetch.responseBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"partitioner\":null,\"assembler\":null,\"taskrunner\":null}",
            "{\"partitioner\":[],\"assembler\":[],\"taskrunner\":{}}", "{\"taskrunner\":{\"t1\":null,\"t2\":{},\"t3\":{\"logs\":null}}}"})
    void treatsMissingAndNullContainersAsEmpty(String body) throws Exception {
        LogFetch fetch = parse(body);
        assertEquals(0, fetch.records().size());
        assertEquals(0, fetch.malformedEntries());
    }

    @Test
    void treatsNullFieldsLikeAbsentOnes() throws Exception {
        LogFetch fetch = parse(partitioner(
                "{\"log\":null,\"timestamp\":\"2025-01-01T00:00:01Z\",\"level\":null,\"container\":null}",
                "{\"timestamp\":\"2025-01-01T00:00:02Z\"}"));
        assertEquals(2, fetch.records().size());
        for (LogRecord r : fetch.records()) {
            assertEquals("", r.message());
            assertEquals("", r.container());
            assertEquals(Level.UNKNOWN, r.level());
        }
        assertEquals(0, fetch.malformedEntries());
    }

    @Test
    void ignoresUnknownFieldsAtEveryLevel() throws Exception {
        String body = """
                {"newTop":{"deep":[1,2,{"x":null}]},"count":"12",
                 "partitioner":[{"extra":{"a":[1,{"b":2}]},"log":"p","more":[[]],"timestamp":"2025-01-01T00:00:01Z","n":1.5,"flag":true}],
                 "taskrunner":{"t1":{"state":"DONE","logs":[{"log":"t","timestamp":"2025-01-01T00:00:02Z","labels":{"k":"v"}}],"after":[1]}},
                 "trailing":[{"log":"not a log"}]}
                """;
        LogFetch fetch = parse(body);
        assertEquals(List.of("p", "t"), fetch.records().stream().map(LogRecord::message).toList());
        assertEquals(0, fetch.malformedEntries());
    }

    @Test
    void mapsUnknownAndNumericLevels() throws Exception {
        LogFetch fetch = parse(partitioner(
                "{\"log\":\"a\",\"timestamp\":\"2025-01-01T00:00:01Z\",\"level\":\"NOTICE\"}",
                "{\"log\":\"b\",\"timestamp\":\"2025-01-01T00:00:02Z\",\"level\":\"WARN\"}",
                "{\"log\":\"c\",\"timestamp\":\"2025-01-01T00:00:03Z\",\"level\":5}",
                "{\"log\":\"d\",\"timestamp\":\"2025-01-01T00:00:04Z\",\"level\":99}",
                "{\"log\":\"e\",\"timestamp\":\"2025-01-01T00:00:05Z\",\"level\":\"info\"}"));
        assertEquals(List.of(Level.UNKNOWN, Level.WARN, Level.ERROR, Level.UNKNOWN, Level.UNKNOWN),
                fetch.records().stream().map(LogRecord::level).toList());
    }

    @Test
    void keepsLinesWhoseNumericLevelIsPastIntRangeAsUnknown() throws Exception { // found by LogsParserFuzzTest
        LogFetch fetch = parse(partitioner(
                "{\"log\":\"a\",\"timestamp\":\"2025-01-01T00:00:01Z\",\"level\":10000000000000000}",
                "{\"log\":\"b\",\"timestamp\":\"2025-01-01T00:00:02Z\",\"level\":-2147483649}",
                "{\"log\":\"c\",\"timestamp\":\"2025-01-01T00:00:03Z\",\"level\":1" + "0".repeat(500) + "}"));
        assertEquals(List.of(Level.UNKNOWN, Level.UNKNOWN, Level.UNKNOWN),
                fetch.records().stream().map(LogRecord::level).toList());
        assertEquals(0, fetch.malformedEntries());
    }

    @Test
    void keepsEveryFractionalDigitExactly() throws Exception {
        List<String> stamps = List.of("2025-07-11T16:29:35Z", "2025-07-11T16:29:35.1Z", "2025-07-11T16:29:35.12Z",
                "2025-07-11T16:29:35.123Z", "2025-07-11T16:29:35.1234Z", "2025-07-11T16:29:35.12345Z",
                "2025-07-11T16:29:35.123456Z", "2025-07-11T16:29:35.1234567Z", "2025-07-11T16:29:35.12345678Z",
                "2025-07-11T16:29:35.123456789Z", "2025-07-11T18:29:35.123456780+02:00");
        List<String> entries = new ArrayList<>();
        for (String s : stamps) {
            entries.add(entry(s, s));
        }
        LogFetch fetch = parse(partitioner(entries.toArray(String[]::new)));
        assertEquals(stamps.size(), fetch.records().size());
        for (LogRecord r : fetch.records()) {
            assertEquals(Instant.parse(r.message()), r.timestamp(), r.message());
        }
    }

    @Test
    void skipsAndCountsLinesBeforeTheFloorKeepingThoseAtIt() throws Exception {
        String body = partitioner(
                entry("old 1", "2025-01-01T00:00:01Z"),
                // log after timestamp and before it: both orders must skip
                "{\"timestamp\":\"2025-01-01T00:00:02.999999999Z\",\"log\":\"old 2\"}",
                "{\"log\":\"old 3\",\"timestamp\":\"2025-01-01T00:00:02Z\"}",
                entry("at floor", "2025-01-01T00:00:03Z"),
                entry("new", "2025-01-01T00:00:03.000000001Z"));
        LogFetch fetch = parse(body, Instant.parse("2025-01-01T00:00:03Z"));
        assertEquals(List.of("at floor", "new"), fetch.records().stream().map(LogRecord::message).toList());
        assertEquals(3, fetch.skipped());
        assertEquals(0, fetch.malformedEntries());
    }

    @Test
    void givesIdenticalLinesDifferentIdsAndTheSameIdsOnEveryParse() throws Exception {
        String line = entry("progress 50%", "2025-01-01T00:00:01.5Z");
        String body = partitioner(line, entry("other", "2025-01-01T00:00:01.5Z"), line);
        List<LogRecord> first = parse(body).records();
        List<LogRecord> second = parse(body).records();
        assertEquals(3, first.size());
        assertEquals("progress 50%", first.get(0).message());
        assertEquals("progress 50%", first.get(2).message());
        assertNotEquals(first.get(0).id(), first.get(2).id());
        assertEquals(first.stream().map(LogRecord::id).toList(), second.stream().map(LogRecord::id).toList());
        Instant t = Instant.parse("2025-01-01T00:00:01.5Z");
        assertEquals(RecordId.of(JOB.id(), Service.PARTITIONER, null, "main", t, "progress 50%", Level.INFO, 0), first.get(0).id());
        assertEquals(RecordId.of(JOB.id(), Service.PARTITIONER, null, "main", t, "progress 50%", Level.INFO, 1), first.get(2).id());
        assertEquals(RecordId.of(JOB.id(), Service.PARTITIONER, null, "main", t, "other", Level.INFO, 0), first.get(1).id());
    }

    @Test
    void keepsDistinctLinesWithSameTimestampAndContainer() throws Exception {
        LogFetch fetch = parse(partitioner(entry("a", "2025-01-01T00:00:01Z"), entry("b", "2025-01-01T00:00:01Z")));
        assertEquals(2, fetch.records().size());
        assertNotEquals(fetch.records().get(0).id(), fetch.records().get(1).id());
    }

    @Test
    void separatesIdenticalMessagesOfDifferentTasksAndServices() throws Exception {
        String e = entry("same", "2025-01-01T00:00:01Z");
        String body = "{\"partitioner\":[" + e + "],\"assembler\":[" + e + "],\"taskrunner\":{\"t1\":{\"logs\":[" + e
                + "]},\"t2\":{\"logs\":[" + e + "]}}}";
        Set<RecordId> ids = new HashSet<>();
        parse(body).records().forEach(r -> ids.add(r.id()));
        assertEquals(4, ids.size());
    }

    @Test
    void numbersOccurrencesInLongRunsLikeShortOnes() throws Exception {
        long seed = Long.getLong("nitelog.test.seed", System.nanoTime());
        System.out.println("LogsParserTest seed: -Dnitelog.test.seed=" + seed);
        Random random = new Random(seed);
        List<String> entries = new ArrayList<>();
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String message = "m" + random.nextInt(7);
            messages.add(message);
            entries.add(entry(message, "2025-01-01T00:00:01Z"));
        }
        List<LogRecord> records = parse(partitioner(entries.toArray(String[]::new))).records();
        Instant t = Instant.parse("2025-01-01T00:00:01Z");
        for (int i = 0; i < messages.size(); i++) {
            int occurrence = 0;
            for (int j = 0; j < i; j++) {
                occurrence += messages.get(j).equals(messages.get(i)) ? 1 : 0;
            }
            assertEquals(messages.get(i), records.get(i).message(), "stable order, seed " + seed);
            assertEquals(RecordId.of(JOB.id(), Service.PARTITIONER, null, "main", t, messages.get(i), Level.INFO, occurrence),
                    records.get(i).id(), "seed " + seed);
        }
        assertEquals(200, new HashSet<>(records.stream().map(LogRecord::id).toList()).size());
    }

    @Test
    void letsALargeResponsesOccurrenceTableGoOnceParsedAndNumbersTheNextAlike() throws Exception {
        // 100k lines without a floor grow a table past the retained size; an idle poll thread that
        // kept it would hold about 50 MB per thread at 1M lines, long after the response was parsed
        List<String> entries = new ArrayList<>();
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        for (int i = 0; i < 100_000; i++) {
            String at = t.plusMillis(i / 2).toString();
            entries.add(entry(i % 2 == 0 ? "step " + i / 2 : "step " + (i - 1) / 2, at)); // each line twice
        }
        String body = partitioner(entries.toArray(String[]::new));
        List<LogRecord> first = parse(body).records();
        assertIdleCountersAreSmallAndFew();
        List<LogRecord> second = parse(body).records();
        assertEquals(first.stream().map(LogRecord::id).toList(), second.stream().map(LogRecord::id).toList());
        assertEquals(100_000, new HashSet<>(second.stream().map(LogRecord::id).toList()).size());
        assertEquals(RecordId.of(JOB.id(), Service.PARTITIONER, null, "main", t, "step 0", Level.INFO, 1), second.get(1).id());
        assertIdleCountersAreSmallAndFew();
    }

    @Test
    void numbersRepeatsPerArraySoTheCounterHoldsOneTaskAtATime() {
        OccurrenceCounter counter = OccurrenceCounter.borrow();
        try {
            counter.seen(5);
            assertEquals(0, counter.next(1, 2));
            counter.seen(5);
            assertEquals(1, counter.next(1, 2), "a repeat within the array");
            counter.nextArray(); // the next task's lines: another prefix, so no key of the last array recurs
            counter.seen(5);
            assertEquals(0, counter.next(1, 2), "the last array's keys are forgotten");
        } finally {
            counter.giveBack();
        }
    }

    private static void assertIdleCountersAreSmallAndFew() {
        List<Integer> idle = OccurrenceCounter.idleSlots();
        assertTrue(!idle.isEmpty() && idle.size() <= OccurrenceCounter.KEPT_IDLE, "idle counters: " + idle);
        assertTrue(idle.stream().allMatch(slots -> slots <= OccurrenceCounter.RETAINED_SLOTS), "idle tables: " + idle);
    }

    @Test
    void sortsByTimePlacingLateLinesInOrderAndKeepingResponseOrderOnTies() throws Exception {
        String body = "{\"taskrunner\":{\"t1\":{\"logs\":["
                + entry("t1 second", "2025-01-01T00:00:02Z") + "," + entry("t1 fourth", "2025-01-01T00:00:04Z")
                + "]}},\"partitioner\":["
                + entry("p first", "2025-01-01T00:00:01Z") + "," + entry("p tie a", "2025-01-01T00:00:03Z") + ","
                + entry("p tie b", "2025-01-01T00:00:03Z") + "," + entry("late, older", "2025-01-01T00:00:00.5Z")
                + "]}";
        assertEquals(List.of("late, older", "p first", "t1 second", "p tie a", "p tie b", "t1 fourth"),
                parse(body).records().stream().map(LogRecord::message).toList());
    }

    @Test
    void keepsNonAsciiAndLongCarriageReturnJoinedLinesExactly() throws Exception {
        StringBuilder progress = new StringBuilder();
        for (int i = 0; i <= 20_000; i++) {
            progress.append("\r").append(i % 100).append("%|").append("█".repeat(i % 10)).append("| ").append(i);
        }
        String unicode = "Grüße 日本語 😀 \u0000 tab\tquote\" backslash\\ \u2028";
        String escapedInJson = "{\"log\":\"\\u00e9t\\u00e9 \\ud83d\\ude00\",\"timestamp\":\"2025-01-01T00:00:03Z\"}";
        LogFetch fetch = parse(partitioner(entry(progress.toString(), "2025-01-01T00:00:01Z"),
                entry(unicode, "2025-01-01T00:00:02Z"), escapedInJson));
        assertEquals(progress.toString(), fetch.records().get(0).message());
        assertTrue(fetch.records().get(0).message().length() > 200_000);
        assertEquals(unicode, fetch.records().get(1).message());
        assertEquals("été 😀", fetch.records().get(2).message());
    }

    @Test
    void skipsAndCountsBadEntriesKeepingTheRest() throws Exception {
        String body = partitioner(
                entry("good 1", "2025-01-01T00:00:01Z"),
                "{\"log\":\"bad timestamp\",\"timestamp\":\"yesterday\"}",
                "{\"log\":42,\"timestamp\":\"2025-01-01T00:00:02Z\"}",
                "{\"log\":{\"nested\":\"object\"},\"timestamp\":\"2025-01-01T00:00:02Z\"}",
                "{\"log\":\"array container\",\"timestamp\":\"2025-01-01T00:00:02Z\",\"container\":[\"x\"]}",
                "{\"log\":\"object level\",\"timestamp\":\"2025-01-01T00:00:02Z\",\"level\":{}}",
                "{\"log\":\"numeric timestamp\",\"timestamp\":1735689600}",
                "{\"log\":\"no timestamp\"}",
                "\"a string entry\"",
                "17",
                "[\"an\",\"array\"]",
                "null",
                entry("good 2", "2025-01-01T00:00:03Z"));
        LogFetch fetch = parse(body);
        assertEquals(List.of("good 1", "good 2"), fetch.records().stream().map(LogRecord::message).toList());
        assertEquals(11, fetch.malformedEntries());
    }

    @Test
    void countsBadEntriesTheSameWhetherOrNotTheyWouldBeSkipped() throws Exception {
        String body = partitioner("{\"log\":42,\"timestamp\":\"2025-01-01T00:00:01Z\"}", entry("ok", "2025-01-01T00:00:01Z"));
        LogFetch fetch = parse(body, Instant.parse("2025-01-02T00:00:00Z"));
        assertEquals(1, fetch.malformedEntries());
        assertEquals(1, fetch.skipped());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"partitioner\":[{\"log\":\"cut\",\"timestamp\":\"2025-01-01T00:0",
            "{\"partitioner\":[",
            "<html><body>502 Bad Gateway SECRET-IN-BODY</body></html>",
            "[{\"log\":\"a\"}]",
            "\"just a string\"",
            "",
            "{\"taskrunner\":\"SECRET-IN-BODY\"}",
            "{\"taskrunner\":[]}",
            "{\"partitioner\":{\"log\":\"x\"}}",
            "{\"assembler\":\"SECRET-IN-BODY\"}",
            "{\"taskrunner\":{\"t1\":[]}}",
            "{\"taskrunner\":{\"t1\":{\"logs\":{}}}}",
            "{\"partitioner\":[]} trailing SECRET-IN-BODY",
            "{\"partitioner\":[]}{\"partitioner\":[]}",
            "{\"partitioner\":[] SECRET-IN-BODY}",
    })
    void rejectsBodiesThatAreNotLogsObjects(String body) {
        MalformedResponseException e = assertThrows(MalformedResponseException.class, () -> parse(body));
        assertTrue(e.getMessage().contains(JOB.id()), e.getMessage());
        assertFalse(e.getMessage().contains("SECRET-IN-BODY"), e.getMessage());
        assertEquals(200, e.httpStatus());
    }

    @Test
    void rejectsAsMalformedABodyThatLooksLikeUtf32ButHoldsNoCharacter() { // found by LogsParserFuzzTest
        byte[] body = partitioner(entry("a", "2025-01-01T00:00:01Z")).getBytes(java.nio.charset.Charset.forName("UTF-32BE"));
        body[8] = 0x73; // the third code unit becomes 0x73000070, past U+10FFFF
        MalformedResponseException e = assertThrows(MalformedResponseException.class,
                () -> new LogsParser(JOB, LineFilter.KEEP_ALL, ParseLimits.NONE, RecordChunks.KEEP).parse(new ByteArrayInputStream(body)));
        assertTrue(e.getMessage().contains(JOB.id()), e.getMessage());
    }

    @Test
    void propagatesReadFailuresAsIoErrorsNotMalformedBodies() {
        byte[] start = partitioner(entry("a", "2025-01-01T00:00:01Z")).substring(0, 30).getBytes(StandardCharsets.UTF_8);
        java.io.InputStream broken = new java.io.SequenceInputStream(new ByteArrayInputStream(start),
                new java.io.InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("Connection reset");
                    }
                });
        assertThrows(IOException.class, () -> new LogsParser(JOB, LineFilter.KEEP_ALL, ParseLimits.NONE, RecordChunks.KEEP).parse(broken));
    }
}
