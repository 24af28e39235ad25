package dev.nitelog.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.SimulatorOptions;
import dev.nitelog.testing.LineCounts;
import dev.nitelog.testing.NitelogProcess;
import dev.nitelog.testing.NitelogYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** nitelog as a real process (the packaged jar) against the simulator, through stdout. */
class EndToEndIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    static String config(ByteNiteSimulator sim, Path state, String sinks) {
        return NitelogYaml.against(sim, state).sinks(sinks).build();
    }

    static String key(String job, String service, String task, String container, Instant ts, String level, String message) {
        return LineCounts.key(job, service, task, container, ts, level, message);
    }

    static Map<String, Integer> served(ByteNiteSimulator sim) {
        return LineCounts.served(sim);
    }

    static Map<String, Integer> shipped(List<String> jsonLines) throws IOException {
        return LineCounts.shipped(jsonLines);
    }

    static int total(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Test
    void shipsEveryLineOfEveryJobExactlyOnceAndExitsCleanlyOnSigterm(@TempDir Path dir) throws Exception {
        SimulatorOptions options = SimulatorOptions.builder().jobs(3).tasksPerJob(3).linesPerJob(300)
                .linesPerSecond(200).build();
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(options);
             NitelogProcess nitelog = new NitelogProcess(dir, config(sim, dir.resolve("state"),
                     "    out:\n      type: stdout\n      format: json"),
                     Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
            System.out.println("simulator seed " + sim.seed());
            nitelog.start();
            try {
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() ->
                        sim.jobIds().stream().allMatch(id -> sim.jobState(id).matches("JOB_STATE_(COMPLETE|FAILED)"))
                                && total(served(sim)) == nitelog.allStdoutLines().size());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                System.out.println(describeDifference(served(sim), shipped(nitelog.allStdoutLines())));
                throw e;
            }
            assertEquals(served(sim), shipped(nitelog.allStdoutLines()));
            Set<String> ids = new HashSet<>();
            for (String line : nitelog.allStdoutLines()) {
                assertTrue(ids.add(JSON.readTree(line).get("id").asText()), "duplicate record id in " + line);
            }
            assertEquals(0, nitelog.terminate(Duration.ofSeconds(30)));
        }
    }

    @Test
    void runsTheDemoAgainstTheEmbeddedSimulatorWhenNoKeyIsConfigured(@TempDir Path dir) throws Exception {
        String yaml = """
                nitelog:
                  jobs:
                    poll-interval: 500ms
                    discovery-interval: 1s
                  state:
                    dir: %s
                  sinks:
                    console:
                      type: stdout
                """.formatted(dir.resolve("state"));
        try (NitelogProcess nitelog = new NitelogProcess(dir, yaml, Map.of())) {
            nitelog.start();
            await().atMost(Duration.ofMinutes(1)).until(() -> jobsIn(nitelog.allStdoutLines()).size() >= 2);
            List<String> lines = nitelog.allStdoutLines();
            assertEquals(lines.size(), new HashSet<>(ids(lines)).size(), "every record once");
            String firstLine = nitelog.stderr().lines().findFirst().orElse("");
            assertTrue(firstLine.contains("DEMO"), "first line should say it runs the demo: " + firstLine);
            assertEquals(0, nitelog.terminate(Duration.ofSeconds(30)));
        }
    }

    @Test
    void aBadConfigStopsStartupWithOneLineNamingKeyValueAndFix(@TempDir Path dir) throws Exception {
        String yaml = """
                nitelog:
                  jobs:
                    max-concurrent-polls: 0
                  sinks:
                    console:
                      type: stdout
                """;
        try (NitelogProcess nitelog = new NitelogProcess(dir, yaml, Map.of())) {
            nitelog.start();
            assertEquals(2, nitelog.awaitExit(Duration.ofSeconds(60)));
            String stderr = nitelog.stderr().strip();
            assertEquals(List.of("nitelog: nitelog.jobs.max-concurrent-polls=0 is out of range: use a value from 1 to 1024"),
                    stderr.lines().filter(line -> line.startsWith("nitelog:")).toList());
            assertTrue(!stderr.contains("\tat "), "no stack trace: " + stderr);
        }
    }

    @Test
    void aValueOfTheWrongTypeStopsStartupWithOneLine(@TempDir Path dir) throws Exception {
        String yaml = """
                nitelog:
                  jobs:
                    poll-interval: fives
                  sinks:
                    console:
                      type: stdout
                """;
        try (NitelogProcess nitelog = new NitelogProcess(dir, yaml, Map.of())) {
            nitelog.start();
            int exit = nitelog.awaitExit(Duration.ofSeconds(60));
            String stderr = nitelog.stderr().strip();
            assertTrue(exit != 0);
            assertTrue(stderr.lines().anyMatch(line -> line.startsWith("nitelog: nitelog.jobs.poll-interval=fives is not a valid value")),
                    stderr);
            assertTrue(!stderr.contains("\tat "), "no stack trace: " + stderr);
        }
    }

    /** Counts and a few examples of what is missing or extra, for a failure message. */
    static String describeDifference(Map<String, Integer> served, Map<String, Integer> shipped) {
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        served.forEach((k, n) -> { if (shipped.getOrDefault(k, 0) < n) missing.add(k.replace('\u0001', '|')); });
        shipped.forEach((k, n) -> { if (served.getOrDefault(k, 0) < n) extra.add(k.replace('\u0001', '|')); });
        return "served " + total(served) + ", shipped " + total(shipped) + "; missing " + missing.size() + " e.g. "
                + missing.stream().limit(5).toList() + "; extra " + extra.size() + " e.g. " + extra.stream().limit(5).toList();
    }

    static List<String> ids(List<String> lines) throws IOException {
        List<String> ids = new ArrayList<>();
        for (String line : lines) {
            ids.add(JSON.readTree(line).get("id").asText());
        }
        return ids;
    }

    static Set<String> jobsIn(List<String> lines) throws IOException {
        Set<String> jobs = new HashSet<>();
        for (String line : lines) {
            jobs.add(JSON.readTree(line).get("job_id").asText());
        }
        return jobs;
    }
}
