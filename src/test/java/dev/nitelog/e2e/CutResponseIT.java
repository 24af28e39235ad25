package dev.nitelog.e2e;

import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.ScriptedLine;
import dev.nitelog.simulator.SimulatorOptions;
import dev.nitelog.testing.NitelogProcess;
import dev.nitelog.testing.NitelogYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.nitelog.e2e.DurabilityIT.lines;
import static dev.nitelog.e2e.EndToEndIT.describeDifference;
import static dev.nitelog.e2e.EndToEndIT.served;
import static dev.nitelog.e2e.EndToEndIT.shipped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job whose whole log is several times {@code bytenite.max-response-bytes} (at its least, 64K)
 * while each task's fits: nitelog fetches it by service and by task, ships every line once, and
 * retires the job once it ended.
 */
class CutResponseIT {
    @Test
    void shipsEveryLineOnceAndRetiresAJobWhoseWholeLogIsLargerThanTheResponseLimit(@TempDir Path dir)
            throws Exception {
        long seed = Long.getLong("cut.seed", System.nanoTime());
        System.out.println("CutResponseIT seed: " + seed + " (re-run with -Dcut.seed=" + seed + ")");
        Random random = new Random(seed);
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(SimulatorOptions.builder().jobs(0).build())) {
            Instant t0 = Instant.parse("2026-05-01T10:00:00Z");
            List<ScriptedLine> lines = new ArrayList<>();
            lines.add(ScriptedLine.partitioner(t0, "partitioned into 8 tasks"));
            long bytes = 0;
            for (int i = 0; bytes < 4 * 64 * 1024; i++) { // about four times the limit, each task about half of it
                String message = "task output " + i + " " + "x".repeat(40 + random.nextInt(80));
                lines.add(ScriptedLine.task("task-" + i % 8, t0.plusMillis(1 + random.nextInt(60_000)), "INFO", "main",
                        message));
                bytes += message.length() + 90;
            }
            String job = sim.addJob("large", lines);
            String yaml = NitelogYaml.against(sim, dir.resolve("state"))
                    .set("bytenite", "max-response-bytes", "64K")
                    .set("jobs", "discover", "false").set("jobs", "ids", "[" + job + "]")
                    .sinks("""
                                archive:
                                  type: file
                                  path: %s/out/all.log
                            """.formatted(dir)).build();
            try (NitelogProcess nitelog = new NitelogProcess(dir, yaml, Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
                nitelog.startCommand("run", "--exit-when-done").awaitStarted(Duration.ofMinutes(1));
                sim.completeJob(job);
                assertEquals(0, nitelog.awaitExit(Duration.ofMinutes(2)), nitelog.stderr());
                Map<String, Integer> served = served(sim);
                Map<String, Integer> shipped = shipped(lines(dir.resolve("out")));
                assertEquals(served, shipped, "seed " + seed + ": " + describeDifference(served, shipped));
                assertTrue(nitelog.stderr().contains("fetched in parts"), nitelog.stderr());
                assertTrue(nitelog.stderr().contains("all lines shipped"), nitelog.stderr());
            }
        }
    }
}
