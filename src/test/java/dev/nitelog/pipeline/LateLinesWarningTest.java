package dev.nitelog.pipeline;

import dev.nitelog.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import static dev.nitelog.metrics.MetricNames.RECORDS_LATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lines later than the lateness are counted as late, not shipped, and the operator is told once per job. */
class LateLinesWarningTest {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private final List<String> entries = new ArrayList<>();

    @Test
    void linesTenMinutesLateAreCountedAndTheOperatorIsWarnedOncePerJob(@TempDir Path state) throws Exception {
        for (int i = 0; i < 100; i++) {
            entries.add(entry("on time " + i, T0.plusSeconds(i)));
        }
        try (LogCapture log = LogCapture.of(JobPoller.class, Level.WARNING);
             PolledJob job = new PolledJob(() -> "{\"taskrunner\":{\"t\":{\"logs\":[" + String.join(",", entries) + "]}}}",
                     Duration.ofMinutes(2), state, 1L << 30, T0)) {
            job.poll();
            assertEquals(100, job.sink.written.size());

            entries.add(entry("late 1", T0.minus(Duration.ofMinutes(10))));
            job.poll();
            entries.add(entry("late 2", T0.minus(Duration.ofMinutes(9))));
            job.poll();

            assertEquals(100, job.sink.written.size(), "neither late line can be told from one shipped");
            assertEquals(2.0, job.meters.counter(RECORDS_LATE).count());
            List<String> late = log.messages().stream().filter(w -> w.contains("nitelog.dedup.lateness")).toList();
            assertEquals(1, late.size(), "once per job: " + log.messages());
            assertTrue(late.get(0).contains("job-1") && late.get(0).contains("NITELOG_DEDUP_LATENESS"), late.get(0));
        }
    }

    private static String entry(String message, Instant t) {
        return "{\"log\":\"" + message + "\",\"timestamp\":\"" + t + "\",\"level\":\"INFO\",\"container\":\"main\"}";
    }
}
