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

    /** The Kafka sink {@code events}' own options, read as the registry reads them. */
    static KafkaSinkOptions kafka(Map<String, String> props) {
        return dev.nitelog.testing.TestConfig.options(config(props), "events", KafkaSinkOptions.class);
    }

    static io.smallrye.config.SmallRyeConfig config(Map<String, String> props) {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors() // as Quarkus does: ${...} expressions expand
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(NitelogConfig.class)
                .withValidateUnknown(false)
                .withSources(new PropertiesConfigSource(props, "test", 500))
                .build();
    }

    @Test
    void takesASecretInAProducerPropertyFromAnExpression() {
        KafkaSinkOptions config = kafka(Map.of("nitelog.sinks.events.type", "kafka",
                "nitelog.sinks.events.producer.bootstrap.servers", "localhost:9092",
                "nitelog.sinks.events.producer.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required password=\"${KAFKA_PASSWORD}\";",
                "KAFKA_PASSWORD", "pw"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required password=\"pw\";",
                config.producer().get("sasl.jaas.config"));
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
        KafkaSinkOptions events = dev.nitelog.testing.TestConfig.options(config, "events", KafkaSinkOptions.class);
        assertEquals("logs-{service}", events.topic());
        assertEquals(KafkaSinkOptions.Key.RECORD, events.key());
        assertEquals(Map.of("bootstrap.servers", "k0:9092,k1:9092", "security.protocol", "SASL_SSL",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"nitelog\" password=\"pw\";"), events.producer());
        new dev.nitelog.config.ConfigValidator(dev.nitelog.testing.TestConfig.sinkTypes("kafka"))
                .validate(config.getConfigMapping(NitelogConfig.class), config);
    }

    @Test
    void factoryBuildsTheSinkFromTheMappingAndNamesABadTopicKey() {
        try (Sink sink = dev.nitelog.testing.TestConfig.create(new KafkaSinkFactory(), "events", config(Map.of("nitelog.sinks.events.type", "kafka",
                "nitelog.sinks.events.producer.bootstrap.servers", "localhost:1")))) {
            assertEquals("events", sink.name());
            assertTrue(sink.toString().contains("bytenite-logs at localhost:1"), sink.toString());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dev.nitelog.testing.TestConfig
                .create(new KafkaSinkFactory(), "events", config(Map.of("nitelog.sinks.events.type", "kafka", "nitelog.sinks.events.topic", "a b",
                        "nitelog.sinks.events.producer.bootstrap.servers", "localhost:1"))));
        assertTrue(e.getMessage().startsWith("nitelog.sinks.events.topic=a b is not a valid Kafka topic"), e.getMessage());
    }

    @Test
    void turnsSaslAndPemTlsKeysIntoProducerPropertiesWithThePasswordFromItsFile(@org.junit.jupiter.api.io.TempDir
                                                                                  java.nio.file.Path dir) throws Exception {
        java.security.KeyPair pair = java.security.KeyPairGenerator.getInstance("EC").generateKeyPair();
        java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("client.key"), "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        java.nio.file.Path password = java.nio.file.Files.writeString(dir.resolve("password"), "p\"w\\d\n");
        Map<String, String> props = new java.util.HashMap<>(Map.of("nitelog.sinks.events.type", "kafka",
                "nitelog.sinks.events.producer.bootstrap.servers", "localhost:9093",
                "nitelog.sinks.events.sasl.mechanism", "scram-sha-512",
                "nitelog.sinks.events.sasl.username", "nitelog",
                "nitelog.sinks.events.sasl.password-file", password.toString(),
                "nitelog.sinks.events.tls.ca-file", "/etc/ca.pem",
                "nitelog.sinks.events.tls.verify", "false"));
        // a CA file that is missing is named at startup, not at the first connection
        IllegalArgumentException noCa = assertThrows(IllegalArgumentException.class, () -> KafkaSecurity.producerProps(
                "events", kafka(props), Map.of()));
        assertTrue(noCa.getMessage().startsWith("nitelog.sinks.events.tls.ca-file=/etc/ca.pem cannot be read"),
                noCa.getMessage());

        props.remove("nitelog.sinks.events.tls.ca-file");
        props.put("nitelog.sinks.events.tls.truststore-file", "/etc/trust.p12");
        props.put("nitelog.sinks.events.tls.truststore-password-file", password.toString());
        Map<String, String> out = KafkaSecurity.producerProps("events", kafka(props), Map.of());
        assertEquals("SCRAM-SHA-512", out.get("sasl.mechanism"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"nitelog\""
                + " password=\"p\\\"w\\\\d\";", out.get("sasl.jaas.config"));
        assertEquals("SASL_SSL", out.get("security.protocol"));
        assertEquals("PKCS12", out.get("ssl.truststore.type"));
        assertEquals("p\"w\\d", out.get("ssl.truststore.password"));
        assertEquals("", out.get("ssl.endpoint.identification.algorithm"));

        props.put("nitelog.sinks.events.tls.certificate-file", key.toString()); // not a certificate
        props.put("nitelog.sinks.events.tls.key-file", key.toString());
        IllegalArgumentException noCert = assertThrows(IllegalArgumentException.class, () -> KafkaSecurity.producerProps(
                "events", kafka(props), Map.of()));
        assertTrue(noCert.getMessage().startsWith("nitelog.sinks.events.tls.certificate-file=" + key), noCert.getMessage());

        props.remove("nitelog.sinks.events.tls.certificate-file");
        props.remove("nitelog.sinks.events.tls.key-file");
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> KafkaSecurity.producerProps(
                "events", kafka(props), Map.of("sasl.jaas.config", "x required;")));
        assertEquals("nitelog.sinks.events.producer.sasl.jaas.config is set, and so is what nitelog derives it from"
                + " (nitelog.sinks.events.sasl.*): configure it in one place, under nitelog.sinks.events.sasl or"
                + " producer.*", twice.getMessage());
        assertEquals("SASL_PLAINTEXT", KafkaSecurity.producerProps("events", kafka(Map.of("nitelog.sinks.events.type",
                "kafka", "nitelog.sinks.events.sasl.username", "u", "nitelog.sinks.events.sasl.password", "p")),
                Map.of()).get("security.protocol"));
    }
}
