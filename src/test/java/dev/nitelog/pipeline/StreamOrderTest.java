package dev.nitelog.pipeline;

import dev.nitelog.bytenite.RecordChunks;
import dev.nitelog.cursor.Spool;
import dev.nitelog.record.JobRef;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A response's new records reach the offer in time order per stream, whatever the API's order, in bounded memory. */
class StreamOrderTest {
    private static final JobRef JOB = new JobRef("job-1", "my job");
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final long BUFFER = 64 * 1024; // about 200 records of these

    @TempDir
    Path state;

    /** What the offer was handed, chunk by chunk. */
    private final List<List<LogRecord>> handed = new ArrayList<>();

    private List<LogRecord> handedRecords() {
        return handed.stream().flatMap(List::stream).toList();
    }

    /** The records as short text, so a failure prints what differs. */
    private static String text(List<LogRecord> records) {
        StringBuilder out = new StringBuilder();
        for (LogRecord record : records) {
            out.append(record.container()).append(' ').append(record.message().split(" ")[2]).append('\n');
        }
        return out.toString();
    }

    @Test
    void aResponseListedNewestFirstIsHandedOnOldestFirstThroughSortRunsOnDisk() {
        List<LogRecord> listed = lines(5000, "main");
        Collections.reverse(listed);
        try (Spool spool = Spool.open(state, 1L << 30); StreamOrder order = order(spool, chunk -> handed.add(chunk))) {
            feed(order, listed);
            assertTrue(handed.isEmpty(), "nothing handed on before the response ends");
            order.finish();
            assertEquals(5000, order.sortedOnDisk());
            assertEquals(text(sorted(listed)), text(handedRecords()));
            assertEquals(0, order.deferred());
        }
        assertEquals(List.of(), spoolFiles(), "the sort runs are deleted");
    }

    @Test
    void streamsInterleavedAndShuffledComeOutInTimeOrderPerStream() {
        List<LogRecord> listed = new ArrayList<>(lines(3000, "main"));
        listed.addAll(lines(3000, "app"));
        Collections.shuffle(listed, new Random(7));
        try (Spool spool = Spool.open(state, 1L << 30); StreamOrder order = order(spool, chunk -> handed.add(chunk))) {
            feed(order, listed);
            order.finish();
        }
        assertEquals(text(sorted(listed)), text(handedRecords()));
    }

    @Test
    void anOrderedResponseLargerThanTheBufferIsHandedOnAsItIsReadWithoutTouchingTheDisk() {
        List<LogRecord> listed = lines(5000, "main");
        try (Spool spool = Spool.open(state, 1L << 30); StreamOrder order = order(spool, chunk -> handed.add(chunk))) {
            feed(order, listed.subList(0, 4000));
            assertTrue(handedRecords().size() >= 3000, "handed on while read: " + handedRecords().size());
            feed(order, listed.subList(4000, 5000));
            order.finish();
            assertEquals(0, order.sortedOnDisk());
        }
        assertEquals(text(listed), text(handedRecords()));
    }

    @Test
    void aSmallResponseInAnyOrderIsSortedInMemory() {
        List<LogRecord> listed = lines(100, "main");
        Collections.reverse(listed);
        try (Spool spool = Spool.open(state, 1L << 30); StreamOrder order = order(spool, chunk -> handed.add(chunk))) {
            feed(order, listed);
            order.finish();
            assertEquals(0, order.sortedOnDisk());
        }
        assertEquals(text(sorted(listed)), text(handedRecords()));
    }

    @Test
    void aStreamSteppingBackAfterStreamingStartedHasTheRestSorted() {
        List<LogRecord> ordered = lines(5000, "main");
        List<LogRecord> listed = new ArrayList<>(ordered.subList(2048, 5000)); // the newer part first, in order
        List<LogRecord> older = new ArrayList<>(ordered.subList(0, 2048));
        Collections.reverse(older);
        listed.addAll(older); // then the older part, newest first
        try (Spool spool = Spool.open(state, 1L << 30); StreamOrder order = order(spool, chunk -> handed.add(chunk))) {
            feed(order, listed);
            order.finish();
            assertTrue(order.sortedOnDisk() > 0);
        }
        List<LogRecord> got = handedRecords();
        assertEquals(text(ordered.subList(2048, 4096)), text(got.subList(0, 2048)), "two chunks in order: streamed");
        List<LogRecord> rest = new ArrayList<>(ordered.subList(0, 2048));
        rest.addAll(ordered.subList(4096, 5000));
        assertEquals(text(rest), text(got.subList(2048, 5000)), "from the step back on, the rest sorted");
    }

    @Test
    void runsWithoutRoomHandOnTheResponsesOldestRecordsThatFitTheBufferAndDeferTheRest() {
        List<LogRecord> listed = lines(5000, "main");
        Collections.reverse(listed);
        try (Spool spool = Spool.open(state, 200 * 1024); StreamOrder order = order(spool, chunk -> handed.add(chunk))) {
            feed(order, listed); // read to its end: the oldest come last
            order.finish();
            assertTrue(order.keptOldestOnly());
            List<LogRecord> got = handedRecords();
            assertTrue(got.size() > 100 && got.size() < 1000, "a buffer's worth: " + got.size());
            assertEquals(text(sorted(listed).subList(0, got.size())), text(got), "the oldest, oldest first");
            assertEquals(5000, got.size() + order.deferred());
            assertEquals(0, spool.usedBytes(), "the runs' bytes are freed");
        }
        assertEquals(List.of(), spoolFiles(), "the sort runs are deleted");
    }

    @Test
    void aSpoolThatCannotBeWrittenStillHandsOnTheOldestRecords() throws Exception {
        List<LogRecord> listed = lines(5000, "main");
        Collections.reverse(listed);
        Files.writeString(state.resolve("spool"), "a file where the directory belongs");
        try (Spool spool = Spool.open(state, 1L << 30); StreamOrder order = order(spool, chunk -> handed.add(chunk))) {
            feed(order, listed);
            order.finish();
            assertTrue(order.keptOldestOnly());
            assertEquals(text(sorted(listed).subList(0, handedRecords().size())), text(handedRecords()));
            assertEquals(5000, handedRecords().size() + order.deferred());
        }
    }

    @Test
    void anOfferThatRefusesStopsTheMergeAndCountsTheRestDeferred() {
        List<LogRecord> listed = lines(5000, "main");
        Collections.reverse(listed);
        try (Spool spool = Spool.open(state, 1L << 30);
             StreamOrder order = order(spool, chunk -> handed.add(chunk) && handed.size() < 2)) {
            feed(order, listed);
            order.finish();
            assertEquals(2 * RecordChunks.SIZE, handedRecords().size());
            assertEquals(text(sorted(listed).subList(0, 2 * RecordChunks.SIZE)), text(handedRecords()), "a time prefix");
            assertEquals(5000 - 2 * RecordChunks.SIZE, order.deferred());
        }
    }

    private int countFedAfterRefusal;

    /** Feeds chunks until one is refused; counts the records of the chunks after it (the parser's deferred). */
    private boolean feedUntilRefused(StreamOrder order, List<LogRecord> listed) {
        boolean taken = true;
        for (int from = 0; from < listed.size(); from += RecordChunks.SIZE) {
            List<LogRecord> chunk = sortedChunk(listed, from);
            if (!taken) {
                countFedAfterRefusal += chunk.size();
                continue;
            }
            taken = order.accept(chunk);
        }
        return taken;
    }

    private StreamOrder order(Spool spool, RecordChunks offer) {
        return new StreamOrder(offer, spool, JOB, BUFFER);
    }

    /** Hands the records on as the parser does: chunks of 1024, each sorted by time. */
    private static void feed(StreamOrder order, List<LogRecord> listed) {
        for (int from = 0; from < listed.size(); from += RecordChunks.SIZE) {
            assertTrue(order.accept(sortedChunk(listed, from)));
        }
    }

    private static List<LogRecord> sortedChunk(List<LogRecord> listed, int from) {
        List<LogRecord> chunk = new ArrayList<>(listed.subList(from, Math.min(listed.size(), from + RecordChunks.SIZE)));
        chunk.sort(Comparator.comparing(LogRecord::timestamp));
        return chunk;
    }

    private static List<LogRecord> sorted(List<LogRecord> records) {
        List<LogRecord> copy = new ArrayList<>(records);
        copy.sort(Comparator.comparing(LogRecord::timestamp)); // stable, and times are distinct per stream
        return copy;
    }

    private List<Path> spoolFiles() {
        try (var files = Files.list(state.resolve("spool"))) {
            return files.toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code n} lines of one container, 10 ms apart, oldest first; distinct times per stream. */
    private static List<LogRecord> lines(int n, String container) {
        List<LogRecord> lines = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Instant t = T0.plusMillis(10L * i + (container.equals("app") ? 5 : 0));
            String message = container + " line " + i + " " + "x".repeat(40);
            lines.add(new LogRecord(RecordId.of(JOB.id(), Service.TASKRUNNER, "t", container, t, message, Level.INFO, 0),
                    t, JOB.id(), JOB.name(), Service.TASKRUNNER, "t", container, Level.INFO, message));
        }
        return lines;
    }
}
