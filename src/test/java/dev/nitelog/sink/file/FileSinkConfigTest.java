package dev.nitelog.sink.file;

import dev.nitelog.config.ConfigValidator;
import dev.nitelog.config.NitelogConfig;
import dev.nitelog.config.SinkConfig;
import dev.nitelog.testing.TestConfig;
import io.smallrye.config.SmallRyeConfig;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileSinkConfigTest {

    static SmallRyeConfig config(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>(Map.of("nitelog.sinks.console.type", "stdout"));
        props.putAll(overrides);
        return TestConfig.build(props);
    }

    /** A real mapped sink config, as the application would get it. */
    static SinkConfig sink(Map<String, String> keys) {
        return TestConfig.sink("archive", "file", keys);
    }

    /** The file sink's own options, read as the registry reads them. */
    static FileSinkOptions options(Map<String, String> keys) {
        return TestConfig.options("archive", "file", FileSinkOptions.class, keys);
    }

    @Test
    void readsFileKeysDirectlyUnderTheSink() {
        FileSinkOptions sink = options(Map.of("path", "/tmp/x/{job}.log", "max-size", "10M", "max-files", "3",
                "compress", "true", "fsync", "always", "max-open-files", "4"));
        assertEquals(Optional.of("/tmp/x/{job}.log"), sink.path());
        assertEquals(10L << 20, sink.maxSize().asLongValue());
        assertEquals(3, sink.maxFiles());
        assertTrue(sink.compress());
        assertEquals(FsyncPolicy.ALWAYS, sink.fsync());
        assertEquals(4, sink.maxOpenFiles());
    }

    @Test
    void defaultsApplyToUnsetKeys() {
        FileSinkOptions console = options(Map.of());
        assertEquals(Optional.empty(), console.path());
        assertEquals(100L << 20, console.maxSize().asLongValue());
        assertEquals(10, console.maxFiles());
        assertFalse(console.compress());
        assertEquals(FsyncPolicy.INTERVAL, console.fsync());
        assertEquals(256, console.maxOpenFiles());
    }

    @Test
    void validatorKnowsTheFileKeys() {
        SmallRyeConfig config = config(Map.of("nitelog.sinks.archive.type", "file",
                "nitelog.sinks.archive.path", "/tmp/{job}.log", "nitelog.sinks.archive.max-open-files", "8"));
        ConfigValidator validator = new ConfigValidator(TestConfig.sinkTypes("stdout", "file"));
        assertDoesNotThrow(() -> validator.validate(config.getConfigMapping(NitelogConfig.class), config));
    }

    @Test
    void factoryRequiresAPathAndRejectsBadSettings() {
        FileSinkFactory factory = new FileSinkFactory();
        assertEquals("nitelog.sinks.archive.path is required for a file sink: set e.g. /var/log/nitelog/{job}.log",
                assertThrows(IllegalArgumentException.class, () -> TestConfig.create(factory, "archive", Map.of()))
                        .getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TestConfig.create(factory, "archive",
                Map.of("path", "/tmp/a/../b/{job}.log"))).getMessage().startsWith("nitelog.sinks.archive.path="));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TestConfig.create(factory, "archive",
                Map.of("path", "/tmp/a/{job}.log", "max-open-files", "0"))).getMessage()
                .startsWith("nitelog.sinks.archive.max-open-files=0"));
    }
}
