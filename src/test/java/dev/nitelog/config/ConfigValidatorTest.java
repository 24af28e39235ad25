package dev.nitelog.config;

import dev.nitelog.sink.elasticsearch.ElasticsearchSinkOptions;
import dev.nitelog.sink.kafka.KafkaSinkOptions;
import dev.nitelog.testing.TestConfig;
import io.smallrye.config.SmallRyeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConfigValidatorTest {
    private static final ConfigValidator VALIDATOR = new ConfigValidator(TestConfig.sinkTypes("stdout", "file", "kafka",
            "elasticsearch"));

    static SmallRyeConfig config(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>(Map.of("nitelog.sinks.console.type", "stdout"));
        props.putAll(overrides);
        return TestConfig.build(props);
    }

    static String problem(Map<String, String> props) {
        return problem(VALIDATOR, props);
    }

    static String problem(ConfigValidator validator, Map<String, String> props) {
        SmallRyeConfig config = config(props);
        return assertThrows(InvalidConfigException.class,
                () -> validator.validate(config.getConfigMapping(NitelogConfig.class), config)).getMessage();
    }

    @Test
    void acceptsTheDefaultsAndEveryDocumentedKind() {
        SmallRyeConfig config = config(Map.of(
                "nitelog.jobs.ids[0]", "a", "nitelog.jobs.levels", "ERROR,WARN",
                "nitelog.sinks.archive.type", "file", "nitelog.sinks.archive.batch-size", "10",
                "nitelog.sinks.archive.levels[0]", "ERROR"));
        assertDoesNotThrow(() -> VALIDATOR.validate(config.getConfigMapping(NitelogConfig.class), config));
    }

    @Test
    void rejectsAnUnknownKeyNamingIt() {
        assertEquals("unknown key nitelog.jobs.poll-intervall (in test): check its spelling against the configuration"
                + " reference in README.md, or remove it", problem(Map.of("nitelog.jobs.poll-intervall", "5s")));
        assertEquals("unknown key nitelog.sinks.console.colour (in test): check its spelling against the configuration"
                + " reference in README.md, or remove it", problem(Map.of("nitelog.sinks.console.colour", "red")));
    }

    @Test
    void boundsTheDeadLetterLimitAndAcceptsItAsAKnownKey() {
        assertEquals("nitelog.dead-letter.max-bytes=1K is too small: use at least 64K",
                problem(Map.of("nitelog.dead-letter.max-bytes", "1K")));
        assertEquals("nitelog.dead-letter.max-bytes=2T is too large: use at most 1T",
                problem(Map.of("nitelog.dead-letter.max-bytes", "2T")));
        SmallRyeConfig config = config(Map.of("nitelog.dead-letter.max-bytes", "256M"));
        assertDoesNotThrow(() -> VALIDATOR.validate(config.getConfigMapping(NitelogConfig.class), config));
        assertEquals(256L << 20, config.getConfigMapping(NitelogConfig.class).deadLetter().maxBytes().asLongValue());
        assertEquals(1L << 30, config(Map.of()).getConfigMapping(NitelogConfig.class).deadLetter().maxBytes().asLongValue());
    }

    @Test
    void rejectsAnUnknownSinkTypeListingTheKnownOnes() {
        assertEquals("nitelog.sinks.console.type=stdot is not a sink type: use one of file, kafka, stdout",
                problem(new ConfigValidator(TestConfig.sinkTypes("stdout", "file", "kafka")),
                        Map.of("nitelog.sinks.console.type", "stdot")));
    }

    @Test
    void rejectsOutOfRangeValuesWithTheFix() {
        assertEquals("nitelog.jobs.poll-interval=10ms is too short: use at least 100ms",
                problem(Map.of("nitelog.jobs.poll-interval", "10ms")));
        assertEquals("nitelog.jobs.max-concurrent-polls=0 is out of range: use a value from 1 to 1024",
                problem(Map.of("nitelog.jobs.max-concurrent-polls", "0")));
        assertEquals("nitelog.jobs.drain-polls=-1 is out of range: use a value from 0 to 100",
                problem(Map.of("nitelog.jobs.drain-polls", "-1")));
    }

    @Test
    void rejectsDurationsAndSizesTooLargeToUseNamingTheValueAsWritten() {
        assertEquals("nitelog.jobs.poll-interval=9999999999d is too long: use at most 3600s",
                problem(Map.of("nitelog.jobs.poll-interval", "9999999999d")));
        assertEquals("nitelog.sinks.console.queue-bytes=99999999999999999999 is too large: use at most 64G",
                problem(Map.of("nitelog.sinks.console.queue-bytes", "99999999999999999999")));
        assertEquals("nitelog.bytenite.circuit-breaker-window=0 is out of range: use a value from 1 to 10000",
                problem(Map.of("nitelog.bytenite.circuit-breaker-window", "0")));
    }

    @Test
    void rejectsACustomApiWithoutAKeyAndNothingToFollow() {
        assertEquals("nitelog.bytenite.api-key is not set but nitelog.bytenite.api-url=https://example.test/v1/customer"
                        + " is: set NITELOG_BYTENITE_API_KEY or nitelog.bytenite.api-key-file (without a key and api-url,"
                        + " nitelog runs its demo)",
                problem(Map.of("nitelog.bytenite.api-url", "https://example.test/v1/customer")));
        assertEquals("nitelog.jobs.discover=false and nitelog.jobs.ids is empty, so there is nothing to follow:"
                        + " list job ids in nitelog.jobs.ids or set nitelog.jobs.discover=true",
                problem(Map.of("nitelog.jobs.discover", "false")));
        assertEquals("nitelog.bytenite.api-url=ftp://x is not an http(s) URL: use e.g. https://api.bytenite.com/v1/customer",
                problem(Map.of("nitelog.bytenite.api-url", "ftp://x", "nitelog.bytenite.api-key", "k")));
    }

    @Test
    void acceptsKafkaKeysAndFreeFormProducerPropertiesRightUnderTheSink() {
        SmallRyeConfig config = config(Map.of(
                "nitelog.sinks.events.type", "kafka",
                "nitelog.sinks.events.topic", "logs-{job}",
                "nitelog.sinks.events.key", "task",
                "nitelog.sinks.events.producer.bootstrap.servers", "k1:9092,k2:9092",
                "nitelog.sinks.events.producer.sasl.jaas.config", "x required;"));
        NitelogConfig mapped = config.getConfigMapping(NitelogConfig.class);
        assertDoesNotThrow(() -> VALIDATOR.validate(mapped, config));
        KafkaSinkOptions kafka = TestConfig.options(config, "events", KafkaSinkOptions.class);
        assertEquals("logs-{job}", kafka.topic());
        assertEquals(KafkaSinkOptions.Key.TASK, kafka.key());
        assertEquals(Map.of("bootstrap.servers", "k1:9092,k2:9092", "sasl.jaas.config", "x required;"), kafka.producer());
        KafkaSinkOptions console = TestConfig.options(config, "console", KafkaSinkOptions.class); // the defaults
        assertEquals("bytenite-logs", console.topic());
        assertEquals(KafkaSinkOptions.Key.JOB, console.key());
        assertEquals(Map.of(), console.producer());
        assertEquals("unknown key nitelog.sinks.events.producr.acks (in test): check its spelling against the configuration"
                + " reference in README.md, or remove it", problem(Map.of("nitelog.sinks.events.type", "kafka",
                "nitelog.sinks.events.producr.acks", "all")));
    }

    @Test
    void flattensElasticsearchKeysDirectlyUnderANamedSink() {
        SmallRyeConfig config = config(Map.of(
                "nitelog.sinks.search.type", "elasticsearch",
                "nitelog.sinks.search.urls", "https://a:9200,https://b:9200",
                "nitelog.sinks.search.data-stream", "logs-bytenite-default",
                "nitelog.sinks.search.api-key", "k",
                "nitelog.sinks.search.tls.verify", "false",
                "nitelog.sinks.search.max-bulk-bytes", "1M"));
        NitelogConfig mapped = config.getConfigMapping(NitelogConfig.class);
        assertDoesNotThrow(() -> new ConfigValidator(TestConfig.sinkTypes("stdout", "elasticsearch")).validate(mapped, config));
        ElasticsearchSinkOptions es = TestConfig.options(config, "search", ElasticsearchSinkOptions.class);
        assertEquals(java.util.List.of("https://a:9200", "https://b:9200"), es.urls().orElseThrow());
        assertEquals("logs-bytenite-default", es.dataStream().orElseThrow());
        assertEquals(false, es.tls().verify());
        assertEquals(1024 * 1024, es.maxBulkBytes().asLongValue());
        assertEquals("bytenite-logs-{yyyy.MM.dd}", es.index());
        assertEquals(5, TestConfig.options(config, "console", ElasticsearchSinkOptions.class).maxItemRetries()); // defaults
        assertEquals("unknown key nitelog.sinks.search.tls.verfy (in test): check its spelling against the configuration"
                + " reference in README.md, or remove it", problem(Map.of("nitelog.sinks.search.type", "stdout",
                "nitelog.sinks.search.tls.verfy", "false")));
    }

    @Test
    void rejectsASecretSetBothAsValueAndAsFileNamingBothKeys() {
        assertEquals("nitelog.bytenite.api-key and nitelog.bytenite.api-key-file are both set: keep only one of them"
                        + " (nitelog.bytenite.api-key-file to read the secret from a mounted file)",
                problem(Map.of("nitelog.bytenite.api-key", "k", "nitelog.bytenite.api-key-file", "/run/key")));
        assertEquals("nitelog.sinks.search.password and nitelog.sinks.search.password-file are both set: keep only one"
                        + " of them (nitelog.sinks.search.password-file to read the secret from a mounted file)",
                problem(Map.of("nitelog.sinks.search.type", "elasticsearch", "nitelog.sinks.search.password", "p",
                        "nitelog.sinks.search.password-file", "/run/p")));
        for (String key : new String[]{"api-key", "bearer-token", "sasl.password", "tls.keystore-password",
                "tls.truststore-password"}) {
            String type = key.startsWith("api-key") || key.startsWith("bearer-token") ? "elasticsearch" : "kafka";
            String message = problem(Map.of("nitelog.sinks.bus.type", type, "nitelog.sinks.bus." + key, "x",
                    "nitelog.sinks.bus." + key + "-file", "/run/x"));
            assertEquals("nitelog.sinks.bus." + key + " and nitelog.sinks.bus." + key + "-file are both set",
                    message.substring(0, message.indexOf(':')));
        }
    }

    @Test
    void rejectsASecretFileThatCannotBeReadNamingKeyPathAndFix(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing");
        assertEquals("nitelog.sinks.bus.sasl.password-file=" + missing + " cannot be read (NoSuchFileException):"
                        + " mount the secret file there, make it readable by nitelog's user, or fix the path",
                problem(Map.of("nitelog.sinks.bus.type", "kafka", "nitelog.sinks.bus.sasl.password-file", missing.toString())));
        assertEquals("nitelog.bytenite.api-key-file=" + missing + " cannot be read (NoSuchFileException):"
                        + " mount the secret file there, make it readable by nitelog's user, or fix the path",
                problem(Map.of("nitelog.bytenite.api-key-file", missing.toString())));
        assertEquals("nitelog.sinks.search.tls.keystore-password-file=" + dir + " cannot be read (IOException):"
                        + " mount the secret file there, make it readable by nitelog's user, or fix the path",
                problem(Map.of("nitelog.sinks.search.type", "elasticsearch",
                        "nitelog.sinks.search.tls.keystore-password-file", dir.toString())));
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertEquals("nitelog.sinks.search.api-key-file=" + empty + " is empty: write the secret into it",
                problem(Map.of("nitelog.sinks.search.type", "elasticsearch", "nitelog.sinks.search.api-key-file", empty.toString())));
    }

    @Test
    void readsASecretFileWithoutItsTrailingNewline(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("password"), " pass word\r\n");
        assertEquals(java.util.Optional.of(" pass word"), Secrets.resolve("k", java.util.Optional.empty(),
                java.util.Optional.of(file.toString())));
        assertEquals(java.util.Optional.of("v"), Secrets.resolve("k", java.util.Optional.of("v"), java.util.Optional.empty()));
        SmallRyeConfig config = config(Map.of("nitelog.sinks.bus.type", "kafka",
                "nitelog.sinks.bus.sasl.username", "nitelog", "nitelog.sinks.bus.sasl.password-file", file.toString()));
        assertDoesNotThrow(() -> VALIDATOR.validate(config.getConfigMapping(NitelogConfig.class), config));
    }

    @Test
    void rejectsPemAndPkcs12FormsOfTheSameTlsMaterial() {
        assertEquals("nitelog.sinks.bus.tls.ca-file and nitelog.sinks.bus.tls.truststore-file are both set: trust either"
                        + " a PEM CA file or a PKCS12 trust store, keep only one",
                problem(Map.of("nitelog.sinks.bus.type", "kafka", "nitelog.sinks.bus.tls.ca-file", "/ca.pem",
                        "nitelog.sinks.bus.tls.truststore-file", "/trust.p12")));
        assertEquals("nitelog.sinks.bus.tls.certificate-file/nitelog.sinks.bus.tls.key-file and"
                        + " nitelog.sinks.bus.tls.keystore-file are both set: give the client certificate either as PEM"
                        + " or as PKCS12, keep only one",
                problem(Map.of("nitelog.sinks.bus.type", "kafka", "nitelog.sinks.bus.tls.certificate-file", "/c.pem",
                        "nitelog.sinks.bus.tls.key-file", "/k.pem", "nitelog.sinks.bus.tls.keystore-file", "/c.p12")));
        assertEquals("nitelog.sinks.bus.tls.certificate-file and nitelog.sinks.bus.tls.key-file go together: set both"
                        + " (the PEM certificate chain and its private key) or neither",
                problem(Map.of("nitelog.sinks.bus.type", "kafka", "nitelog.sinks.bus.tls.certificate-file", "/c.pem")));
    }
}
