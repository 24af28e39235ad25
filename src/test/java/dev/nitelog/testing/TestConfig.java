package dev.nitelog.testing;

import dev.nitelog.config.NitelogConfig;
import dev.nitelog.config.SinkConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * nitelog's config mapping built from plain properties, with the converters Quarkus adds, for
 * tests that need a real {@link NitelogConfig} or {@link SinkConfig} without booting Quarkus.
 * Unknown keys are left to {@code ConfigValidator}, as in the application.
 */
public final class TestConfig {
    private TestConfig() {
    }

    public static SmallRyeConfig build(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(NitelogConfig.class)
                .withValidateUnknown(false)
                .withSources(new PropertiesConfigSource(properties, "test", 500))
                .build();
    }

    /** The sink {@code name} of {@code type}, mapped from its keys ({@code nitelog.sinks.<name>.<key>}). */
    public static SinkConfig sink(String name, String type, Map<String, String> keys) {
        Map<String, String> props = new HashMap<>(Map.of("nitelog.sinks." + name + ".type", type));
        keys.forEach((k, v) -> props.put("nitelog.sinks." + name + "." + k, v));
        return build(props).getConfigMapping(NitelogConfig.class).sinks().get(name);
    }
}
