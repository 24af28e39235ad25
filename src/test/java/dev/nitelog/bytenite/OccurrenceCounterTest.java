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
    private static final int LATE = OccurrenceCounter.LATE_BASE;
    private static final int STRIDE = OccurrenceCounter.EPOCH_STRIDE;
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

    /** An entry's number, as the parser asks for it: seen, then numbered. */
    private static int number(OccurrenceCounter counter, long key, long epochNanos) {
        counter.seen(epochNanos);
        return counter.next(key, key);
    }

    @Test
    void numbersRepeatsInTheirSecondFromZeroWhateverTheOrder() {
        assertEquals(0, number(counter, 1, 11 * SECOND));
        assertEquals(0, number(counter, 2, 10 * SECOND + 5));
        assertEquals(1, number(counter, 1, 11 * SECOND), "a kept bucket counts on");
        assertEquals(0, number(counter, 3, 2 * SECOND), "an older second never seen: a new bucket");
        assertEquals(1, number(counter, 2, 10 * SECOND + 5));
        assertEquals(2, number(counter, 1, 11 * SECOND));
    }

    @Test
    void repeatOfAnEvictedSecondIsNumberedInTheNextEpochNeverFromZero() {
        OccurrenceCounter small = new OccurrenceCounter(4, 2, 100);
        assertEquals(0, number(small, 1, 10 * SECOND));
        assertEquals(1, number(small, 1, 10 * SECOND));
        number(small, 2, 11 * SECOND);
        number(small, 2, 12 * SECOND); // three buckets: 10, least recently touched, is evicted
        assertEquals(LATE, number(small, 1, 10 * SECOND), "not 0 or 1: those ids belong to the two lines before");
        assertEquals(LATE + 1, number(small, 1, 10 * SECOND));
        number(small, 2, 13 * SECOND);
        number(small, 2, 14 * SECOND); // 10 evicted again
        assertEquals(LATE + STRIDE, number(small, 1, 10 * SECOND), "the third epoch's range");
        assertEquals(0, number(small, 1, 15 * SECOND), "another second is another key");
    }

    @Test
    void keepsTheRecentlyTouchedBucketsNotTheNewestSeconds() {
        OccurrenceCounter small = new OccurrenceCounter(100, 3, 100);
        assertEquals(0, number(small, 1, 10 * SECOND));
        for (int s = 30; s < 35; s++) { // newest first, far newer than 10: the old scheme dropped 10 here
            number(small, 2, (100 - s) * SECOND);
            assertEquals(s - 30, number(small, 1, 10 * SECOND) - 1, "10 is touched each time, so kept");
        }
    }

    @Test
    void aBucketAloneAtTheBudgetGoesOnInTheNextEpoch() {
        OccurrenceCounter small = new OccurrenceCounter(3, 10, 100);
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            numbers.add(number(small, 1, SECOND));
        }
        assertEquals(List.of(0, 1, 2, LATE, LATE + 1, LATE + 2, LATE + STRIDE), numbers);
    }

    @Test
    void entriesBelowTheFloorEvictAsNumberedOnesDo() {
        OccurrenceCounter small = new OccurrenceCounter(100, 2, 100);
        assertEquals(0, number(small, 1, 10 * SECOND));
        small.seen(11 * SECOND); // below the floor: seen, not numbered
        small.seen(12 * SECOND);
        assertEquals(LATE, number(small, 1, 10 * SECOND), "10 was evicted whatever the floor");
    }

    @Test
    void overflowsForTheRestOfTheArrayOnlyWhenEvictedSecondsDoNotFit() {
        OccurrenceCounter small = new OccurrenceCounter(100, 1, 3);
        for (int s = 0; s < 4; s++) {
            assertEquals(0, number(small, 1, s * SECOND)); // seconds 0, 1, 2 evicted
        }
        assertEquals(OccurrenceCounter.OVERFLOW, number(small, 1, 4 * SECOND), "second 3 cannot be remembered");
        assertEquals(OccurrenceCounter.OVERFLOW, number(small, 1, 3 * SECOND),
                "after a forgotten eviction nothing of the array is numbered");
        small.nextArray();
        assertEquals(0, number(small, 1, 3 * SECOND));
    }

    @Test
    void overflowsPastTheLastEpoch() {
        OccurrenceCounter small = new OccurrenceCounter(1, 10, 10);
        int last = 0;
        for (int i = 0; i <= OccurrenceCounter.MAX_EPOCH; i++) {
            last = number(small, 1, SECOND);
        }
        assertEquals(Integer.MAX_VALUE - STRIDE + 1, last, "the last epoch's base");
        assertEquals(OccurrenceCounter.OVERFLOW, number(small, 1, SECOND));
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
