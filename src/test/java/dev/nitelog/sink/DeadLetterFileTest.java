package dev.nitelog.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadLetterFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void keepsTheRecordTheSinkAndTheReasonAsOneJsonLine(@TempDir Path dir) throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
        LogRecord record = RecordEncodingTest.record(Service.TASKRUNNER, "t1", "main", "too big", Instant.parse("2025-07-11T16:29:35Z"));
        new DeadLetterFile(dir, clock).forSink("search").reject(record, "400 mapper_parsing_exception: failed to parse");
        JsonNode line = JSON.readTree(Files.readString(dir.resolve("search.jsonl")));
        assertEquals("2026-01-02T03:04:05.000000000Z", line.get("time").asText());
        assertEquals("search", line.get("sink").asText());
        assertEquals("400 mapper_parsing_exception: failed to parse", line.get("reason").asText());
        assertEquals(record.id().hex(), line.get("record").get("id").asText());
        assertEquals("too big", line.get("record").get("message").asText());
    }

    private static LogRecord record(int i) {
        return RecordEncodingTest.record(Service.ASSEMBLER, null, "", "message " + i, Instant.ofEpochSecond(i));
    }

    /** The record ids in a sink's files, oldest first. */
    private static List<String> keptIds(Path dir, String sink) throws Exception {
        List<String> names = new ArrayList<>();
        for (int n = 1; Files.exists(dir.resolve(sink + ".jsonl." + n)); n++) {
            names.add(0, sink + ".jsonl." + n);
        }
        names.add(sink + ".jsonl");
        List<String> kept = new ArrayList<>();
        for (String name : names) {
            if (Files.exists(dir.resolve(name))) {
                for (String line : Files.readAllLines(dir.resolve(name))) {
                    kept.add(JSON.readTree(line).get("record").get("id").asText());
                }
            }
        }
        return kept;
    }

    @Test
    void rotatesBySizeWithoutEverDeletingADeadLetter(@TempDir Path dir) throws Exception {
        DeadLetters letters = new DeadLetterFile(dir, Clock.systemUTC(), 2_000, 1L << 20).forSink("k");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            LogRecord record = record(i);
            letters.reject(record, "reason " + i);
            ids.add(record.id().hex());
        }
        assertTrue(Files.exists(dir.resolve("k.jsonl.4")), "rotated more than the old limit of three files");
        assertEquals(ids, keptIds(dir, "k"), "every dead letter, in order");
    }

    @Test
    void refusesADeadLetterPastMaxBytesRetriablyInsteadOfDroppingTheOldest(@TempDir Path dir) throws Exception {
        DeadLetters letters = new DeadLetterFile(dir, Clock.systemUTC(), 1_000, 3_000).forSink("k");
        List<String> ids = new ArrayList<>();
        RetriableSinkException refused = null;
        for (int i = 0; i < 60 && refused == null; i++) {
            LogRecord record = record(i);
            try {
                letters.reject(record, "reason " + i);
                ids.add(record.id().hex());
            } catch (RetriableSinkException e) {
                refused = e;
            }
        }
        assertTrue(refused != null, "the limit was reached");
        assertTrue(refused.getMessage().contains("nitelog.dead-letter.max-bytes=3000"), refused.getMessage());
        assertEquals(ids, keptIds(dir, "k"), "every accepted dead letter is still there");
        long total;
        try (var files = Files.list(dir)) {
            total = files.mapToLong(f -> f.toFile().length()).sum();
        }
        assertTrue(total <= 3_000, "never more than max-bytes on disk: " + total);

        // the operator reads and moves the files away: the same instance accepts dead letters again
        Path archive = Files.createDirectories(dir.getParent().resolve(dir.getFileName() + "-read"));
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.move(f, archive.resolve(f.getFileName()));
            }
        }
        letters.reject(record(100), "after the cleanup");
        assertEquals(List.of(record(100).id().hex()), keptIds(dir, "k"));
    }

    @Test
    void deadLettersAre0600InA0700DirectoryWhateverTheUmask(@TempDir Path dir) throws Exception {
        Path letters = dir.resolve("dead-letters");
        Files.createDirectory(letters);
        Files.setPosixFilePermissions(letters, PosixFilePermissions.fromString("rwxrwxrwx"));
        new DeadLetterFile(letters, Clock.systemUTC()).forSink("k").reject(record(1), "why");

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(letters)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(letters.resolve("k.jsonl"))));
    }

    @Test
    void neverWritesADeadLetterThroughASymbolicLink(@TempDir Path dir) throws Exception {
        Path precious = Files.writeString(dir.resolve("precious"), "keep me");
        Path letters = Files.createDirectory(dir.resolve("dead-letters"));
        Files.createSymbolicLink(letters.resolve("k.jsonl"), precious);
        Path linkedDir = dir.resolve("linked");
        Files.createSymbolicLink(linkedDir, Files.createDirectory(dir.resolve("elsewhere")));

        SinkException viaFile = assertThrows(SinkException.class,
                () -> new DeadLetterFile(letters, Clock.systemUTC()).forSink("k").reject(record(1), "why"));
        SinkException viaDir = assertThrows(SinkException.class,
                () -> new DeadLetterFile(linkedDir, Clock.systemUTC()).forSink("k").reject(record(1), "why"));

        assertTrue(viaFile.getMessage().contains("symbolic link"), viaFile.getMessage());
        assertTrue(viaDir.getMessage().contains("symbolic link"), viaDir.getMessage());
        assertEquals("keep me", Files.readString(precious));
        try (var files = Files.list(dir.resolve("elsewhere"))) {
            assertEquals(0, files.count());
        }
    }
}
