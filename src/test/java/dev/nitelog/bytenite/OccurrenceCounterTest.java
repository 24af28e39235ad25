package dev.nitelog.bytenite;

import dev.nitelog.record.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OccurrenceCounterTest {
    private static final long SECOND = OccurrenceCounter.BUCKET_NANOS;
    private OccurrenceCounter counter;

    @BeforeEach
    void borrow() {
        counter = OccurrenceCounter.borrow();
    }

    @AfterEach
    void giveBack() {
        counter.giveBack();
        assertTrue(OccurrenceCounter.idleSlots().stream().allMatch(s -> s <= OccurrenceCounter.RETAINED_SLOTS));
    }

    @Test
    void numbersRepeatsWithinTheNewestTwoBucketsFromZero() {
        assertEquals(0, counter.next(1, 1, 10 * SECOND));
        assertEquals(0, counter.next(2, 2, 11 * SECOND + 5));
        assertEquals(1, counter.next(1, 1, 10 * SECOND), "the previous bucket still counts");
        assertEquals(1, counter.next(2, 2, 11 * SECOND + 5));
    }

    @Test
    void repeatOfADroppedKeyIsLateNeverAnEarlierLinesNumber() {
        assertEquals(0, counter.next(1, 1, 10 * SECOND));
        assertEquals(1, counter.next(1, 1, 10 * SECOND));
        counter.seen(12 * SECOND); // bucket 10 is dropped
        assertEquals(OccurrenceCounter.LATE_BASE, counter.next(1, 1, 10 * SECOND),
                "not 0 or 1: those ids belong to the two lines before");
        assertEquals(OccurrenceCounter.LATE_BASE + 1, counter.next(1, 1, 10 * SECOND));
        assertEquals(0, counter.next(1, 1, 12 * SECOND), "another timestamp is another key");
    }

    @Test
    void aLineLateInOneResponseIsLateInEveryResponseWhateverTheFloor() {
        // the entry stamped 20 s moves the buckets on even where the parser drops it below the floor
        counter.seen(20 * SECOND); // below the floor: seen, not numbered
        assertEquals(OccurrenceCounter.LATE_BASE, counter.next(3, 3, 5 * SECOND));
    }

    @Test
    void fullTableOverflowsForTheRestOfTheArrayOnly() {
        int fits = 3 * OccurrenceCounter.MAX_SLOTS / 4;
        for (int i = 0; i < fits; i++) {
            assertEquals(0, counter.next(i, i * 31L, SECOND));
        }
        assertEquals(OccurrenceCounter.OVERFLOW, counter.next(-1, 0, SECOND));
        assertEquals(OccurrenceCounter.OVERFLOW, counter.next(0, 0, SECOND),
                "a key held already: after a missed one nothing of the array is numbered");
        assertEquals(OccurrenceCounter.OVERFLOW, counter.next(5, 5, 9 * SECOND));
        counter.nextArray();
        assertEquals(0, counter.next(0, 0, SECOND));
    }

    /**
     * A task's log out of time order by up to three seconds, lines repeated, read as responses that
     * grow and start at different floors: a line gets the same id in every response that holds it,
     * and distinct lines get distinct ids.
     */
    @Test
    void idsAreStableAcrossGrowingResponsesAndFloorsAndDistinct() throws Exception {
        long seed = Long.getLong("occurrence.seed", System.nanoTime());
        System.out.println("OccurrenceCounterTest seed " + seed + " (re-run with -Doccurrence.seed=" + seed + ")");
        Random random = new Random(seed);
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            long millis = i * 2L - random.nextInt(3000); // up to 3 s out of order: late lines
            String message = "m" + random.nextInt(50); // few messages at ms precision: many repeats
            entries.add(LogsParserTest.entry(message, start.plusMillis(Math.max(0, millis)).toString()));
        }
        Map<String, List<String>> whole = ids(entries, null);
        ids(entries.subList(0, 15_000), null).forEach((line, ids) ->
                assertEquals(ids, whole.get(line).subList(0, ids.size()), line + ", seed " + seed));
        Instant floor = start.plusSeconds(20);
        ids(entries, floor).forEach((line, ids) -> assertEquals(whole.get(line), ids, line + ", seed " + seed));
        List<String> all = whole.values().stream().flatMap(List::stream).toList();
        assertEquals(20_000, all.size());
        assertEquals(all.size(), new HashSet<>(all).size(), "distinct ids, seed " + seed);
    }

    /** The ids of each distinct line (timestamp and message), in response order: the sort is stable. */
    private static Map<String, List<String>> ids(List<String> entries, Instant floor) throws Exception {
        Map<String, List<String>> out = new HashMap<>();
        for (LogRecord r : LogsParserTest.parse(LogsParserTest.partitioner(entries.toArray(String[]::new)), floor)
                .records()) {
            out.computeIfAbsent(r.timestamp() + " " + r.message(), k -> new ArrayList<>()).add(r.id().hex());
        }
        return out;
    }
}
