package dev.nitelog.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.RetriableSinkException;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkHealth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.head;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElasticsearchSinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALL_OK = "{\"took\":1,\"errors\":false,\"items\":[]}";
    private static final Instant T0 = Instant.parse("2025-07-11T23:59:59.990Z");

    private WireMockServer server;
    private final EsTestSupport.KeptDeadLetters deadLetters = new EsTestSupport.KeptDeadLetters();

    @BeforeEach
    void start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private ElasticsearchSink sink(String... keys) {
        Map<String, String> config = new java.util.HashMap<>(Map.of("urls", server.baseUrl(),
                "item-retry-backoff", "1ms"));
        for (int i = 0; i < keys.length; i += 2) {
            config.put(keys[i], keys[i + 1]);
        }
        return EsTestSupport.sink(config);
    }

    private static List<LogRecord> records(int n) {
        return EsTestSupport.records("job-1", 0, n, T0);
    }

    private static String items(int... statuses) {
        String items = java.util.Arrays.stream(statuses).mapToObj(s -> s < 300
                ? "{\"create\":{\"_index\":\"i\",\"status\":" + s + "}}"
                : "{\"create\":{\"_index\":\"i\",\"status\":" + s + ",\"error\":{\"type\":\"t" + s
                + "\",\"reason\":\"r" + s + "\",\"caused_by\":{\"type\":\"x\"}}}}").collect(Collectors.joining(","));
        return "{\"took\":3,\"errors\":true,\"items\":[" + items + "]}";
    }

    /** The {@code _id}s of the create actions in a bulk body, in order. */
    private static List<String> ids(LoggedRequest request) throws Exception {
        List<String> ids = new ArrayList<>();
        String[] lines = request.getBodyAsString().split("\n");
        for (int i = 0; i < lines.length; i += 2) {
            ids.add(JSON.readTree(lines[i]).path("create").path("_id").asText());
        }
        return ids;
    }

    private List<LoggedRequest> bulkRequests() {
        return server.findAll(postRequestedFor(urlEqualTo("/_bulk")));
    }

    @Test
    void aCutLineIsFlaggedTruncatedAsFilebeatDoes() throws Exception {
        LogRecord r = records(1).get(0);
        LogRecord cut = new LogRecord(r.id(), r.timestamp(), r.jobId(), r.jobName(), r.service(), r.taskId(),
                r.container(), r.level(), r.message(), 99);
        for (LogRecord record : List.of(r, cut)) {
            dev.nitelog.sink.Utf8Buffer out = new dev.nitelog.sink.Utf8Buffer(64);
            BulkEncoder.appendDocument(record, record.id().hex(), out);
            JsonNode log = JSON.readTree(out.toByteArray()).get("log");
            assertEquals(record.cut() ? "[\"truncated\"]" : null, log.has("flags") ? log.get("flags").toString() : null);
        }
    }

    @Test
    void resendsOnlyTheThrottledItemsAlone() throws Exception {
        server.stubFor(post("/_bulk").inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(items(201, 429, 201, 409, 503, 201))).willSetStateTo("second"));
        server.stubFor(post("/_bulk").inScenario("s").whenScenarioStateIs("second").willReturn(okJson(items(201, 201))));
        List<LogRecord> batch = records(6);

        sink().write(new SinkBatch(batch, deadLetters));

        List<LoggedRequest> requests = bulkRequests();
        assertEquals(2, requests.size());
        assertEquals(batch.stream().map(r -> r.id().hex()).toList(), ids(requests.get(0)));
        assertEquals(List.of(batch.get(1).id().hex(), batch.get(4).id().hex()), ids(requests.get(1)));
        assertTrue(deadLetters.records.isEmpty());
    }

    @Test
    void failsRetriablyWhenItemsStayThrottledBeyondTheRetries() throws Exception {
        server.stubFor(post("/_bulk").inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(items(201, 429))).willSetStateTo("throttled"));
        server.stubFor(post("/_bulk").inScenario("s").whenScenarioStateIs("throttled").willReturn(okJson(items(429))));
        ElasticsearchSink sink = sink("max-item-retries", "2");

        RetriableSinkException e = assertThrows(RetriableSinkException.class,
                () -> sink.write(new SinkBatch(records(2), deadLetters)));

        assertTrue(e.getMessage().contains("1 documents still refused after 2 retries (429 t429: r429)"), e.getMessage());
        assertEquals(3, bulkRequests().size());
        assertEquals(1, ids(bulkRequests().get(2)).size());
    }

    /** A bulk response whose items are {@code "201"} or {@code "<status> <error type>"}. */
    private static String bulk(String... items) {
        String body = java.util.Arrays.stream(items).map(item -> {
            String[] parts = item.split(" ", 2);
            return parts.length == 1
                    ? "{\"create\":{\"_index\":\"i\",\"status\":" + parts[0] + "}}"
                    : "{\"create\":{\"_index\":\"i\",\"status\":" + parts[0] + ",\"error\":{\"type\":\""
                    + parts[1] + "\",\"reason\":\"why " + parts[1] + "\"}}}";
        }).collect(Collectors.joining(","));
        return "{\"took\":3,\"errors\":true,\"items\":[" + body + "]}";
    }

    @Test
    void deadLettersAMappingErrorWithTheEngineReasonAndDeliversTheRest() throws Exception {
        server.stubFor(post("/_bulk").willReturn(okJson(bulk("201", "400 mapper_parsing_exception", "409"))));
        List<LogRecord> batch = records(3);

        sink().write(new SinkBatch(batch, deadLetters));

        assertEquals(List.of(batch.get(1)), deadLetters.records);
        assertEquals(List.of("400 mapper_parsing_exception: why mapper_parsing_exception"), deadLetters.reasons);
        assertEquals(1, bulkRequests().size());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"400 mapper_parsing_exception",
            "400 document_parsing_exception", "400 illegal_argument_exception", "400 strict_dynamic_mapping_exception"})
    void deadLettersOnlyErrorsInTheDocumentItself(String error) throws Exception {
        server.stubFor(post("/_bulk").willReturn(okJson(bulk("201", error))));
        List<LogRecord> batch = records(2);

        sink().write(new SinkBatch(batch, deadLetters));

        assertEquals(List.of(batch.get(1)), deadLetters.records);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"403 security_exception", "404 index_not_found_exception",
            "400 index_closed_exception", "403 cluster_block_exception", "429 cluster_block_exception",
            "400 some_future_exception"})
    void retriesTheBatchWhenTheClusterRefusesAndDeliversItOnceFixedDeadLetteringNothing(String error) throws Exception {
        server.stubFor(post("/_bulk").inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(bulk("201", error, "201"))).willSetStateTo("fixed"));
        server.stubFor(post("/_bulk").inScenario("s").whenScenarioStateIs("fixed")
                .willReturn(okJson(bulk("409", "201", "409"))));
        ElasticsearchSink sink = sink();
        List<LogRecord> batch = records(3);

        RetriableSinkException refused = assertThrows(RetriableSinkException.class,
                () -> sink.write(new SinkBatch(batch, deadLetters)));
        assertTrue(refused.getMessage().contains(error), refused.getMessage());
        assertEquals(1, bulkRequests().size(), "no item retries within the write: the cluster needs fixing first");
        assertTrue(deadLetters.records.isEmpty(), "nothing dead-lettered: " + deadLetters.reasons);

        sink.write(new SinkBatch(batch, deadLetters)); // the worker's retry, after its backoff

        assertEquals(2, bulkRequests().size());
        assertEquals(batch.stream().map(r -> r.id().hex()).toList(), ids(bulkRequests().get(1)));
        assertTrue(deadLetters.records.isEmpty(), "nothing dead-lettered: " + deadLetters.reasons);
    }

    @Test
    void deadLettersADocumentErrorOnlyOnceWhenItsBatchIsRetriedForAClusterError() throws Exception {
        server.stubFor(post("/_bulk").inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(bulk("201", "400 mapper_parsing_exception", "400 index_closed_exception")))
                .willSetStateTo("opened"));
        server.stubFor(post("/_bulk").inScenario("s").whenScenarioStateIs("opened")
                .willReturn(okJson(bulk("409", "400 mapper_parsing_exception", "201"))));
        ElasticsearchSink sink = sink();
        List<LogRecord> batch = records(3);

        assertThrows(RetriableSinkException.class, () -> sink.write(new SinkBatch(batch, deadLetters)));
        assertTrue(deadLetters.records.isEmpty(), "dead letters wait until the write succeeds");
        sink.write(new SinkBatch(batch, deadLetters));

        assertEquals(List.of(batch.get(1)), deadLetters.records);
    }

    @Test
    void halvesATooLargeRequestAndDeadLettersADocumentTooLargeAlone() throws Exception {
        List<LogRecord> batch = records(4);
        String huge = batch.get(2).id().hex();
        server.stubFor(post("/_bulk").atPriority(1).withRequestBody(containing(huge))
                .willReturn(aResponse().withStatus(413)));
        server.stubFor(post("/_bulk").atPriority(2).willReturn(okJson(ALL_OK)));

        sink().write(new SinkBatch(batch, deadLetters));

        List<List<String>> sent = new ArrayList<>();
        for (LoggedRequest r : bulkRequests()) {
            sent.add(ids(r));
        }
        List<String> all = batch.stream().map(r -> r.id().hex()).toList();
        assertEquals(List.of(all, all.subList(0, 2), all.subList(2, 4), List.of(all.get(2)), List.of(all.get(3))), sent);
        assertEquals(List.of(batch.get(2)), deadLetters.records);
        assertTrue(deadLetters.reasons.get(0).startsWith("413"), deadLetters.reasons.get(0));
    }

    @Test
    void halvesA413BatchUntilItFits() throws Exception {
        server.stubFor(post("/_bulk").inScenario("s").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(413)).willSetStateTo("fits"));
        server.stubFor(post("/_bulk").inScenario("s").whenScenarioStateIs("fits").willReturn(okJson(ALL_OK)));
        List<LogRecord> batch = records(5);

        sink().write(new SinkBatch(batch, deadLetters));

        List<String> all = batch.stream().map(r -> r.id().hex()).toList();
        List<LoggedRequest> requests = bulkRequests();
        assertEquals(3, requests.size());
        assertEquals(all.subList(0, 2), ids(requests.get(1)));
        assertEquals(all.subList(2, 5), ids(requests.get(2)));
        assertTrue(deadLetters.records.isEmpty());
    }

    @Test
    void splitsABatchByBytesAsWellAsByCount() throws Exception {
        server.stubFor(post("/_bulk").willReturn(okJson(ALL_OK)));
        List<LogRecord> batch = records(40);

        sink("max-bulk-bytes", "2K").write(new SinkBatch(batch, deadLetters));

        List<String> sent = new ArrayList<>();
        for (LoggedRequest r : bulkRequests()) {
            assertTrue(r.getBody().length <= 2048, "request of " + r.getBody().length + " bytes");
            sent.addAll(ids(r));
        }
        assertTrue(bulkRequests().size() > 2);
        assertEquals(batch.stream().map(r -> r.id().hex()).toList(), sent);
    }

    @Test
    void sendsNdjsonWithCreateAndTheRecordIdAndTheDocumentedFields() throws Exception {
        server.stubFor(post("/_bulk").willReturn(okJson(ALL_OK)));
        List<LogRecord> batch = records(2);

        sink("api-key", "c2VjcmV0OmtleQ==").write(new SinkBatch(batch, deadLetters));

        server.verify(postRequestedFor(urlEqualTo("/_bulk"))
                .withHeader("Content-Type", equalTo("application/x-ndjson"))
                .withHeader("Accept", equalTo("application/json"))
                .withHeader("Authorization", equalTo("ApiKey c2VjcmV0OmtleQ==")));
        String[] lines = bulkRequests().get(0).getBodyAsString().split("\n");
        assertEquals(4, lines.length);
        JsonNode action = JSON.readTree(lines[0]).path("create");
        assertEquals("bytenite-logs-2025.07.11", action.path("_index").asText());
        assertEquals(batch.get(0).id().hex(), action.path("_id").asText());
        JsonNode partitioner = JSON.readTree(lines[1]);
        assertEquals("2025-07-11T23:59:59.990000123Z", partitioner.path("@timestamp").asText());
        assertEquals("line 0 of job-1", partitioner.path("message").asText());
        assertEquals("INFO", partitioner.at("/log/level").asText());
        assertFalse(partitioner.has("container"));
        assertEquals("job-1", partitioner.at("/bytenite/job/id").asText());
        assertEquals("job-1 name", partitioner.at("/bytenite/job/name").asText());
        assertEquals("partitioner", partitioner.at("/bytenite/service").asText());
        assertFalse(partitioner.path("bytenite").has("task"));
        assertEquals(batch.get(0).id().hex(), partitioner.at("/nitelog/record_id").asText());
        JsonNode task = JSON.readTree(lines[3]);
        assertEquals("app", task.at("/container/name").asText());
        assertEquals("task-1", task.at("/bytenite/task/id").asText());
    }

    @Test
    void namesTheIndexFromTheRecordsUtcDateJobAndService() {
        LogRecord r = records(1).get(0);
        assertEquals("x-job-1-partitioner-2025.07-2025", IndexName.parse("x-{job}-{service}-{yyyy.MM}-{yyyy}").render(r));
        assertEquals("bytenite-logs-*", IndexName.parse("bytenite-logs-{yyyy.MM.dd}").pattern());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sink("index", "logs-{date}"));
        assertEquals("nitelog.sinks.es.index=logs-{date}: {date} is not a placeholder: use {yyyy.MM.dd}, {yyyy.MM},"
                + " {yyyy}, {job} or {service}", e.getMessage());
    }

    @Test
    void writesIntoADataStreamWhenOneIsConfigured() throws Exception {
        server.stubFor(post("/_bulk").willReturn(okJson(ALL_OK)));

        sink("data-stream", "logs-bytenite-default").write(new SinkBatch(records(1), deadLetters));

        String action = bulkRequests().get(0).getBodyAsString().split("\n")[0];
        assertEquals("logs-bytenite-default", JSON.readTree(action).at("/create/_index").asText());
    }

    @Test
    void failsOverToTheNextUrlOnAServerErrorAndOnAConnectionFailure() throws Exception {
        WireMockServer second = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        second.start();
        try {
            server.stubFor(post("/_bulk").willReturn(aResponse().withStatus(503)));
            second.stubFor(post("/_bulk").willReturn(okJson(ALL_OK)));
            String closed = "http://127.0.0.1:" + freePort();
            ElasticsearchSink sink = sink("urls", closed + "," + server.baseUrl() + "," + second.baseUrl());

            sink.write(new SinkBatch(records(2), deadLetters));
            sink.write(new SinkBatch(records(2), deadLetters));

            assertEquals(1, bulkRequests().size()); // the second write went straight to the URL that answered
            assertEquals(2, second.findAll(postRequestedFor(urlEqualTo("/_bulk"))).size());
        } finally {
            second.stop();
        }
    }

    @Test
    void failsRetriablyWhenEveryUrlIsDown() {
        server.stubFor(post("/_bulk").willReturn(aResponse().withStatus(429)));
        SinkException e = assertThrows(SinkException.class, () -> sink().write(new SinkBatch(records(1), deadLetters)));
        assertInstanceOf(RetriableSinkException.class, e);
        assertTrue(e.getMessage().contains("answered 429"), e.getMessage());
    }

    @Test
    void refusedCredentialsFailTheSinkWithoutNamingThem() {
        server.stubFor(post("/_bulk").willReturn(aResponse().withStatus(401).withBody(
                "{\"error\":{\"type\":\"security_exception\",\"reason\":\"bad password s3cr3t-pw\"}}")));
        ElasticsearchSink sink = sink("username", "elastic", "password", "s3cr3t-pw");

        SinkException e = assertThrows(SinkException.class, () -> sink.write(new SinkBatch(records(1), deadLetters)));

        assertFalse(e instanceof RetriableSinkException);
        assertTrue(e.getMessage().contains("refused the credentials (401"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t-pw"), e.getMessage());
        assertFalse(sink.toString().contains("s3cr3t-pw"));
        assertTrue(sink.toString().contains("auth=Basic"), sink.toString());
    }

    @Test
    void installsTheTemplateOnlyWhenNoneOfThatNameExists() throws Exception {
        server.stubFor(post("/_bulk").willReturn(okJson(ALL_OK)));
        server.stubFor(head(urlPathEqualTo("/_index_template/nitelog-es")).willReturn(aResponse().withStatus(404)));
        server.stubFor(put(urlEqualTo("/_index_template/nitelog-es?create=true")).willReturn(okJson("{\"acknowledged\":true}")));

        ElasticsearchSink sink = sink("install-template", "true");
        sink.write(new SinkBatch(records(1), deadLetters));
        sink.write(new SinkBatch(records(1), deadLetters));

        List<LoggedRequest> puts = server.findAll(putRequestedFor(urlEqualTo("/_index_template/nitelog-es?create=true")));
        assertEquals(1, puts.size());
        JsonNode template = JSON.readTree(puts.get(0).getBodyAsString());
        assertEquals("bytenite-logs-*", template.at("/index_patterns/0").asText());
        assertEquals("date_nanos", template.at("/template/mappings/properties/@timestamp/type").asText());

        server.resetRequests();
        server.stubFor(head(urlPathEqualTo("/_index_template/nitelog-es")).willReturn(aResponse().withStatus(200)));
        sink("install-template", "true").write(new SinkBatch(records(1), deadLetters));
        assertEquals(0, server.findAll(putRequestedFor(urlPathEqualTo("/_index_template/nitelog-es"))).size());
    }

    @Test
    void checkIsUpUnlessTheClusterIsRedOrUnreachable() throws Exception {
        server.stubFor(get("/_cluster/health").willReturn(okJson("{\"cluster_name\":\"c\",\"status\":\"yellow\"}")));
        SinkHealth yellow = sink().check();
        assertTrue(yellow.up(), yellow.detail());
        assertTrue(yellow.detail().contains("yellow"));

        server.stubFor(get("/_cluster/health").willReturn(okJson("{\"cluster_name\":\"c\",\"status\":\"red\"}")));
        assertFalse(sink().check().up());

        SinkHealth unreachable = sink("urls", "http://127.0.0.1:" + freePort()).check();
        assertFalse(unreachable.up());
    }

    @Test
    void rejectsInvalidSettingsNamingTheKey() {
        assertEquals("nitelog.sinks.es.urls is not set: list the cluster's HTTP URLs, e.g."
                        + " nitelog.sinks.es.urls=http://localhost:9200",
                assertThrows(IllegalArgumentException.class, () -> EsTestSupport.sink(Map.of())).getMessage());
        assertEquals("nitelog.sinks.es.username and nitelog.sinks.es.password go together: set both or neither",
                assertThrows(IllegalArgumentException.class, () -> sink("username", "u")).getMessage());
        String both = assertThrows(IllegalArgumentException.class,
                () -> sink("api-key", "k1", "bearer-token", "t1")).getMessage();
        assertTrue(both.endsWith("are alternatives: set only one of them"), both);
        assertFalse(both.contains("k1") || both.contains("t1"), both);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
