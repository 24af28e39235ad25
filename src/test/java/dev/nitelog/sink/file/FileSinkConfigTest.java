package dev.nitelog.sink.file;

import dev.nitelog.config.ConfigValidator;
import dev.nitelog.config.FsyncPolicy;
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
        Map<String, String> props = new HashMap<>(Map.of("nitelog.sinks.archive.type", "file"));
        keys.forEach((k, v) -> props.put("nitelog.sinks.archive." + k, v));
        return config(props).getConfigMapping(NitelogConfig.class).sinks().get("archive");
    }

    @Test
    void readsFileKeysDirectlyUnderTheSink() {
        SinkConfig sink = sink(Map.of("path", "/tmp/x/{job}.log", "max-size", "10M", "max-files", "3",
                "compress", "true", "fsync", "always", "max-open-files", "4"));
        assertEquals(Optional.of("/tmp/x/{job}.log"), sink.file().path());
        assertEquals(10L << 20, sink.file().maxSize().asLongValue());
        assertEquals(3, sink.file().maxFiles());
        assertTrue(sink.file().compress());
        assertEquals(FsyncPolicy.ALWAYS, sink.file().fsync());
        assertEquals(4, sink.file().maxOpenFiles());
    }

    @Test
    void defaultsLetOtherSinkTypesResolve() {
        SinkConfig console = config(Map.of()).getConfigMapping(NitelogConfig.class).sinks().get("console");
        assertEquals(Optional.empty(), console.file().path());
        assertEquals(100L << 20, console.file().maxSize().asLongValue());
        assertEquals(10, console.file().maxFiles());
        assertFalse(console.file().compress());
        assertEquals(FsyncPolicy.INTERVAL, console.file().fsync());
        assertEquals(256, console.file().maxOpenFiles());
    }

    @Test
    void validatorKnowsTheFileKeys() {
        SmallRyeConfig config = config(Map.of("nitelog.sinks.archive.type", "file",
                "nitelog.sinks.archive.path", "/tmp/{job}.log", "nitelog.sinks.archive.max-open-files", "8"));
        ConfigValidator validator = new ConfigValidator(Set.of("stdout", "file"));
        assertDoesNotThrow(() -> validator.validate(config.getConfigMapping(NitelogConfig.class), config));
    }

    @Test
    void factoryRequiresAPathAndRejectsBadSettings() {
        FileSinkFactory factory = new FileSinkFactory();
        assertEquals("nitelog.sinks.archive.path is required for a file sink: set e.g. /var/log/nitelog/{job}.log",
                assertThrows(IllegalArgumentException.class, () -> factory.create("archive", sink(Map.of()))).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> factory.create("archive",
                sink(Map.of("path", "/tmp/a/../b/{job}.log")))).getMessage().startsWith("nitelog.sinks.archive.path="));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> factory.create("archive",
                sink(Map.of("path", "/tmp/a/{job}.log", "max-open-files", "0")))).getMessage()
                .startsWith("nitelog.sinks.archive.max-open-files=0"));
    }
}
