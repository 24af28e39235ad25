package dev.nitelog.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nitelog.simulator.ByteNiteSimulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Fetches a job's {@code POST /logs} body from the simulator exactly as served on the wire. */
final class SimHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SimHttp() {
    }

    static byte[] logsBody(ByteNiteSimulator sim, String jobId) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> auth = http.send(HttpRequest.newBuilder(URI.create(sim.authUrl() + "/access_token"))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("apiKey", sim.apiKey()))))
                .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        String token = JSON.readTree(auth.body()).get("token").asText();
        HttpResponse<byte[]> logs = http.send(HttpRequest.newBuilder(URI.create(sim.apiUrl() + "/logs"))
                .timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofString("{\"jobId\":\"" + jobId + "\"}"))
                .header("Authorization", token).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (logs.statusCode() != 200) {
            throw new IOException("simulator /logs answered " + logs.statusCode());
        }
        return logs.body();
    }
}
