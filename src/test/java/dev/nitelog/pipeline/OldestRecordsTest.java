package dev.nitelog.pipeline;

import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The oldest records within a budget, whatever order they come in, never splitting a time. */
class OldestRecordsTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void keepsTheOldestThatFitWhateverTheOrderAndCountsTheRest() {
        List<LogRecord> records = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            records.add(record(i, String.format("line %04d", i))); // one size each
        }
        int each = records.get(0).approximateBytes();
        Collections.shuffle(records, new Random(5));
        OldestRecords oldest = new OldestRecords(100L * each);
        records.forEach(oldest::add);

        List<LogRecord> kept = oldest.oldestFirst();
        assertEquals(100, kept.size());
        for (int i = 0; i < kept.size(); i++) {
            assertEquals(String.format("line %04d", i), kept.get(i).message());
        }
        assertEquals(900, oldest.leftOut());
        assertTrue(oldest.overflowed());
    }

    @Test
    void aTimeIsNeverSplitBetweenKeptAndLeftOut() {
        OldestRecords oldest = new OldestRecords(3L * record(0, "a").approximateBytes());
        oldest.add(record(1, "b"));
        oldest.add(record(0, "a"));
        oldest.add(record(1, "c"));
        assertFalse(oldest.overflowed());
        oldest.add(record(1, "d")); // over the budget: every record at time 1 goes, and later ones at 1 too
        oldest.add(record(1, "e"));
        oldest.add(record(2, "f"));
        assertEquals(List.of("a"), oldest.oldestFirst().stream().map(LogRecord::message).toList());
        assertEquals(5, oldest.leftOut());
    }

    @Test
    void equalTimesKeepTheOrderTheyCameIn() {
        OldestRecords oldest = new OldestRecords(1 << 20);
        for (String message : List.of("first", "second", "third")) {
            oldest.add(record(7, message));
        }
        oldest.add(record(3, "older"));
        assertEquals(List.of("older", "first", "second", "third"),
                oldest.oldestFirst().stream().map(LogRecord::message).toList());
        assertEquals(0, oldest.leftOut());
    }

    private static LogRecord record(int second, String message) {
        Instant t = T0.plusSeconds(second);
        return new LogRecord(RecordId.of("job-1", Service.TASKRUNNER, "t", "main", t, message, Level.INFO, 0),
                t, "job-1", "my job", Service.TASKRUNNER, "t", "main", Level.INFO, message);
    }
}
