package dev.nitelog.sink.file;

import dev.nitelog.config.OutputFormat;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.RetriableSinkException;
import dev.nitelog.sink.SinkHealth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.nitelog.sink.file.FileSinkTesting.T0;
import static dev.nitelog.sink.file.FileSinkTesting.allLines;
import static dev.nitelog.sink.file.FileSinkTesting.batch;
import static dev.nitelog.sink.file.FileSinkTesting.defaults;
import static dev.nitelog.sink.file.FileSinkTesting.files;
import static dev.nitelog.sink.file.FileSinkTesting.idOf;
import static dev.nitelog.sink.file.FileSinkTesting.lines;
import static dev.nitelog.sink.file.FileSinkTesting.rec;
import static dev.nitelog.sink.file.FileSinkTesting.recs;
import static dev.nitelog.sink.file.FileSinkTesting.settings;
import static dev.nitelog.sink.file.FileSinkTesting.sink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileSinkTest {
    @TempDir
    Path dir;

    private static Set<String> ids(List<LogRecord> records) {
        return records.stream().map(r -> r.id().hex()).collect(Collectors.toSet());
    }

    @Test
    void writesOneJsonLinePerRecordIntoEachJobsFile() throws Exception {
        try (FileSink sink = sink(dir + "/{job}.log", defaults())) {
            List<LogRecord> a = recs("a", 3, T0);
            List<LogRecord> b = recs("b", 2, T0);
            List<LogRecord> mixed = new ArrayList<>(a);
            mixed.addAll(b);
            sink.write(batch(mixed));
            sink.flush();
            assertEquals(a.stream().map(r -> r.id().hex()).toList(), lines(dir.resolve("a.log")).stream().map(FileSinkTesting::idOf).toList());
            assertEquals(2, lines(dir.resolve("b.log")).size());
            assertTrue(lines(dir.resolve("a.log")).get(0).contains("\"message\":\"line 0 of a\""));
        }
    }

    @Test
    void writesTextLinesWhenAskedTo() throws Exception {
        try (FileSink sink = new FileSink("t", OutputFormat.TEXT, PathTemplate.parse(dir + "/{job}.txt"), defaults(), Syncer.FORCE)) {
            sink.write(batch(List.of(rec("a", "hello\nworld", T0))));
            sink.flush();
            assertEquals(List.of("2025-07-11T16:29:35.101000000Z INFO name of a/taskrunner/t1 main | hello\\nworld"),
                    lines(dir.resolve("a.txt")));
        }
    }

    @Test
    void splitsRecordsIntoDatedFilesByTheirOwnTimestampsAcrossMidnight() throws Exception {
        Instant beforeMidnight = Instant.parse("2025-07-11T23:59:59.5Z");
        try (FileSink sink = sink(dir + "/{job}/{date}.log", defaults())) {
            sink.write(batch(recs("j", 3, beforeMidnight))); // 23:59:59.5, 00:00:00.5, 00:00:01.5
            sink.flush();
        }
        assertEquals(1, lines(dir.resolve("j/2025-07-11.log")).size());
        assertEquals(2, lines(dir.resolve("j/2025-07-12.log")).size());
        assertEquals(2, files(dir).size());
    }

    @Test
    void keepsJobsThatTryToEscapeInsideTheBaseDirectory() throws Exception {
        Path base = dir.resolve("logs");
        try (FileSink sink = sink(base + "/{job}.log", defaults())) {
            sink.write(batch(List.of(rec("../../etc/passwd", "x", T0), rec("..", "y", T0), rec("a/../../b", "z", T0))));
            sink.flush();
        }
        assertEquals(3, files(dir).size());
        files(dir).forEach(f -> assertEquals(base, f.getParent(), f.toString()));
        assertEquals(3, allLines(base).size());
    }

    @Test
    void rotatesBySizeKeepingMaxFilesNamedByDayAndNumber() throws Exception {
        String date = "2025-07-11";
        List<LogRecord> all = recs("j", 60, T0);
        int lineBytes = lines(writeOne(all.get(0))).get(0).length() + 1;
        try (FileSink sink = sink(dir + "/out/{job}.log", settings(1024, 3, false, FsyncPolicy.INTERVAL, 8))) {
            for (int i = 0; i < all.size(); i += 7) {
                sink.write(batch(all.subList(i, Math.min(all.size(), i + 7))));
            }
            sink.flush();
        }
        int perFile = 1024 / lineBytes;
        int generations = (all.size() + perFile - 1) / perFile; // files written in all, the active one included
        List<String> names = files(dir.resolve("out")).stream().map(p -> p.getFileName().toString()).toList();
        List<String> expected = new ArrayList<>();
        for (int n = generations - 3; n < generations; n++) {
            expected.add("j.log." + date + "." + n);
        }
        expected.add("j.log");
        assertEquals(expected.stream().sorted().toList(), names);
        for (Path f : files(dir.resolve("out"))) {
            assertTrue(Files.size(f) <= 1024, f + " has " + Files.size(f) + " bytes");
        }
        // the kept files hold the newest lines, in order, without gaps
        List<String> kept = new ArrayList<>();
        for (int n = generations - 3; n < generations; n++) {
            kept.addAll(lines(dir.resolve("out/j.log." + date + "." + n)));
        }
        kept.addAll(lines(dir.resolve("out/j.log")));
        List<String> expectedIds = all.subList(all.size() - kept.size(), all.size()).stream().map(r -> r.id().hex()).toList();
        assertEquals(expectedIds, kept.stream().map(FileSinkTesting::idOf).toList());
    }

    private Path writeOne(LogRecord r) throws Exception {
        Path probe = Files.createTempDirectory(dir, "probe");
        try (FileSink sink = sink(probe + "/{job}.log", defaults())) {
            sink.write(batch(List.of(r)));
            sink.flush();
        }
        Path file = probe.resolve(r.jobId() + ".log");
        Path copy = Files.createTempFile("probe", ".log");
        Files.copy(file, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(file);
        Files.delete(probe);
        copy.toFile().deleteOnExit();
        return copy;
    }

    @Test
    void gzipsRotatedFilesReadablyAndEveryLineIsKeptExactlyOnce() throws Exception {
        List<LogRecord> all = new ArrayList<>(recs("j", 200, T0));
        try (FileSink sink = sink(dir + "/{job}.log", settings(2048, 0, true, FsyncPolicy.INTERVAL, 8))) {
            for (int i = 0; i < all.size(); i += 13) {
                sink.write(batch(all.subList(i, Math.min(all.size(), i + 13))));
            }
            sink.flush();
            sink.awaitHousekeeping();
        }
        List<Path> files = files(dir);
        assertTrue(files.size() > 10, files.toString());
        for (Path f : files) {
            String name = f.getFileName().toString();
            assertTrue(name.equals("j.log") || name.matches("j\\.log\\.2025-07-11\\.\\d+\\.gz"), name);
        }
        List<String> ids = allLines(dir).stream().map(FileSinkTesting::idOf).toList();
        assertEquals(all.size(), ids.size());
        assertEquals(ids(all), new HashSet<>(ids));
    }

    @Test
    void finishesACompressionThatACrashInterruptedAtTheNextRotation() throws Exception {
        // left by a crash: a rotated file, and a half-written .gz.tmp of it
        Files.writeString(dir.resolve("j.log.2025-07-10.1"), "{\"id\":\"old\"}\n");
        Files.writeString(dir.resolve("j.log.2025-07-10.1.gz.tmp"), "garbage");
        try (FileSink sink = sink(dir + "/{job}.log", settings(1024, 0, true, FsyncPolicy.INTERVAL, 8))) {
            sink.write(batch(recs("j", 10, T0)));
            sink.flush();
            sink.awaitHousekeeping();
        }
        Set<String> names = files(dir).stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        assertTrue(names.contains("j.log.2025-07-10.1.gz"), names.toString());
        assertFalse(names.contains("j.log.2025-07-10.1"), names.toString());
        assertFalse(names.contains("j.log.2025-07-10.1.gz.tmp"), names.toString());
        assertEquals(List.of("{\"id\":\"old\"}"), lines(dir.resolve("j.log.2025-07-10.1.gz")));
        assertEquals(11, allLines(dir).size());
    }

    @Test
    void rotatesAtUtcMidnightOfTheRecordTimestamps() throws Exception {
        List<LogRecord> day1 = recs("j", 3, Instant.parse("2025-07-11T23:59:57Z"));
        List<LogRecord> day2 = recs("j", 2, Instant.parse("2025-07-12T00:00:00Z"));
        try (FileSink sink = sink(dir + "/{job}.log", defaults())) {
            sink.write(batch(day1));
            sink.write(batch(day2));
            sink.flush();
        }
        assertEquals(List.copyOf(ids(day1)).stream().sorted().toList(),
                lines(dir.resolve("j.log.2025-07-11.1")).stream().map(FileSinkTesting::idOf).sorted().toList());
        assertEquals(2, lines(dir.resolve("j.log")).size());
    }

    @Test
    void rotatesAFileFoundFromYesterdayAfterARestart() throws Exception {
        try (FileSink sink = sink(dir + "/{job}.log", defaults())) {
            sink.write(batch(recs("j", 2, Instant.parse("2025-07-11T10:00:00Z"))));
        }
        try (FileSink sink = sink(dir + "/{job}.log", defaults())) {
            sink.write(batch(recs("j", 1, Instant.parse("2025-07-11T11:00:00Z"))));
            sink.write(batch(recs("j", 1, Instant.parse("2025-07-12T01:00:00Z"))));
        }
        assertEquals(3, lines(dir.resolve("j.log.2025-07-11.1")).size());
        assertEquals(1, lines(dir.resolve("j.log")).size());
    }

    @Test
    void endsALineCutShortByACrashBeforeAppending() throws Exception {
        Files.writeString(dir.resolve("j.log"), "{\"id\":\"cut short");
        try (FileSink sink = sink(dir + "/{job}.log", defaults())) {
            sink.write(batch(recs("j", 1, T0)));
        }
        List<String> lines = lines(dir.resolve("j.log"));
        assertEquals("{\"id\":\"cut short", lines.get(0));
        assertTrue(lines.get(1).startsWith("{\"id\":\""));
    }

    @Test
    void keepsEveryLineOfAHundredJobsWithFourOpenFiles() throws Exception {
        List<LogRecord> all = new ArrayList<>();
        try (FileSink sink = sink(dir + "/{job}.log", settings(100L << 20, 10, false, FsyncPolicy.INTERVAL, 4))) {
            for (int round = 0; round < 3; round++) {
                List<LogRecord> batch = new ArrayList<>();
                for (int job = 0; job < 100; job++) {
                    batch.addAll(recs("job-" + job, 2, T0.plusSeconds(round * 10L)).stream()
                            .map(r -> rec(r.jobId(), r.message() + " round " + batch.size(), r.timestamp())).toList());
                }
                sink.write(batch(batch));
                all.addAll(batch);
                assertTrue(sink.openFiles() <= 4);
            }
            sink.flush();
        }
        assertEquals(100, files(dir).size());
        List<String> ids = allLines(dir).stream().map(FileSinkTesting::idOf).toList();
        assertEquals(all.size(), ids.size());
        assertEquals(ids(all), new HashSet<>(ids));
        assertEquals(6, lines(dir.resolve("job-42.log")).size());
    }

    @Test
    void intervalSyncsInFlushNotInWrite() throws Exception {
        FileSinkTesting.CountingSyncer syncs = new FileSinkTesting.CountingSyncer();
        try (FileSink sink = sink(dir + "/{job}.log", defaults(), syncs)) {
            sink.write(batch(recs("a", 5, T0)));
            sink.write(batch(recs("b", 5, T0)));
            assertEquals(0, syncs.total.get());
            sink.flush();
            assertEquals(2, syncs.total.get()); // each file written since the last flush, once
            assertEquals(5, lines(dir.resolve("a.log")).size());
            sink.flush();
            assertEquals(2, syncs.total.get()); // nothing new: nothing to sync
        }
    }

    @Test
    void alwaysSyncsInEveryWrite() throws Exception {
        FileSinkTesting.CountingSyncer syncs = new FileSinkTesting.CountingSyncer();
        try (FileSink sink = sink(dir + "/{job}.log", settings(100L << 20, 10, false, FsyncPolicy.ALWAYS, 8), syncs)) {
            sink.write(batch(recs("a", 5, T0)));
            assertEquals(1, syncs.total.get());
            assertEquals(5, lines(dir.resolve("a.log")).size());
            sink.flush();
            assertEquals(1, syncs.total.get());
        }
    }

    @Test
    void neverSyncsButFlushHandsTheBytesToTheOs() throws Exception {
        FileSinkTesting.CountingSyncer syncs = new FileSinkTesting.CountingSyncer();
        try (FileSink sink = sink(dir + "/{job}.log", settings(100L << 20, 10, false, FsyncPolicy.NEVER, 1), syncs)) {
            sink.write(batch(recs("a", 5, T0)));
            sink.write(batch(recs("b", 5, T0))); // evicts a.log
            sink.flush();
            assertEquals(5, lines(dir.resolve("a.log")).size());
            assertEquals(5, lines(dir.resolve("b.log")).size());
        }
        assertEquals(0, syncs.total.get());
    }

    @Test
    void evictingAFileSyncsItUnderTheIntervalPolicy() throws Exception {
        FileSinkTesting.CountingSyncer syncs = new FileSinkTesting.CountingSyncer();
        try (FileSink sink = sink(dir + "/{job}.log", settings(100L << 20, 10, false, FsyncPolicy.INTERVAL, 1), syncs)) {
            sink.write(batch(recs("a", 5, T0)));
            sink.write(batch(recs("b", 5, T0)));
            assertEquals(1, syncs.total.get()); // a.log, on its way out
            sink.flush();
            assertEquals(2, syncs.total.get());
        }
    }

    @Test
    void createsFiles0640AndDirectories0750() throws Exception {
        try (FileSink sink = sink(dir + "/logs/{service}/{job}.log", defaults())) {
            sink.write(batch(recs("a", 1, T0)));
            sink.flush();
        }
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("logs/taskrunner/a.log"))));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("logs/taskrunner"))));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("logs"))));
    }

    @Test
    void anUnwritableDirectoryFailsRetriablyAndRecovers() throws Exception {
        Path logs = dir.resolve("logs");
        try (FileSink sink = sink(logs + "/{job}.log", defaults())) {
            assertTrue(sink.check().up(), sink.check().detail());
            // chmod does not stop root: a regular file where the directory should be does
            Files.delete(logs);
            Files.writeString(logs, "a regular file");
            RetriableSinkException e = assertThrows(RetriableSinkException.class, () -> sink.write(batch(recs("a", 3, T0))));
            assertTrue(e.getMessage().contains(logs.resolve("a.log").toString()), e.getMessage());
            SinkHealth down = sink.check();
            assertFalse(down.up());
            assertTrue(down.detail().contains(logs.toString()), down.detail());

            Files.delete(logs);
            Files.createDirectory(logs);
            sink.write(batch(recs("a", 3, T0)));
            sink.flush();
            assertTrue(sink.check().up());
        }
        assertEquals(3, lines(logs.resolve("a.log")).size());
    }

    @Test
    void aFileMovedAwayWhileOpenFailsTheFlushAndIsReopened() throws Exception {
        try (FileSink sink = sink(dir + "/{job}.log", defaults())) {
            sink.write(batch(recs("a", 2, T0)));
            Files.move(dir.resolve("a.log"), dir.resolve("moved.log"));
            assertThrows(RetriableSinkException.class, sink::flush);
            sink.write(batch(recs("a", 2, T0))); // the retry
            sink.flush();
        }
        assertEquals(2, lines(dir.resolve("a.log")).size());
        assertEquals(2, lines(dir.resolve("moved.log")).size());
    }

    @Test
    void checkCreatesAMissingBaseDirectory() {
        try (FileSink sink = sink(dir + "/not/yet/{job}.log", defaults())) {
            assertTrue(sink.check().up());
            assertTrue(Files.isDirectory(dir.resolve("not/yet")));
        }
    }
}
