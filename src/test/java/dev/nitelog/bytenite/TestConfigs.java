package dev.nitelog.bytenite;

import dev.nitelog.config.NitelogConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.time.Duration;
import java.util.Map;

/** Builds the real config mapping (defaults and all) from a few properties, without booting Quarkus. */
final class TestConfigs {
    private TestConfigs() {
    }

    static NitelogConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(NitelogConfig.class)
                // Quarkus registers these in a real boot: "30s", "500ms", "64M"
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
        return config.getConfigMapping(NitelogConfig.class);
    }
}
