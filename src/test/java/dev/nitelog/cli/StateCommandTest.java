package dev.nitelog.cli;

import dev.nitelog.cursor.CheckpointStoreException;
import dev.nitelog.cursor.Cursors;
import dev.nitelog.cursor.FileCheckpointStore;
import dev.nitelog.cursor.StateDirLock;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code nitelog state}: what an operator sees of the checkpoints, and reset as the one way to re-ship a job. */
class StateCommandTest {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path state;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void listsEveryJobWithItsStateSinksAndNewestLineAndTheUnreadableOnes() throws IOException {
        Cursors cursors = new Cursors(Duration.ofMinutes(2));
        commit(cursors, "job-live", "kafka", 5);
        commit(cursors, "job-live", "search", 3);
        commit(cursors, "job-done", "kafka", 2);
        cursors.forJob("job-done").retire(T0.plusSeconds(60));
        save(cursors);
        Path damaged = jobs().resolve(FileCheckpointStore.fileName("job-broken"));
        Files.write(damaged, new byte[]{1, 2, 3});

        assertEquals(0, run(Command.StateAction.LIST, null));

        String listing = out.toString(StandardCharsets.UTF_8);
        assertTrue(listing.matches("(?s).*job-live +live +kafka,search +2026-03-01T10:00:04Z .*"), listing);
        assertTrue(listing.matches("(?s).*job-done +retired 2026-03-01T10:01:00Z +kafka +2026-03-01T10:00:01Z .*"), listing);
        assertTrue(listing.contains("UNREADABLE") && listing.contains(damaged.getFileName().toString()), listing);
        assertTrue(listing.contains("3 jobs in "), listing);
    }

    @Test
    void showsOneJobsProgressPerSinkAndStream() throws IOException {
        Cursors cursors = new Cursors(Duration.ofMinutes(2));
        commit(cursors, "job-1", "kafka", 4);
        save(cursors);

        assertEquals(0, run(Command.StateAction.SHOW, "job-1"));

        String shown = out.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("job:    job-1"), shown);
        assertTrue(shown.matches("(?s).*kafka +taskrunner +task-1 +main +2026-03-01T10:00:03Z +4\\R.*"), shown);
        assertEquals(1, run(Command.StateAction.SHOW, "no-such-job"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no job no-such-job in "), err.toString());
    }

    /** The fix the daemon names when a checkpoint and its previous copy are both unreadable. */
    @Test
    void resetOfAnUnreadableCheckpointLetsTheDaemonStartAgain() throws IOException {
        Cursors cursors = new Cursors(Duration.ofMinutes(2));
        commit(cursors, "job-1", "kafka", 4);
        commit(cursors, "job-2", "kafka", 4);
        save(cursors);
        Path damaged = jobs().resolve(FileCheckpointStore.fileName("job-2"));
        Files.write(damaged, new byte[]{1, 2, 3});
        assertThrows(CheckpointStoreException.class, () -> FileCheckpointStore.open(state).load());

        assertEquals(0, run(Command.StateAction.RESET, damaged.getFileName().toString()));

        assertEquals(List.of("job-1"), List.copyOf(FileCheckpointStore.open(state).load().allJobs()));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("shipped again from its first line"), out.toString());
    }

    @Test
    void resetForgetsAJobByIdAndItsPreviousCopy() throws IOException {
        Cursors cursors = new Cursors(Duration.ofMinutes(2));
        FileCheckpointStore store = FileCheckpointStore.open(state);
        commit(cursors, "job-1", "kafka", 4);
        store.save(cursors.snapshotCommitted());
        commit(cursors, "job-1", "kafka", 6);
        store.save(cursors.snapshotCommitted(store.savedVersion()));

        assertEquals(0, run(Command.StateAction.RESET, "job-1"));

        try (var files = Files.list(jobs())) {
            assertEquals(List.of(), files.toList(), "neither the checkpoint nor its previous copy is left");
        }
    }

    @Test
    void resetIsRefusedWhileADaemonHoldsTheStateDirectory() throws IOException {
        Cursors cursors = new Cursors(Duration.ofMinutes(2));
        commit(cursors, "job-1", "kafka", 4);
        save(cursors);
        try (StateDirLock daemon = StateDirLock.acquire(state)) {
            assertEquals(1, run(Command.StateAction.RESET, "job-1"));
        }
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("is in use by another nitelog"), err.toString());
        assertFalse(FileCheckpointStore.open(state).load().allJobs().isEmpty(), "nothing was reset");
    }

    private int run(Command.StateAction action, String target) {
        return new StateCommand(state).run(new Command.StateOptions(action, Optional.ofNullable(target)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path jobs() {
        return state.resolve("jobs");
    }

    private void save(Cursors cursors) throws IOException {
        FileCheckpointStore.open(state).save(cursors.snapshotCommitted());
    }

    /** Commits {@code lines} lines of task-1, one a second from T0. */
    private static void commit(Cursors cursors, String job, String sink, int lines) {
        List<LogRecord> records = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            Instant at = T0.plusSeconds(i);
            records.add(new LogRecord(RecordId.of(job, Service.TASKRUNNER, "task-1", "main", at, "line " + i, Level.INFO, 0), at,
                    job, job, Service.TASKRUNNER, "task-1", "main", Level.INFO, "line " + i));
        }
        cursors.commit(sink, cursors.forJob(job).offer(sink, records).records());
    }
}
