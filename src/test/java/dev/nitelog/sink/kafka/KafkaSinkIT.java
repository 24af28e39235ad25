package dev.nitelog.sink.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nitelog.config.NitelogConfig;
import dev.nitelog.config.SinkConfig;
import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.RetriableSinkException;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkHealth;
import dev.nitelog.sink.SinkWorker;
import dev.nitelog.testing.KafkaBroker;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kafka sink against a real broker in this JVM, including a broker outage and a late broker. */
class KafkaSinkIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> JOBS = List.of("job-1", "job-2", "job-3");
    /** Short producer timeouts so that an outage turns into failed batches within seconds. */
    private static final Map<String, String> QUICK = Map.of(
            "producer.delivery.timeout.ms", "6000",
            "producer.request.timeout.ms", "3000",
            "producer.max.block.ms", "2000");

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        long start = System.nanoTime();
        broker = KafkaBroker.start(Map.of());
        System.out.printf("Kafka broker at %s started in %d ms%n", broker.bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    /** A sink's config through the real mapping, from keys under {@code nitelog.sinks.<name>.}. */
    static SinkConfig sinkConfig(String name, Map<String, String> keys) {
        Map<String, String> props = new HashMap<>();
        keys.forEach((k, v) -> props.put("nitelog.sinks." + name + "." + k, v));
        NitelogConfig config = new SmallRyeConfigBuilder()
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(NitelogConfig.class)
                .withValidateUnknown(false)
                .withSources(new PropertiesConfigSource(props, "test", 500))
                .build().getConfigMapping(NitelogConfig.class);
        return config.sinks().get(name);
    }

    static Sink kafkaSink(String name, String topic, Map<String, String> more) {
        Map<String, String> keys = new HashMap<>(more);
        keys.put("type", "kafka");
        keys.put("topic", topic);
        keys.put("producer.bootstrap.servers", broker.bootstrapServers());
        return dev.nitelog.testing.TestConfig.create(new KafkaSinkFactory(), name, keys);
    }

    static String header(ConsumerRecord<byte[], byte[]> m, String key) {
        return new String(m.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
    }

    static List<String> ids(List<ConsumerRecord<byte[], byte[]>> messages) {
        return messages.stream().map(m -> header(m, "nitelog-record-id")).toList();
    }

    @Test
    void deliversEachRecordOnceInTimestampOrderPerJobWithHeadersKeyAndCanonicalJson() throws Exception {
        broker.createTopic("ordered", 4);
        List<LogRecord> records = TestRecords.lines(JOBS, 0, 200);
        List<LogRecord> rejected = new ArrayList<>();
        try (Sink sink = kafkaSink("ordered", "ordered", Map.of())) {
            for (int i = 0; i < records.size(); i += 100) {
                sink.write(new SinkBatch(records.subList(i, i + 100), (r, why) -> rejected.add(r)));
            }
            sink.flush();
            assertTrue(sink.check().up(), sink.check().detail());
        }
        assertTrue(rejected.isEmpty());

        List<ConsumerRecord<byte[], byte[]>> messages = broker.readAll("ordered");
        assertEquals(records.size(), messages.size());
        Map<String, LogRecord> byId = records.stream().collect(Collectors.toMap(r -> r.id().hex(), r -> r));
        assertEquals(byId.keySet(), new HashSet<>(ids(messages)), "every record exactly once");
        Map<String, Set<Integer>> partitionsOfJob = new HashMap<>();
        Map<String, Instant> lastOfJob = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> m : messages) { // partition by partition, in offset order
            LogRecord r = byId.get(header(m, "nitelog-record-id"));
            assertEquals(r.jobId(), new String(m.key(), StandardCharsets.UTF_8));
            assertEquals(r.jobId(), header(m, "nitelog-job-id"));
            assertEquals(r.service().jsonName(), header(m, "nitelog-service"));
            assertEquals(r.level().name(), header(m, "nitelog-level"));
            JsonNode value = JSON.readTree(m.value());
            assertEquals(r.id().hex(), value.get("id").asText());
            assertEquals(r.jobId(), value.get("job_id").asText());
            assertEquals(r.message(), value.get("message").asText());
            assertEquals(r.timestamp(), Instant.parse(value.get("timestamp").asText()));
            partitionsOfJob.computeIfAbsent(r.jobId(), j -> new HashSet<>()).add(m.partition());
            Instant previous = lastOfJob.put(r.jobId(), r.timestamp());
            assertTrue(previous == null || previous.isBefore(r.timestamp()), "timestamp order within " + r.jobId());
        }
        partitionsOfJob.forEach((job, partitions) -> assertEquals(1, partitions.size(), job + " in one partition"));
    }

    /** A sink that keeps what it is given, to show that it keeps receiving while Kafka is away. */
    static final class MemorySink implements Sink {
        final List<LogRecord> written = new CopyOnWriteArrayList<>();

        public String name() { return "memory"; }
        public SinkHealth check() { return SinkHealth.up("memory"); }
        public void write(SinkBatch batch) { written.addAll(batch.records()); }
        public void close() { }
    }

    /** Counts the records handed to a sink, to bound the duplicates a retry can cause. */
    static final class CountingSink implements Sink {
        final Sink sink;
        final AtomicInteger handed = new AtomicInteger();

        CountingSink(Sink sink) { this.sink = sink; }

        public String name() { return sink.name(); }
        public SinkHealth check() { return sink.check(); }
        public void write(SinkBatch batch) throws SinkException {
            handed.addAndGet(batch.records().size());
            sink.write(batch);
        }
        public void flush() throws SinkException { sink.flush(); }
        public void close() { sink.close(); }
    }

    @Test
    void losesNothingWhenTheBrokerIsAwayForThirtySecondsWhileAnotherSinkKeepsReceiving() throws Exception {
        broker.createTopic("outage", 2);
        Map<String, String> keys = new HashMap<>(QUICK);
        keys.putAll(Map.of("batch-size", "500", "queue-records", "5000", "linger", "20ms",
                "retry-backoff", "200ms", "retry-max-backoff", "2s"));
        CountingSink kafka = new CountingSink(kafkaSink("outage", "outage", keys));
        ReplayLog kafkaLog = new ReplayLog();
        ReplayLog memoryLog = new ReplayLog();
        List<LogRecord> deadLetters = new CopyOnWriteArrayList<>();
        keys.put("type", "kafka");
        SinkWorker kafkaWorker = new SinkWorker(kafka, sinkConfig("outage", keys), (r, why) -> deadLetters.add(r),
                kafkaLog, Clock.systemUTC(), Duration.ofMillis(200)).start();
        SinkWorker memoryWorker = new SinkWorker(new MemorySink(), sinkConfig("memory", Map.of("type", "stdout")),
                (r, why) -> deadLetters.add(r), memoryLog, Clock.systemUTC(), Duration.ofMillis(200)).start();
        AtomicInteger line = new AtomicInteger();
        ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor();
        try {
            // a poll every 20 ms: 3 new lines per job, then each sink takes what it has room for
            poller.scheduleAtFixedRate(() -> {
                int n = line.getAndAdd(3);
                List<LogRecord> fresh = TestRecords.lines(JOBS, n, n + 3);
                kafkaLog.append(fresh);
                memoryLog.append(fresh);
                kafkaLog.feed(kafkaWorker);
                memoryLog.feed(memoryWorker);
            }, 0, 20, TimeUnit.MILLISECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> kafkaLog.committed() >= 1000);

            broker.stopBroker();
            long outageEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            await().atMost(Duration.ofSeconds(20)).until(() -> !kafka.check().up() && kafkaWorker.failing());
            while (System.nanoTime() < outageEnd) { // the outage itself: the other sink must keep receiving
                int before = memoryLog.committed();
                await().atMost(Duration.ofSeconds(5)).until(() -> memoryLog.committed() > before + 100);
            }
            int deliveredDuringOutage = kafkaLog.committed();
            assertTrue(kafkaWorker.failing(), "Kafka is still down");
            broker.startBroker();
            await().atMost(Duration.ofSeconds(60)).until(() -> kafkaLog.committed() > deliveredDuringOutage + 1000);
        } finally {
            poller.shutdownNow();
            poller.awaitTermination(5, TimeUnit.SECONDS);
        }
        kafkaLog.feed(kafkaWorker);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            kafkaLog.feed(kafkaWorker);
            memoryLog.feed(memoryWorker);
            return kafkaLog.committed() == kafkaLog.size() && memoryLog.committed() == memoryLog.size();
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> kafka.check().up());
        kafkaWorker.close(Duration.ofSeconds(10));
        memoryWorker.close(Duration.ofSeconds(10));

        List<String> ids = ids(broker.readAll("outage"));
        Set<String> expected = kafkaLog.all().stream().map(r -> r.id().hex()).collect(Collectors.toSet());
        assertEquals(expected, new HashSet<>(ids), "every record at least once, nothing else");
        int duplicates = ids.size() - expected.size();
        int resent = kafka.handed.get() - expected.size();
        System.out.printf("outage: %d records, %d failed batches, %d records handed to the sink again, %d duplicates"
                + " in Kafka%n", expected.size(), kafkaLog.failures(), resent, duplicates);
        assertTrue(kafkaLog.failures() > 0, "the outage failed batches");
        assertTrue(duplicates <= resent, "a duplicate only comes from a record of a batch that was retried");
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void startsWithoutABrokerReportsDownFailsRetriablyThenDeliversEverything() throws Exception {
        broker.stopBroker();
        List<LogRecord> records = TestRecords.lines(JOBS, 0, 50);
        try (Sink sink = kafkaSink("late", "late", QUICK)) {
            SinkHealth health = sink.check();
            assertFalse(health.up());
            assertTrue(health.detail().contains(broker.bootstrapServers()), health.detail());
            assertThrows(RetriableSinkException.class, () -> sink.write(new SinkBatch(records, (r, why) -> { })));

            broker.startBroker();
            await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(RetriableSinkException.class)
                    .untilAsserted(() -> sink.write(new SinkBatch(records, (r, why) -> { })));
            sink.flush();
            await().atMost(Duration.ofSeconds(20)).until(() -> sink.check().up());
        } finally {
            broker.startBroker();
        }
        List<String> ids = ids(broker.readAll("late"));
        assertEquals(records.stream().map(r -> r.id().hex()).collect(Collectors.toSet()), new HashSet<>(ids));
    }

    @Test
    void deadLettersARecordOverMaxRequestSizeAndDeliversTheRest() throws Exception {
        broker.createTopic("large", 1);
        List<LogRecord> records = new ArrayList<>(TestRecords.lines(JOBS, 0, 6));
        LogRecord big = TestRecords.line("job-1", 3, "x".repeat(30_000));
        records.add(9, big);
        Map<LogRecord, String> rejected = Collections.synchronizedMap(new LinkedHashMap<>());
        try (Sink sink = kafkaSink("large", "large", Map.of("producer.max.request.size", "10000"))) {
            sink.write(new SinkBatch(records, rejected::put));
            sink.flush();
        }
        assertEquals(List.of(big), List.copyOf(rejected.keySet()));
        assertTrue(rejected.get(big).contains("too large") && rejected.get(big).contains("max.request.size"),
                rejected.get(big));
        List<String> expected = records.stream().filter(r -> r != big).map(r -> r.id().hex()).toList();
        assertEquals(expected, ids(broker.readAll("large")));
    }
}
