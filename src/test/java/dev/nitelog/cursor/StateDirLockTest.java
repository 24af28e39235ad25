package dev.nitelog.cursor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateDirLockTest {

    @Test
    void refusesASecondLockOnTheSameDirectoryNamingTheDirectoryTheHolderAndTheFix(@TempDir Path dir) {
        Path state = dir.resolve("state");
        try (StateDirLock first = StateDirLock.acquire(state)) {
            CheckpointStoreException refused = assertThrows(CheckpointStoreException.class,
                    () -> StateDirLock.acquire(state));
            String message = refused.getMessage();
            assertFalse(message.contains("\n"), "one line: " + message);
            assertTrue(message.contains(state.toAbsolutePath().toString()), message);
            assertTrue(message.contains(StateDirLock.self()), "names the holder pid@host: " + message);
            assertTrue(message.contains("nitelog.state.dir"), "names the key to change: " + message);
            assertTrue(first.held(), "the refused attempt leaves the holder's lock alone");
        }
    }

    @Test
    void writesThePidAndHostOfTheHolderIntoTheLockFile(@TempDir Path dir) throws Exception {
        try (StateDirLock lock = StateDirLock.acquire(dir)) {
            assertEquals(dir.toAbsolutePath().resolve("nitelog.lock"), lock.file());
            assertEquals(ProcessHandle.current().pid() + "@", Files.readString(lock.file()).strip()
                    .replaceFirst("@.*", "@"));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lock.file())));
        }
    }

    @Test
    void isReleasedOnCloseSoTheNextProcessCanTakeIt(@TempDir Path dir) {
        StateDirLock first = StateDirLock.acquire(dir);
        first.close();
        assertFalse(first.held());
        try (StateDirLock second = StateDirLock.acquire(dir)) {
            assertTrue(second.held());
        }
    }

    @Test
    void aLockFileLeftByADeadProcessDoesNotBlock(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("nitelog.lock"), "999999@elsewhere\n"); // the file outlives a kill -9, its lock not
        try (StateDirLock lock = StateDirLock.acquire(dir)) {
            assertEquals(StateDirLock.self(), Files.readString(lock.file()).strip());
        }
    }
}
