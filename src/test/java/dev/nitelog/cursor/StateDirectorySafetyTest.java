package dev.nitelog.cursor;

import dev.nitelog.cursor.Lines.Line;
import dev.nitelog.record.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Owner-only permissions whatever the umask, and no symbolic link inside the state directory followed. */
class StateDirectorySafetyTest {
    private static final Duration LATENESS = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void checkpointsAre0600InA0700DirectoryEvenWhenTheDirectoryWasCreatedWorldReadable() throws IOException {
        Path state = dir.resolve("state");
        // what a permissive umask (or an older version) leaves behind
        Files.createDirectories(state.resolve("jobs"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(state.resolve("jobs"), PosixFilePermissions.fromString("rwxr-xr-x"));

        FileCheckpointStore store = FileCheckpointStore.open(state);
        Cursors cursors = new Cursors(LATENESS);
        commitLines(cursors, "job", "out", 0, 3);
        store.save(cursors.snapshotCommitted(store.savedVersion()));

        assertEquals("rwx------", perms(state));
        assertEquals("rwx------", perms(state.resolve("jobs")));
        Path checkpoint = state.resolve("jobs").resolve(FileCheckpointStore.fileName("job"));
        assertEquals("rw-------", perms(checkpoint));
    }

    @Test
    void refusesAJobsDirectoryThatIsASymbolicLinkAndWritesNothingThrough() throws IOException {
        Path state = Files.createDirectories(dir.resolve("state"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(state.resolve("jobs"), elsewhere);

        CheckpointStoreException refused = assertThrows(CheckpointStoreException.class,
                () -> FileCheckpointStore.open(state));
        assertTrue(refused.getMessage().contains("symbolic link"), refused.getMessage());
        assertTrue(refused.getMessage().contains(state.resolve("jobs").toString()), refused.getMessage());
        try (Stream<Path> files = Files.list(elsewhere)) {
            assertEquals(0, files.count(), "nothing created through the link");
        }
    }

    @Test
    void aCheckpointThatIsASymbolicLinkIsNeverFollowedAndStopsTheStartNamingIt() throws IOException {
        // a valid checkpoint outside the state directory, linked in at a job's checkpoint path
        Path other = dir.resolve("other");
        FileCheckpointStore outside = FileCheckpointStore.open(other);
        Cursors written = new Cursors(LATENESS);
        commitLines(written, "job", "out", 0, 3);
        outside.save(written.snapshotCommitted(outside.savedVersion()));
        Path target = other.resolve("jobs").resolve(FileCheckpointStore.fileName("job"));
        byte[] before = Files.readAllBytes(target);

        Path state = dir.resolve("state");
        FileCheckpointStore store = FileCheckpointStore.open(state);
        Path link = state.resolve("jobs").resolve(FileCheckpointStore.fileName("job"));
        Files.createSymbolicLink(link, target);

        CheckpointStoreException refused = org.junit.jupiter.api.Assertions.assertThrows(CheckpointStoreException.class,
                store::load);

        assertTrue(refused.getMessage().contains("a symbolic link, which nitelog never makes and does not follow"),
                refused.getMessage());
        assertTrue(Files.isSymbolicLink(link), "left for the operator to look at");
        assertTrue(Files.isRegularFile(target));
        assertArrayEquals(before, Files.readAllBytes(target));
    }

    @Test
    void aLinkPlantedAtACheckpointOrTemporaryPathIsReplacedNeverWrittenThrough() throws IOException {
        Path state = dir.resolve("state");
        FileCheckpointStore store = FileCheckpointStore.open(state);
        Path precious = Files.writeString(dir.resolve("precious.txt"), "keep me");
        Path jobs = state.resolve("jobs");
        String name = FileCheckpointStore.fileName("job");
        Files.createSymbolicLink(jobs.resolve(name), precious);
        Files.createSymbolicLink(jobs.resolve("." + name + ".tmp"), precious); // a temporary name anyone can predict

        Cursors cursors = new Cursors(LATENESS);
        commitLines(cursors, "job", "out", 0, 3);
        store.save(cursors.snapshotCommitted(store.savedVersion()));

        assertEquals("keep me", Files.readString(precious));
        assertTrue(Files.isRegularFile(jobs.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        Cursors restarted = new Cursors(LATENESS);
        restarted.restore(FileCheckpointStore.open(state).load());
        assertTrue(restarted.knows("job"));
    }

    @Test
    void temporaryCheckpointNamesCarryThePidSoAnotherProcessNeverTakesOrDeletesThem() throws IOException {
        Path state = dir.resolve("state");
        FileCheckpointStore store = FileCheckpointStore.open(state);
        Path jobs = state.resolve("jobs");
        String name = FileCheckpointStore.fileName("job");
        // another process's write in progress under a pid-less name must not be truncated by ours
        Path theirs = Files.writeString(jobs.resolve("." + name + ".tmp"), "half written by pid 1");

        Cursors cursors = new Cursors(LATENESS);
        commitLines(cursors, "job", "out", 0, 3);
        store.save(cursors.snapshotCommitted(store.savedVersion()));

        assertEquals("half written by pid 1", Files.readString(theirs));
    }

    private static String perms(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static void commitLines(Cursors cursors, String job, String sink, long fromSecond, int count) {
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(Line.of(job, fromSecond + i, "main", "line " + i));
        }
        List<LogRecord> poll = Lines.response(lines);
        cursors.commit(sink, cursors.takeUnsent(job, sink, poll).records());
    }
}
