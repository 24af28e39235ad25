package dev.nitelog.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordEncodingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static LogRecord record(Service service, String taskId, String container, String message, Instant ts) {
        RecordId id = RecordId.of("job-1", service, taskId, container, ts, message, Level.INFO, 0);
        return new LogRecord(id, ts, "job-1", "my job", service, taskId, container, Level.INFO, message);
    }

    @Test
    void jsonHasExactlyTheDocumentedKeysInOrder() throws Exception {
        Instant ts = Instant.parse("2025-07-11T16:29:35.101Z");
        LogRecord r = record(Service.PARTITIONER, null, "", "Partitioner task started", ts);
        JsonNode node = JSON.readTree(json(r));
        List<String> keys = List.of("id", "timestamp", "job_id", "job_name", "service", "task_id", "container", "level", "message");
        Iterator<String> names = node.fieldNames();
        for (String key : keys) {
            assertEquals(key, names.next());
        }
        assertFalse(names.hasNext());
        assertEquals(r.id().hex(), node.get("id").asText());
        assertEquals("2025-07-11T16:29:35.101000000Z", node.get("timestamp").asText());
        assertEquals("partitioner", node.get("service").asText());
        assertTrue(node.get("task_id").isNull());
        assertEquals("INFO", node.get("level").asText());
    }

    @Test
    void aCutLineSaysHowManyBytesWereDroppedInEveryFormat() throws Exception {
        Instant ts = Instant.parse("2025-07-11T16:29:35.101Z");
        LogRecord whole = record(Service.TASKRUNNER, "t-1", "main", "start of a long line", ts);
        LogRecord cut = new LogRecord(whole.id(), ts, whole.jobId(), whole.jobName(), whole.service(), whole.taskId(),
                whole.container(), whole.level(), whole.message(), 4096);
        JsonNode node = JSON.readTree(json(cut));
        assertEquals(4096, node.get("message_truncated_bytes").asLong());
        assertEquals("message_truncated_bytes", last(node.fieldNames()), "after the documented keys");
        assertTrue(JSON.readTree(json(whole)).get("message_truncated_bytes") == null, "a whole line has no mark");
        Utf8Buffer text = new Utf8Buffer(64);
        RecordText.append(cut, text);
        String line = new String(text.toByteArray(), StandardCharsets.UTF_8);
        assertTrue(line.endsWith("| start of a long line [truncated 4096 bytes]"), line);
    }

    private static String last(Iterator<String> names) {
        String last = null;
        while (names.hasNext()) {
            last = names.next();
        }
        return last;
    }

    @Test
    void jsonRoundTripsAnyMessageExactly() throws Exception {
        long seed = Long.getLong("encoding.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int i = 0; i < 2000; i++) {
            String message = randomText(random);
            LogRecord r = record(Service.TASKRUNNER, "task-" + i, "main", message, Instant.ofEpochSecond(1_700_000_000L + i, i));
            JsonNode node = JSON.readTree(json(r));
            assertEquals(sanitize(message), node.get("message").asText(), "seed " + seed);
            assertEquals("task-" + i, node.get("task_id").asText());
        }
    }

    @Test
    void timestampsMatchJavaTimeForRandomInstants() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 250_000_000_000L), random.nextInt(1_000_000_000));
            Utf8Buffer out = new Utf8Buffer(64);
            Rfc3339.append(instant, out);
            String text = new String(out.toByteArray(), StandardCharsets.US_ASCII);
            assertEquals(instant, Instant.parse(text), "seed " + seed);
            assertEquals(DateTimeFormatter.ISO_INSTANT.format(instant).substring(0, 19), text.substring(0, 19), "seed " + seed);
        }
    }

    @Test
    void textLineKeepsOneRecordOnOneLine() {
        Instant ts = Instant.parse("2025-07-11T16:29:35.101Z");
        LogRecord r = record(Service.TASKRUNNER, "t-1", "", "Traceback:\n  File \"x\"\r100%\u001b[0m", ts);
        Utf8Buffer out = new Utf8Buffer(64);
        RecordText.append(r, out);
        assertEquals("2025-07-11T16:29:35.101000000Z INFO my job/taskrunner/t-1 - | Traceback:\\n  File \"x\"\\r100%\\x1b[0m",
                new String(out.toByteArray(), StandardCharsets.UTF_8));
    }

    private static String json(LogRecord r) {
        Utf8Buffer out = new Utf8Buffer(16);
        RecordJson.append(r, out);
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    /** Lone surrogates cannot be encoded in UTF-8; the encoder writes U+FFFD for them. */
    private static String sanitize(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return b.toString();
    }

    private static String randomText(Random random) {
        String[] pieces = {"a", "\"", "\\", "\n", "\r", "\t", "\u0000", "\u001f", "é", "画像", "🚀", "\uD800", "\uDC00", "x".repeat(300), " "};
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(20);
        for (int i = 0; i < n; i++) {
            b.append(pieces[random.nextInt(pieces.length)]);
        }
        return b.toString();
    }
}
