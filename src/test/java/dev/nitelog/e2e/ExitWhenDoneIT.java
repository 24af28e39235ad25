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

import static dev.nitelog.e2e.DurabilityIT.lines;
import static dev.nitelog.e2e.EndToEndIT.served;
import static dev.nitelog.e2e.EndToEndIT.shipped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code run --exit-when-done} (the flag for {@code jobs.exit-when-done}): a sidecar beside one job
 * exits 0 once its job is done and shipped.
 */
class ExitWhenDoneIT {
    @Test
    void exitsZeroOnlyAfterEverySinkHasEveryLineOfItsJob(@TempDir Path dir) throws Exception {
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(SimulatorOptions.builder().jobs(0).build())) {
            List<ScriptedLine> lines = new ArrayList<>();
            Instant t0 = Instant.parse("2026-05-01T10:00:00Z");
            for (int i = 0; i < 500; i++) {
                lines.add(ScriptedLine.task("task-" + i % 3, t0.plusMillis(i), "INFO", "main", "line " + i));
            }
            String job = sim.addJob("sidecar", lines);
            String yaml = NitelogYaml.against(sim, dir.resolve("state"))
                    .set("jobs", "discover", "false").set("jobs", "ids", "[" + job + "]")
                    .sinks("""
                                archive:
                                  type: file
                                  path: %s/out/all.log
                            """.formatted(dir)).build();
            try (NitelogProcess nitelog = new NitelogProcess(dir, yaml, Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
                nitelog.startCommand("run", "--exit-when-done").awaitStarted(Duration.ofMinutes(1));
                sim.appendLines(job, List.of(ScriptedLine.task("task-0", t0.plusSeconds(5), "INFO", "main", "last")));
                assertTrue(nitelog.alive(), "a running job keeps it running");
                sim.completeJob(job);
                assertEquals(0, nitelog.awaitExit(Duration.ofMinutes(1)), nitelog.stderr());
                assertEquals(served(sim), shipped(lines(dir.resolve("out"))), "every line, once, before the exit");
                assertTrue(nitelog.stderr().contains("Every followed job is done"), nitelog.stderr());
            }
        }
    }
}
