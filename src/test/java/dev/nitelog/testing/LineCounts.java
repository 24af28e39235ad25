package dev.nitelog.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.ServedLine;

import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Lines as multisets, so an end-to-end test can compare what the simulator served with what a sink
 * received: each line keyed by its identity, counted.
 */
public final class LineCounts {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LineCounts() {
    }

    /** The identity of a line as the simulator served it, comparable with an output record. */
    public static String key(String job, String service, String task, String container, Instant ts, String level,
                             String message) {
        return String.join("\u0001", job, service, String.valueOf(task), container, ts.toString(), level, message);
    }

    /** Every line the simulator served, of every job, counted. */
    public static Map<String, Integer> served(ByteNiteSimulator sim) {
        Map<String, Integer> lines = new HashMap<>();
        for (String job : sim.jobIds()) {
            for (ServedLine l : sim.servedLines(job)) {
                lines.merge(key(job, l.service().name().toLowerCase(), l.taskId(), l.container(), l.timestamp(),
                        l.level(), l.message()), 1, Integer::sum);
            }
        }
        return lines;
    }

    /** The lines of canonical JSON records (as the sinks write them), counted. */
    public static Map<String, Integer> shipped(List<String> jsonLines) throws IOException {
        Map<String, Integer> lines = new HashMap<>();
        for (String line : jsonLines) {
            JsonNode r = JSON.readTree(line);
            lines.merge(key(r.get("job_id").asText(), r.get("service").asText(),
                    r.get("task_id").isNull() ? null : r.get("task_id").asText(), r.get("container").asText(),
                    Instant.parse(r.get("timestamp").asText()), r.get("level").asText(), r.get("message").asText()),
                    1, Integer::sum);
        }
        return lines;
    }
}
