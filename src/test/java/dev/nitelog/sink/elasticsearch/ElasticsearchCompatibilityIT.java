package dev.nitelog.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkHealth;
import dev.nitelog.testing.Elasticsearch8Process;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The same sink against Elasticsearch 8.19 (its own JVM): bulk create, 409 on repeats, template, health. */
class ElasticsearchCompatibilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writesEachRecordOnceIntoElasticsearch8AndInstallsTheTemplate() throws Exception {
        assumeTrue(Elasticsearch8Process.available(), "target/elasticsearch8 missing: run through ./mvnw verify");
        try (Elasticsearch8Process es = Elasticsearch8Process.start(Duration.ofSeconds(150))) {
            ElasticsearchSink sink = EsTestSupport.sink(Map.of("urls", es.url().toString(),
                    "index", "es8-{yyyy.MM.dd}", "install-template", "true"));
            List<LogRecord> records = EsTestSupport.records("job-es8", 0, 100, Instant.parse("2025-07-11T10:00:00Z"));
            List<LogRecord> twice = new ArrayList<>(records);
            twice.addAll(records.subList(0, 60));
            EsTestSupport.KeptDeadLetters deadLetters = new EsTestSupport.KeptDeadLetters();

            sink.write(new SinkBatch(twice, deadLetters));
            sink.write(new SinkBatch(records, deadLetters));

            assertTrue(deadLetters.records.isEmpty(), deadLetters.reasons::toString);
            HttpClient http = HttpClient.newHttpClient();
            http.send(HttpRequest.newBuilder(es.url().resolve("/es8-*/_refresh"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            assertEquals(records.size(), JSON.readTree(get(http, es, "/es8-*/_count")).path("count").asInt());
            JsonNode mapping = JSON.readTree(get(http, es, "/es8-2025.07.11/_mapping"));
            assertEquals("date_nanos", mapping.at("/es8-2025.07.11/mappings/properties/@timestamp/type").asText());
            JsonNode doc = JSON.readTree(get(http, es, "/es8-2025.07.11/_doc/" + records.get(1).id().hex()));
            assertEquals("2025-07-11T10:00:00.001000123Z", doc.at("/_source/@timestamp").asText());
            SinkHealth health = sink.check();
            assertTrue(health.up(), health.detail());
        }
    }

    private static String get(HttpClient http, Elasticsearch8Process es, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(es.url().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }
}
