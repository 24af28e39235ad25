package dev.nitelog.e2e;

import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.Route;
import dev.nitelog.simulator.ScriptedLine;
import dev.nitelog.simulator.SimulatorOptions;
import dev.nitelog.testing.MetricsScrape;
import dev.nitelog.testing.NitelogProcess;
import dev.nitelog.testing.NitelogYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.nitelog.e2e.DurabilityIT.lines;
import static dev.nitelog.e2e.EndToEndIT.served;
import static dev.nitelog.e2e.EndToEndIT.shipped;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backlog far larger than a sink's queue, visible at once: taken from one fetch through the
 * spool, and nothing lost when nitelog is killed in its middle or the sink fails throughout it.
 */
class CatchUpIT {
    private static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
    private static final int BATCH = 500;

    /** One finished job with {@code count} lines over four tasks, all visible at once. */
    private static String backlogJob(ByteNiteSimulator sim, int count) {
        List<ScriptedLine> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            lines.add(ScriptedLine.task("task-" + (i % 4), T0.plusMillis(i), "INFO", "main",
                    "step " + i + " of the backlog, with some text to make it a realistic line"));
        }
        String job = sim.addJob("backlog", lines);
        sim.completeJob(job);
        return job;
    }

    private static String config(ByteNiteSimulator sim, Path dir) {
        return config(sim, dir, "1G");
    }

    private static String config(ByteNiteSimulator sim, Path dir, String spoolBytes) {
        return config(sim, dir, spoolBytes, "200ms");
    }

    /** The file sink writes batches of {@value #BATCH} and flushes every {@code flushInterval}. */
    private static String config(ByteNiteSimulator sim, Path dir, String spoolBytes, String flushInterval) {
        return NitelogYaml.against(sim, dir.resolve("state")).set("state", "flush-interval", flushInterval)
                .set("spool", "max-bytes", spoolBytes)
                .sinks("""
                            archive:
                              type: file
                              path: %s/out/all.log
                              max-size: 1G
                              queue-records: 1000
                              batch-size: %d
                              linger: 5ms
                        """.formatted(dir, BATCH)).build();
    }

    private static boolean allShipped(ByteNiteSimulator sim, Path out) throws Exception {
        return shipped(wholeLines(out)).keySet().equals(served(sim).keySet());
    }

    /**
     * The sink's lines but one cut short by kill -9 in the middle of a write: the file sink ends
     * such a fragment with a newline when it reopens the file, and ships its record again.
     */
    private static List<String> wholeLines(Path out) throws Exception {
        List<String> whole = new ArrayList<>();
        for (String line : lines(out)) {
            try {
                JSON.readTree(line);
                whole.add(line);
            } catch (com.fasterxml.jackson.core.JacksonException torn) {
                // a fragment, counted by tornLines
            }
        }
        return whole;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Test
    void aBacklogFortyQueuesLongIsFetchedOnceAndShippedOnce(@TempDir Path dir) throws Exception {
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(SimulatorOptions.builder().jobs(0).build());
             NitelogProcess nitelog = new NitelogProcess(dir, config(sim, dir),
                     Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
            backlogJob(sim, 40_000);
            nitelog.start();
            Path out = dir.resolve("out");
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> allShipped(sim, out));
            assertEquals(served(sim), shipped(lines(out)), "each line once");
            long fetches = sim.stats().requests(Route.LOGS);
            // slices of one queue would take 40 fetches; the spool takes it from the first, and the
            // job's drain polls (a finished job is polled drain-polls more times) may follow
            assertTrue(fetches <= 5, fetches + " fetches of the job's log");
        }
    }

    @Test
    void aSpoolThatCannotBeWrittenLosesNothing(@TempDir Path dir) throws Exception {
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(SimulatorOptions.builder().jobs(0).build());
             NitelogProcess nitelog = new NitelogProcess(dir, config(sim, dir),
                     Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
            Files.createDirectories(dir.resolve("state"));
            Files.writeString(dir.resolve("state/spool"), "a file where the spool directory belongs");
            backlogJob(sim, 20_000);
            nitelog.start();
            Path out = dir.resolve("out");
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> allShipped(sim, out));
            assertEquals(served(sim), shipped(lines(out)), "each line once");
            assertTrue(nitelog.stderr().contains("The spool is not usable"), nitelog.stderr());
        }
    }

    @Test
    void killedInTheMiddleOfASpooledBacklogItLosesNoLineAndShipsAtMostOneBatchTwice(@TempDir Path dir)
            throws Exception {
        int duplicates = killInTheMiddleAndRestart(dir, "200ms");
        // the commit journal has every batch whose write returned: only the one being written when it died is written again
        assertTrue(duplicates <= BATCH, duplicates + " duplicates");
    }

    @Test
    void killedWhileTheSinkHoldsWrittenButUnflushedBatchesItShipsAtMostOneBatchTwice(@TempDir Path dir)
            throws Exception {
        // no flush and no checkpoint before the kill: only the journal knows what was written
        int duplicates = killInTheMiddleAndRestart(dir, "1h");
        assertTrue(duplicates <= BATCH, duplicates + " duplicates");
    }

    /** Kills nitelog -9 while part of a 200000-line backlog waits in the spool, restarts it; the lines shipped twice. */
    private static int killInTheMiddleAndRestart(Path dir, String flushInterval) throws Exception {
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(SimulatorOptions.builder().jobs(0).build());
             NitelogProcess nitelog = new NitelogProcess(dir, config(sim, dir, "1G", flushInterval),
                     Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
            backlogJob(sim, 200_000);
            nitelog.start();
            Path out = dir.resolve("out");
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                    .until(() -> MetricsScrape.of(nitelog.httpPort()).sum("nitelog_spool_records_total") > 5_000
                            && lines(out).size() > 30_000);
            nitelog.kill();
            int beforeRestart = lines(out).size();
            assertTrue(beforeRestart < 200_000, "killed in the middle: " + beforeRestart + " lines shipped");

            nitelog.start();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> allShipped(sim, out));
            Map<String, Integer> served = served(sim);
            Map<String, Integer> shipped = shipped(wholeLines(out));
            assertTrue(lines(out).size() - wholeLines(out).size() <= 1, "at most the one line the kill cut short");
            int duplicates = 0;
            for (Map.Entry<String, Integer> line : served.entrySet()) {
                int got = shipped.getOrDefault(line.getKey(), 0);
                assertTrue(got >= line.getValue(), "lost a line: " + line.getKey());
                duplicates += got - line.getValue();
            }
            System.out.printf("kill -9 at %d of 200000 lines (flush interval %s): %d shipped twice%n",
                    beforeRestart, flushInterval, duplicates);
            return duplicates;
        }
    }

    @Test
    void aSinkFailingThroughoutTheBacklogGetsEveryLineOnceItIsBack(@TempDir Path dir) throws Exception {
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(SimulatorOptions.builder().jobs(0).build());
             NitelogProcess nitelog = new NitelogProcess(dir, config(sim, dir),
                     Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
            Path out = dir.resolve("out");
            Files.writeString(out, "a file where the sink's directory belongs"); // every write fails
            backlogJob(sim, 30_000);
            nitelog.start();
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                    .until(() -> sim.stats().requests(Route.LOGS) >= 2);
            await().atMost(Duration.ofMinutes(1)).until(() -> nitelog.stderr().contains("Sink archive is failing"));
            Files.delete(out);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> allShipped(sim, out));
            assertEquals(served(sim), shipped(lines(out)), "each line once: nothing was written while it failed");
        }
    }
}
