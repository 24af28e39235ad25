package dev.nitelog.bytenite;

import dev.nitelog.record.JobRef;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The API returns a task's whole log on every poll, listed in an order it does not specify: a line
 * must get the same id in every response that holds it, however the array grows, or it is shipped
 * twice (or, were two lines to share an id, lost). Logs here span more seconds than the occurrence
 * table keeps buckets, so its evictions are part of what is checked.
 */
class OccurrenceCounterStabilityTest {
    private static final JobRef JOB = new JobRef("job-order", "order");
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    /** More seconds than the table keeps buckets of. */
    private static final int SECONDS = OccurrenceCounter.MAX_BUCKETS + 2_000;

    /** One line of a task's log; {@code order} places it in the listing, fixed across polls. */
    private record Line(String container, long millis, String message, double order) {
        String tuple() {
            return container + " " + START.plusMillis(millis) + " " + message;
        }

        String json() {
            return "{\"log\":\"" + message + "\",\"timestamp\":\"" + START.plusMillis(millis)
                    + "\",\"level\":\"INFO\",\"container\":\"" + container + "\"}";
        }
    }

    private static long seed(String test) {
        long seed = Long.getLong("occurrence.seed", System.nanoTime());
        System.out.println(test + " seed " + seed + " (re-run with -Doccurrence.seed=" + seed + ")");
        return seed;
    }

    /** One container's lines, one every {@code stepMillis} or so, every seventh one repeated at once. */
    private static List<Line> stream(String container, int seconds, int stepMillis, Random random) {
        List<Line> lines = new ArrayList<>();
        int i = 0;
        for (long millis = 0; millis < seconds * 1000L; millis += stepMillis / 2 + random.nextInt(stepMillis), i++) {
            Line line = new Line(container, millis, "m" + i % 13, random.nextDouble());
            lines.add(line);
            if (i % 7 == 0) {
                lines.add(new Line(container, millis, line.message(), random.nextDouble()));
            }
        }
        return lines;
    }

    @Test
    void oldestFirstKeepsIdsWhenLateIngestedLinesAreInserted() throws Exception {
        long seed = seed("oldestFirstKeepsIdsWhenLateIngestedLinesAreInserted");
        Random random = new Random(seed);
        List<Line> log = new ArrayList<>(stream("main", SECONDS, 1000, random));
        List<Line> late = new ArrayList<>();
        for (int i = 0; i < 500; i++) { // ingested after the first poll, listed in their time's place
            late.add(new Line("main", random.nextInt(SECONDS * 1000), "late " + i, 0));
        }
        log.addAll(late);
        java.util.Set<Line> lateSet = new HashSet<>(late);
        log.sort(Comparator.comparingLong(Line::millis)); // stable: repeats keep their order
        assertStable(seed, log, List.of(
                line -> line.millis() < (SECONDS - 1000) * 1000L && !lateSet.contains(line),
                line -> line.millis() < (SECONDS - 500) * 1000L,
                line -> true));
    }

    @Test
    void newestFirstKeepsIdsWhenLinesArePrepended() throws Exception {
        long seed = seed("newestFirstKeepsIdsWhenLinesArePrepended");
        List<Line> log = new ArrayList<>(stream("main", SECONDS, 1000, new Random(seed)));
        log.sort(Comparator.comparingLong(Line::millis).reversed());
        assertStable(seed, log, growingBy(SECONDS));
    }

    @Test
    void containersListedOneAfterTheOtherKeepTheirIds() throws Exception {
        long seed = seed("containersListedOneAfterTheOtherKeepTheirIds");
        Random random = new Random(seed);
        for (int seconds : new int[] {300, SECONDS}) { // nothing evicted; the first container longer than the budget
            for (boolean newestFirst : new boolean[] {false, true}) {
                List<Line> log = new ArrayList<>();
                for (String container : List.of("a", "b")) {
                    List<Line> lines = stream(container, seconds, 1000, random);
                    lines.sort(newestFirst ? Comparator.comparingLong(Line::millis).reversed()
                            : Comparator.comparingLong(Line::millis));
                    log.addAll(lines);
                }
                assertStable(seed, log, growingBy(seconds));
            }
        }
    }

    /**
     * Three containers merged in time order give or take five seconds, each line's place fixed
     * across polls, listed oldest or newest first.
     */
    @Test
    void aRandomInterleavingKeepsItsIdsAcrossPolls() throws Exception {
        long seed = seed("aRandomInterleavingKeepsItsIdsAcrossPolls");
        Random random = new Random(seed);
        boolean newestFirst = random.nextBoolean();
        List<Line> log = new ArrayList<>();
        for (String container : List.of("a", "b", "c")) {
            for (Line line : stream(container, SECONDS, 900 + random.nextInt(600), random)) {
                log.add(new Line(container, line.millis(), line.message(), line.millis() + 5000 * line.order()));
            }
        }
        Comparator<Line> byPlace = Comparator.comparingDouble(Line::order);
        log.sort(newestFirst ? byPlace.reversed() : byPlace);
        assertStable(seed, log, growingBy(SECONDS));
    }

    @Test
    void numbersTheSameTupleThreeTimesWithThreeIds() throws Exception {
        Line line = new Line("main", 1500, "same", 0);
        List<LogRecord> records = parse(List.of(line, line, line));
        for (int i = 0; i < 3; i++) {
            assertEquals(RecordId.of(JOB.id(), Service.PARTITIONER, null, "main", START.plusMillis(1500), "same",
                    Level.INFO, i), records.get(i).id());
        }
    }

    /** Three polls, each listing the lines stamped before a later time, in the log's order. */
    private static List<Predicate<Line>> growingBy(int seconds) {
        return List.of(line -> line.millis() < seconds * 900L, line -> line.millis() < seconds * 950L, line -> true);
    }

    /**
     * Each poll lists the log's lines it holds in the log's order: every tuple gets the same ids,
     * in order, in every poll that holds it, and distinct lines of a poll distinct ids.
     */
    private static void assertStable(long seed, List<Line> log, List<Predicate<Line>> polls) throws Exception {
        Map<String, List<RecordId>> last = null;
        List<Map<String, List<RecordId>>> all = new ArrayList<>();
        for (Predicate<Line> holds : polls) {
            List<Line> response = log.stream().filter(holds).toList();
            List<LogRecord> records = parse(response);
            assertEquals(response.size(), records.size(), "seed " + seed);
            assertEquals(records.size(), new HashSet<>(records.stream().map(LogRecord::id).toList()).size(),
                    "distinct lines, distinct ids; seed " + seed);
            Map<String, List<RecordId>> ids = new LinkedHashMap<>();
            for (LogRecord r : records) { // the sort is stable: repeats stay in response order
                String tuple = r.container() + " " + r.timestamp() + " " + r.message();
                ids.computeIfAbsent(tuple, k -> new ArrayList<>()).add(r.id());
            }
            all.add(ids);
            last = ids;
        }
        int changed = 0;
        String first = null;
        for (Map<String, List<RecordId>> earlier : all) {
            for (Map.Entry<String, List<RecordId>> e : earlier.entrySet()) {
                if (!e.getValue().equals(last.get(e.getKey()))) {
                    changed++;
                    first = first == null ? e.getKey() : first;
                }
            }
        }
        assertEquals(0, changed, "tuples whose ids changed between polls, the first " + first + "; seed " + seed);
    }

    private static List<LogRecord> parse(List<Line> lines) throws Exception {
        StringBuilder body = new StringBuilder("{\"partitioner\":[");
        for (int i = 0; i < lines.size(); i++) {
            body.append(i == 0 ? "" : ",").append(lines.get(i).json());
        }
        body.append("]}");
        LogFetch fetch = new LogsParser(JOB, LineFilter.KEEP_ALL, ParseLimits.NONE, RecordChunks.KEEP)
                .parse(new ByteArrayInputStream(body.toString().getBytes(StandardCharsets.UTF_8)));
        assertEquals(0, fetch.deferred());
        return fetch.records();
    }
}
