package dev.nitelog.sink;

import dev.nitelog.config.ConfigValidator;
import dev.nitelog.config.InvalidConfigException;
import dev.nitelog.config.NitelogConfig;
import dev.nitelog.sink.file.FileSinkOptions;
import dev.nitelog.sink.kafka.KafkaSinkOptions;
import dev.nitelog.testing.TestConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.source.yaml.YamlConfigSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Each adapter owns its keys: a key of another sink type is an error naming the key, the sink's
 * type and what it takes; a value of the wrong form names the key, the value and the fix.
 */
class SinkOptionsTest {
    private static final ConfigValidator VALIDATOR = new ConfigValidator(TestConfig.sinkTypes(
            TestConfig.FACTORIES.stream().map(SinkFactory::type).toArray(String[]::new)));

    static SmallRyeConfig yaml(String... lines) {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(NitelogConfig.class)
                .withValidateUnknown(false)
                .withSources(new YamlConfigSource("nitelog.yaml", String.join("\n", lines) + "\n"))
                .build();
    }

    static String problem(SmallRyeConfig config) {
        return assertThrows(InvalidConfigException.class,
                () -> VALIDATOR.validate(config.getConfigMapping(NitelogConfig.class), config)).getMessage();
    }

    @Test
    void rejectsAKeyOfAnotherSinkTypeNamingTheKeyTheTypeAndWhatItTakes() {
        String message = problem(yaml("nitelog:", "  sinks:", "    logs:", "      type: file",
                "      path: /tmp/{job}.log", "      topic: logs"));
        assertEquals("nitelog.sinks.logs.topic (in nitelog.yaml): not an option of sink type file, only of kafka"
                + " (file takes compress, format, fsync, max-files, max-open-files, max-size, path besides those"
                + " every sink has): remove it, or set nitelog.sinks.logs.type if the sink is meant to be of another"
                + " type", message);
        // a key of a group another type has: tls.* on a file sink
        String tls = problem(yaml("nitelog:", "  sinks:", "    logs:", "      type: stdout", "      tls:",
                "        ca-file: /ca.pem"));
        assertEquals("nitelog.sinks.logs.tls.ca-file (in nitelog.yaml): not an option of sink type stdout, only of"
                + " elasticsearch, http or kafka", tls.substring(0, tls.indexOf(" (stdout takes")));
        // format was read by stdout and file only, and silently ignored elsewhere
        String format = problem(yaml("nitelog:", "  sinks:", "    bus:", "      type: kafka", "      format: text"));
        assertEquals("nitelog.sinks.bus.format (in nitelog.yaml): not an option of sink type kafka, only of file, http"
                + " or stdout", format.substring(0, format.indexOf(" (kafka takes")));
    }

    @Test
    void rejectsAValueOfTheWrongFormNamingKeyValueAndFix() {
        assertEquals("nitelog.sinks.logs.max-files=abc is not a whole number up to 2147483647: use e.g. 10",
                problem(yaml("nitelog:", "  sinks:", "    logs:", "      type: file", "      path: /tmp/x.log",
                        "      max-files: abc")));
        assertEquals("nitelog.sinks.logs.fsync=sometimes is not one of always, interval, never: use one of them",
                problem(yaml("nitelog:", "  sinks:", "    logs:", "      type: file", "      path: /tmp/x.log",
                        "      fsync: sometimes")));
        assertEquals("nitelog.sinks.logs.max-size=0 is too small: use at least 1K",
                problem(yaml("nitelog:", "  sinks:", "    logs:", "      type: file", "      max-size: 0")));
        assertEquals("nitelog.sinks.bus.topic=[1, 2] is a list: topic takes one value, e.g. topic: bytenite-logs;"
                        + " write it without [ ] or -",
                problem(yaml("nitelog:", "  sinks:", "    bus:", "      type: kafka", "      topic: [1, 2]")));
    }

    @Test
    void readsEachTypesOwnKeysWithTheirDefaults() {
        SmallRyeConfig config = yaml("nitelog:", "  sinks:", "    logs:", "      type: file", "      path: /tmp/x.log",
                "      format: text", "    bus:", "      type: kafka", "      topic: t-{job}",
                "      producer:", "        bootstrap.servers: k:9092");
        assertDoesNotThrow(() -> VALIDATOR.validate(config.getConfigMapping(NitelogConfig.class), config));
        FileSinkOptions file = TestConfig.options(config, "logs", FileSinkOptions.class);
        assertEquals(dev.nitelog.config.OutputFormat.TEXT, file.format());
        assertEquals(10, file.maxFiles());
        KafkaSinkOptions kafka = TestConfig.options(config, "bus", KafkaSinkOptions.class);
        assertEquals("t-{job}", kafka.topic());
        assertEquals(Map.of("bootstrap.servers", "k:9092"), kafka.producer());
        assertEquals("FileSinkOptions[nitelog.sinks.logs]", file.toString()); // never the values: they may be secrets
    }
}
