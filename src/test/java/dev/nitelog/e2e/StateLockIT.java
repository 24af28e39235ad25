package dev.nitelog.e2e;

import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.SimulatorOptions;
import dev.nitelog.testing.NitelogProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two nitelog daemons on one state directory: the second refuses to start, the first is untouched. */
class StateLockIT {

    @Test
    void aSecondDaemonOnTheSameStateDirectoryExitsAtOnceWithOneLineNamingTheHolderWhileTheFirstKeepsShipping(
            @TempDir Path dir) throws Exception {
        SimulatorOptions options = SimulatorOptions.builder().jobs(2).tasksPerJob(2).linesPerJob(3000)
                .linesPerSecond(40).build();
        Path out = dir.resolve("out");
        Path state = dir.resolve("state");
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(options);
             NitelogProcess first = new NitelogProcess(dir.resolve("first"), DurabilityIT.config(sim, dir, ""),
                     Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()));
             NitelogProcess second = new NitelogProcess(dir.resolve("second"), DurabilityIT.config(sim, dir, ""),
                     Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
            first.start().awaitStarted(Duration.ofMinutes(1));
            await().atMost(Duration.ofMinutes(1)).until(() -> DurabilityIT.lines(out).size() > 50);

            second.start();
            int exit = second.awaitExit(Duration.ofMinutes(1));

            assertNotEquals(0, exit, second.stderr());
            List<String> errors = second.stderr().lines().filter(line -> line.startsWith("nitelog: ")).toList();
            assertEquals(1, errors.size(), "one line: " + second.stderr());
            String line = errors.get(0);
            System.out.println("second daemon, exit " + exit + ": " + line);
            assertTrue(line.contains(state.toAbsolutePath().toString()), line);
            assertTrue(line.contains("in use by another nitelog (pid " + first.pid() + "@"), line);
            assertTrue(line.contains("nitelog.state.dir"), "names the fix: " + line);

            assertTrue(first.alive(), "the first daemon keeps running");
            int shipped = DurabilityIT.lines(out).size();
            await().atMost(Duration.ofSeconds(30)).until(() -> DurabilityIT.lines(out).size() > shipped);

            // the one-shot commands write no state and take no lock: they work beside the daemon
            NitelogProcess.Result validate = second.runCommand(Duration.ofMinutes(1), "validate");
            assertEquals(0, validate.exit(), validate.stderr());
            assertEquals(0, first.terminate(Duration.ofSeconds(30)));
        }
    }
}
