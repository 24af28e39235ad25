package dev.nitelog.sink.kafka;

import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.RetriableSinkException;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkException;
import dev.nitelog.sink.SinkHealth;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaSinkTest {
    private static final List<String> JOBS = List.of("job-a", "job-b");

    /** A mock producer that fails the records {@link #failure} picks, through the callback as Kafka does. */
    static final class ScriptedProducer extends MockProducer<byte[], byte[]> {
        volatile Function<ProducerRecord<byte[], byte[]>, RuntimeException> failure = r -> null;
        final AtomicInteger attempts = new AtomicInteger();

        ScriptedProducer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            attempts.incrementAndGet();
            RuntimeException e = failure.apply(record);
            if (e == null) {
                return super.send(record, callback);
            }
            callback.onCompletion(null, e);
            return CompletableFuture.failedFuture(e);
        }
    }

    static final class Rejected {
        final List<LogRecord> records = new ArrayList<>();
        final List<String> reasons = new ArrayList<>();

        SinkBatch batch(List<LogRecord> records) {
            return new SinkBatch(records, (record, reason) -> {
                this.records.add(record);
                reasons.add(reason);
            });
        }
    }

    private ScriptedProducer producer = new ScriptedProducer();
    private final AtomicInteger producersCreated = new AtomicInteger();

    private KafkaSink sink(String topic, KafkaSinkOptions.Key key) {
        ProducerSettings settings = ProducerSettings.of("events", Map.of("bootstrap.servers", "localhost:1",
                "delivery.timeout.ms", "5000", "request.timeout.ms", "1000"));
        KafkaProbe probe = new KafkaProbe(() -> {
            throw new IllegalStateException("no broker in this test");
        }, "localhost:1", Optional.empty(), Duration.ofMillis(100), Duration.ZERO);
        return new KafkaSink("events", TopicTemplate.parse("nitelog.sinks.events.topic", topic), key, settings, () -> {
            if (producersCreated.getAndIncrement() > 0) {
                ScriptedProducer next = new ScriptedProducer();
                next.failure = producer.failure;
                producer = next;
            }
            return producer;
        }, probe);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void sendsCanonicalJsonWithTheRecordHeadersAndTheJobAsKey() throws Exception {
        KafkaSink sink = sink("bytenite-logs", KafkaSinkOptions.Key.JOB);
        List<LogRecord> records = TestRecords.lines(JOBS, 0, 5);
        sink.write(new Rejected().batch(records));
        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertEquals(records.size(), sent.size());
        for (int i = 0; i < records.size(); i++) {
            LogRecord r = records.get(i);
            ProducerRecord<byte[], byte[]> m = sent.get(i);
            assertEquals("bytenite-logs", m.topic());
            assertEquals(r.jobId(), text(m.key()));
            assertTrue(text(m.value()).startsWith("{\"id\":\"" + r.id().hex() + "\""), text(m.value()));
            assertEquals(r.id().hex(), text(m.headers().lastHeader("nitelog-record-id").value()));
            assertEquals(r.jobId(), text(m.headers().lastHeader("nitelog-job-id").value()));
            assertEquals(r.service().jsonName(), text(m.headers().lastHeader("nitelog-service").value()));
            assertEquals("INFO", text(m.headers().lastHeader("nitelog-level").value()));
        }
    }

    @Test
    void keysByTaskFallingBackToTheJobByRecordIdOrNotAtAll() throws Exception {
        List<LogRecord> records = TestRecords.lines(List.of("job-a"), 0, 3); // line 0 has no task id
        assertEquals(Arrays.asList("job-a", "task-1", "task-2"), keys(KafkaSinkOptions.Key.TASK, records));
        assertEquals(records.stream().map(r -> r.id().hex()).toList(), keys(KafkaSinkOptions.Key.RECORD, records));
        assertEquals(Arrays.asList(null, null, null), keys(KafkaSinkOptions.Key.NONE, records));
    }

    private List<String> keys(KafkaSinkOptions.Key key, List<LogRecord> records) throws SinkException {
        sink("t", key).write(new Rejected().batch(records));
        return producer.history().stream().map(m -> text(m.key())).toList();
    }

    @Test
    void fillsTheTopicTemplateWithJobAndServiceMakingItLegal() throws Exception {
        LogRecord r = TestRecords.line("job/1 x", 1, "m");
        sink("logs.{job}.{service}", KafkaSinkOptions.Key.JOB).write(new Rejected().batch(List.of(r)));
        assertEquals("logs.job_1_x.taskrunner", producer.history().get(0).topic());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TopicTemplate.parse("nitelog.sinks.k.topic", "logs/{job}"));
        assertEquals("nitelog.sinks.k.topic=logs/{job} is not a valid Kafka topic: use up to 249 letters, digits,"
                + " '.', '_' and '-', plus the placeholders {job} and {service}", e.getMessage());
    }

    @Test
    void retriableSendErrorsFailTheWholeBatchRetriablyAndStopSendingTheRest() {
        KafkaSink sink = sink("t", KafkaSinkOptions.Key.JOB);
        for (RuntimeException error : List.of(new TimeoutException("Topic t not present in metadata after 3000 ms."),
                new NotEnoughReplicasException("x"), new org.apache.kafka.clients.producer.BufferExhaustedException("full"))) {
            producer.attempts.set(0);
            producer.failure = r -> error;
            Rejected rejected = new Rejected();
            SinkException e = assertThrows(SinkException.class, () -> sink.write(rejected.batch(TestRecords.lines(JOBS, 0, 50))));
            assertInstanceOf(RetriableSinkException.class, e, e.getMessage());
            assertEquals(1, producer.attempts.get(), "a send that failed at once stops the batch");
            assertTrue(rejected.records.isEmpty());
        }
        assertEquals(1, producersCreated.get(), "retriable errors keep the producer");
    }

    @Test
    void oversizedRecordsAreDeadLetteredWithTheReasonAndTheRestConfirmed() throws Exception {
        KafkaSink sink = sink("t", KafkaSinkOptions.Key.JOB);
        List<LogRecord> records = TestRecords.lines(JOBS, 0, 5);
        LogRecord big = records.get(3);
        producer.failure = r -> text(r.headers().lastHeader("nitelog-record-id").value()).equals(big.id().hex())
                ? new RecordTooLargeException("The message is 2000000 bytes when serialized which is larger than 1048576")
                : null;
        Rejected rejected = new Rejected();
        sink.write(rejected.batch(records));
        assertEquals(List.of(big), rejected.records);
        assertTrue(rejected.reasons.get(0).startsWith("Kafka rejected the record as too large: The message is 2000000"
                + " bytes"), rejected.reasons.get(0));
        assertEquals(records.size() - 1, producer.history().size());
    }

    @Test
    void doesNotDeadLetterWhenTheBatchIsRetriedAnyway() {
        KafkaSink sink = sink("t", KafkaSinkOptions.Key.JOB);
        List<LogRecord> records = TestRecords.lines(JOBS, 0, 5);
        AtomicInteger n = new AtomicInteger();
        producer.failure = r -> switch (n.getAndIncrement()) {
            case 1 -> new RecordTooLargeException("too large");
            case 3 -> new NotEnoughReplicasException("isr");
            default -> null;
        };
        Rejected rejected = new Rejected();
        assertThrows(RetriableSinkException.class, () -> sink.write(rejected.batch(records)));
        assertTrue(rejected.records.isEmpty());
    }

    @Test
    void authorizationFailureReportsDownUntilAWriteSucceeds() throws Exception {
        KafkaSink sink = sink("t", KafkaSinkOptions.Key.JOB);
        producer.failure = r -> new TopicAuthorizationException(Set.of("t"));
        SinkException e = assertThrows(SinkException.class, () -> sink.write(new Rejected().batch(TestRecords.lines(JOBS, 0, 2))));
        assertFalse(e instanceof RetriableSinkException);
        assertEquals("Kafka sink events: not authorized to write to topic(s) [t]: grant the principal WRITE on them", e.getMessage());
        SinkHealth health = sink.check();
        assertFalse(health.up());
        assertEquals(e.getMessage(), health.detail());

        producer.failure = r -> null;
        sink.write(new Rejected().batch(TestRecords.lines(JOBS, 0, 2)));
        assertFalse(sink.check().detail().contains("not authorized"), "the probe decides again");
    }

    @Test
    void authenticationFailureReplacesTheProducer() throws Exception {
        KafkaSink sink = sink("t", KafkaSinkOptions.Key.JOB);
        producer.failure = r -> new SaslAuthenticationException("Authentication failed: Invalid username or password");
        SinkException e = assertThrows(SinkException.class, () -> sink.write(new Rejected().batch(TestRecords.lines(JOBS, 0, 2))));
        assertTrue(e.getMessage().contains("authentication failed"), e.getMessage());
        assertTrue(producer.closed());
        assertFalse(sink.check().up());
        ScriptedProducer first = producer;
        first.failure = r -> null;
        sink.write(new Rejected().batch(TestRecords.lines(JOBS, 0, 2)));
        assertEquals(2, producersCreated.get());
        assertEquals(4, producer.history().size());
    }

    @Test
    void appliesSafeDefaultsThatTheUserCanOverride() {
        ProducerSettings defaults = ProducerSettings.of("events", Map.of("bootstrap.servers", "k:9092"));
        assertEquals("all", defaults.producer().get("acks"));
        assertEquals("true", defaults.producer().get("enable.idempotence"));
        assertEquals("zstd", defaults.producer().get("compression.type"));
        assertEquals("20", defaults.producer().get("linger.ms"));
        assertEquals("5", defaults.producer().get("max.in.flight.requests.per.connection"));
        assertEquals("nitelog-events", defaults.producer().get("client.id"));
        assertEquals(Duration.ofSeconds(120), defaults.deliveryWait());
        ProducerSettings custom = ProducerSettings.of("events", Map.of("bootstrap.servers", "k:9092",
                "compression.type", "lz4", "acks", "1", "delivery.timeout.ms", "60000"));
        assertEquals("lz4", custom.producer().get("compression.type"));
        assertEquals("1", custom.producer().get("acks"));
        assertNull(custom.producer().get("enable.idempotence"), "acks=1 rules idempotence out, as in Kafka");
        assertEquals(Duration.ofSeconds(60), custom.deliveryWait());
        Map<String, Object> admin = custom.admin("events", Duration.ofSeconds(2));
        assertEquals("k:9092", admin.get("bootstrap.servers"));
        assertNull(admin.get("acks"), "producer-only keys stay out of the admin client");
    }

    @Test
    void rejectsMissingBootstrapAndBadValuesNamingTheKeyWithoutSecrets() {
        assertEquals("nitelog.sinks.events.producer.bootstrap.servers is not set: set it to the brokers,"
                + " e.g. kafka-0:9092,kafka-1:9092", assertThrows(IllegalArgumentException.class,
                () -> ProducerSettings.of("events", Map.of())).getMessage());
        assertEquals("invalid Kafka producer setting under nitelog.sinks.events.producer.*: To use the idempotent"
                + " producer, max.in.flight.requests.per.connection must be set to at most 5. Current value is 10.;"
                + " fix the value or remove the key to use the default", assertThrows(IllegalArgumentException.class,
                () -> ProducerSettings.of("events", Map.of("bootstrap.servers", "k:1", "enable.idempotence", "true",
                        "max.in.flight.requests.per.connection", "10"))).getMessage());
        String message = assertThrows(IllegalArgumentException.class, () -> ProducerSettings.of("events",
                Map.of("bootstrap.servers", "k:1", "linger.ms", "soon"))).getMessage();
        assertTrue(message.startsWith("invalid Kafka producer setting under nitelog.sinks.events.producer.*:"), message);
        assertTrue(message.contains("linger.ms"), message);
        String secret = assertThrows(IllegalArgumentException.class, () -> ProducerSettings.of("events",
                Map.of("bootstrap.servers", "k:1", "ssl.key.password", "s3cret", "ssl.keystore.password", "s3cret",
                        "security.protocol", "s3cret"))).getMessage();
        assertFalse(secret.contains("s3cret") && !secret.contains("security.protocol"), secret);
    }
}
