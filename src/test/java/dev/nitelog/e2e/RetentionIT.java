package dev.nitelog.e2e;

import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.Route;
import dev.nitelog.simulator.SimulatorOptions;
import dev.nitelog.testing.NitelogProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static dev.nitelog.e2e.DurabilityIT.allJobsEnded;
import static dev.nitelog.e2e.DurabilityIT.lines;
import static dev.nitelog.e2e.EndToEndIT.served;
import static dev.nitelog.e2e.EndToEndIT.shipped;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Finished jobs stay tombstoned across restarts for the retention period, then their state goes. */
class RetentionIT {
    /** Retired jobs to hold; -Dretention.jobs= changes it. */
    private static final int JOBS = Integer.getInteger("retention.jobs", 300);

    static long checkpoints(Path state) throws IOException {
        Path jobs = state.resolve("jobs");
        if (!Files.exists(jobs)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(jobs)) { // names only: the purge deletes files meanwhile
            return files.filter(f -> f.getFileName().toString().endsWith(".ckpt")).count();
        }
    }

    static long retiredLogLines(NitelogProcess nitelog) throws IOException {
        return nitelog.stderr().lines().filter(line -> line.contains("finished: all lines shipped")).count();
    }

    @Test
    void retiredJobsAreNotShippedAgainAfterARestartAndTheirStateIsPurgedAfterRetention(@TempDir Path dir) throws Exception {
        SimulatorOptions options = SimulatorOptions.builder().jobs(JOBS).tasksPerJob(1).linesPerJob(6)
                .linesPerSecond(30).build();
        Path state = dir.resolve("state");
        Path out = dir.resolve("out");
        String yaml = """
                nitelog:
                  bytenite:
                    api-url: %s
                    auth-url: %s
                    max-requests-per-second: 1000 # this test is about retention, not politeness
                  jobs:
                    poll-interval: 300ms
                    discovery-interval: 1s
                    drain-polls: 1
                    drain-period: 0s
                    backfill: 15s
                    retention: %ds
                  state:
                    dir: %s
                    flush-interval: 200ms
                  sinks:
                    archive:
                      type: file
                      path: %s/{job}.log
                """;
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(options)) {
            // retention outlasts shipping every job, so no tombstone expires before the restart check
            long retentionSeconds = Math.max(35, JOBS / 10);
            String config = yaml.formatted(sim.apiUrl(), sim.authUrl(), retentionSeconds, state, out);
            try (NitelogProcess nitelog = new NitelogProcess(dir, config, Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
                nitelog.start();
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> allJobsEnded(sim) && retiredLogLines(nitelog) == JOBS);
                assertEquals(served(sim), shipped(lines(out)), "every line of every job once");
                assertEquals(0, nitelog.terminate(Duration.ofSeconds(40)));
                assertEquals(JOBS, checkpoints(state), "one tombstone per retired job");

                // restart: the tombstones survive, the finished jobs are listed again and not shipped again
                long jobListingsBefore = sim.stats().requests(Route.LIST_JOBS);
                nitelog.start().awaitStarted(Duration.ofMinutes(1));
                await().atMost(Duration.ofMinutes(1)).until(() ->
                        sim.stats().requests(Route.LIST_JOBS) >= jobListingsBefore + 3 * (JOBS / 50));
                assertEquals(served(sim), shipped(lines(out)), "nothing shipped again after the restart");
                assertEquals(JOBS, checkpoints(state));

                // past the retention, the tombstones and their files are purged; the jobs, older than
                // the backfill window by then, are history and still not shipped again
                await().atMost(Duration.ofSeconds(retentionSeconds + 120)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> checkpoints(state) == 0);
                long listingsAfterPurge = sim.stats().requests(Route.LIST_JOBS);
                await().atMost(Duration.ofMinutes(1)).until(() ->
                        sim.stats().requests(Route.LIST_JOBS) >= listingsAfterPurge + 2 * (JOBS / 50));
                assertEquals(served(sim), shipped(lines(out)), "purged history is not replayed");
                assertEquals(0, nitelog.terminate(Duration.ofSeconds(40)));
            }
        }
    }
}
