package dev.nitelog.bench.sinks;

import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkFactory;
import dev.nitelog.sink.SinkRegistry;
import io.smallrye.config.SmallRyeConfig;

import dev.nitelog.config.NitelogConfig;
import dev.nitelog.config.SinkConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A sink's config mapped from plain properties exactly as the application maps
 * {@code nitelog.sinks.<name>.*} (same mapping, same converters), without booting Quarkus; the
 * defaults (batch size, producer settings) are therefore the product's.
 */
final class SinkConfigs {
    private SinkConfigs() {
    }

    static SinkConfig sink(String name, String type, Map<String, String> keys) {
        return config(name, type, keys).getConfigMapping(NitelogConfig.class).sinks().get(name);
    }

    /** Builds sink {@code name} with {@code factory} from these keys, its options read as the registry reads them. */
    static <O> Sink create(SinkFactory<O> factory, String name, Map<String, String> keys) {
        SmallRyeConfig config = config(name, factory.type(), keys);
        return SinkRegistry.create(factory, name, config.getConfigMapping(NitelogConfig.class).sinks().get(name), config);
    }

    private static SmallRyeConfig config(String name, String type, Map<String, String> keys) {
        Map<String, String> props = new HashMap<>(Map.of("nitelog.sinks." + name + ".type", type));
        keys.forEach((k, v) -> props.put("nitelog.sinks." + name + "." + k, v));
        return new SmallRyeConfigBuilder()
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withConverter(Duration.class, 100, new DurationConverter())
                .withMapping(NitelogConfig.class)
                .withValidateUnknown(false)
                .withSources(new PropertiesConfigSource(props, "bench", 500))
                .build();
    }

    /** The default {@code nitelog.state.flush-interval}: how often SinkWorker flushes a sink. */
    static Duration defaultFlushInterval() {
        return new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 100, new DurationConverter())
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withMapping(NitelogConfig.class)
                .withValidateUnknown(false)
                .build()
                .getConfigMapping(NitelogConfig.class).state().flushInterval();
    }
}
