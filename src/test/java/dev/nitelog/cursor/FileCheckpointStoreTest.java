package dev.nitelog.cursor;

import dev.nitelog.cursor.Lines.Line;
import dev.nitelog.record.LogRecord;
import dev.nitelog.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileCheckpointStoreTest {

    private static final Duration LATENESS = Duration.ofMinutes(2);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-07-12T08:30:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void roundTripRestoresCommittedCursorsAndTombstones() throws IOException {
        Cursors cursors = new Cursors(LATENESS);
        List<LogRecord> poll = commitLines(cursors, "job-a", "kafka", 0, 50);
        commitLines(cursors, "job-a", "es", 0, 10);
        commitLines(cursors, "job-b", "kafka", 100, 5);
        cursors.retire("job-b", Instant.parse("2025-07-12T08:00:00Z"));
        FileCheckpointStore store = FileCheckpointStore.open(dir);
        store.save(cursors.snapshotCommitted(store.savedVersion()));

        Cursors restarted = new Cursors(LATENESS);
        restarted.restore(FileCheckpointStore.open(dir).load());

        assertEquals(withoutVersions(cursors.snapshotCommitted()), withoutVersions(restarted.snapshotCommitted()));
        assertTrue(restarted.takeUnsent("job-a", "kafka", poll).isEmpty());
        assertTrue(restarted.isRetired("job-b"));
        assertEquals(cursors.skipFloor("job-a", List.of("kafka", "es")), restarted.skipFloor("job-a", List.of("kafka", "es")));
    }

    @Test
    void replacesFilesAtomicallyLeavingNoTemporaryFiles() throws IOException {
        Cursors cursors = new Cursors(LATENESS);
        FileCheckpointStore store = FileCheckpointStore.open(dir);
        for (int round = 0; round < 5; round++) {
            commitLines(cursors, "job", "out", round * 10, 10);
            store.save(cursors.snapshotCommitted(store.savedVersion()));
        }

        String name = FileCheckpointStore.fileName("job");
        assertEquals(List.of(name, name + ".prev"), fileNames(), "the checkpoint and the copy it replaced");
        assertEquals(5, store.filesWritten());
    }

    @Test
    void writesOnlyTheJobsThatChanged() throws IOException {
        Cursors cursors = new Cursors(LATENESS);
        commitLines(cursors, "a", "out", 0, 3);
        commitLines(cursors, "b", "out", 0, 3);
        FileCheckpointStore store = FileCheckpointStore.open(dir);
        store.save(cursors.snapshotCommitted());
        assertEquals(2, store.filesWritten());

        commitLines(cursors, "b", "out", 10, 3);
        store.save(cursors.snapshotCommitted()); // a full snapshot: the store still skips "a"
        store.save(cursors.snapshotCommitted(store.savedVersion()));

        assertEquals(3, store.filesWritten());
        assertEquals(cursors.version(), store.savedVersion());
    }

    private static final List<UnaryOperator<byte[]>> DAMAGES = List.of(
            bytes -> flip(bytes, bytes.length / 2),                       // a bit flip: checksum
            bytes -> java.util.Arrays.copyOf(bytes, bytes.length - 7),    // truncated
            bytes -> flip(bytes, 0),                                       // bad magic
            bytes -> new byte[0],                                          // empty
            bytes -> {                                                     // a newer nitelog's format
                bytes[5] = 4;
                return bytes;
            });

    /** Without the copy, the job would start from an empty cursor and be shipped again from its first line. */
    @Test
    void aDamagedCheckpointFallsBackToItsPreviousCopy() throws IOException {
        for (UnaryOperator<byte[]> damage : DAMAGES) {
            Path state = Files.createTempDirectory(dir, "state");
            Cursors cursors = new Cursors(LATENESS);
            FileCheckpointStore store = FileCheckpointStore.open(state);
            commitLines(cursors, "good", "out", 0, 3);
            commitLines(cursors, "bad", "out", 0, 3);
            store.save(cursors.snapshotCommitted());
            Map<String, JobSnapshot> first = withoutVersions(cursors.snapshotCommitted());
            commitLines(cursors, "bad", "out", 10, 3);
            store.save(cursors.snapshotCommitted(store.savedVersion()));
            Path bad = state.resolve("jobs").resolve(FileCheckpointStore.fileName("bad"));
            Files.write(bad, damage.apply(Files.readAllBytes(bad)));

            CursorSnapshot loaded;
            List<String> warnings;
            try (LogCapture log = LogCapture.of(FileCheckpointStore.class, Level.WARNING)) {
                loaded = FileCheckpointStore.open(state, CLOCK, true).load();
                warnings = log.messages();
            }

            assertEquals(first, withoutVersions(loaded), "the good job as saved, the damaged one as its previous copy");
            assertTrue(Files.exists(bad.resolveSibling(bad.getFileName() + ".corrupt-20250712T083000.000Z")),
                    "the damaged file is kept aside");
            assertEquals(1, warnings.size(), warnings.toString());
            assertTrue(warnings.get(0).contains("using its previous copy"), warnings.get(0));
        }
    }

    @Test
    void refusesToStartWhenNoGoodCopyExistsNamingTheFileAndTheFix() throws IOException {
        for (UnaryOperator<byte[]> damage : DAMAGES) {
            Path state = Files.createTempDirectory(dir, "state");
            Cursors cursors = new Cursors(LATENESS);
            commitLines(cursors, "job", "out", 0, 3);
            FileCheckpointStore.open(state).save(cursors.snapshotCommitted()); // one write: no previous copy
            Path file = state.resolve("jobs").resolve(FileCheckpointStore.fileName("job"));
            byte[] damaged = damage.apply(Files.readAllBytes(file));
            Files.write(file, damaged);

            CheckpointStoreException refused = assertThrows(CheckpointStoreException.class,
                    () -> FileCheckpointStore.open(state, CLOCK, true).load());

            assertTrue(refused.getMessage().startsWith("Checkpoint " + file + " is "), refused.getMessage());
            assertTrue(refused.getMessage().contains("its previous copy is missing"), refused.getMessage());
            assertTrue(refused.getMessage().contains("run `nitelog state reset " + file.getFileName() + "`"),
                    refused.getMessage());
            assertArrayEquals(damaged, Files.readAllBytes(file), "left as it was, for the operator");
        }
    }

    @Test
    void aCheckpointFromANewerVersionSaysSo() throws IOException {
        Cursors cursors = new Cursors(LATENESS);
        commitLines(cursors, "job", "out", 0, 3);
        FileCheckpointStore.open(dir).save(cursors.snapshotCommitted());
        Path file = dir.resolve("jobs").resolve(FileCheckpointStore.fileName("job"));
        byte[] bytes = Files.readAllBytes(file);
        bytes[5] = 4; // format version 4
        Files.write(file, bytes);

        CheckpointStoreException refused = assertThrows(CheckpointStoreException.class,
                () -> FileCheckpointStore.open(dir, CLOCK, true).load());
        assertTrue(refused.getMessage().contains("written by a newer nitelog (checkpoint format 4, this version reads up to 3)"),
                refused.getMessage());
    }

    /** A crash between keeping the previous copy and renaming the new file leaves only the previous copy. */
    @Test
    void aPreviousCopyAloneIsUsed() throws IOException {
        Cursors cursors = new Cursors(LATENESS);
        commitLines(cursors, "job", "out", 0, 3);
        FileCheckpointStore store = FileCheckpointStore.open(dir);
        store.save(cursors.snapshotCommitted());
        Map<String, JobSnapshot> saved = withoutVersions(cursors.snapshotCommitted());
        Path file = dir.resolve("jobs").resolve(FileCheckpointStore.fileName("job"));
        Files.move(file, FileCheckpointStore.previous(file));

        assertEquals(saved, withoutVersions(FileCheckpointStore.open(dir, CLOCK, true).load()));
    }

    @Test
    void namesThePathAndTheFixWhenTheDirectoryIsNotWritable() throws IOException {
        Path regularFile = Files.writeString(dir.resolve("state"), "not a directory");
        for (Path bad : List.of(regularFile, regularFile.resolve("below"))) {
            CheckpointStoreException e = assertThrows(CheckpointStoreException.class, () -> FileCheckpointStore.open(bad));

            assertEquals("nitelog.state.dir=" + bad.toAbsolutePath()
                    + " is not a writable directory: create it or point nitelog.state.dir at one", e.getMessage());
        }
    }

    @Test
    void savesAndLoadsThousandsOfJobs() throws IOException {
        Cursors cursors = new Cursors(LATENESS);
        for (int job = 0; job < 3000; job++) {
            commitLines(cursors, "job-" + job, "out", job, 10);
        }
        // without fsync: one costs ~8 ms on the CI disk, 3000 would take the test past 20 s
        FileCheckpointStore store = FileCheckpointStore.open(dir, Clock.systemUTC(), false);
        store.save(cursors.snapshotCommitted(store.savedVersion()));

        CursorSnapshot loaded = FileCheckpointStore.open(dir).load();

        assertEquals(3000, loaded.jobs().size());
        assertEquals(withoutVersions(cursors.snapshotCommitted()), withoutVersions(loaded));
    }

    @Test
    void deletesTheFilesOfPurgedJobs() throws IOException {
        Cursors cursors = new Cursors(LATENESS);
        commitLines(cursors, "kept", "out", 0, 3);
        commitLines(cursors, "done", "out", 0, 3);
        cursors.retire("done", Instant.parse("2025-07-01T00:00:00Z"));
        FileCheckpointStore store = FileCheckpointStore.open(dir);
        store.save(cursors.snapshotCommitted(store.savedVersion()));
        assertEquals(2, fileNames().size());

        cursors.purgeRetiredBefore(Instant.parse("2025-07-05T00:00:00Z"));
        store.save(cursors.snapshotCommitted(store.savedVersion()));

        assertEquals(List.of(FileCheckpointStore.fileName("kept")), fileNames());
    }

    @Test
    void keepsEveryJobIdInsideTheDirectory() throws IOException {
        Cursors cursors = new Cursors(LATENESS);
        List<String> ids = List.of("../../etc/passwd", "..", "a/b", "a_b", "C:\\x", "ünïcødé", "x".repeat(500));
        for (String id : ids) {
            commitLines(cursors, id, "out", 0, 1);
        }
        FileCheckpointStore.open(dir).save(cursors.snapshotCommitted());

        assertEquals(ids.size(), fileNames().size());
        assertEquals(Set.copyOf(ids), FileCheckpointStore.open(dir).load().jobs().keySet());
        try (Stream<Path> outside = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("jobs")), outside.toList());
        }
    }

    @Test
    void removesTemporaryFilesLeftByACrash() throws IOException {
        FileCheckpointStore store = FileCheckpointStore.open(dir);
        Files.write(store.directory().resolve(".x.ckpt.tmp"), new byte[]{1, 2});

        assertTrue(FileCheckpointStore.open(dir).load().jobs().isEmpty());
        assertEquals(List.of(), fileNames());
    }

    @Test
    void encodingIsStable() throws CheckpointCodec.UnreadableCheckpoint {
        Cursors cursors = new Cursors(LATENESS);
        commitLines(cursors, "job", "out", 0, 4);
        JobSnapshot job = cursors.snapshotCommitted().jobs().get("job");
        byte[] bytes = CheckpointCodec.encode(job);

        assertArrayEquals(bytes, CheckpointCodec.encode(CheckpointCodec.decode(bytes)));
        // magic+version, job id, retired, sink count, sink name, no format-1 cursor, stream count,
        // service, has task, task id, container, high water, pruned mark, id count, 4 ids, ids
        // without the level until, CRC
        assertEquals(6 + 4 + 3 + 1 + 4 + 4 + 3 + 1 + 4 + 4 + 10 + 1 + 4 + 6 + 4 + 4 + 8 + 8 + 4 + 4 * 24 + 8 + 4,
                bytes.length);
    }

    private static List<LogRecord> commitLines(Cursors cursors, String job, String sink, long fromSecond, int count) {
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(Line.of(job, fromSecond + i, "main", "line " + i));
        }
        List<LogRecord> poll = Lines.response(lines);
        cursors.commit(sink, cursors.takeUnsent(job, sink, poll).records());
        return poll;
    }

    private static Map<String, JobSnapshot> withoutVersions(CursorSnapshot snapshot) {
        return snapshot.jobs().values().stream().collect(Collectors.toMap(JobSnapshot::jobId,
                job -> new JobSnapshot(job.jobId(), 0, job.retiredAt(), job.sinks())));
    }

    private List<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("jobs"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static byte[] flip(byte[] bytes, int at) {
        bytes[at] ^= 0x10;
        return bytes;
    }
}
