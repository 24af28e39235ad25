package dev.nitelog.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void rotatesBySizeKeepingTheNewestFilesAndLosingNoLineBeforeThat(@TempDir Path dir) throws Exception {
        DeadLetters letters = new DeadLetterFile(dir, Clock.systemUTC(), 2_000, 3).forSink("k");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            LogRecord record = RecordEncodingTest.record(Service.ASSEMBLER, null, "", "message " + i, Instant.ofEpochSecond(i));
            letters.reject(record, "reason " + i);
            ids.add(record.id().hex());
        }
        assertTrue(Files.exists(dir.resolve("k.jsonl.3")));
        assertFalse(Files.exists(dir.resolve("k.jsonl.4")), "at most three rotated files");
        List<String> kept = new ArrayList<>();
        for (String name : List.of("k.jsonl.3", "k.jsonl.2", "k.jsonl.1", "k.jsonl")) {
            for (String line : Files.readAllLines(dir.resolve(name))) {
                kept.add(JSON.readTree(line).get("record").get("id").asText());
            }
        }
        assertEquals(ids.subList(ids.size() - kept.size(), ids.size()), kept, "the newest dead letters, in order");
    }
}
