package dev.nitelog.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nitelog.simulator.ByteNiteSimulator;
import dev.nitelog.simulator.SimulatorOptions;
import dev.nitelog.testing.EmbeddedOpenSearch;
import dev.nitelog.testing.KafkaBroker;
import dev.nitelog.testing.NitelogProcess;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The daemon with three sinks side by side (file, Kafka, Elasticsearch API), against a real broker
 * and a real OpenSearch node: both go away for 30 s while lines flow. The file sink must keep
 * receiving throughout, and once the two come back each holds every line.
 */
class SinkOutageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @Test
    void kafkaAndTheSearchEngineAwayForThirtySecondsLoseNothingAndTheFileSinkKeepsReceiving(@TempDir Path dir)
            throws Exception {
        SimulatorOptions options = SimulatorOptions.builder().jobs(3).tasksPerJob(2).linesPerJob(6000)
                .linesPerSecond(50).build();
        try (KafkaBroker broker = KafkaBroker.start(Map.of("auto.create.topics.enable", "true"));
             EmbeddedOpenSearch engine = new EmbeddedOpenSearch().start();
             ByteNiteSimulator sim = ByteNiteSimulator.start(options);
             NitelogProcess nitelog = new NitelogProcess(dir, config(sim, dir, broker, engine),
                     Map.of("NITELOG_BYTENITE_API_KEY", sim.apiKey()))) {
            System.out.println("simulator seed " + sim.seed());
            nitelog.start().awaitStarted(Duration.ofMinutes(1));
            String ready = "http://127.0.0.1:" + nitelog.httpPort() + "/q/health/ready";
            await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() -> fileIds(dir).size() > 200
                    && kafkaIds(broker).size() > 200 && searchCount(engine) > 200);

            broker.stopBroker();
            engine.stop();
            long outageEnd = System.nanoTime() + OUTAGE.toNanos();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                String health = get(ready);
                return health.contains("\"DOWN\"") && health.contains("bus") && health.contains("search");
            });
            try {
                while (System.nanoTime() < outageEnd) { // the file sink keeps receiving all the while
                    int before = fileIds(dir).size();
                    await().atMost(Duration.ofSeconds(5)).until(() -> fileIds(dir).size() > before);
                }
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                System.out.println("nitelog's log:\n" + nitelog.stderr());
                throw e;
            }
            assertTrue(!DurabilityIT.allJobsEnded(sim), "the jobs ended during the outage: make them longer");
            broker.startBroker();
            engine.start();

            try {
                await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() ->
                        DurabilityIT.allJobsEnded(sim) && fileIds(dir).size() == EndToEndIT.total(EndToEndIT.served(sim))
                                && new HashSet<>(kafkaIds(broker)).containsAll(fileIds(dir))
                                && searchCount(engine) == fileIds(dir).size());
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                System.out.printf("served %d, file %d, kafka %d distinct, index %d; jobs ended: %s%nnitelog's log:%n%s%n",
                        EndToEndIT.total(EndToEndIT.served(sim)), fileIds(dir).size(),
                        new HashSet<>(kafkaIds(broker)).size(), searchCount(engine), DurabilityIT.allJobsEnded(sim),
                        nitelog.stderr());
                throw e;
            }
            assertEquals(EndToEndIT.served(sim), EndToEndIT.shipped(fileLines(dir)), "the file sink has every line once");
            Set<String> expected = new HashSet<>(fileIds(dir));
            List<String> inKafka = kafkaIds(broker);
            assertEquals(expected, new HashSet<>(inKafka), "Kafka has every line and nothing else");
            assertEquals(expected.size(), searchCount(engine), "the index has as many documents as lines");
            assertEquals(List.of(), missingFromIndex(engine, expected), "the index has every line");
            System.out.printf("outage: %d lines, %d Kafka duplicates from retried batches%n",
                    expected.size(), inKafka.size() - expected.size());
            await().atMost(Duration.ofSeconds(30)).until(() -> get(ready).contains("\"UP\""));
            assertEquals(0, nitelog.terminate(Duration.ofSeconds(40)));
        }
    }

    private static String config(ByteNiteSimulator sim, Path dir, KafkaBroker broker, EmbeddedOpenSearch engine) {
        return EndToEndIT.config(sim, dir.resolve("state"), """
                    disk:
                      type: file
                      path: %s/out/all.log
                      max-size: 1G
                      batch-size: 200
                      linger: 20ms
                    bus:
                      type: kafka
                      topic: bytenite-logs
                      retry-backoff: 200ms
                      retry-max-backoff: 2s
                      producer:
                        bootstrap.servers: %s
                        delivery.timeout.ms: 10000
                        request.timeout.ms: 5000
                    search:
                      type: elasticsearch
                      urls: %s
                      index: outage-logs
                      retry-backoff: 200ms
                      retry-max-backoff: 2s
                """.formatted(dir, broker.bootstrapServers(), engine.url()));
    }

    /** The lines written so far: read while nitelog appends, the last line may not be complete yet. */
    private static List<String> fileLines(Path dir) throws IOException {
        Path file = dir.resolve("out/all.log");
        if (!Files.exists(file)) {
            return List.of();
        }
        String text = Files.readString(file);
        return text.substring(0, text.lastIndexOf('\n') + 1).lines().toList();
    }

    private static List<String> fileIds(Path dir) throws IOException {
        List<String> ids = new ArrayList<>();
        for (String line : fileLines(dir)) {
            ids.add(JSON.readTree(line).get("id").asText());
        }
        return ids;
    }

    private static List<String> kafkaIds(KafkaBroker broker) {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : broker.readAll("bytenite-logs")) {
            ids.add(new String(r.headers().lastHeader("nitelog-record-id").value(), StandardCharsets.UTF_8));
        }
        return ids;
    }

    private static long searchCount(EmbeddedOpenSearch engine) throws Exception {
        send(engine, "POST", "/outage-logs/_refresh?ignore_unavailable=true", null);
        return JSON.readTree(send(engine, "GET", "/outage-logs/_count?ignore_unavailable=true", null))
                .path("count").asLong();
    }

    /** The ids among {@code ids} that have no document, looked up by _id (a search stops at 10,000 hits). */
    private static List<String> missingFromIndex(EmbeddedOpenSearch engine, Set<String> ids) throws Exception {
        List<String> all = new ArrayList<>(ids);
        List<String> missing = new ArrayList<>();
        for (int from = 0; from < all.size(); from += 2000) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 2000));
            String body = send(engine, "POST", "/outage-logs/_mget?_source=false",
                    JSON.writeValueAsString(Map.of("ids", chunk)));
            for (JsonNode doc : JSON.readTree(body).path("docs")) {
                if (!doc.path("found").asBoolean()) {
                    missing.add(doc.path("_id").asText());
                }
            }
        }
        return missing;
    }

    private static String send(EmbeddedOpenSearch engine, String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(engine.url() + path))
                .header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
