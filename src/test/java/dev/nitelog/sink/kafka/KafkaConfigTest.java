package dev.nitelog.sink.kafka;

import dev.nitelog.config.NitelogConfig;
import dev.nitelog.config.SinkConfig;
import dev.nitelog.sink.Sink;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaConfigTest {

    static SinkConfig sink(Map<String, String> props) {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors() // as Quarkus does: ${...} expressions expand
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(NitelogConfig.class)
                .withValidateUnknown(false)
                .withSources(new PropertiesConfigSource(props, "test", 500))
                .build().getConfigMapping(NitelogConfig.class).sinks().get("events");
    }

    @Test
    void takesASecretInAProducerPropertyFromAnExpression() {
        SinkConfig config = sink(Map.of("nitelog.sinks.events.type", "kafka",
                "nitelog.sinks.events.producer.bootstrap.servers", "localhost:9092",
                "nitelog.sinks.events.producer.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required password=\"${KAFKA_PASSWORD}\";",
                "KAFKA_PASSWORD", "pw"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required password=\"pw\";",
                config.kafka().producer().get("sasl.jaas.config"));
    }

    @Test
    void readsDottedProducerPropertiesFromYaml() throws Exception {
        String yaml = String.join("\n",
                "nitelog:",
                "  sinks:",
                "    events:",
                "      type: kafka",
                "      topic: logs-{service}",
                "      key: record",
                "      producer:",
                "        bootstrap.servers: k0:9092,k1:9092",
                "        security.protocol: SASL_SSL",
                "        sasl.jaas.config: >-",
                "          org.apache.kafka.common.security.scram.ScramLoginModule required",
                "          username=\"nitelog\" password=\"pw\";",
                "");
        io.smallrye.config.SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(NitelogConfig.class)
                .withValidateUnknown(false)
                .withSources(new io.smallrye.config.source.yaml.YamlConfigSource("test.yaml", yaml))
                .build();
        SinkConfig events = config.getConfigMapping(NitelogConfig.class).sinks().get("events");
        assertEquals("logs-{service}", events.kafka().topic());
        assertEquals(dev.nitelog.config.KafkaSinkOptions.Key.RECORD, events.kafka().key());
        assertEquals(Map.of("bootstrap.servers", "k0:9092,k1:9092", "security.protocol", "SASL_SSL",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"nitelog\" password=\"pw\";"), events.kafka().producer());
        new dev.nitelog.config.ConfigValidator(java.util.Set.of("kafka"))
                .validate(config.getConfigMapping(NitelogConfig.class), config);
    }

    @Test
    void factoryBuildsTheSinkFromTheMappingAndNamesABadTopicKey() {
        try (Sink sink = new KafkaSinkFactory().create("events", sink(Map.of("nitelog.sinks.events.type", "kafka",
                "nitelog.sinks.events.producer.bootstrap.servers", "localhost:1")))) {
            assertEquals("events", sink.name());
            assertTrue(sink.toString().contains("bytenite-logs at localhost:1"), sink.toString());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KafkaSinkFactory()
                .create("events", sink(Map.of("nitelog.sinks.events.type", "kafka", "nitelog.sinks.events.topic", "a b",
                        "nitelog.sinks.events.producer.bootstrap.servers", "localhost:1"))));
        assertTrue(e.getMessage().startsWith("nitelog.sinks.events.topic=a b is not a valid Kafka topic"), e.getMessage());
    }
}
