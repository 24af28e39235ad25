package dev.nitelog.sink.kafka;

import dev.nitelog.record.LogRecord;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkBatch;
import dev.nitelog.sink.SinkException;
import dev.nitelog.testing.KafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka sink's {@code sasl.*} keys against a real broker that takes only SASL/PLAIN: the
 * password comes from a file, and a wrong one is refused by the broker without being named.
 */
class KafkaSaslIT {
    private static final Map<String, String> QUICK = Map.of(
            "producer.delivery.timeout.ms", "6000",
            "producer.request.timeout.ms", "3000",
            "producer.max.block.ms", "3000");

    @TempDir
    static Path dir;

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.startSaslPlain(Map.of());
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private static Sink sink(String name, String topic, Path passwordFile) {
        Map<String, String> keys = new HashMap<>(QUICK);
        keys.putAll(Map.of("type", "kafka", "topic", topic,
                "producer.bootstrap.servers", broker.bootstrapServers(),
                "sasl.username", KafkaBroker.PLAIN_USER,
                "sasl.password-file", passwordFile.toString()));
        return dev.nitelog.testing.TestConfig.create(new KafkaSinkFactory(), name, keys);
    }

    @Test
    void deliversWithTheSaslPasswordReadFromAFile() throws Exception {
        broker.createTopic("sasl-file", 1);
        Path password = Files.writeString(dir.resolve("kafka-password"), KafkaBroker.PLAIN_PASSWORD + "\n");
        List<LogRecord> records = TestRecords.lines(List.of("job-sasl"), 0, 50);
        try (Sink sink = sink("sasl-file", "sasl-file", password)) {
            sink.write(new SinkBatch(records, (r, why) -> { }));
            sink.flush();
            assertTrue(sink.check().up(), sink.check().detail());
        }
        assertEquals(KafkaSinkIT.ids(broker.readAll("sasl-file")),
                records.stream().map(r -> r.id().hex()).toList());
    }

    @Test
    void aWrongPasswordInTheFileIsRefusedByTheBrokerAndNeverNamed() throws Exception {
        broker.createTopic("sasl-wrong", 1);
        String wrong = "wrong-" + KafkaBroker.PLAIN_PASSWORD + "-S3CRET";
        Path password = Files.writeString(dir.resolve("kafka-wrong-password"), wrong + "\n");
        try (Sink sink = sink("sasl-wrong", "sasl-wrong", password)) {
            SinkException e = assertThrows(SinkException.class, () -> sink.write(
                    new SinkBatch(TestRecords.lines(List.of("job-wrong"), 0, 5), (r, why) -> { })));
            assertFalse(e.getMessage().contains(wrong), e.getMessage());
            assertFalse(sink.check().up());
            assertFalse(sink.check().detail().contains(wrong), sink.check().detail());
        }
        assertTrue(broker.readAll("sasl-wrong").isEmpty());
    }
}
