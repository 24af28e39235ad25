package dev.nitelog.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** A tiny test client of the simulator over java.net.http. */
final class SimClient {

    /** One line of a /logs response, flattened. */
    record Got(LogService service, String taskId, String container, String timestamp, String level, String log) {
        Instant instant() {
            return Instant.parse(timestamp);
        }
    }

    static final ObjectMapper MAPPER = new ObjectMapper();

    private final ByteNiteSimulator sim;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String token;

    SimClient(ByteNiteSimulator sim) {
        this.sim = sim;
    }

    HttpResponse<String> requestToken(String apiKey) throws IOException, InterruptedException {
        String body = MAPPER.writeValueAsString(Map.of("apiKey", apiKey));
        return send(HttpRequest.newBuilder(URI.create(sim.authUrl() + "/access_token"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json"));
    }

    String token() throws IOException, InterruptedException {
        if (token == null) {
            HttpResponse<String> r = requestToken(sim.apiKey());
            token = json(r).get("token").asText();
        }
        return token;
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(sim.apiUrl() + path)).GET().header("Authorization", token()));
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(sim.apiUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Authorization", token())
                .header("Content-Type", "application/json"));
    }

    HttpResponse<String> logs(String jobId) throws IOException, InterruptedException {
        return post("/logs", "{\"jobId\":\"" + jobId + "\",\"taskIds\":[],\"levels\":[],\"services\":[]}");
    }

    List<Got> logLines(String jobId) throws IOException, InterruptedException {
        HttpResponse<String> r = logs(jobId);
        if (r.statusCode() != 200) {
            throw new AssertionError("logs answered " + r.statusCode() + ": " + r.body());
        }
        return flatten(json(r));
    }

    JsonNode job(String jobId) throws IOException, InterruptedException {
        return json(get("/jobs/" + jobId)).get("job");
    }

    HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return MAPPER.readTree(r.body());
    }

    static List<Got> flatten(JsonNode body) {
        List<Got> out = new ArrayList<>();
        add(out, LogService.PARTITIONER, null, body.path("partitioner"));
        add(out, LogService.ASSEMBLER, null, body.path("assembler"));
        Iterator<Map.Entry<String, JsonNode>> tasks = body.path("taskrunner").fields();
        while (tasks.hasNext()) {
            Map.Entry<String, JsonNode> e = tasks.next();
            add(out, LogService.TASKRUNNER, e.getKey(), e.getValue().path("logs"));
        }
        return out;
    }

    private static void add(List<Got> out, LogService service, String taskId, JsonNode lines) {
        for (JsonNode l : lines) {
            out.add(new Got(service, taskId, l.get("container").asText(), l.get("timestamp").asText(),
                    l.get("level").asText(), l.get("log").asText()));
        }
    }
}
