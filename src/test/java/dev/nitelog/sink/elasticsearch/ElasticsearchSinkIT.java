package dev.nitelog.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nitelog.record.Level;
import dev.nitelog.record.LogRecord;
import dev.nitelog.record.RecordId;
import dev.nitelog.record.Service;
import dev.nitelog.sink.RetriableSinkException;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkHealth;
import dev.nitelog.sink.SinkWorker;
import dev.nitelog.testing.EmbeddedOpenSearch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Elasticsearch sink against a real OpenSearch 2.19 node embedded in the test JVM. */
class ElasticsearchSinkIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Instant NEAR_MIDNIGHT = Instant.parse("2025-07-11T23:59:59.800Z");

    private static EmbeddedOpenSearch engine;

    @BeforeAll
    static void startEngine() {
        engine = new EmbeddedOpenSearch().start();
    }

    @AfterAll
    static void stopEngine() {
        if (engine != null) {
            engine.close();
        }
    }

    private static Map<String, String> keys(String... pairs) {
        Map<String, String> keys = new HashMap<>(Map.of("urls", engine.url().toString(),
                "item-retry-backoff", "50ms"));
        for (int i = 0; i < pairs.length; i += 2) {
            keys.put(pairs[i], pairs[i + 1]);
        }
        return keys;
    }

    @Test
    void storesEveryDistinctRecordOnceDespiteRepeatsAndARetryStorm() throws Exception {
        long seed = Long.getLong("nitelog.test.seed", System.nanoTime());
        System.out.println("storesEveryDistinctRecordOnce seed=" + seed + " (re-run with -Dnitelog.test.seed=" + seed + ")");
        Random random = new Random(seed);
        List<LogRecord> distinct = EsTestSupport.records("job-dedup", 0, 250, NEAR_MIDNIGHT); // spans two days
        ElasticsearchSink sink = EsTestSupport.sink(keys("index", "it-dedup-{yyyy.MM.dd}", "max-bulk-bytes", "16K"));
        FailingMidway flaky = new FailingMidway(sink, random);

        for (int round = 0; round < 5; round++) {
            List<LogRecord> shuffled = new ArrayList<>(distinct);
            shuffled.addAll(distinct.subList(0, 40)); // repeats inside one round, too
            Collections.shuffle(shuffled, random);
            for (int from = 0; from < shuffled.size(); ) {
                int to = Math.min(shuffled.size(), from + 1 + random.nextInt(150));
                writeUntilAccepted(flaky, shuffled.subList(from, to));
                from = to;
            }
        }

        assertTrue(flaky.failures.get() > 0, "the storm failed no batch");
        refresh("it-dedup-*");
        assertEquals(distinct.size(), count("it-dedup-*"));
        Set<String> expected = distinct.stream().map(r -> r.id().hex()).collect(Collectors.toSet());
        assertEquals(expected, ids("it-dedup-*", distinct.size() + 10));
        assertEquals(2, JSON.readTree(get("/_cat/indices/it-dedup-*?format=json")).size());
    }

    /** As the worker does: a failed batch is sent again, whole. */
    private static void writeUntilAccepted(Sink sink, List<LogRecord> batch) throws SinkException {
        EsTestSupport.KeptDeadLetters deadLetters = new EsTestSupport.KeptDeadLetters();
        for (int attempt = 0; ; attempt++) {
            try {
                sink.write(new SinkBatch(batch, deadLetters));
                assertTrue(deadLetters.records.isEmpty(), deadLetters.reasons::toString);
                return;
            } catch (RetriableSinkException e) {
                if (attempt > 20) {
                    throw e;
                }
            }
        }
    }

    /** Writes the first part of some batches for real, then fails: a batch dying midway. */
    private static final class FailingMidway implements Sink {
        private final Sink delegate;
        private final Random random;
        final AtomicInteger failures = new AtomicInteger();

        FailingMidway(Sink delegate, Random random) {
            this.delegate = delegate;
            this.random = random;
        }

        public String name() { return delegate.name(); }
        public SinkHealth check() { return delegate.check(); }
        public void close() { delegate.close(); }

        public void write(SinkBatch batch) throws SinkException {
            if (random.nextInt(3) == 0) {
                int part = random.nextInt(batch.records().size() + 1);
                delegate.write(new SinkBatch(batch.records().subList(0, part), batch.deadLetters()));
                failures.incrementAndGet();
                throw new RetriableSinkException("failed midway after " + part + " records");
            }
            delegate.write(batch);
        }
    }

    @Test
    void losesNothingWhileTheEngineIsAwayAndTheOtherSinkKeepsReceiving() throws Exception {
        Duration outage = Duration.parse(System.getProperty("nitelog.it.outage", "PT30S"));
        Map<String, String> workerKeys = keys("index", "it-outage-{yyyy.MM.dd}",
                "batch-size", "500", "linger", "20ms", "retry-backoff", "100ms", "retry-max-backoff", "1s");
        Feed esFeed = new Feed();
        Feed memoryFeed = new Feed();
        EsTestSupport.KeptDeadLetters deadLetters = new EsTestSupport.KeptDeadLetters();
        SinkWorker es = new SinkWorker(EsTestSupport.sink(workerKeys), EsTestSupport.sinkConfig(workerKeys),
                deadLetters, esFeed, Clock.systemUTC(), Duration.ofMillis(50)).start();
        SinkWorker memory = new SinkWorker(new MemorySink(), EsTestSupport.sinkConfig(workerKeys),
                deadLetters, memoryFeed, Clock.systemUTC(), Duration.ofMillis(50)).start();
        AtomicInteger produced = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean producing = new java.util.concurrent.atomic.AtomicBoolean(true);
        ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
        try {
            poller.scheduleWithFixedDelay(() -> {
                if (producing.get()) {
                    int from = produced.get();
                    List<LogRecord> next = EsTestSupport.records("job-outage", from, from + 10, NEAR_MIDNIGHT);
                    esFeed.produce(next);
                    memoryFeed.produce(next);
                    produced.addAndGet(next.size());
                }
                esFeed.offer(es);
                memoryFeed.offer(memory);
            }, 0, 100, TimeUnit.MILLISECONDS);

            await().atMost(Duration.ofSeconds(30)).until(() -> esFeed.delivered.size() >= 100);
            engine.stop();
            await().atMost(Duration.ofSeconds(20)).until(es::failing);
            int lostSight = esFeed.delivered.size();
            // all through the outage the in-memory sink keeps up with the source while Elasticsearch lags
            await().during(outage).atMost(outage.plusSeconds(10)).until(() ->
                    produced.get() - memoryFeed.delivered.size() < 1000 && es.failing());
            assertTrue(esFeed.pendingCount() > 0 && esFeed.delivered.size() == lostSight);

            engine.start();
            int total = produced.get() + 50;
            await().atMost(Duration.ofSeconds(30)).until(() -> produced.get() >= total);
            producing.set(false);
            await().atMost(Duration.ofSeconds(120)).until(() -> esFeed.pendingCount() == 0
                    && memoryFeed.pendingCount() == 0);
        } finally {
            poller.shutdownNow();
            poller.awaitTermination(5, TimeUnit.SECONDS);
            es.close();
            memory.close();
        }
        assertTrue(esFeed.failures > 0);
        assertTrue(deadLetters.records.isEmpty(), deadLetters.reasons::toString);
        refresh("it-outage-*");
        assertEquals(produced.get(), count("it-outage-*"));
        assertEquals(produced.get(), memoryFeed.delivered.size());
    }

    /** The other sink of the outage test: takes everything, at once. */
    private static final class MemorySink implements Sink {
        public String name() { return "memory"; }
        public SinkHealth check() { return SinkHealth.up("memory"); }
        public void write(SinkBatch batch) { }
        public void close() { }
    }

    @Test
    void deadLettersTheDocumentThatBreaksTheMappingAndIndexesItsBatchMates() throws Exception {
        put("/it-strict", "{\"mappings\":{\"properties\":{\"bytenite\":{\"properties\":{\"task\":{\"properties\":"
                + "{\"id\":{\"type\":\"long\"}}}}}}}}");
        List<LogRecord> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(taskRecord(i, i == 7 ? "not-a-number" : Integer.toString(i)));
        }
        Map<String, String> keys = keys("index", "it-strict");
        Feed feed = new Feed();
        feed.produce(batch);
        EsTestSupport.KeptDeadLetters deadLetters = new EsTestSupport.KeptDeadLetters();
        try (SinkWorker worker = new SinkWorker(EsTestSupport.sink(keys), EsTestSupport.sinkConfig(keys),
                deadLetters, feed, Clock.systemUTC(), Duration.ofMillis(20)).start()) {
            feed.offer(worker);
            await().atMost(Duration.ofSeconds(20)).until(() -> feed.delivered.size() == batch.size());
        }

        assertEquals(List.of(batch.get(7)), deadLetters.records);
        assertTrue(deadLetters.reasons.get(0).startsWith("400 mapper_parsing_exception: failed to parse field"
                + " [bytenite.task.id] of type [long]"), deadLetters.reasons.get(0));
        refresh("it-strict");
        assertEquals(batch.size() - 1, count("it-strict"));
        assertEquals(0, feed.failures);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"write-block", "closed"})
    void retriesWhileTheIndexRefusesWritesAndDeliversEverythingOnceItIsFixedDeadLetteringNothing(String kind)
            throws Exception {
        String index = "it-refusing-" + kind;
        put("/" + index, "{}");
        if (kind.equals("closed")) {
            post("/" + index + "/_close");
        } else {
            put("/" + index + "/_settings", "{\"index.blocks.write\":true}");
        }
        Map<String, String> keys = keys("index", index, "linger", "10ms", "retry-backoff", "50ms",
                "retry-max-backoff", "300ms");
        List<LogRecord> batch = EsTestSupport.records("job-" + kind, 0, 20, NEAR_MIDNIGHT);
        Feed feed = new Feed();
        feed.produce(batch);
        EsTestSupport.KeptDeadLetters deadLetters = new EsTestSupport.KeptDeadLetters();
        try (SinkWorker worker = new SinkWorker(EsTestSupport.sink(keys), EsTestSupport.sinkConfig(keys),
                deadLetters, feed, Clock.systemUTC(), Duration.ofMillis(20)).start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                feed.offer(worker);
                return feed.failures >= 3;
            });
            assertTrue(deadLetters.records.isEmpty(), deadLetters.reasons::toString);
            assertTrue(feed.delivered.isEmpty(), "nothing counts as delivered while the index refuses");

            if (kind.equals("closed")) {
                post("/" + index + "/_open");
            } else {
                put("/" + index + "/_settings", "{\"index.blocks.write\":false}");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                feed.offer(worker);
                return feed.delivered.size() == batch.size();
            });
        }
        assertTrue(deadLetters.records.isEmpty(), deadLetters.reasons::toString);
        refresh(index);
        assertEquals(batch.size(), count(index));
    }

    private static void post(String path) throws Exception {
        send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static LogRecord taskRecord(int i, String taskId) {
        Instant ts = NEAR_MIDNIGHT.plusSeconds(i);
        String message = "strict " + i;
        RecordId id = RecordId.of("job-strict", Service.TASKRUNNER, taskId, "app", ts, message, Level.INFO, 0);
        return new LogRecord(id, ts, "job-strict", "strict", Service.TASKRUNNER, taskId, "app", Level.ERROR, message);
    }

    @Test
    void installsItsTemplateButNeverOverwritesOneThatExists() throws Exception {
        ElasticsearchSink sink = EsTestSupport.sink(keys("index", "it-tpl-{yyyy.MM.dd}", "install-template", "true"));
        sink.write(new SinkBatch(EsTestSupport.records("job-tpl", 0, 3, NEAR_MIDNIGHT), (r, why) -> { }));

        JsonNode mapping = JSON.readTree(get("/it-tpl-2025.07.11/_mapping"));
        assertEquals("date_nanos", mapping.at("/it-tpl-2025.07.11/mappings/properties/@timestamp/type").asText());
        assertEquals("keyword", mapping.at("/it-tpl-2025.07.11/mappings/properties/bytenite/properties/service/type").asText());
        assertTrue(sink.check().up(), sink.check().detail());

        put("/_index_template/nitelog-es", "{\"index_patterns\":[\"it-tpl-*\"],\"priority\":200,"
                + "\"_meta\":{\"owner\":\"user\"}}");
        EsTestSupport.sink(keys("index", "it-tpl-{yyyy.MM.dd}", "install-template", "true"))
                .write(new SinkBatch(EsTestSupport.records("job-tpl", 3, 4, NEAR_MIDNIGHT), (r, why) -> { }));
        assertEquals("user", JSON.readTree(get("/_index_template/nitelog-es"))
                .at("/index_templates/0/index_template/_meta/owner").asText());
    }

    @Test
    void writesIntoADataStreamOnceOnlyPerRecord() throws Exception {
        Map<String, String> keys = keys("data-stream", "logs-bytenite-it", "install-template", "true");
        List<LogRecord> records = EsTestSupport.records("job-ds", 0, 30, NEAR_MIDNIGHT);
        ElasticsearchSink sink = EsTestSupport.sink("stream", keys);
        sink.write(new SinkBatch(records, (r, why) -> { }));
        sink.write(new SinkBatch(records, (r, why) -> { }));

        refresh("logs-bytenite-it");
        assertEquals(records.size(), count("logs-bytenite-it"));
        assertEquals(1, JSON.readTree(get("/_data_stream/logs-bytenite-it")).path("data_streams").size());
    }

    private static void refresh(String index) throws Exception {
        send(HttpRequest.newBuilder(uri("/" + index + "/_refresh")).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static long count(String index) throws Exception {
        return JSON.readTree(get("/" + index + "/_count")).path("count").asLong();
    }

    private static Set<String> ids(String index, int size) throws Exception {
        JsonNode hits = JSON.readTree(get("/" + index + "/_search?size=" + size)).at("/hits/hits");
        Set<String> ids = new HashSet<>();
        for (JsonNode hit : hits) {
            assertEquals(hit.path("_id").asText(), hit.at("/_source/nitelog/record_id").asText());
            ids.add(hit.path("_id").asText());
        }
        return ids;
    }

    private static String get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private static void put(String path, String json) throws Exception {
        send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    private static String send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(response.statusCode() < 300, response.statusCode() + " " + response.body());
        return response.body();
    }

    private static URI uri(String path) {
        return engine.url().resolve(path);
    }
}
