package dev.nitelog.pipeline;

import dev.nitelog.record.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.nitelog.metrics.MetricNames.RECORDS_LATE;
import static dev.nitelog.metrics.MetricNames.SPOOL_FULL;
import static dev.nitelog.metrics.MetricNames.SPOOL_SORTED_RECORDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API's order is unspecified: a task's log listed newest first (as Loki may list it) spanning
 * far more than the lateness ships every line once, oldest first, and none is taken for late.
 */
class ResponseOrderTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LATENESS = Duration.ofMinutes(2);

    private final List<String> newestFirst = new ArrayList<>(); // the task's entries as the API lists them

    private PolledJob job(Path state, long spoolBytes) {
        return new PolledJob(() -> "{\"taskrunner\":{\"t\":{\"logs\":[" + String.join(",", newestFirst) + "]}}}",
                LATENESS, state, spoolBytes, T0);
    }

    @Test
    void aTaskListedNewestFirstShipsEveryLineOnceOldestFirst(@TempDir Path state) throws Exception {
        for (int i = 0; i < 10_000; i++) { // ten minutes, 60 ms apart, five times the lateness
            newestFirst.add(0, entry(i));
        }
        try (PolledJob job = job(state, 1L << 30)) {
            job.poll();
            assertEquals(messages(0, 10_000), messages(job.sink.written), "every line once, oldest first");
            assertEquals(0.0, job.meters.counter(RECORDS_LATE).count(), "none taken for late");
            assertTrue(job.meters.counter(SPOOL_SORTED_RECORDS).count() > 0, "sorted on disk: the buffer holds a fraction");

            newestFirst.add(0, entry(10_000)); // a new line, listed first
            job.poll();
            assertEquals(messages(0, 10_001), messages(job.sink.written), "the new line once, nothing again");
        }
    }

    @Test
    void aNewestFirstTaskLargerThanTheSpoolStillShipsEveryLineOnceOldestFirst(@TempDir Path state) throws Exception {
        for (int i = 0; i < 10_000; i++) {
            newestFirst.add(0, entry(i));
        }
        try (PolledJob job = job(state, 64 * 1024)) { // room for a fraction of the sort runs
            for (int polls = 0; polls < 20 && job.sink.written.size() < 10_000; polls++) {
                job.poll(); // each poll hands on the oldest lines the reorder buffer holds
            }
            assertEquals(messages(0, 10_000), messages(job.sink.written), "every line once, oldest first");
            assertEquals(0.0, job.meters.counter(RECORDS_LATE).count(), "none taken for late");
            assertTrue(job.meters.counter(SPOOL_FULL).count() > 0, "the spool's want of room is counted");
        }
    }

    private static String entry(int i) {
        return "{\"log\":\"line " + i + "\",\"timestamp\":\"" + T0.plusMillis(60L * i)
                + "\",\"level\":\"INFO\",\"container\":\"main\"}";
    }

    private static List<String> messages(int from, int to) {
        List<String> messages = new ArrayList<>();
        for (int i = from; i < to; i++) {
            messages.add("line " + i);
        }
        return messages;
    }

    private static List<String> messages(List<LogRecord> records) {
        return records.stream().map(LogRecord::message).toList();
    }
}
