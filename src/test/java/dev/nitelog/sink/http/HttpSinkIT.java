package dev.nitelog.sink.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.SimulatorOptions;
import dev.nitelog.testing.LineCounts;
import dev.nitelog.testing.NitelogProcess;
import dev.nitelog.testing.NitelogYaml;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * nitelog as a process (the packaged jar) against the simulator, with one http sink whose
 * receiver refuses its first requests (503, then 429 with Retry-After): every served line arrives
 * exactly once among the requests it accepted.
 */
class HttpSinkIT {
    private static final ObjectMapper JSON = new ObjectMapper();


    @Test
    void everyServedLineArrivesExactlyOnceAtTheReceiverThroughRefusals(@TempDir Path dir) throws Exception {
        SimulatorOptions options = SimulatorOptions.builder().jobs(3).tasksPerJob(2).linesPerJob(400)
                .linesPerSecond(300).build();
        Path token = Files.writeString(dir.resolve("token"), "e2e-token\n");
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(options);
             Receiver receiver = Receiver.start().respond((i, r) -> i < 2 ? Receiver.Answer.status(503)
                     : i == 3 ? new Receiver.Answer(429, Map.of("Retry-After", "1"), "")
                     : Receiver.Answer.status(200))) {
            String sinks = """
                        hook:
                          type: http
                          url: %s
                          gzip: true
                          bearer-token-file: %s
                          batch-size: 200
                          max-retries: 0
                          retry-backoff: 100ms
                          retry-max-backoff: 1s
                    """.formatted(receiver.url(), token);
            String yaml = NitelogYaml.against(sim, dir.resolve("state")).sinks(sinks.stripTrailing()).build();
            try (NitelogProcess nitelog = new NitelogProcess(dir, yaml, Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
                System.out.println("simulator seed " + sim.seed());
                nitelog.start();
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                        sim.jobIds().stream().allMatch(id -> sim.jobState(id).matches("JOB_STATE_(COMPLETE|FAILED)"))
                                && receiver.acceptedLines().size() >= LineCounts.served(sim).values().stream()
                                .mapToInt(Integer::intValue).sum());
                assertEquals(LineCounts.served(sim), LineCounts.shipped(receiver.acceptedLines()));
                Set<String> ids = new HashSet<>();
                for (String line : receiver.acceptedLines()) {
                    assertTrue(ids.add(JSON.readTree(line).get("id").asText()), "a record twice: " + line);
                }
                assertTrue(receiver.requests().stream().allMatch(r -> "Bearer e2e-token".equals(r.header("Authorization"))));
                assertTrue(receiver.requests().size() > receiver.accepted().size(), "the refusals were met");
                assertEquals(0, nitelog.terminate(Duration.ofSeconds(30)));
                assertTrue(!nitelog.stderr().contains("e2e-token"), "the token is never logged");
            }
        }
    }
}
