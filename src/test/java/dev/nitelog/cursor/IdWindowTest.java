package dev.nitelog.cursor;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdWindowTest {

    private record Id(long high, long low) {
    }

    @Test
    void agreesWithAPlainSetAndSortedMapUnderRandomAddsAndPrunes() {
        long seed = seed();
        Random random = new Random(seed);
        IdWindow window = new IdWindow();
        Set<Id> ids = new HashSet<>();
        TreeMap<Long, Set<Id>> byTime = new TreeMap<>();
        long clock = 0;
        for (int step = 0; step < 200_000; step++) {
            // small id values collide in the table and include (0, 0); times go back now and then
            Id id = new Id(random.nextInt(64) - 32, random.nextInt(4000) - 2000);
            long time = random.nextInt(10) == 0 ? clock - random.nextInt(500) : (clock += random.nextInt(3));
            assertEquals(ids.contains(id), window.contains(id.high(), id.low()), "seed " + seed + " step " + step);
            if (!ids.contains(id)) {
                window.add(id.high(), id.low(), time);
                ids.add(id);
                byTime.computeIfAbsent(time, t -> new HashSet<>()).add(id);
            }
            if (random.nextInt(50) == 0) {
                long floor = clock - random.nextInt(400);
                window.pruneBelow(floor);
                byTime.headMap(floor).values().forEach(ids::removeAll);
                byTime.headMap(floor).clear();
            }
            assertEquals(ids.size(), window.size(), "seed " + seed + " step " + step);
        }
        for (Id id : ids) {
            assertTrue(window.contains(id.high(), id.low()));
        }
    }

    @Test
    void anIdIsFoundByItsOwnTimeAndNothingLaterThanEveryIdAddedIsFound() {
        long seed = seed();
        Random random = new Random(seed);
        IdWindow window = new IdWindow();
        java.util.Map<Id, Long> timeOf = new java.util.HashMap<>();
        long clock = 1_000;
        long newest = Long.MIN_VALUE;
        for (int step = 0; step < 50_000; step++) {
            Id id = new Id(random.nextLong(), random.nextLong());
            long time = random.nextInt(8) == 0 ? clock - random.nextInt(900) : (clock += random.nextInt(3));
            window.add(id.high(), id.low(), time);
            timeOf.put(id, time);
            newest = Math.max(newest, time);
            if (random.nextInt(500) == 0) { // a sink's roll-back makes its sent window a copy of an older one
                IdWindow copy = new IdWindow();
                copy.copyFrom(window);
                window = copy;
            }
            if (random.nextInt(100) == 0) {
                long floor = clock - 400 - random.nextInt(400);
                window.pruneBelow(floor);
                timeOf.values().removeIf(t -> t < floor);
            }
            Id probe = random.nextBoolean() || timeOf.isEmpty() ? id : new Id(random.nextLong(), random.nextLong());
            assertEquals(window.contains(probe.high(), probe.low()),
                    window.contains(probe.high(), probe.low(), timeOf.getOrDefault(probe, time)), "seed " + seed);
            assertTrue(!window.contains(id.high(), id.low(), newest + 1), "later than every id added: " + seed);
        }
        IdWindow last = window;
        timeOf.forEach((id, t) -> assertTrue(last.contains(id.high(), id.low(), t), "seed " + seed));
    }

    /** A seed from {@code -Dwindow.seed}, else a new one, printed so a failure can be re-run. */
    private static long seed() {
        long seed = Long.getLong("window.seed", System.nanoTime());
        System.out.println("IdWindowTest seed " + seed + " (re-run: -Dwindow.seed=" + seed + ")");
        return seed;
    }

    @Test
    void copyIsIndependentAndEqual() {
        IdWindow a = new IdWindow();
        for (int i = 1; i <= 100; i++) {
            a.add(i, -i, i);
        }
        IdWindow b = new IdWindow();
        b.copyFrom(a);
        a.pruneBelow(50);

        assertEquals(100, b.size());
        assertEquals(51, a.size());
        assertTrue(b.contains(1, -1));
        assertEquals(a.highWater(), b.highWater());
        assertEquals(a.snapshot(), snapshotRoundTrip(a));
    }

    @Test
    void slicesThatInterleaveInTimeEndUpSortedWithEqualTimesInArrivalOrder() {
        // as a response lists task after task: each slice is sorted, slices overlap in time
        IdWindow window = new IdWindow();
        Random random = new Random(11);
        List<long[]> added = new ArrayList<>(); // (time, high, low) in arrival order
        long id = 1;
        for (int slice = 0; slice < 40; slice++) {
            long time = random.nextInt(1000);
            for (int i = 0; i < 500; i++) {
                time += random.nextInt(3); // repeats: equal times within and across slices
                window.add(id, -id, time);
                added.add(new long[] {time, id, -id});
                id++;
            }
            if (slice % 7 == 6) {
                assertSnapshotIs(added, window); // sorted between slices, too
            }
        }
        assertSnapshotIs(added, window);
        window.pruneBelow(500);
        added.removeIf(entry -> entry[0] < 500);
        assertSnapshotIs(added, window);
        assertEquals(added.size(), window.size());
        for (long[] entry : added) {
            assertTrue(window.contains(entry[1], entry[2]));
        }
    }

    /** The snapshot equals the entries stably sorted by time. */
    private static void assertSnapshotIs(List<long[]> arrival, IdWindow window) {
        List<long[]> expected = new ArrayList<>(arrival);
        expected.sort(Comparator.comparingLong(entry -> entry[0])); // List.sort is stable
        WindowSnapshot snapshot = window.snapshot();
        assertEquals(expected.size(), snapshot.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i)[0], snapshot.timeNanos(i), "time at " + i);
            assertEquals(expected.get(i)[1], snapshot.idHigh(i), "id at " + i);
        }
    }

    private static WindowSnapshot snapshotRoundTrip(IdWindow window) {
        return window.snapshot().toWindow().snapshot();
    }
}
