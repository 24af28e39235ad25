package dev.nitelog.bytenite;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.KnownIds;
import dev.nitelog.record.LogRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A line longer than {@code max-line-bytes} is cut at that bound: its record keeps the start of
 * the line and says how many bytes were dropped, the lines around it are untouched, and the
 * response still parses whatever characters or escapes straddle the cut.
 */
class LongLineTest {
    private static final JobRef JOB = new JobRef("job-long", "long");
    private static final JsonFactory JSON = new JsonFactory();

    @Test
    void cutsALineLongerThanTheBoundAndKeepsItsNeighbours() throws Exception {
        String longLine = "x".repeat(5000);
        LogFetch fetch = parse(body(List.of("before", longLine, "after")), 1024);
        List<LogRecord> records = fetch.records();
        assertEquals(3, records.size());
        assertEquals("before", records.get(0).message());
        assertEquals("x".repeat(1024), records.get(1).message());
        assertEquals(5000 - 1024, records.get(1).cutBytes());
        assertEquals("after", records.get(2).message());
        assertEquals(0, records.get(0).cutBytes() + records.get(2).cutBytes());
        assertEquals(1, fetch.cutLines());
    }

    @Test
    void keepsALineOfExactlyTheBoundWhole() throws Exception {
        LogRecord record = parse(body(List.of("y".repeat(1024))), 1024).records().get(0);
        assertEquals(1024, record.message().length());
        assertEquals(0, record.cutBytes());
    }

    @Test
    void aCutLineKeepsItsIdFromPollToPoll() throws Exception {
        byte[] body = body(List.of("z".repeat(3000), "short"));
        LogFetch first = parse(body, 1024);
        LogFetch second = parse(body, 1024);
        assertEquals(first.records().get(0).id(), second.records().get(0).id());
    }

    /**
     * Random lines of ASCII, two-, three- and four-byte characters, quotes, backslashes and control
     * characters (written as escapes), cut at random bounds: every record is a prefix of its line,
     * no longer than the bound plus the one character or escape that crosses it, and kept plus
     * dropped bytes are the line's whole JSON text.
     */
    @Test
    void aCutNeverBreaksACharacterOrAnEscape() throws Exception {
        long seed = Long.getLong("nitelog.test.seed", System.nanoTime());
        System.out.println("LongLineTest seed " + seed);
        Random random = new Random(seed);
        for (int round = 0; round < 300; round++) {
            List<String> lines = new ArrayList<>();
            for (int i = 1 + random.nextInt(5); i > 0; i--) {
                lines.add(randomLine(random, random.nextInt(400)));
            }
            int bound = 40 + random.nextInt(300); // every string is bounded: leave the timestamps whole
            // reads of a few bytes each half the time: a string, an escape or a character split across reads
            LogFetch fetch = parse(body(lines), bound, random.nextBoolean() ? new Random(random.nextLong()) : null);
            List<LogRecord> records = fetch.records();
            assertEquals(lines.size(), records.size(), "seed " + seed + ", bound " + bound + ", malformed "
                    + fetch.malformedEntries() + ": " + new String(body(lines), java.nio.charset.StandardCharsets.UTF_8));
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                LogRecord record = records.get(i);
                int whole = jsonTextBytes(line);
                int kept = jsonTextBytes(record.message());
                assertTrue(line.startsWith(record.message()), "seed " + seed + ": not a prefix of line " + i);
                assertEquals(whole, kept + record.cutBytes(), "seed " + seed + ": kept and dropped bytes of line " + i);
                // a line may end within the character or escape that crosses the bound: then nothing is cut
                assertTrue(record.cut() ? whole > bound : whole <= bound + 5,
                        "seed " + seed + ": line " + i + " of " + whole + " bytes, cut " + record.cut());
                assertTrue(kept <= bound + 5, "seed " + seed + ": " + kept + " bytes kept of bound " + bound);
            }
        }
    }

    private static String randomLine(Random random, int length) {
        String[] pieces = {"a", "Z", " ", "\u00e9", "\u20ac", "\uD83D\uDE00", "\"", "\\", "\n", "\r", "\u0001", "\t"};
        StringBuilder line = new StringBuilder();
        while (line.length() < length) {
            line.append(pieces[random.nextInt(pieces.length)]);
        }
        return line.toString();
    }

    /** Bytes of the string's JSON text between the quotes, as {@link #body} writes it. */
    private static int jsonTextBytes(String s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeString(s);
        }
        return out.size() - 2;
    }

    /** One task's lines, a microsecond apart, in the order given. */
    private static byte[] body(List<String> lines) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("taskrunner");
            g.writeObjectFieldStart("task-1");
            g.writeArrayFieldStart("logs");
            for (int i = 0; i < lines.size(); i++) {
                g.writeStartObject();
                g.writeStringField("log", lines.get(i));
                g.writeStringField("timestamp", String.format("2026-03-01T10:00:00.%06dZ", i));
                g.writeStringField("level", "INFO");
                g.writeStringField("container", "main");
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    private static LogFetch parse(byte[] body, long maxLineBytes) throws Exception {
        return parse(body, maxLineBytes, null);
    }

    /** @param trickle when set, the body arrives in reads of 1 to 16 bytes */
    private static LogFetch parse(byte[] body, long maxLineBytes, Random trickle) throws Exception {
        InputStream in = new ByteArrayInputStream(body);
        if (trickle != null) {
            in = new java.io.FilterInputStream(in) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return super.read(b, off, Math.min(len, 1 + trickle.nextInt(16)));
                }
            };
        }
        return new LogsParser(JOB, LineFilter.KEEP_ALL, ParseLimits.NONE.withMaxLineBytes(maxLineBytes), RecordChunks.KEEP).parse(in);
    }
}
