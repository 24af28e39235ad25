package dev.nitelog.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** nitelog's own log as JSON with ECS field names, switched on by one environment variable. */
class JsonLogIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> JSON_ON = Map.of("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");

    @Test
    void everyStderrLineIsOneEcsJsonEventAndStdoutKeepsOnlyRecords(@TempDir Path dir) throws Exception {
        try (ByteNiteSimulator sim = ByteNiteSimulator.start(SimulatorOptions.builder().jobs(0).build())) {
            List<ScriptedLine> lines = new ArrayList<>();
            Instant t0 = Instant.parse("2026-05-01T10:00:00Z");
            for (int i = 0; i < 20; i++) {
                lines.add(ScriptedLine.task("task-0", t0.plusMillis(i), "INFO", "main", "line " + i));
            }
            // a name that would forge a second text line: in JSON it stays inside one message
            sim.addJob("nightly\n{\"log.level\":\"ERROR\"}", lines);
            String yaml = NitelogYaml.against(sim, dir.resolve("state")).sinks("""
                        console:
                          type: stdout
                    """).build();
            Map<String, String> env = new java.util.HashMap<>(JSON_ON);
            env.put("NITELOG_BYTENITE_API_KEY", sim.apiKey());
            try (NitelogProcess nitelog = new NitelogProcess(dir, yaml, env)) {
                nitelog.start().awaitStarted(Duration.ofMinutes(1));
                nitelog.awaitStdoutLines(lines.size(), Duration.ofMinutes(1));
                assertEquals(0, nitelog.terminate(Duration.ofSeconds(30)), nitelog.stderr());

                List<JsonNode> events = events(nitelog.stderr());
                assertTrue(events.stream().anyMatch(e -> e.path("message").asText().startsWith("Following job nightly\\n")),
                        "the job's name is escaped inside its event: " + nitelog.stderr());
                assertTrue(events.stream().anyMatch(e -> e.path("message").asText().equals("nitelog stopped")));
                for (String line : nitelog.stdoutLines()) {
                    assertTrue(JSON.readTree(line).has("job_id"), "stdout has records only: " + line);
                }
            }
        }
    }

    /** An API nothing answers at, a state directory, and whatever else is given. */
    private static String unreachableApi(Path dir, String rest) {
        return """
                nitelog:
                  bytenite:
                    api-url: http://127.0.0.1:9/v1/customer
                    auth-url: http://127.0.0.1:9/v1/auth
                  state:
                    dir: %s
                """.formatted(dir.resolve("state")) + rest;
    }

    @Test
    void aConfigurationErrorIsAJsonEventToo(@TempDir Path dir) throws Exception {
        String yaml = unreachableApi(dir, "");
        try (NitelogProcess nitelog = new NitelogProcess(dir, yaml, JSON_ON)) {
            assertEquals(2, nitelog.start().awaitExit(Duration.ofMinutes(1)), nitelog.stderr());
            List<JsonNode> events = events(nitelog.stderr());
            assertTrue(events.stream().anyMatch(e -> e.path("log.level").asText().equals("ERROR")
                    && e.path("message").asText().contains("nitelog.bytenite.api-key is not set")), nitelog.stderr());
        }
    }

    /** A failure with a stack trace (the metrics port taken) is one event, not one event per frame. */
    @Test
    void aStackTraceIsOneEventWithItsFramesInErrorStackTrace(@TempDir Path dir) throws Exception {
        String yaml = unreachableApi(dir, """
                  sinks:
                    console:
                      type: stdout
                """);
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Map<String, String> env = new java.util.HashMap<>(JSON_ON);
            env.put("NITELOG_HTTP_PORT", String.valueOf(taken.getLocalPort()));
            env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
            env.put("NITELOG_BYTENITE_API_KEY", "not-used-the-start-fails-first");
            try (NitelogProcess nitelog = new NitelogProcess(dir, yaml, env)) {
                assertTrue(nitelog.start().awaitExit(Duration.ofMinutes(1)) != 0, nitelog.stderr());
                String stderr = nitelog.stderr();
                String port = String.valueOf(taken.getLocalPort());
                JsonNode failure = events(stderr).stream().filter(e -> e.path("log.level").asText().equals("ERROR")
                        && e.path("message").asText().contains("Port already bound: " + port)).findFirst()
                        .orElseThrow(() -> new AssertionError("no ERROR event naming the port: " + stderr));
                String trace = failure.path("error.stack_trace").asText();
                assertTrue(trace.contains("\n\tat ") && trace.contains("Caused by: ") && trace.contains("QuarkusBindException"),
                        "the frames and causes in one field: " + trace);
            }
        }
    }

    /** Parses every line as one ECS event; fails on any line that is not. */
    private static List<JsonNode> events(String stderr) {
        List<JsonNode> events = new ArrayList<>();
        assertFalse(stderr.isBlank(), "nitelog logged nothing");
        for (String line : stderr.split("\n")) {
            JsonNode event;
            try {
                event = JSON.readTree(line);
            } catch (Exception e) {
                throw new AssertionError("not a JSON line: " + line + "\nstderr:\n" + stderr, e);
            }
            for (String field : List.of("@timestamp", "log.level", "log.logger", "message", "ecs.version",
                    "service.name", "process.thread.name")) {
                if (!event.hasNonNull(field)) {
                    fail("no ECS field " + field + " in " + line);
                }
            }
            events.add(event);
        }
        return events;
    }
}
