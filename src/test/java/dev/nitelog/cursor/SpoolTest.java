package dev.nitelog.cursor;

import dev.nitelog.cursor.Lines.Line;
import dev.nitelog.record.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The backlog spool: each sink takes its own records in order; a full or broken spool takes nothing. */
class SpoolTest {
    @TempDir
    Path state;

    private static List<LogRecord> records(String job, int from, int to) {
        List<Line> lines = new ArrayList<>();
        for (int i = from; i < to; i++) {
            lines.add(Line.of(job, i, i % 2 == 0 ? "main" : "", "line " + i + " ünïcödé"));
        }
        List<LogRecord> records = new ArrayList<>(Lines.response(lines));
        LogRecord r = records.get(0); // one line cut at the line bound: its mark survives the file too
        records.set(0, new LogRecord(r.id(), r.timestamp(), r.jobId(), r.jobName(), r.service(), r.taskId(),
                r.container(), r.level(), r.message(), 12345));
        return records;
    }

    @Test
    void eachSinkTakesTheRecordsMeantForItInOrder() throws Exception {
        try (Spool spool = Spool.open(state, 1L << 30)) {
            List<LogRecord> first = records("j", 0, 3000);
            List<LogRecord> second = records("j", 3000, 4000);
            assertTrue(spool.append("j", "j", first, 0b11));
            assertTrue(spool.append("j", "j", second, 0b10)); // sink 0 queued these itself

            List<LogRecord> zero = new ArrayList<>();
            List<LogRecord> one = new ArrayList<>();
            while (spool.pending("j", 0)) {
                zero.addAll(spool.take("j", 0, 700));
            }
            while (spool.pending("j", 1)) {
                one.addAll(spool.take("j", 1, 1000));
            }
            assertEquals(first, zero);
            List<LogRecord> both = new ArrayList<>(first);
            both.addAll(second);
            assertEquals(both, one, "every field survives the file, in order");
            assertEquals(0, spool.usedBytes());
            assertEquals(List.of(), spoolFiles(), "a file every sink has read is deleted");
        }
    }

    @Test
    void aFullSpoolTakesNothingOfAnAppendAndSaysSo() {
        try (Spool spool = Spool.open(state, 1L << 20)) {
            List<LogRecord> big = records("j", 0, 20_000);
            assertFalse(spool.hasRoom(Spool.bound(big)));
            assertFalse(spool.append("j", "j", big, 1));
            assertFalse(spool.pending("j", 0));
            assertEquals(0, spool.usedBytes());
            assertTrue(spool.append("j", "j", records("j", 0, 100), 1), "a smaller append still fits");
        }
    }

    @Test
    void aSpoolThatCannotBeWrittenRefusesAndLosesNothingOfWhatItHeld() throws Exception {
        Files.writeString(state.resolve("spool"), "a file where the directory belongs");
        try (Spool spool = Spool.open(state, 1L << 30)) {
            assertFalse(spool.hasRoom(1));
            assertFalse(spool.append("j", "j", records("j", 0, 10), 1), "refused: the caller keeps the lines unsent");
            assertFalse(spool.pending(0));
        }
    }

    @Test
    void aFailedSinkDiscardsOnlyItsOwnRecords() {
        try (Spool spool = Spool.open(state, 1L << 30)) {
            List<LogRecord> all = records("j", 0, 50);
            spool.append("j", "j", all, 0b11);
            spool.discard(0);
            assertFalse(spool.pending("j", 0));
            assertEquals(all, spool.take("j", 1, 100));
            assertEquals(0, spool.usedBytes());
        }
    }

    @Test
    void segmentsEverySinkHasReadAreDeletedAndFreedWhileTheBacklogKeepsSpilling() throws Exception {
        try (Spool spool = Spool.open(state, 16L << 20)) { // segments of 1 MiB
            List<LogRecord> expected = new ArrayList<>();
            List<LogRecord> zero = new ArrayList<>();
            List<LogRecord> one = new ArrayList<>();
            long mostUsed = 0;
            int mostFiles = 0;
            for (int batch = 0; batch < 60; batch++) { // about 7 MiB spilled in all, never drained
                List<LogRecord> records = records("j", batch * 1000, (batch + 1) * 1000);
                assertTrue(spool.append("j", "j", records, 0b11), "batch " + batch);
                expected.addAll(records);
                zero.addAll(spool.take("j", 0, 1000));
                one.addAll(spool.take("j", 1, batch < 3 ? 0 : 1000)); // three batches behind: never drained
                mostUsed = Math.max(mostUsed, spool.usedBytes());
                mostFiles = Math.max(mostFiles, spoolFiles().size());
            }
            assertTrue(spool.pending("j", 1));
            while (spool.pending("j", 1)) {
                one.addAll(spool.take("j", 1, 700));
            }
            assertEquals(expected, zero);
            assertEquals(expected, one, "in order across segments");
            assertTrue(mostUsed < 3L << 20, "only what a sink has still to read is held: " + mostUsed);
            assertTrue(mostFiles <= 3, "segments read by both sinks are deleted: " + mostFiles);
            assertEquals(0, spool.usedBytes());
            assertEquals(List.of(), spoolFiles());
        }
    }

    @Test
    void openingRemovesWhatAPreviousRunLeft() throws Exception {
        try (Spool spool = Spool.open(state, 1L << 30)) {
            spool.append("j", "j", records("j", 0, 10), 1);
            assertEquals(1, spoolFiles().size());
            try (Spool restarted = Spool.open(state, 1L << 30)) {
                assertEquals(List.of(), spoolFiles(), "never confirmed, so the cursors offer those lines again");
                assertFalse(restarted.pending(0));
            }
        }
    }

    private List<Path> spoolFiles() throws Exception {
        try (Stream<Path> files = Files.list(state.resolve("spool"))) {
            return files.toList();
        }
    }
}
