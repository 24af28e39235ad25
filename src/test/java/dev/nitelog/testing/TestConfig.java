package dev.nitelog.testing;

import dev.nitelog.config.NitelogConfig;
import dev.nitelog.config.Options;
import dev.nitelog.config.SinkConfig;
import dev.nitelog.sink.Sink;
import dev.nitelog.sink.SinkFactory;
import dev.nitelog.sink.SinkRegistry;
import dev.nitelog.sink.elasticsearch.ElasticsearchSinkFactory;
import dev.nitelog.sink.file.FileSinkFactory;
import dev.nitelog.sink.http.HttpSinkFactory;
import dev.nitelog.sink.kafka.KafkaSinkFactory;
import dev.nitelog.sink.stdout.StdoutSinkFactory;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * nitelog's config mapping built from plain properties, with the converters Quarkus adds, for
 * tests that need a real {@link NitelogConfig} or {@link SinkConfig} without booting Quarkus, and
 * sinks' own options read as the registry reads them. Unknown keys are left to
 * {@code ConfigValidator}, as in the application.
 */
public final class TestConfig {
    /** Every adapter's factory, as CDI finds them in the application. */
    public static final List<SinkFactory<?>> FACTORIES = List.of(new StdoutSinkFactory(), new FileSinkFactory(),
            new KafkaSinkFactory(), new ElasticsearchSinkFactory(), new HttpSinkFactory());

    private TestConfig() {
    }

    /** The given sink types with their options types, for {@code ConfigValidator}. */
    public static Map<String, Class<?>> sinkTypes(String... types) {
        Map<String, Class<?>> out = new TreeMap<>();
        for (String type : types) {
            out.put(type, factory(type).optionsType());
        }
        return out;
    }

    /** The factory of a sink type. */
    public static SinkFactory<?> factory(String type) {
        return FACTORIES.stream().filter(f -> f.type().equals(type)).findFirst().orElseThrow();
    }

    /** Sink {@code name}'s own options of {@code type}, read from {@code config} as the registry reads them. */
    public static <O> O options(SmallRyeConfig config, String name, Class<O> type) {
        return Options.read(config, Options.sinkPrefix(name), type);
    }

    /** Sink {@code name} of {@code type} with these keys (without the prefix): its own options. */
    public static <O> O options(String name, String type, Class<O> optionsType, Map<String, String> keys) {
        return options(build(props(name, type, keys)), name, optionsType);
    }

    /** Builds sink {@code name} with {@code factory} from these keys (without the prefix), as the registry would. */
    public static <O> Sink create(SinkFactory<O> factory, String name, Map<String, String> keys) {
        return create(factory, name, build(props(name, factory.type(), keys)));
    }

    /** Builds sink {@code name} (configured in {@code config}) with {@code factory}, as the registry would. */
    public static <O> Sink create(SinkFactory<O> factory, String name, SmallRyeConfig config) {
        return SinkRegistry.create(factory, name, config.getConfigMapping(NitelogConfig.class).sinks().get(name), config);
    }

    private static Map<String, String> props(String name, String type, Map<String, String> keys) {
        Map<String, String> props = new HashMap<>(Map.of("nitelog.sinks." + name + ".type", type));
        keys.forEach((k, v) -> props.put("nitelog.sinks." + name + "." + k, v));
        return props;
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
        return build(props(name, type, keys)).getConfigMapping(NitelogConfig.class).sinks().get(name);
    }
}
