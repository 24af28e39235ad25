package dev.nitelog.sink;

import dev.nitelog.config.InvalidConfigException;
import dev.nitelog.config.NitelogConfig;
import dev.nitelog.config.Options;
import dev.nitelog.config.SinkConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Knows every sink type (one {@link SinkFactory} bean per adapter), reads each configured sink's
 * own options into its adapter's options type, and builds the configured sinks.
 */
@ApplicationScoped
public class SinkRegistry {
    /** The sink used when none is configured: JSON lines on stdout. */
    public static final String DEFAULT_SINK = "stdout";

    private final Map<String, SinkFactory<?>> factories = new TreeMap<>();

    public SinkRegistry(Instance<SinkFactory<?>> factories) {
        factories.forEach(factory -> this.factories.put(factory.type(), factory));
    }

    private String knownTypes() {
        return String.join(", ", factories.keySet());
    }

    /** Every type an adapter provides, with the interface of its own keys, for the config validator. */
    public Map<String, Class<?>> optionTypes() {
        Map<String, Class<?>> types = new TreeMap<>();
        factories.forEach((type, factory) -> types.put(type, factory.optionsType()));
        return types;
    }

    /**
     * Creates the configured sinks in name order, their options read from the application's config.
     *
     * @throws IllegalArgumentException naming the key, value and fix for an unknown type or a bad
     *                                  setting (or {@code InvalidConfigException}, for an option)
     */
    public Map<String, Sink> create(Map<String, SinkConfig> configs) {
        return create(configs, ConfigProvider.getConfig());
    }

    /** As {@link #create(Map)}, reading the sinks' options from {@code raw}. */
    public Map<String, Sink> create(Map<String, SinkConfig> configs, Config raw) {
        Map<String, Sink> sinks = new LinkedHashMap<>();
        for (Map.Entry<String, SinkConfig> entry : new TreeMap<>(configs).entrySet()) {
            sinks.put(entry.getKey(), create(entry.getKey(), entry.getValue(), raw));
        }
        return sinks;
    }

    private Sink create(String name, SinkConfig config, Config raw) {
        SinkFactory<?> factory = factories.get(config.type());
        if (factory == null) {
            throw new IllegalArgumentException("nitelog.sinks." + name + ".type=" + config.type()
                    + " is not a sink type: use one of " + knownTypes());
        }
        return create(factory, name, config, raw);
    }

    /**
     * Builds sink {@code name} with {@code factory}, its options read from {@code raw}.
     *
     * @throws IllegalArgumentException naming the key, value and fix of a bad setting, as a factory does
     */
    public static <O> Sink create(SinkFactory<O> factory, String name, SinkConfig config, Config raw) {
        O options;
        try {
            options = Options.read(raw, Options.sinkPrefix(name), factory.optionsType());
        } catch (InvalidConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return factory.create(name, config, options);
    }

    /** A one-line summary of the configured sinks, for the startup log. */
    public static String describe(NitelogConfig config) {
        return config.sinks().entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue().type() + ")")
                .collect(Collectors.joining(", "));
    }
}
