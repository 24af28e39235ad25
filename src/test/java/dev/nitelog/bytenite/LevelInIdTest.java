package dev.nitelog.bytenite;

import dev.nitelog.cursor.Cursors;
import dev.nitelog.pipeline.CursorLineFilter;
import dev.nitelog.cursor.ResponseRead;
import dev.nitelog.cursor.FileCheckpointStore;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The level is part of a record's id: two lines that differ only in it are two records whatever
 * levels a poll asks for, and a state directory in checkpoint format 2 (ids without the level) is
 * upgraded without shipping a line twice or losing one.
 */
class LevelInIdTest {
    private static final JobRef JOB = new JobRef("job-1", "levels");
    private static final String SINK = "out";
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path state;

    /** One task's line; {@code second} after T0. */
    record Line(int second, String level, String message) {
        Instant time() {
            return T0.plusSeconds(second);
        }

        String json() {
            return "{\"log\":\"" + message + "\",\"timestamp\":\"" + time() + "\",\"level\":\"" + level
                    + "\",\"container\":\"main\"}";
        }
    }

    private static String body(List<Line> lines) {
        List<String> entries = new ArrayList<>();
        lines.forEach(line -> entries.add(line.json()));
        return "{\"taskrunner\":{\"task-1\":{\"logs\":[" + String.join(",", entries) + "]}}}";
    }

    private static LogFetch parse(String body, LineFilter filter) throws Exception {
        return new LogsParser(JOB, filter, ParseLimits.NONE, RecordChunks.KEEP)
                .parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    /** Without the level in the id, the ERROR line would be occurrence 1 of its tuple in the whole log and 0 in a log of errors only. */
    @Test
    void aLinesIdDoesNotDependOnTheLevelsAPollAsksFor() throws Exception {
        Line info = new Line(1, "INFO", "retrying upload");
        Line error = new Line(1, "ERROR", "retrying upload");
        List<LogRecord> all = parse(body(List.of(info, error)), LineFilter.KEEP_ALL).records();
        List<LogRecord> errorsOnly = parse(body(List.of(error)), LineFilter.KEEP_ALL).records();

        assertEquals(2, all.size());
        assertNotEquals(all.get(0).id(), all.get(1).id());
        assertEquals(all.get(1).id(), errorsOnly.get(0).id());
    }

    /**
     * A format-2 state holds the first 300 seconds as shipped (its window holds the last 120 of them
     * by ids without the level, with that scheme's occurrence numbering); after the upgrade a re-poll of the
     * whole log offers exactly the lines after them, and after one more restart still nothing twice.
     */
    @Test
    void anUpgradeFromFormatTwoShipsNothingTwiceAndLosesNothing() throws Exception {
        List<Line> lines = new ArrayList<>();
        for (int s = 0; s < 300; s++) {
            lines.add(new Line(s, "INFO", "step " + s));
            if (s % 10 == 0) { // the same line at another level: ids without the level number them 0 and 1
                lines.add(new Line(s, "WARN", "step " + s));
            }
        }
        Duration lateness = Duration.ofMinutes(2);
        Files.createDirectories(state.resolve("jobs"));
        Files.write(state.resolve("jobs").resolve(FileCheckpointStore.fileName(JOB.id())),
                formatTwo(lines, T0.plusSeconds(299).minus(lateness)));
        Cursors upgraded = new Cursors(lateness);
        upgraded.restore(FileCheckpointStore.open(state).load());

        List<Line> more = new ArrayList<>(lines);
        for (int s = 300; s < 330; s++) {
            more.add(new Line(s, "INFO", "step " + s));
            more.add(new Line(s, "ERROR", "step " + s));
        }
        List<LogRecord> offered = poll(upgraded, body(more));
        assertEquals(60, offered.size(), "only the 60 new lines: " + offered.size());
        assertTrue(offered.stream().allMatch(r -> !r.timestamp().isBefore(T0.plusSeconds(300))));
        upgraded.commit(SINK, offered);
        assertEquals(List.of(), poll(upgraded, body(more)), "nothing twice");

        FileCheckpointStore.open(state).save(upgraded.snapshotCommitted());
        Cursors restarted = new Cursors(lateness);
        restarted.restore(FileCheckpointStore.open(state).load());
        assertEquals(List.of(), poll(restarted, body(more)), "nothing twice after a restart on format 3");
    }

    /** One poll as the pipeline makes it: what the sink is handed. */
    private static List<LogRecord> poll(Cursors cursors, String body) throws Exception {
        Cursors.PollView view = cursors.forJob(JOB.id()).beginPoll(List.of(SINK));
        LogFetch fetch = parse(body, new CursorLineFilter(view));
        cursors.forJob(JOB.id()).endPoll(view, ResponseRead.WHOLE);
        return cursors.forJob(JOB.id()).offer(SINK, fetch.records()).records();
    }

    /** Checkpoint format 2: one stream, its ids without the level. */
    private static byte[] formatTwo(List<Line> shipped, Instant floor) throws IOException {
        Map<String, Integer> seen = new HashMap<>();
        List<long[]> window = new ArrayList<>();
        for (Line line : shipped) {
            int occurrence = seen.merge(line.time() + "|" + line.message(), 1, Integer::sum) - 1;
            if (!line.time().isBefore(floor)) {
                RecordId id = RecordId.withoutLevel(JOB.id(), Service.TASKRUNNER, "task-1", "main", line.time(),
                        line.message(), occurrence);
                window.add(new long[]{nanos(line.time()), id.high(), id.low()});
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CRC32 crc = new CRC32();
        try (DataOutputStream out = new DataOutputStream(new CheckedOutputStream(bytes, crc))) {
            out.writeInt(0x4E4C434B);
            out.writeShort(2);
            string(out, JOB.id());
            out.writeBoolean(false); // not retired
            out.writeInt(1);
            string(out, SINK);
            out.writeBoolean(false); // no format-1 cursor
            out.writeInt(1);
            string(out, Service.TASKRUNNER.wireName());
            out.writeBoolean(true);
            string(out, "task-1");
            string(out, "main");
            out.writeLong(nanos(shipped.get(shipped.size() - 1).time()));
            out.writeLong(nanos(floor));
            out.writeInt(window.size());
            for (long[] id : window) {
                out.writeLong(id[0]);
                out.writeLong(id[1]);
                out.writeLong(id[2]);
            }
            out.flush();
            new DataOutputStream(bytes).writeInt((int) crc.getValue());
        }
        return bytes.toByteArray();
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }
}
