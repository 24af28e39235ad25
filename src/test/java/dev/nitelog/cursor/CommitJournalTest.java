package dev.nitelog.cursor;

import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommitJournalTest {
    private static final String BOOT = "6d0e5f44-0b0c-4f7a-9e57-1d5b0c5e2a11";
    private static final String OTHER_BOOT = "0a1b2c3d-0000-4000-8000-000000000000";
    private static final List<String> SINKS = List.of("archive", "search");

    private final Clock clock = Clock.fixed(Instant.parse("2026-05-01T10:00:00Z"), ZoneOffset.UTC);

    private static List<LogRecord> batch(String job, int from, int to) {
        List<LogRecord> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Service service = i % 3 == 0 ? Service.PARTITIONER : Service.TASKRUNNER;
            String task = service == Service.PARTITIONER ? null : "task-" + (i % 2);
            Instant at = Lines.T0.plusNanos(1_000_003L * i);
            records.add(new LogRecord(RecordId.of(job, service, task, "main", at, "line " + i, Level.INFO, 0), at,
                    job, job, service, task, i % 5 == 0 ? "" : "main", Level.WARN, "line " + i));
        }
        return records;
    }

    private CommitJournal open(Path dir, String boot) {
        return CommitJournal.open(dir, boot, SINKS, clock);
    }

    /** What a cursor reads of a record; the rest (message, level, name) the journal does not keep. */
    private static List<List<Object>> identities(List<LogRecord> records) {
        return records.stream().map(r -> List.<Object>of(r.id(), r.timestamp(), r.jobId(), r.service(),
                String.valueOf(r.taskId()), r.container())).toList();
    }

    @Test
    void aBatchFlushedLaterIsRecoveredFlushedWithEveryIdentityField(@TempDir Path dir) {
        List<LogRecord> first = batch("job-a", 0, 40);
        List<LogRecord> second = batch("job-b", 40, 45);
        try (CommitJournal journal = open(dir, BOOT)) {
            journal.written("archive", first);
            journal.written("archive", second);
            journal.flushed("archive");
        }
        List<JournaledBatch> recovered = open(dir, OTHER_BOOT).recovered();
        assertEquals(2, recovered.size());
        assertEquals(identities(first), identities(recovered.get(0).records()));
        assertEquals(identities(second), identities(recovered.get(1).records()));
        assertTrue(recovered.stream().allMatch(b -> b.state() == JournaledBatch.State.FLUSHED && b.sink().equals("archive")));
    }

    @Test
    void anUnflushedBatchCountsAsWrittenThisBootOnlyUnderTheSameKnownBootId(@TempDir Path dir) {
        try (CommitJournal journal = open(dir, BOOT)) {
            journal.written("search", batch("job", 0, 10));
        }
        assertEquals(JournaledBatch.State.WRITTEN_THIS_BOOT, open(dir, BOOT).recovered().get(0).state());
        assertEquals(JournaledBatch.State.WRITTEN_EARLIER_BOOT, open(dir, OTHER_BOOT).recovered().get(0).state());

        Path unknown = dir.resolve("unknown");
        try (CommitJournal journal = open(unknown, BootId.UNKNOWN)) {
            journal.written("search", batch("job", 0, 10));
        }
        assertEquals(JournaledBatch.State.WRITTEN_EARLIER_BOOT, open(unknown, BootId.UNKNOWN).recovered().get(0).state(),
                "without a boot id no written batch is trusted as this boot's");
    }

    @Test
    void aFlushCoversOnlyItsOwnSinkAndARollBackDropsWhatCameBefore(@TempDir Path dir) {
        try (CommitJournal journal = open(dir, BOOT)) {
            journal.written("archive", batch("job", 0, 10));
            journal.written("search", batch("job", 0, 10));
            journal.rolledBack("archive");
            journal.written("archive", batch("job", 10, 20));
            journal.flushed("search");
        }
        List<JournaledBatch> recovered = open(dir, BOOT).recovered();
        assertEquals(2, recovered.size(), recovered.toString());
        JournaledBatch search = recovered.stream().filter(b -> b.sink().equals("search")).findFirst().orElseThrow();
        JournaledBatch archive = recovered.stream().filter(b -> b.sink().equals("archive")).findFirst().orElseThrow();
        assertEquals(JournaledBatch.State.FLUSHED, search.state());
        assertEquals(JournaledBatch.State.WRITTEN_THIS_BOOT, archive.state());
        assertEquals(identities(batch("job", 10, 20)), identities(archive.records()));
    }

    @Test
    void aTornLastFrameIsIgnoredAndWhatCameBeforeItCounts(@TempDir Path dir) throws IOException {
        try (CommitJournal journal = open(dir, BOOT)) {
            journal.written("archive", batch("job", 0, 10));
            journal.written("archive", batch("job", 10, 20));
        }
        Path segment = onlySegment(dir);
        byte[] bytes = Files.readAllBytes(segment);
        Files.write(segment, java.util.Arrays.copyOf(bytes, bytes.length - 7)); // the kill cut the last frame
        List<JournaledBatch> recovered = open(dir, BOOT).recovered();
        assertEquals(1, recovered.size());
        assertEquals(identities(batch("job", 0, 10)), identities(recovered.get(0).records()));
    }

    @Test
    void afterADamagedFrameNothingLaterOfThatRunCountsNotEvenAFlushInItsNextSegment(@TempDir Path dir)
            throws IOException {
        try (CommitJournal journal = open(dir, OTHER_BOOT)) {
            journal.written("archive", batch("job", 0, 10));
            journal.written("archive", batch("job", 10, 20));
            journal.rotate();
            journal.flushed("archive");
        }
        Path first;
        try (Stream<Path> files = Files.list(dir.resolve(CommitJournal.DIR))) {
            first = files.sorted().findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(first);
        bytes[bytes.length - 30] ^= 0x40; // a page the crash lost, inside the second batch
        Files.write(first, bytes);
        List<JournaledBatch> recovered = open(dir, BOOT).recovered();
        assertEquals(1, recovered.size(), "only the batch before the damage");
        assertEquals(JournaledBatch.State.WRITTEN_EARLIER_BOOT, recovered.get(0).state(),
                "the flush marker after the damage does not count");
    }

    @Test
    void aFlushInALaterSegmentOfTheSameRunCoversBatchesOfAnEarlierOne(@TempDir Path dir) {
        Instant written;
        try (CommitJournal journal = open(dir, BOOT)) {
            journal.written("archive", batch("job", 0, 10));
            journal.rotate();
            journal.written("archive", batch("job", 10, 20));
            journal.flushed("archive");
            written = clock.instant();
        }
        List<JournaledBatch> recovered = open(dir, OTHER_BOOT).recovered();
        assertEquals(2, recovered.size());
        assertTrue(recovered.stream().allMatch(b -> b.state() == JournaledBatch.State.FLUSHED));
        assertEquals(written, recovered.get(0).since(), "since the run began");
    }

    @Test
    void aReleaseDeletesTheSegmentsBeforeTheRotationButKeepsOnesHoldingUnflushedBatches(@TempDir Path dir)
            throws IOException {
        try (CommitJournal journal = open(dir, BOOT)) {
            journal.written("archive", batch("job", 0, 10));
            journal.flushed("archive");
            journal.written("search", batch("job", 0, 10)); // not flushed when the snapshot is taken
            journal.release(journal.rotate());
            assertEquals(2, segments(dir), "the first segment holds a batch no snapshot has yet");

            journal.flushed("search");
            journal.release(journal.rotate());
            assertEquals(1, segments(dir));
            journal.release(journal.rotate());
            assertEquals(1, segments(dir), "an idle journal makes no new segment per checkpoint");
        }
        assertEquals(List.of(), open(dir, BOOT).recovered());
    }

    @Test
    void anEarlierRunsSegmentsGoWithTheFirstCheckpointOfTheNextRun(@TempDir Path dir) throws IOException {
        try (CommitJournal journal = open(dir, BOOT)) {
            journal.written("archive", batch("job", 0, 10));
        }
        try (CommitJournal journal = open(dir, BOOT)) {
            assertEquals(1, journal.recovered().size());
            assertEquals(2, segments(dir));
            journal.release(journal.rotate());
            assertEquals(1, segments(dir));
        }
    }

    @Test
    void aSegmentFromAnotherProgramIsIgnored(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve(CommitJournal.DIR));
        Files.writeString(dir.resolve(CommitJournal.DIR).resolve(CommitJournal.name(7)), "not a journal at all");
        try (CommitJournal journal = open(dir, BOOT)) {
            assertEquals(List.of(), journal.recovered());
            journal.written("archive", batch("job", 0, 3));
        }
        assertEquals(1, open(dir, BOOT).recovered().size(), "the next segment is numbered after it");
    }

    @Test
    void theBootIdIsReadTrimmedAndUnknownWhereThereIsNone(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("boot_id");
        Files.writeString(file, BOOT + "\n");
        assertEquals(BOOT, BootId.read(file));
        assertEquals(BootId.UNKNOWN, BootId.read(dir.resolve("missing")));
        assertTrue(!BootId.same(BootId.UNKNOWN, BootId.UNKNOWN));
    }

    private static Path onlySegment(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(CommitJournal.DIR))) {
            List<Path> all = files.toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    private static long segments(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve(CommitJournal.DIR))) {
            return files.count();
        }
    }
}
